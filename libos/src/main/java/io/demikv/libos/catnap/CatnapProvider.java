package io.demikv.libos.catnap;

import io.demikv.libos.LibOS;
import io.demikv.libos.LibOsOptions;
import io.demikv.libos.LibOsProvider;
import io.demikv.libos.memory.BufferPool;

/**
 * Makes {@link Catnap} for {@link io.demikv.libos.LibOsFactory} under the name {@code catnap}. Catnap needs
 * no configuration beyond the wait policy (it binds to whatever addresses the application asks for); the
 * MSS/MTU options are the kernel's business and ignored. Start-up thread only.
 */
public final class CatnapProvider implements LibOsProvider {
    @Override
    public String name() {
        return "catnap";
    }

    @Override
    public LibOS create(LibOsOptions options) {
        return new Catnap(options.waitPolicy(), new BufferPool());
    }
}
