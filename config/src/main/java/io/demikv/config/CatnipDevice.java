package io.demikv.config;

import java.util.Locale;

/**
 * The device under Catnip, chosen by {@code catnip.device}. Immutable; any thread.
 */
public enum CatnipDevice {
    /** DPDK, configured by the {@code dpdk} section's EAL arguments. */
    DPDK,
    /** A raw {@code AF_PACKET} socket on {@code raw_socket.linux_interface_name}. */
    RAW_SOCKET,
    /** A TAP device named by {@code tap.device_name}. */
    TAP;

    /** The lower-case name used in YAML. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
