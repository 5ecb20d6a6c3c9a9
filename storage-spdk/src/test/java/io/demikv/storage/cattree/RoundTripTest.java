package io.demikv.storage.cattree;

import io.demikv.libos.Errno;
import io.demikv.libos.testkit.LibOsTestKit;
import io.demikv.storage.StorageKit;
import io.demikv.storage.device.MemoryBlockDevice;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class RoundTripTest {
    @Test
    void popsReturnPushedRecordsInOrderThenEndOfLog() {
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(new MemoryBlockDevice(1 << 20), StorageKit.smallOptions());
            int[] sizes = {1, 7, 8, 25, 100, 4064, 4065, 5000, 8192, 3};
            for (int i = 0; i < sizes.length; i++) {
                kit.append(log, StorageKit.payload(i, sizes[i]));
            }
            List<byte[]> got = kit.popAll(log);
            assertEquals(sizes.length, got.size());
            for (int i = 0; i < sizes.length; i++) {
                assertArrayEquals(StorageKit.payload(i, sizes[i]), got.get(i), "record " + i);
            }
            assertEquals(sizes.length, log.lastPoppedSeq());
            assertNull(kit.pop(log), "end of log stays the end");
        }
    }

    @Test
    void reopenedLogReplaysEveryRecordAcrossSegments() {
        MemoryBlockDevice dev = new MemoryBlockDevice(1 << 20);
        int n = 300;
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(dev, StorageKit.smallOptions());
            for (int i = 0; i < n; i++) {
                kit.append(log, StorageKit.payload(i, 100 + (i * 37) % 2000));
            }
            assertTrue(log.appendPosition() > 3 * (64 << 10), "spans several 64 KiB segments");
            MemoryBlockDevice copy = MemoryBlockDevice.of(dev.durableImage());
            try (StorageKit kit2 = new StorageKit()) {
                CattreeLog again = kit2.open(copy, StorageKit.smallOptions());
                assertEquals(ScanReport.Status.CLEAN, again.recovery().status());
                assertEquals(n, again.recovery().records());
                assertEquals(n + 1, again.nextSeq());
                List<byte[]> got = kit2.popAll(again);
                assertEquals(n, got.size());
                for (int i = 0; i < n; i++) {
                    assertArrayEquals(StorageKit.payload(i, 100 + (i * 37) % 2000), got.get(i), "record " + i);
                }
                kit2.append(again, StorageKit.payload(n, 10));
                assertArrayEquals(StorageKit.payload(n, 10), kit2.pop(again));
            }
        }
    }

    @Test
    void seekRereadsFromARecordedPosition() {
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(new MemoryBlockDevice(1 << 20), StorageKit.smallOptions());
            kit.append(log, StorageKit.payload(0, 50));
            long second = log.appendPosition();
            kit.append(log, StorageKit.payload(1, 60));
            kit.append(log, StorageKit.payload(2, 70));
            assertEquals(3, kit.popAll(log).size());
            assertEquals(0, log.seek(second));
            assertArrayEquals(StorageKit.payload(1, 60), kit.pop(log));
            assertEquals(0, log.seekToHead());
            assertArrayEquals(StorageKit.payload(0, 50), kit.pop(log));
            assertEquals(-Errno.EINVAL, log.seek(second + 3), "misaligned");
            assertEquals(-Errno.EINVAL, log.seek(log.appendPosition() + 8), "past the end");
        }
    }

    @Test
    void oversizedRecordIsRefusedWithEmsgsize() {
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(new MemoryBlockDevice(1 << 20), StorageKit.smallOptions());
            long qt = kit.libos.push(log.qd(), LibOsTestKit.sga(kit.libos, new byte[(8 << 10) + 1]));
            assertEquals(-Errno.EMSGSIZE, qt);
        }
    }

    @Test
    void closeReleasesEverything() {
        StorageKit kit = new StorageKit();
        CattreeLog log = kit.create(new MemoryBlockDevice(1 << 20), StorageKit.smallOptions());
        kit.append(log, StorageKit.payload(0, 10));
        assertNotNull(kit.pop(log));
        assertEquals(0, kit.libos.close(log.qd()));
        LibOsTestKit.assertNoLeaks(kit.libos);
        kit.close();
    }
}
