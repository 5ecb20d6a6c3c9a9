package io.demikv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigErrorsTest {
    @TempDir
    Path dir;

    private Path file;

    private ConfigException loadFails(String yaml) {
        file = TestDirectives.write(dir, "demikv.yaml", yaml);
        return assertThrows(ConfigException.class, () -> TestDirectives.loader().load(file.toString()));
    }

    @Test
    void unknownKeyNamesFileLineAndKeyPath() {
        ConfigException e = loadFails("""
                libos:
                  name: catnap
                inetstack_config:
                  mtu: 1500
                  mut: 1400
                """);
        assertEquals(file + ":5", e.where());
        assertEquals("inetstack_config.mut", e.keyPath());
        assertTrue(e.getMessage().startsWith("config error: " + file + ":5: inetstack_config.mut: unknown key"),
                e.getMessage());
        assertTrue(e.getMessage().contains("mtu, mss"), "lists the section's keys: " + e.getMessage());
    }

    @Test
    void unknownTopLevelSectionIsAnError() {
        ConfigException e = loadFails("libos: {name: catnap}\ncatnapp: {x: 1}\n");
        assertEquals(file + ":2", e.where());
        assertEquals("catnapp", e.keyPath());
    }

    @Test
    void unknownNestedKeyIsAnError() {
        ConfigException e = loadFails("tcp_socket_options:\n  keepalive:\n    enable: true\n");
        assertEquals(file + ":3", e.where());
        assertEquals("tcp_socket_options.keepalive.enable", e.keyPath());
    }

    @Test
    void unknownServerDirectiveIsAnError() {
        ConfigException e = loadFails("server:\n  port: 6380\n  appendfsynk: always\n");
        assertEquals(file + ":3", e.where());
        assertEquals("server.appendfsynk", e.keyPath());
        assertTrue(e.detail().contains("unknown server directive"), e.detail());
    }

    @Test
    void outOfRangeValueMatchesTheDocumentedMessage() {
        ConfigException e = loadFails("""
                inetstack_config:
                  mtu: 70000
                """);
        assertEquals("config error: " + file + ":2: inetstack_config.mtu: 70000 is out of range (68..9216)",
                e.getMessage());
    }

    @Test
    void wrongTypesAreErrors() {
        assertEquals("expected an integer, got 'abc'", loadFails("inetstack_config: {mtu: abc}\n").detail());
        assertEquals("expected an integer, got '1_500'", loadFails("inetstack_config: {mtu: 1_500}\n").detail());
        assertEquals("expected an integer, got a list", loadFails("inetstack_config: {mtu: [1500]}\n").detail());
        assertEquals("expected an integer, got no value", loadFails("inetstack_config: {mtu: }\n").detail());
        assertEquals("expected true or false, got 'maybe'",
                loadFails("tcp_socket_options: {nodelay: maybe}\n").detail());
        assertEquals("expected a list of strings, got '-l 0'", loadFails("dpdk: {eal_init: \"-l 0\"}\n").detail());
        assertEquals("expected one of catnap, catnip, catmint, got 'catpowder'",
                loadFails("libos: {name: catpowder}\n").detail());
    }

    @Test
    void sectionGivenAScalarIsAnError() {
        ConfigException e = loadFails("libos: catnap\n");
        assertEquals(file + ":1", e.where());
        assertEquals("libos", e.keyPath());
        assertTrue(e.detail().startsWith("expected a section"), e.detail());
    }

    @Test
    void badListItemNamesItsOwnLine() {
        ConfigException e = loadFails("""
                dpdk:
                  eal_init:
                    - "-l"
                    - [nested]
                """);
        assertEquals(file + ":4", e.where());
        assertEquals("dpdk.eal_init", e.keyPath());
    }

    @Test
    void badAddressesAreRejectedWithTheirLine() {
        ConfigException ip = loadFails("demikernel:\n  local_ipv4_addr: 10.0.0.256\n");
        assertEquals(file + ":2", ip.where());
        assertTrue(ip.detail().contains("not an IPv4 address"), ip.detail());
        ConfigException mac = loadFails("demikernel:\n  local_link_addr: aa:bb:cc:dd:ee\n");
        assertTrue(mac.detail().contains("not a MAC address"), mac.detail());
        ConfigException multicast = loadFails("demikernel:\n  local_link_addr: 01:00:5e:00:00:01\n");
        assertTrue(multicast.detail().contains("multicast"), multicast.detail());
        ConfigException arpKey = loadFails("inetstack_config:\n  arp_table:\n    \"10.0.0.1\": 02:00:00:00:00:01\n"
                + "    \"10.0.1\": 02:00:00:00:00:02\n");
        assertEquals(file + ":4", arpKey.where());
        assertEquals("inetstack_config.arp_table", arpKey.keyPath());
    }

    @Test
    void mssAboveMtuMinusHeadersIsOutOfRange() {
        ConfigException e = loadFails("inetstack_config:\n  mtu: 1000\n  mss: 1460\n");
        assertEquals(file + ":3", e.where());
        assertEquals("inetstack_config.mss", e.keyPath());
        assertTrue(e.detail().startsWith("1460 is out of range (536..960"), e.detail());
    }

    @Test
    void mtuTooSmallForTcpNamesTheMtu() {
        ConfigException e = loadFails("inetstack_config:\n  mtu: 500\n");
        assertEquals(file + ":2", e.where());
        assertEquals("inetstack_config.mtu", e.keyPath());
    }

    @Test
    void maxParkBelowMinParkIsAnError() {
        ConfigException e = loadFails("libos:\n  wait_policy: {min_park_us: 50, max_park_us: 10}\n");
        assertEquals("libos.wait_policy.max_park_us", e.keyPath());
        assertEquals(file + ":2", e.where());
    }

    @Test
    void badServerValuesUseRedisReasons() {
        assertEquals("'70000': argument must be between 0 and 65535 inclusive",
                loadFails("server: {port: 70000}\n").detail());
        assertEquals("'+1': argument couldn't be parsed into an integer",
                loadFails("server: {port: \"+1\"}\n").detail());
        assertEquals("'maybe': argument must be 'yes' or 'no'", loadFails("server: {appendonly: maybe}\n").detail());
        assertEquals("'sometimes': argument(s) must be one of the following: always, everysec, no",
                loadFails("server: {appendfsync: sometimes}\n").detail());
        assertEquals("'1tb': argument must be a memory value",
                loadFails("server: {proto-max-bulk-len: 1tb}\n").detail());
        assertEquals("'': dir must not be empty", loadFails("server: {dir: \"\"}\n").detail());
        ConfigException list = loadFails("server:\n  port: [1, 2]\n");
        assertEquals(file + ":2", list.where());
        assertEquals("server.port", list.keyPath());
    }

    @Test
    void duplicateKeysAreErrors() {
        ConfigException e = loadFails("server:\n  port: 1\n  port: 2\n");
        assertEquals(file + ":3", e.where());
        assertEquals("server.port", e.keyPath());
        assertTrue(e.detail().contains("line 2"), e.detail());
    }

    @Test
    void yamlSyntaxErrorNamesTheLine() {
        ConfigException e = loadFails("libos:\n  name: catnap\n  wait_policy: {spin_polls: 1\n");
        assertTrue(e.where().startsWith(file + ":"), e.where());
        assertTrue(e.detail().startsWith("invalid YAML"), e.detail());
    }

    @Test
    void javaTypeTagsAreRefusedNotConstructed() {
        ConfigException e = loadFails("server:\n  dir: !!javax.script.ScriptEngineManager [x]\n");
        assertEquals(file + ":2", e.where());
        assertTrue(e.detail().contains("is not allowed"), e.detail());
        ConfigException local = loadFails("tap: {device_name: !custom tap0}\n");
        assertTrue(local.detail().contains("is not allowed"), local.detail());
    }

    @Test
    void topLevelMustBeAMapping() {
        ConfigException e = loadFails("- libos\n- server\n");
        assertEquals(file + ":1", e.where());
    }

    @Test
    void missingFileNamesThePathAndWhoNamedIt() {
        Path missing = dir.resolve("nope.yaml");
        ConfigException byArgument = assertThrows(ConfigException.class,
                () -> TestDirectives.loader().load(missing.toString()));
        assertEquals(missing.toString(), byArgument.where());
        assertTrue(byArgument.getMessage().contains("not found"), byArgument.getMessage());
        ConfigException byEnvironment = assertThrows(ConfigException.class,
                () -> TestDirectives.loader(Map.of("CONFIG_PATH", missing.toString())).load());
        assertTrue(byEnvironment.getMessage().contains(missing.toString()), byEnvironment.getMessage());
        assertTrue(byEnvironment.getMessage().contains("CONFIG_PATH"), byEnvironment.getMessage());
    }

    @Test
    void directoryInsteadOfFileIsAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> TestDirectives.loader().load(dir.toString()));
        assertEquals(dir.toString(), e.where());
    }

    @Test
    void catnipNeedsALinkAddressAndItsDeviceSettings() {
        ConfigException noMac = loadFails("libos: {name: catnip}\ndemikernel: {local_ipv4_addr: 10.0.0.2}\n");
        assertEquals("demikernel.local_link_addr", noMac.keyPath());
        assertTrue(noMac.detail().contains("libos.name is catnip (" + file + ":1)"), noMac.detail());

        ConfigException loopback = loadFails("libos: {name: catnip}\n"
                + "demikernel: {local_link_addr: 02:00:00:00:00:02}\n");
        assertEquals("demikernel.local_ipv4_addr", loopback.keyPath());

        String host = "demikernel: {local_ipv4_addr: 10.0.0.2, local_link_addr: 02:00:00:00:00:02}\n";
        ConfigException noEal = loadFails("libos: {name: catnip}\ncatnip: {device: dpdk}\n" + host);
        assertEquals("dpdk.eal_init", noEal.keyPath());
        assertEquals(file.toString(), noEal.where(), "an unset key is blamed on the file");

        ConfigException noInterface = loadFails("libos: {name: catnip}\ncatnip: {device: raw_socket}\n" + host);
        assertEquals("raw_socket.linux_interface_name", noInterface.keyPath());
    }
}
