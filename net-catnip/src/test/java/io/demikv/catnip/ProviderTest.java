package io.demikv.catnip;

import io.demikv.config.CatnipIdle;
import io.demikv.config.ConfigException;
import io.demikv.libos.LibOsFactory;
import io.demikv.libos.LibOsOptions;
import io.demikv.libos.WaitPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProviderTest {
    @Test
    void isFoundByTheLibOsFactoryAsCatnip() {
        assertTrue(LibOsFactory.available().contains("catnip"), LibOsFactory.available().toString());
    }

    @Test
    void refusesToStartWithoutAConfigurationAndSaysWhatIsMissing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LibOsFactory.create("catnip", LibOsOptions.defaults()));
        assertTrue(e.getMessage().contains("local_ipv4_addr"), e.getMessage());
    }

    @Test
    void acceptsTheServerSectionAndSelectsTheDpdkDevice(@TempDir Path dir) throws Exception {
        // An argument EAL rejects while parsing: EAL stays uninitialised (it allows a retry), so this test never
        // starts DPDK in the shared test JVM. The DPDK tests themselves are in phy.dpdk.DpdkPeerTest.
        Path yaml = dir.resolve("catnip.yaml");
        Files.writeString(yaml, """
                demikernel:
                  local_ipv4_addr: "10.0.0.2"
                  local_link_addr: "02:00:00:00:00:02"
                catnip:
                  device: dpdk
                dpdk:
                  eal_init: ["--no-pci", "--not-an-eal-option"]
                libos:
                  name: catnip
                server:
                  bind: "10.0.0.2"
                  port: 6379
                """);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LibOsFactory.create("catnip", new LibOsOptions(yaml.toString(), WaitPolicy.DEFAULT, -1, -1)));
        String m = e.getMessage();
        assertTrue(m.contains("DPDK shim not built") || m.contains("rte_eal_init failed")
                || m.contains("one EAL per process"), m);
    }

    @Test
    void rawSocketDeviceNeedsAnInterfaceName(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("catnip.yaml");
        Files.writeString(yaml, """
                demikernel:
                  local_ipv4_addr: "10.0.0.2"
                  local_link_addr: "02:00:00:00:00:02"
                catnip:
                  device: raw_socket
                """);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LibOsFactory.create("catnip", new LibOsOptions(yaml.toString(), WaitPolicy.DEFAULT, -1, -1)));
        assertTrue(e.getMessage().contains("linux_interface_name"), e.getMessage());
    }

    @Test
    void idleBehaviourComesFromCatnipIdleAndBlocksByDefault(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("catnip.yaml");
        String base = """
                demikernel:
                  local_ipv4_addr: "10.0.0.2"
                  local_link_addr: "02:00:00:00:00:02"
                catnip:
                  device: tap
                """;
        Files.writeString(yaml, base);
        assertEquals(CatnipIdle.BLOCK, CatnipProvider.load(yaml).catnip().idle());
        for (CatnipIdle idle : CatnipIdle.values()) {
            Files.writeString(yaml, base + "  idle: " + idle.configName() + "\n");
            assertEquals(idle, CatnipProvider.load(yaml).catnip().idle());
        }
        Files.writeString(yaml, base + "  idle: sleep\n");
        ConfigException e = assertThrows(ConfigException.class, () -> CatnipProvider.load(yaml));
        assertTrue(e.getMessage().contains("block, park, spin"), e.getMessage());
    }
}
