package io.demikv.config;

import java.util.Locale;

/**
 * What Catnip does once {@code libos.wait_policy} has spun and yielded without finding work, chosen by
 * {@code catnip.idle}. Immutable; any thread.
 */
public enum CatnipIdle {
    /**
     * Sleep on the device's file descriptor (poll(2)) until a frame arrives, the next timer is due or the park
     * time passes; a device without one (DPDK's af_packet and af_xdp drivers) naps as {@link #PARK}. The default.
     */
    BLOCK,
    /** Sleep for the park time without watching the device: a frame that arrives meanwhile waits. */
    PARK,
    /** Never sleep: keep polling the device, a whole CPU per libOS (Demikernel's behaviour). */
    SPIN;

    /** The lower-case name used in YAML. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
