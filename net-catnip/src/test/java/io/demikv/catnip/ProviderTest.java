package io.demikv.catnip;

import io.demikv.libos.LibOsFactory;
import io.demikv.libos.LibOsOptions;
import io.demikv.libos.WaitPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

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
    void acceptsTheServerSectionAndRefusesDpdkUntilItExists(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("catnip.yaml");
        Files.writeString(yaml, """
                demikernel:
                  local_ipv4_addr: "10.0.0.2"
                  local_link_addr: "02:00:00:00:00:02"
                catnip:
                  device: dpdk
                dpdk:
                  eal_init: ["-l", "0", "--no-pci"]
                libos:
                  name: catnip
                server:
                  bind: "10.0.0.2"
                  port: 6379
                """);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LibOsFactory.create("catnip", new LibOsOptions(yaml.toString(), WaitPolicy.DEFAULT, -1, -1)));
        assertTrue(e.getMessage().contains("dpdk is not available yet"), e.getMessage());
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
}
