package io.demikv.storage.cattree;

import io.demikv.libos.Errno;
import io.demikv.libos.QResult;
import io.demikv.libos.testkit.LibOsTestKit;
import io.demikv.storage.StorageKit;
import io.demikv.storage.device.FaultInjectingBlockDevice;
import io.demikv.storage.device.MemoryBlockDevice;
import io.demikv.storage.format.Superblock;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Device faults through {@link FaultInjectingBlockDevice}: failed pushes, read-only logs, and what survives. */
class FaultInjectionTest {
    private final MemoryBlockDevice disk = new MemoryBlockDevice(512 << 10);
    private final FaultInjectingBlockDevice faulty = new FaultInjectingBlockDevice(disk);

    private List<byte[]> reopen() {
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.open(MemoryBlockDevice.of(disk.durableImage()), StorageKit.smallOptions());
            return kit.popAll(log);
        }
    }

    private void assertFailsWith(StorageKit kit, long qt, int errno) {
        QResult r = kit.await(qt);
        assertTrue(r.failed(), r.toString());
        assertEquals(errno, r.errno(), r.toString());
    }

    @Test
    void writeErrorFailsThePassAndEveryLaterPush() {
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(faulty, StorageKit.smallOptions());
            kit.append(log, StorageKit.payload(0, 100));
            faulty.failWrite(0, Errno.EIO, false);
            long b = kit.push(log, StorageKit.payload(1, 100));
            long c = kit.push(log, StorageKit.payload(2, 100));
            assertFailsWith(kit, b, Errno.EIO);
            assertFailsWith(kit, c, Errno.EIO);
            assertEquals(Errno.EIO, log.failure());
            long d = kit.libos.push(log.qd(), LibOsTestKit.sga(kit.libos, StorageKit.payload(3, 10)));
            assertEquals(-Errno.EIO, d, "read-only until reopened, although the fault was one-shot");
            assertArrayEquals(StorageKit.payload(0, 100), kit.pop(log), "reads keep working");
        }
        List<byte[]> after = reopen();
        assertEquals(1, after.size());
    }

    @Test
    void flushErrorFailsThePushesItWouldHaveMadeDurable() {
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(faulty, StorageKit.smallOptions());
            kit.append(log, StorageKit.payload(0, 100));
            faulty.failFlush(0, Errno.EIO, true);
            long b = kit.push(log, StorageKit.payload(1, 100));
            assertFailsWith(kit, b, Errno.EIO);
            assertEquals(Errno.EIO, log.failure());
        }
        assertEquals(1, reopen().size(), "the unacknowledged record is not guaranteed; here it was never flushed");
    }

    @Test
    void shortWriteIsContinuedAndThePushesSucceed() {
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(faulty, StorageKit.smallOptions());
            faulty.shortNextWrite(4096);
            long[] qts = new long[10];
            for (int i = 0; i < qts.length; i++) {
                qts[i] = kit.push(log, StorageKit.payload(i, 1000));
            }
            for (long qt : qts) {
                kit.awaitPush(qt);
            }
            assertEquals(1, faulty.faultsInjected());
            assertEquals(0, log.failure());
        }
        List<byte[]> after = reopen();
        assertEquals(10, after.size());
        assertArrayEquals(StorageKit.payload(9, 1000), after.get(9));
    }

    @Test
    void fullDiskCutsTheWriteShortThenFailsWithEnospc() {
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(faulty, StorageKit.smallOptions());
            kit.append(log, StorageKit.payload(0, 100));
            faulty.fullAt(Superblock.DEFAULT_DATA_OFFSET + 8192);
            long[] qts = new long[12];
            for (int i = 0; i < qts.length; i++) {
                qts[i] = kit.push(log, StorageKit.payload(1 + i, 1000));
            }
            for (long qt : qts) {
                assertFailsWith(kit, qt, Errno.ENOSPC);
            }
            assertEquals(Errno.ENOSPC, log.failure());
        }
        assertEquals(1, reopen().size());
    }

    @Test
    void tornWriteFailsThePushesAndRecoveryCutsTheTail() {
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(faulty, StorageKit.smallOptions());
            kit.append(log, StorageKit.payload(0, 3000));
            faulty.tearNextWrite(4096);
            long[] qts = new long[6];
            for (int i = 0; i < qts.length; i++) {
                qts[i] = kit.push(log, StorageKit.payload(1 + i, 3000));
            }
            for (long qt : qts) {
                assertFailsWith(kit, qt, Errno.EIO);
            }
        }
        disk.recording(false);
        try (StorageKit kit = new StorageKit()) {
            // The torn blocks reached the device's cache: make them durable, as a later flush by anyone would.
            CattreeLog log = kit.open(MemoryBlockDevice.of(disk.visibleImage()), StorageKit.smallOptions());
            assertNotEquals(ScanReport.Status.CORRUPT, log.recovery().status());
            List<byte[]> got = kit.popAll(log);
            assertEquals(1, got.size(), "the record wholly inside the written block survives, nothing after: "
                    + log.recovery());
            kit.append(log, StorageKit.payload(7, 10));
        }
    }

    @Test
    void fullLogFailsOnlyThePushThatDoesNotFit() {
        MemoryBlockDevice small = new MemoryBlockDevice(Superblock.DEFAULT_DATA_OFFSET + 2 * (64 << 10));
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(small, StorageKit.smallOptions());
            int appended = 0;
            QResult r;
            while (true) {
                r = kit.await(kit.push(log, StorageKit.payload(appended, 4000)));
                if (r.failed()) {
                    break;
                }
                kit.free(r.sga());
                appended++;
            }
            assertEquals(Errno.ENOSPC, r.errno());
            assertEquals(0, log.failure(), "a full log is not a device failure");
            assertTrue(appended >= 30, "two 64 KiB segments hold about 32 such records: " + appended);
            kit.append(log, StorageKit.payload(appended, 8), "a small record still fits");
            assertEquals(appended + 1, kit.popAll(log).size());
        }
    }
}
