package io.demikv.config;

import java.util.Objects;

/**
 * The {@code demikernel} section: the host's own addresses, used by Catnip (Catnap binds to what the
 * application asks for). Immutable; any thread.
 *
 * @param localIpv4Addr {@code local_ipv4_addr}: the stack's IPv4 address; default 127.0.0.1
 * @param localLinkAddr {@code local_link_addr}: the stack's Ethernet address; default
 *                      {@link MacAddress#ZERO}, meaning not set, which Catnip refuses
 */
public record DemikernelConfig(Ipv4Address localIpv4Addr, MacAddress localLinkAddr) {
    /** 127.0.0.1 and no link address. */
    public static final DemikernelConfig DEFAULTS = new DemikernelConfig(Ipv4Address.LOOPBACK, MacAddress.ZERO);

    /** Rejects nulls. */
    public DemikernelConfig {
        Objects.requireNonNull(localIpv4Addr, "localIpv4Addr");
        Objects.requireNonNull(localLinkAddr, "localLinkAddr");
    }
}
