package io.demikv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SectionParsingTest {
    @TempDir
    Path dir;

    private Config load(String yaml) {
        return TestDirectives.loader().load(TestDirectives.write(dir, "c.yaml", yaml).toString());
    }

    @Test
    void noFileGivesCatnapOnLoopbackWithAllDefaults() {
        Config config = TestDirectives.loader().load();
        assertEquals(LibOsName.CATNAP, config.libos().name());
        assertEquals(Ipv4Address.LOOPBACK, config.demikernel().localIpv4Addr());
        assertEquals(Optional.empty(), config.file());
        assertEquals(InetStackConfig.DEFAULTS, config.inetStack());
        assertEquals(TcpSocketOptions.DEFAULTS, config.tcpSocketOptions());
        assertEquals(WaitPolicyConfig.DEFAULTS, config.libos().waitPolicy());
        assertEquals(6379, config.server().getInt("port"));
        assertEquals(Config.defaults(TestDirectives.SCHEMA).inetStack(), config.inetStack());
    }

    @Test
    void emptyFileGivesDefaultsAndRemembersTheFile() {
        Path file = TestDirectives.write(dir, "empty.yaml", "# nothing\n");
        Config config = TestDirectives.loader().load(file.toString());
        assertEquals(LibOsName.CATNAP, config.libos().name());
        assertEquals(Optional.of(file), config.file());
    }

    @Test
    void readsDemikernelAddresses() {
        Config config = load("""
                demikernel:
                  local_ipv4_addr: "10.0.0.2"
                  local_link_addr: "AA:bb:cc:dd:ee:fe"
                """);
        assertEquals(Ipv4Address.of(10, 0, 0, 2), config.demikernel().localIpv4Addr());
        assertEquals(0xaabbccddeefeL, config.demikernel().localLinkAddr().value());
    }

    @Test
    void readsDpdkEalArgumentsInOrder() {
        Config config = load("""
                dpdk:
                  eal_init: ["-l", "0", "--no-pci", "--lcores=0@(0-1)", "--vdev", "net_af_xdp0,iface=veth1"]
                """);
        assertEquals(List.of("-l", "0", "--no-pci", "--lcores=0@(0-1)", "--vdev", "net_af_xdp0,iface=veth1"),
                config.dpdk().ealInit());
    }

    @Test
    void readsRawSocketTapAndCatnipSections() {
        Config config = load("""
                raw_socket: {linux_interface_name: veth1}
                tap: {device_name: demitap1}
                catnip: {device: raw_socket}
                """);
        assertEquals("veth1", config.rawSocket().linuxInterfaceName());
        assertTrue(config.rawSocket().isSet());
        assertEquals("demitap1", config.tap().deviceName());
        assertEquals(CatnipDevice.RAW_SOCKET, config.catnip().device());
    }

    @Test
    void readsEveryInetStackKey() {
        Config config = load("""
                inetstack_config:
                  mtu: 9000
                  mss: 8960
                  arp_table:
                    "10.0.0.1": "02:00:00:00:00:01"
                    10.0.0.3: 02-00-00-00-00-03
                  arp_ttl_secs: 60
                  arp_request_timeout_ms: 250
                  arp_request_retries: 0
                  enable_jumbo_frames: true
                  udp_checksum_offload: yes
                  tcp_checksum_offload: True
                """);
        InetStackConfig inet = config.inetStack();
        assertEquals(9000, inet.mtu());
        assertEquals(8960, inet.mss());
        assertEquals(Map.of(Ipv4Address.of(10, 0, 0, 1), MacAddress.parse("02:00:00:00:00:01"),
                Ipv4Address.of(10, 0, 0, 3), MacAddress.parse("02:00:00:00:00:03")), inet.arpTable());
        assertEquals(Duration.ofSeconds(60), inet.arpTtl());
        assertEquals(Duration.ofMillis(250), inet.arpRequestTimeout());
        assertEquals(0, inet.arpRequestRetries());
        assertTrue(inet.enableJumboFrames());
        assertTrue(inet.udpChecksumOffload());
        assertTrue(inet.tcpChecksumOffload());
    }

    @Test
    void mssDefaultsToMtuMinusHeaders() {
        assertEquals(8960, load("inetstack_config: {mtu: 9000}\n").inetStack().mss());
        assertEquals(536, load("inetstack_config: {mtu: 576}\n").inetStack().mss());
    }

    @Test
    void readsTcpSocketOptionsWithNestedSections() {
        Config config = load("""
                tcp_socket_options:
                  keepalive: {enabled: true, time_secs: 30, interval_secs: 5}
                  linger:
                    enabled: true
                    time_secs: 2
                  nodelay: false
                  congestion_control: NewReno
                """);
        TcpSocketOptions tcp = config.tcpSocketOptions();
        assertEquals(new TcpSocketOptions.Keepalive(true, Duration.ofSeconds(30), Duration.ofSeconds(5)),
                tcp.keepalive());
        assertEquals(new TcpSocketOptions.Linger(true, Duration.ofSeconds(2)), tcp.linger());
        assertFalse(tcp.nodelay());
        assertEquals(CongestionControl.NEWRENO, tcp.congestionControl());
    }

    @Test
    void readsLibosNameAndWaitPolicy() {
        Config config = load("""
                libos:
                  name: catmint
                  wait_policy: {spin_polls: 0, yield_polls: 7, min_park_us: 5, max_park_us: 5}
                """);
        assertEquals(LibOsName.CATMINT, config.libos().name());
        assertEquals(new WaitPolicyConfig(0, 7, Duration.ofNanos(5_000), Duration.ofNanos(5_000)),
                config.libos().waitPolicy());
    }

    @Test
    void readsServerDirectivesWithRedisTypes() {
        Config config = load("""
                server:
                  port: 7001
                  bind: "0.0.0.0"
                  requirepass: s3cret
                  dir: ./data
                  appendonly: yes
                  appendfsync: ALWAYS
                  maxclients: 50
                  protected-mode: "no"
                  proto-max-bulk-len: 1mb
                  client-query-buffer-limit: 2GB
                  hz: 100
                  databases: 4
                  save: ""
                """);
        DirectiveRegistry server = config.server();
        assertEquals(7001, server.getInt("port"));
        assertEquals("0.0.0.0", server.getString("bind"));
        assertEquals("s3cret", server.getString("requirepass"));
        assertEquals("./data", server.getString("dir"));
        assertTrue(server.getBoolean("appendonly"));
        assertEquals("always", server.getString("appendfsync"));
        assertEquals(50, server.getInt("maxclients"));
        assertFalse(server.getBoolean("protected-mode"));
        assertEquals(1024 * 1024, server.getLong("proto-max-bulk-len"));
        assertEquals(2L * 1024 * 1024 * 1024, server.getLong("client-query-buffer-limit"));
        assertEquals(100, server.getInt("hz"));
        assertEquals(4, server.getInt("databases"));
        assertEquals("", server.getString("save"));
        assertEquals("notice", server.getString("loglevel"), "unset directives keep their default");
    }

    @Test
    void emptySectionsAreAllowed() {
        Config config = load("""
                demikernel:
                tcp_socket_options:
                  keepalive:
                server:
                """);
        assertEquals(DemikernelConfig.DEFAULTS, config.demikernel());
        assertEquals(TcpSocketOptions.DEFAULTS, config.tcpSocketOptions());
    }

    @Test
    void anchorsAndAliasesAreResolved() {
        Config config = load("""
                raw_socket: {linux_interface_name: &nic veth7}
                tap: {device_name: *nic}
                """);
        assertEquals("veth7", config.tap().deviceName());
    }
}
