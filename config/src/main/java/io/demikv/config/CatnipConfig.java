package io.demikv.config;

import java.util.Objects;

/**
 * The {@code catnip} section: which device the user-level stack runs on and how it idles. Immutable; any
 * thread.
 *
 * @param device {@code device}: {@code dpdk}, {@code raw_socket} or {@code tap}; default {@code tap},
 *               the one that needs no NIC or driver setup
 * @param idle   {@code idle}: {@code block}, {@code park} or {@code spin} (see {@link CatnipIdle}); default
 *               {@code block}
 */
public record CatnipConfig(CatnipDevice device, CatnipIdle idle) {
    /** TAP, blocking on the device when idle. */
    public static final CatnipConfig DEFAULTS = new CatnipConfig(CatnipDevice.TAP, CatnipIdle.BLOCK);

    /** Rejects null. */
    public CatnipConfig {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(idle, "idle");
    }

    /** {@code device} with the default idle behaviour. */
    public CatnipConfig(CatnipDevice device) {
        this(device, DEFAULTS.idle());
    }
}
