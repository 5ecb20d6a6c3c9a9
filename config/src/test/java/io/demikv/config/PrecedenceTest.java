package io.demikv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrecedenceTest {
    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void writeFile() {
        file = TestDirectives.write(dir, "demikv.yaml", """
                libos: {name: catmint}
                inetstack_config: {mtu: 1500, mss: 1400}
                server:
                  port: 7000
                  appendfsync: everysec
                """);
    }

    @Test
    void fileOverridesDefaults() {
        Config config = TestDirectives.loader().load(file.toString());
        assertEquals(LibOsName.CATMINT, config.libos().name());
        assertEquals(7000, config.server().getInt("port"));
        assertEquals(1024 * 1024 * 1024L, config.server().getLong("client-query-buffer-limit"));
    }

    @Test
    void configPathNamesTheFileWhenNoArgumentDoes() {
        Config config = TestDirectives.loader(Map.of("CONFIG_PATH", file.toString())).load();
        assertEquals(Optional.of(file), config.file());
        assertEquals(7000, config.server().getInt("port"));
    }

    @Test
    void fileArgumentBeatsConfigPath() {
        Path other = TestDirectives.write(dir, "other.yaml", "server: {port: 7100}\n");
        Config config = TestDirectives.loader(Map.of("CONFIG_PATH", file.toString())).load(other.toString());
        assertEquals(Optional.of(other), config.file());
        assertEquals(7100, config.server().getInt("port"));
    }

    @Test
    void libosEnvironmentOverridesTheFile() {
        Config config = TestDirectives.loader(Map.of("LIBOS", "catnap")).load(file.toString());
        assertEquals(LibOsName.CATNAP, config.libos().name());
    }

    @Test
    void commandLineOverridesEnvironmentAndFile() {
        Config config = TestDirectives.loader(Map.of("LIBOS", "catnap"))
                .load(file.toString(), "--libos", "catmint", "--port", "7001", "--inetstack_config.mtu", "9000");
        assertEquals(LibOsName.CATMINT, config.libos().name());
        assertEquals(7001, config.server().getInt("port"));
        assertEquals(9000, config.inetStack().mtu());
        assertEquals(1400, config.inetStack().mss(), "keys not overridden keep the file's value");
        assertEquals("everysec", config.server().getString("appendfsync"));
    }

    @Test
    void commandLineAcceptsDirectivesDottedPathsAndEqualsForm() {
        Config config = TestDirectives.loader().load("--requirepass", "s3cret", "--dir", "/x",
                "--appendfsync", "always", "--server.hz", "50", "--tcp_socket_options.keepalive.enabled=true",
                "--PORT", "6390", "--libos.wait_policy.spin_polls", "0");
        DirectiveRegistry server = config.server();
        assertEquals("s3cret", server.getString("requirepass"));
        assertEquals("/x", server.getString("dir"));
        assertEquals("always", server.getString("appendfsync"));
        assertEquals(50, server.getInt("hz"));
        assertEquals(6390, server.getInt("port"));
        assertTrue(config.tcpSocketOptions().keepalive().enabled());
        assertEquals(0, config.libos().waitPolicy().spinPolls());
    }

    @Test
    void commandLineDirectiveNameReplacesFileValueInAnyCase() {
        Config config = TestDirectives.loader().load(file.toString(), "--Port", "7200");
        assertEquals(7200, config.server().getInt("port"));
    }

    @Test
    void laterArgumentWinsOverEarlierOne() {
        Config config = TestDirectives.loader().load("--port", "1", "--port", "2");
        assertEquals(2, config.server().getInt("port"));
    }

    @Test
    void commandLineListsAndMapsAreSplit() {
        Config config = TestDirectives.loader().load(
                "--dpdk.eal_init", "-l 0 --no-pci  --vdev net_af_xdp0,iface=veth1",
                "--inetstack_config.arp_table", "10.0.0.1=02:00:00:00:00:01, 10.0.0.3=02:00:00:00:00:03");
        assertEquals(List.of("-l", "0", "--no-pci", "--vdev", "net_af_xdp0,iface=veth1"), config.dpdk().ealInit());
        assertEquals(MacAddress.parse("02:00:00:00:00:03"),
                config.inetStack().arpTable().get(Ipv4Address.parse("10.0.0.3")));
    }

    @Test
    void badCommandLineValueNamesTheArgument() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> TestDirectives.loader().load(file.toString(), "--inetstack_config.mtu", "70000"));
        assertEquals("config error: argument --inetstack_config.mtu: inetstack_config.mtu: "
                + "70000 is out of range (68..9216)", e.getMessage());
        ConfigException port = assertThrows(ConfigException.class,
                () -> TestDirectives.loader().load("--port", "http"));
        assertEquals("argument --port", port.where());
        assertEquals("server.port", port.keyPath());
    }

    @Test
    void badEnvironmentValueNamesTheVariable() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> TestDirectives.loader(Map.of("LIBOS", "catpowder")).load());
        assertEquals("environment variable LIBOS", e.where());
        assertEquals("libos.name", e.keyPath());
    }

    @Test
    void unknownOptionMissingValueAndStrayArgumentsAreErrors() {
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> TestDirectives.loader().load("--prot", "7000"));
        assertEquals("argument --prot", unknown.where());
        assertTrue(unknown.detail().contains("nor a server directive"), unknown.detail());
        ConfigException misplaced = assertThrows(ConfigException.class,
                () -> TestDirectives.loader().load("--mtu", "9000"));
        assertTrue(misplaced.detail().endsWith("did you mean inetstack_config.mtu"), misplaced.detail());
        ConfigException missing = assertThrows(ConfigException.class,
                () -> TestDirectives.loader().load("--port"));
        assertEquals("argument --port", missing.where());
        ConfigException stray = assertThrows(ConfigException.class,
                () -> TestDirectives.loader().load(file.toString(), "--port", "1", "extra"));
        assertEquals("argument extra", stray.where());
        ConfigException section = assertThrows(ConfigException.class,
                () -> TestDirectives.loader().load("--tap", "tap1"));
        assertTrue(section.detail().contains("device_name"), section.detail());
    }

    @Test
    void commandLineMayChangeImmutableDirectivesAtStartup() {
        Config config = TestDirectives.loader().load("--databases", "32");
        assertEquals(32, config.server().getInt("databases"));
    }

    @Test
    void emptyEnvironmentValuesAreIgnored() {
        Config config = TestDirectives.loader(Map.of("LIBOS", "", "CONFIG_PATH", "")).load();
        assertEquals(LibOsName.CATNAP, config.libos().name());
        assertEquals(Optional.empty(), config.file());
    }
}
