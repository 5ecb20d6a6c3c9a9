package io.demikv.storage.cattree;

import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.sched.Task;
import io.demikv.storage.StorageKit;
import io.demikv.storage.device.MemoryBlockDevice;
import io.demikv.storage.format.RecordHeader;
import io.demikv.storage.format.Superblock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Recovery: torn tails are cut, corruption in the middle is reported with its offset, crashes lose nothing acknowledged. */
class RecoveryTest {
    private static final int DEVICE = 256 << 10;
    private static final long DATA = Superblock.DEFAULT_DATA_OFFSET;

    /** Image after three 1500-byte records (ends 512 bytes into block 1) and after five more 1000-byte ones. */
    private record Images(byte[] before, byte[] after) {
    }

    private static Images twoBatches() {
        MemoryBlockDevice dev = new MemoryBlockDevice(DEVICE);
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(dev, StorageKit.smallOptions());
            for (int i = 0; i < 3; i++) {
                kit.append(log, StorageKit.payload(i, 1500));
            }
            assertEquals(3 * 1536, log.appendPosition());
            byte[] before = dev.durableImage();
            long[] qts = new long[5];
            for (int i = 0; i < 5; i++) {
                qts[i] = kit.push(log, StorageKit.payload(3 + i, 1000));
            }
            for (long qt : qts) {
                kit.awaitPush(qt);
            }
            assertEquals(3 * 1536 + 5 * 1032, log.appendPosition());
            return new Images(before, dev.durableImage());
        }
    }

    /** Opens {@code image}, checks the recovered records are exactly the first {@code expected}, then appends. */
    private static void assertRecovers(byte[] image, int expected, String what) {
        MemoryBlockDevice dev = MemoryBlockDevice.of(image);
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.open(dev, StorageKit.smallOptions());
            assertNotEquals(ScanReport.Status.CORRUPT, log.recovery().status(), what);
            List<byte[]> got = kit.popAll(log);
            assertEquals(expected, got.size(), what);
            for (int i = 0; i < got.size(); i++) {
                assertArrayEquals(StorageKit.payload(i, i < 3 ? 1500 : 1000), got.get(i), what + " record " + i);
            }
            kit.append(log, StorageKit.payload(99, 77));
        }
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.open(dev, StorageKit.smallOptions());
            assertEquals(ScanReport.Status.CLEAN, log.recovery().status(), what + " after repair");
            List<byte[]> got = kit.popAll(log);
            assertEquals(expected + 1, got.size(), what + " after repair");
            assertArrayEquals(StorageKit.payload(99, 77), got.get(expected), what);
        }
    }

    @Test
    void tornTailIsCutAtEveryByteOffsetOfTheLastBlock() {
        Images im = twoBatches();
        long block2 = DATA + 8192;
        long end = 3 * 1536 + 5 * 1032; // log bytes of the eight records
        for (int k = 0; k <= 4096; k++) {
            byte[] image = im.before().clone();
            System.arraycopy(im.after(), (int) DATA + 4096, image, (int) DATA + 4096, 4096); // block 1 whole
            System.arraycopy(im.after(), (int) block2, image, (int) block2, k);               // block 2 torn at k
            int whole = 3;
            for (int r = 0; r < 5; r++) {
                long recEnd = 3 * 1536 + (r + 1) * 1032L; // 32 + 1000 needs no padding
                if (recEnd <= 8192 + k) {
                    whole++;
                }
            }
            assertTrue(8192 + 4096 > end);
            assertRecovers(image, whole, "torn at byte " + k + " of the last block");
        }
    }

    @Test
    void tornRewriteOfThePartlyFilledBlockNeverLosesItsAcknowledgedPrefix() {
        Images im = twoBatches();
        long block1 = DATA + 4096;
        for (int k = 0; k <= 4096; k++) {
            byte[] image = im.before().clone();
            System.arraycopy(im.after(), (int) block1, image, (int) block1, k);
            int whole = 3;
            for (int r = 0; r < 5; r++) {
                long recEnd = 3 * 1536 + (r + 1) * 1032L;
                if (recEnd <= 4096 + k) {
                    whole++;
                }
            }
            assertRecovers(image, whole, "block 1 torn at byte " + k);
        }
    }

    @Test
    void corruptionInTheMiddleIsReportedWithItsDeviceOffset() {
        MemoryBlockDevice dev = new MemoryBlockDevice(DEVICE);
        long victim;
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(dev, StorageKit.smallOptions());
            kit.append(log, StorageKit.payload(0, 500));
            victim = log.appendPosition();
            kit.append(log, StorageKit.payload(1, 500));
            for (int i = 2; i < 10; i++) {
                kit.append(log, StorageKit.payload(i, 500));
            }
        }
        long victimOffset = DATA + victim;
        dev.poke(victimOffset + RecordHeader.HEADER_BYTES + 100, new byte[] {(byte) ~dev.peek(victimOffset + 132)});
        try (StorageKit kit = new StorageKit()) {
            LogCorruptedException e = assertThrows(LogCorruptedException.class,
                    () -> kit.cattree.open(MemoryBlockDevice.of(dev.visibleImage()), StorageKit.smallOptions()));
            assertEquals(victimOffset, e.offset());
            assertEquals(ScanReport.Status.CORRUPT, e.report().status());
            assertEquals(2, e.report().nextSeq(), "the damaged record is seq 2");
            assertTrue(e.getMessage().contains("byte offset " + victimOffset), e.getMessage());
            assertTrue(e.getMessage().contains("demikv-check-log --fix"), e.getMessage());
        }
    }

    @Test
    void zeroedSectorInTheMiddleIsCorruptionNotTheEnd() {
        MemoryBlockDevice dev = new MemoryBlockDevice(DEVICE);
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(dev, StorageKit.smallOptions());
            for (int i = 0; i < 20; i++) {
                kit.append(log, StorageKit.payload(i, 900));
            }
        }
        dev.poke(DATA + 4096, new byte[512]);
        try (StorageKit kit = new StorageKit()) {
            LogCorruptedException e = assertThrows(LogCorruptedException.class,
                    () -> kit.cattree.open(dev, StorageKit.smallOptions()));
            long lsn = e.report().badLsn();
            assertTrue(lsn <= 4096 && lsn + 932 > 4096, "the record that spans byte 4096: " + lsn);
            assertEquals(DATA + lsn, e.offset());
        }
    }

    @Test
    void damagedSuperblockCopyFallsBackToTheOther() {
        MemoryBlockDevice dev = new MemoryBlockDevice(DEVICE);
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(dev, StorageKit.smallOptions());
            kit.append(log, StorageKit.payload(0, 10));
        }
        for (long copy : new long[] {Superblock.COPY_A, Superblock.COPY_B}) {
            MemoryBlockDevice d = MemoryBlockDevice.of(dev.visibleImage());
            d.poke(copy + 200, new byte[] {1, 2, 3});
            try (StorageKit kit = new StorageKit()) {
                CattreeLog log = kit.open(d, StorageKit.smallOptions());
                assertEquals(copy == Superblock.COPY_A ? 1 : 0, log.recovery().superblockCopy());
                assertEquals(1, kit.popAll(log).size());
            }
        }
        MemoryBlockDevice both = MemoryBlockDevice.of(dev.visibleImage());
        both.poke(Superblock.COPY_A + 8, new byte[] {9});
        both.poke(Superblock.COPY_B + 8, new byte[] {9});
        try (StorageKit kit = new StorageKit()) {
            LogCorruptedException e = assertThrows(LogCorruptedException.class,
                    () -> kit.cattree.open(both, StorageKit.smallOptions()));
            assertEquals(ScanReport.Status.NO_SUPERBLOCK, e.report().status());
        }
    }

    /**
     * Random workloads on a device that completes commands in random order, crashed at a random moment
     * (unflushed and in-flight writes kept or lost at random, torn at sector boundaries): every acknowledged
     * record survives, and recovery returns a prefix of what was pushed.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void crashAtARandomMomentLosesNoAcknowledgedRecord(int seed) {
        for (int round = 0; round < 10; round++) {
            Random rnd = new Random(seed * 1000L + round);
            MemoryBlockDevice dev = new MemoryBlockDevice(512 << 10);
            int pushed = 0;
            int acked = 0;
            int[] sizes = new int[100_000];
            MemoryBlockDevice crashed;
            try (StorageKit kit = new StorageKit()) {
                CattreeLog log = kit.create(dev, StorageKit.smallOptions());
                dev.manual(true).recording(false);
                ArrayDeque<Long> pending = new ArrayDeque<>();
                int steps = 1 + rnd.nextInt(60);
                for (int s = 0; s < steps; s++) {
                    int k = rnd.nextInt(4);
                    for (int i = 0; i < k; i++) {
                        int size = 1 + rnd.nextInt(rnd.nextBoolean() ? 300 : 6000);
                        sizes[pushed] = size;
                        pending.add(kit.push(log, StorageKit.payload(pushed, size)));
                        pushed++;
                    }
                    kit.libos.poll();
                    int n = dev.pending().size();
                    int complete = n == 0 ? 0 : rnd.nextInt(n + 1);
                    for (int c = 0; c < complete; c++) {
                        dev.complete(rnd.nextInt(dev.pending().size()));
                    }
                    kit.libos.poll();
                    while (!pending.isEmpty()) {
                        Task t = kit.libos.scheduler().lookup(pending.peek());
                        if (!t.isDone()) {
                            break;
                        }
                        QResult r = new QResult();
                        kit.libos.scheduler().take(pending.poll(), r);
                        assertEquals(Opcode.PUSH, r.opcode(), r.toString());
                        kit.free(r.sga());
                        acked++;
                    }
                }
                crashed = dev.crash(rnd, true);
            }
            try (StorageKit kit = new StorageKit()) {
                CattreeLog log = kit.open(crashed, StorageKit.smallOptions());
                List<byte[]> got = kit.popAll(log);
                String what = "seed " + seed + " round " + round + ": pushed " + pushed + " acked " + acked
                        + " recovered " + got.size() + " " + log.recovery();
                assertTrue(got.size() >= acked, what);
                assertTrue(got.size() <= pushed, what);
                for (int i = 0; i < got.size(); i++) {
                    assertArrayEquals(StorageKit.payload(i, sizes[i]), got.get(i), what + " record " + i);
                }
            }
        }
    }
}
