package io.demikv.libos;

/**
 * Makes one kind of libOS; found by {@link LibOsFactory} through {@link java.util.ServiceLoader}, so a
 * libOS module (net-catnip, net-catmint) plugs in by being on the class path. Start-up thread only.
 */
public interface LibOsProvider {
    /** The name users select it by ({@code LIBOS=catnap}, {@code --libos catnip}). */
    String name();

    /**
     * Creates the libOS.
     *
     * @throws IllegalArgumentException for a bad or incomplete configuration, with a message that says
     *                                  what to fix
     * @throws IllegalStateException    when the machine lacks what it needs (a device, a native library),
     *                                  with a message that says what to install or set up
     */
    LibOS create(LibOsOptions options);
}
