package io.demikv.storage.config;

import io.demikv.storage.cattree.Durability;
import io.demikv.storage.device.BlockDevices;
import io.demikv.storage.device.DeviceException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class StorageConfigTest {
    @Test
    void readsTheIoUringSectionWithSizes() {
        StorageConfig c = StorageConfig.fromYaml("""
                libos:
                  name: catnap
                storage:
                  backend: io_uring
                  path: data/aof.log
                  size: 2gb
                  queue_depth: 32
                  durability: fua
                  segment_size: 64mb
                  max_record: 512kb
                """, "test.yaml");
        assertEquals(StorageConfig.Backend.IO_URING, c.backend());
        assertEquals(Path.of("data/aof.log"), c.path());
        assertEquals(2L << 30, c.sizeBytes());
        assertEquals(32, c.queueDepth());
        assertEquals(Durability.FUA, c.durability());
        assertEquals(64L << 20, c.logOptions().segmentBytes());
        assertEquals(512 << 10, c.logOptions().maxRecordBytes());
    }

    @Test
    void spdkBackendIsSelectedByPciAddress() {
        StorageConfig c = StorageConfig.fromYaml("""
                storage:
                  backend: spdk
                  pci_address: "0000:01:00.0"
                  namespace: 2
                """, "test.yaml");
        assertEquals(StorageConfig.Backend.SPDK, c.backend());
        assertEquals("0000:01:00.0", c.pciAddress());
        assertEquals(2, c.namespaceId());
    }

    @Test
    void badSettingsNameTheFileAndKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StorageConfig.fromYaml("storage:\n  backend: spdk\n", "x.yaml"));
        assertTrue(e.getMessage().contains("x.yaml: storage.pci_address is required"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> StorageConfig.fromYaml("storage:\n  path: a\n  sise: 1gb\n", "x.yaml"));
        assertTrue(e.getMessage().contains("storage.sise: unknown key"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> StorageConfig.fromYaml("storage:\n  path: a\n  size: lots\n", "x.yaml"));
        assertTrue(e.getMessage().contains("storage.size: lots is not a size"), e.getMessage());
    }

    @Test
    void missingSpdkIsAClearStartUpErrorNamingWhatToInstall() {
        StorageConfig c = StorageConfig.fromYaml("""
                storage:
                  backend: spdk
                  pci_address: "0000:01:00.0"
                  spdk_library_path: /nonexistent/spdk/build/lib
                """, "test.yaml");
        DeviceException e = assertThrows(DeviceException.class, () -> BlockDevices.open(c));
        String m = e.getMessage();
        System.out.println("SPDK start-up error as a user sees it: " + m);
        assertTrue(m.contains("SPDK is not installed"), m);
        assertTrue(m.contains("libspdk_nvme.so"), m);
        assertTrue(m.contains("scripts/setup.sh"), m);
        assertTrue(m.contains("0000:01:00.0"), m);
    }
}
