package io.demikv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Loads every shipped example with a server-like directive schema. Runs from the module directory. */
class ExampleConfigsTest {
    private static final Path EXAMPLES = Path.of("examples");

    private static Config load(String name) {
        return TestDirectives.loader().load(EXAMPLES.resolve(name).toString());
    }

    @Test
    void everyShippedExampleLoads() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(EXAMPLES)) {
            files = listing.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertEquals(List.of("catnap.yaml", "catnip-dpdk-af-xdp.yaml", "catnip-raw-socket.yaml", "catnip-tap.yaml",
                "server-durable.yaml"), files.stream().map(p -> p.getFileName().toString()).toList());
        for (Path file : files) {
            Config config = TestDirectives.loader().load(file.toString());
            assertEquals(file, config.file().orElseThrow());
        }
    }

    @Test
    void catnapExampleRunsCatnapOnLoopback() {
        Config config = load("catnap.yaml");
        assertEquals(LibOsName.CATNAP, config.libos().name());
        assertEquals(WaitPolicyConfig.DEFAULTS, config.libos().waitPolicy());
        assertEquals("127.0.0.1", config.server().getString("bind"));
        assertEquals(6379, config.server().getInt("port"));
        assertTrue(config.server().getBoolean("protected-mode"));
    }

    @Test
    void dpdkExampleUsesAfXdpOnVeth1WithoutHugepages() {
        Config config = load("catnip-dpdk-af-xdp.yaml");
        assertEquals(LibOsName.CATNIP, config.libos().name());
        assertEquals(CatnipDevice.DPDK, config.catnip().device());
        assertEquals(List.of("-l", "0", "--no-pci", "--no-huge", "-m", "256", "--no-shconf",
                "--vdev", "net_af_xdp0,iface=veth1,start_queue=0,queue_count=1"), config.dpdk().ealInit());
        assertEquals(Ipv4Address.parse("10.0.0.2"), config.demikernel().localIpv4Addr());
        assertEquals(MacAddress.parse("02:00:00:00:00:02"), config.demikernel().localLinkAddr());
        assertEquals(Map.of(Ipv4Address.parse("10.0.0.1"), MacAddress.parse("02:00:00:00:00:01")),
                config.inetStack().arpTable());
        assertEquals(1460, config.inetStack().mss());
        assertEquals(CongestionControl.CUBIC, config.tcpSocketOptions().congestionControl());
        assertEquals(1_000_000, config.libos().waitPolicy().spinPolls());
        assertFalse(config.server().getBoolean("protected-mode"));
    }

    @Test
    void rawSocketExampleUsesVeth1AndNewReno() {
        Config config = load("catnip-raw-socket.yaml");
        assertEquals(CatnipDevice.RAW_SOCKET, config.catnip().device());
        assertEquals("veth1", config.rawSocket().linuxInterfaceName());
        assertEquals(CongestionControl.NEWRENO, config.tcpSocketOptions().congestionControl());
        assertEquals(1460, config.inetStack().mss(), "mss defaults to mtu - 40");
    }

    @Test
    void tapExampleUsesTap0WithKeepalive() {
        Config config = load("catnip-tap.yaml");
        assertEquals(CatnipDevice.TAP, config.catnip().device());
        assertEquals("tap0", config.tap().deviceName());
        assertEquals(new TcpSocketOptions.Keepalive(true, Duration.ofSeconds(60), Duration.ofSeconds(10)),
                config.tcpSocketOptions().keepalive());
        assertEquals(Duration.ofSeconds(60), config.inetStack().arpTtl());
        assertEquals(3, config.inetStack().arpRequestRetries());
    }

    @Test
    void durableExampleFsyncsEveryWrite() {
        DirectiveRegistry server = load("server-durable.yaml").server();
        assertTrue(server.getBoolean("appendonly"));
        assertEquals("always", server.getString("appendfsync"));
        assertEquals("./data", server.getString("dir"));
        assertEquals("change-me", server.getString("requirepass"));
        assertEquals(10000, server.getInt("maxclients"));
        assertEquals(512L * 1024 * 1024, server.getLong("proto-max-bulk-len"));
        assertEquals(1024L * 1024 * 1024, server.getLong("client-query-buffer-limit"));
        assertEquals(16, server.getInt("databases"));
    }
}
