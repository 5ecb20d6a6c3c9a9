package io.demikv.config;

/**
 * The {@code raw_socket} section: the Linux interface Catnip opens an {@code AF_PACKET} socket on when
 * {@code catnip.device} is {@code raw_socket}. Immutable; any thread.
 *
 * @param linuxInterfaceName {@code linux_interface_name}, e.g. {@code veth1}; empty (not set) by default
 */
public record RawSocketConfig(String linuxInterfaceName) {
    /** No interface. */
    public static final RawSocketConfig DEFAULTS = new RawSocketConfig("");

    /** Checks the name against Linux's rules; empty means not set. */
    public RawSocketConfig {
        Check.interfaceName("linuxInterfaceName", linuxInterfaceName, true);
    }

    /** True when an interface name was configured. */
    public boolean isSet() {
        return !linuxInterfaceName.isEmpty();
    }
}
