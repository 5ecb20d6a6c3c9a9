package io.demikv.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole configuration: the Demikernel-style sections as immutable records, and the server's
 * directives. Built by {@link ConfigLoader} at start-up (or {@link #defaults} in tests) on the main
 * thread, then handed to the libOS and the server.
 *
 * <p>Everything here is immutable except {@link #server()}: the {@link DirectiveRegistry} holds the
 * current directive values, changes under {@code CONFIG SET}, and belongs to the server's event-loop
 * thread once the server starts.
 *
 * @param demikernel       {@code demikernel:} the host's own addresses
 * @param dpdk             {@code dpdk:} EAL arguments
 * @param rawSocket        {@code raw_socket:} the interface for Catnip's raw-socket device
 * @param tap              {@code tap:} the TAP device for Catnip's TAP device
 * @param inetStack        {@code inetstack_config:} Catnip's link, ARP and offload settings
 * @param tcpSocketOptions {@code tcp_socket_options:} defaults for Catnip's TCP sockets
 * @param catnip           {@code catnip:} which device Catnip uses
 * @param libos            {@code libos:} which libOS runs, and its wait policy
 * @param server           {@code server:} the redis.conf-style directives (mutable, see above)
 * @param file             the YAML file that was read, if any (for {@code INFO} and {@code CONFIG REWRITE})
 */
public record Config(DemikernelConfig demikernel, DpdkConfig dpdk, RawSocketConfig rawSocket, TapConfig tap,
                     InetStackConfig inetStack, TcpSocketOptions tcpSocketOptions, CatnipConfig catnip,
                     LibOsConfig libos, DirectiveRegistry server, Optional<Path> file) {

    /** Rejects nulls. */
    public Config {
        Objects.requireNonNull(demikernel, "demikernel");
        Objects.requireNonNull(dpdk, "dpdk");
        Objects.requireNonNull(rawSocket, "rawSocket");
        Objects.requireNonNull(tap, "tap");
        Objects.requireNonNull(inetStack, "inetStack");
        Objects.requireNonNull(tcpSocketOptions, "tcpSocketOptions");
        Objects.requireNonNull(catnip, "catnip");
        Objects.requireNonNull(libos, "libos");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(file, "file");
    }

    /** Every section at its default (Catnap on 127.0.0.1) and every directive at its schema default. */
    public static Config defaults(DirectiveSchema schema) {
        return new Config(DemikernelConfig.DEFAULTS, DpdkConfig.DEFAULTS, RawSocketConfig.DEFAULTS,
                TapConfig.DEFAULTS, InetStackConfig.DEFAULTS, TcpSocketOptions.DEFAULTS, CatnipConfig.DEFAULTS,
                LibOsConfig.DEFAULTS, new DirectiveRegistry(schema), Optional.empty());
    }
}
