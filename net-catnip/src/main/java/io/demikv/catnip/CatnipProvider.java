package io.demikv.catnip;

import io.demikv.catnip.phy.Device;
import io.demikv.catnip.phy.RawSocketDevice;
import io.demikv.catnip.phy.TapDevice;
import io.demikv.catnip.phy.dpdk.DpdkDevice;
import io.demikv.config.Config;
import io.demikv.config.ConfigLoader;
import io.demikv.config.DirectiveSchema;
import io.demikv.config.DirectiveType;
import io.demikv.config.InetStackConfig;
import io.demikv.libos.LibOS;
import io.demikv.libos.LibOsOptions;
import io.demikv.libos.LibOsProvider;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.time.NanoClock;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Makes {@link Catnip} for {@link io.demikv.libos.LibOsFactory} under the name {@code catnip}, from the YAML
 * file in {@link LibOsOptions#configPath()}: {@code demikernel.local_ipv4_addr} and {@code local_link_addr},
 * {@code catnip.device} ({@code raw_socket} on {@code raw_socket.linux_interface_name}, {@code tap} on
 * {@code tap.device_name}, or {@code dpdk} with the EAL arguments of {@code dpdk.eal_init}, see
 * {@link DpdkDevice}), {@code catnip.idle} (how a waiting Catnip idles, see {@link Catnip}),
 * {@code inetstack_config} (MTU, ARP). The MTU option of the echo benchmark, when
 * given, lowers the configured one. The file's
 * {@code server:} section belongs to the server and is accepted as it is. Start-up thread only.
 */
public final class CatnipProvider implements LibOsProvider {
    @Override
    public String name() {
        return "catnip";
    }

    @Override
    public LibOS create(LibOsOptions options) {
        if (options.configPath() == null) {
            throw new IllegalArgumentException("Catnip needs a configuration file with demikernel.local_ipv4_addr, "
                    + "demikernel.local_link_addr and catnip.device (see config/examples/catnip-tap.yaml)");
        }
        Config config = load(Path.of(options.configPath()));
        return create(config, options);
    }

    /** Builds Catnip from a loaded configuration (for a server that loaded its own). */
    public static Catnip create(Config config, LibOsOptions options) {
        InetStackConfig inet = config.inetStack();
        if (options.mtu() > 0 && options.mtu() < inet.mtu()) {
            inet = new InetStackConfig(options.mtu(), Math.min(inet.mss(), options.mtu() - InetStackConfig.IPV4_TCP_HEADERS),
                    inet.arpTable(), inet.arpTtl(), inet.arpRequestTimeout(), inet.arpRequestRetries(),
                    inet.enableJumboFrames(), inet.udpChecksumOffload(), inet.tcpChecksumOffload());
        }
        long mac = config.demikernel().localLinkAddr().value();
        BufferPool pool = new BufferPool();
        Device device;
        try {
            device = switch (config.catnip().device()) {
                case RAW_SOCKET -> {
                    if (!config.rawSocket().isSet()) {
                        throw new IllegalArgumentException("catnip.device is raw_socket but "
                                + "raw_socket.linux_interface_name is not set");
                    }
                    yield new RawSocketDevice(config.rawSocket().linuxInterfaceName(), mac, pool);
                }
                case TAP -> new TapDevice(config.tap().deviceName(), mac, inet.mtu(), pool);
                case DPDK -> DpdkDevice.open(config.dpdk().ealInit(), DpdkDevice.Settings.DEFAULTS, mac, pool);
            };
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Catnip(NanoClock.SYSTEM, options.waitPolicy(), config.catnip().idle(), pool, device,
                config.demikernel().localIpv4Addr().value(), inet,
                io.demikv.catnip.tcp.TcpConfig.from(inet, config.tcpSocketOptions()));
    }

    /**
     * Loads {@code file} with the standard loader; the keys of its {@code server:} section are declared as free
     * text, because the server, not Catnip, checks them.
     */
    static Config load(Path file) {
        DirectiveSchema.Builder schema = DirectiveSchema.builder();
        for (String key : serverKeys(file)) {
            schema.add(key, DirectiveType.text(), "");
        }
        return new ConfigLoader(schema.build(), Map.of()).load(file.toString());
    }

    private static Iterable<String> serverKeys(Path file) {
        try (Reader r = Files.newBufferedReader(file)) {
            Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            if (root instanceof Map<?, ?> m && m.get("server") instanceof Map<?, ?> server) {
                java.util.List<String> keys = new java.util.ArrayList<>();
                for (Object k : server.keySet()) {
                    keys.add(String.valueOf(k).toLowerCase(java.util.Locale.ROOT));
                }
                return keys;
            }
            return java.util.List.of();
        } catch (IOException | RuntimeException e) {
            // The loader reads the file again and reports the problem with its line.
            return java.util.List.of();
        }
    }
}
