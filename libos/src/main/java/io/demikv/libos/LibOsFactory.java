package io.demikv.libos;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Creates a libOS by name: {@code memory} (built in) or any {@link LibOsProvider} on the class path
 * ({@code catnap} ships with this module). Start-up thread only.
 */
public final class LibOsFactory {
    private LibOsFactory() {
    }

    /** The names that can be created here. */
    public static List<String> available() {
        List<String> names = new ArrayList<>();
        names.add("memory");
        for (LibOsProvider p : ServiceLoader.load(LibOsProvider.class)) {
            names.add(p.name());
        }
        return names;
    }

    public static LibOS create(String name, LibOsOptions options) {
        if (name.equals("memory")) {
            return new MemoryLibOS(io.demikv.libos.time.NanoClock.SYSTEM, options.waitPolicy(),
                    new io.demikv.libos.memory.BufferPool());
        }
        for (LibOsProvider p : ServiceLoader.load(LibOsProvider.class)) {
            if (p.name().equals(name)) {
                return p.create(options);
            }
        }
        throw new IllegalArgumentException("unknown libOS '" + name + "': available here: " + available()
                + " (catnip and catmint need their modules on the class path)");
    }

    /** Convenience for the echo benchmark. */
    public static LibOS create(String name, String configPath, int mss, int mtu) {
        return create(name, new LibOsOptions(configPath, WaitPolicy.DEFAULT, mss, mtu));
    }
}
