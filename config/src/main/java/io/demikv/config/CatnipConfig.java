package io.demikv.config;

import java.util.Objects;

/**
 * The {@code catnip} section: which device the user-level stack runs on. Immutable; any thread.
 *
 * @param device {@code device}: {@code dpdk}, {@code raw_socket} or {@code tap}; default {@code tap},
 *               the one that needs no NIC or driver setup
 */
public record CatnipConfig(CatnipDevice device) {
    /** TAP. */
    public static final CatnipConfig DEFAULTS = new CatnipConfig(CatnipDevice.TAP);

    /** Rejects null. */
    public CatnipConfig {
        Objects.requireNonNull(device, "device");
    }
}
