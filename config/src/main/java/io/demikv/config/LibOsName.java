package io.demikv.config;

import java.util.Locale;

/**
 * Which library OS runs the datapath, as Demikernel's {@code LIBOS} variable names it.
 * Immutable; any thread.
 */
public enum LibOsName {
    /** Kernel sockets through FFM: runs anywhere, the default. */
    CATNAP,
    /** The user-level TCP/IP stack over DPDK, a raw socket or TAP (see {@link CatnipDevice}). */
    CATNIP,
    /** RDMA-style message queues (libfabric). */
    CATMINT;

    /** The lower-case name used in YAML, {@code LIBOS} and {@code --libos}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
