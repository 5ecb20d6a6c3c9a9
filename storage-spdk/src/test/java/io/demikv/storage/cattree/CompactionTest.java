package io.demikv.storage.cattree;

import io.demikv.libos.Errno;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.storage.StorageKit;
import io.demikv.storage.device.MemoryBlockDevice;
import io.demikv.storage.format.Superblock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compaction (head moves): segments before the head are freed and reused, and the switch is crash-proof. */
class CompactionTest {
    private static final int DEVICE = 512 << 10; // 7 segments of 64 KiB after the superblocks

    /** Appends records {@code from..to-1} of {@code size} bytes; returns each record's position. */
    private static long[] append(StorageKit kit, CattreeLog log, int from, int to, int size) {
        long[] pos = new long[to - from];
        for (int i = from; i < to; i++) {
            pos[i - from] = log.appendPosition();
            kit.append(log, StorageKit.payload(i, size));
        }
        return pos;
    }

    private static void expectRecords(List<byte[]> got, int from, int to, int size) {
        assertEquals(to - from, got.size(), "records after the head");
        for (int i = from; i < to; i++) {
            assertArrayEquals(StorageKit.payload(i, size), got.get(i - from), "record " + i);
        }
    }

    @Test
    void compactionDropsLeadingSegmentsAndReopenStartsAtTheNewHead() {
        MemoryBlockDevice dev = new MemoryBlockDevice(DEVICE);
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(dev, StorageKit.smallOptions());
            long[] pos = append(kit, log, 0, 200, 1000); // ~200 KiB: 4 segments
            long chainBefore = log.chainBytes();
            long head = pos[150];
            long seq = log.headSeq() + 150;
            QResult r = kit.await(log.compact(head, seq));
            assertEquals(Opcode.PUSH, r.opcode(), r.toString());
            assertEquals(head, r.value());
            assertEquals(head, log.headPosition());
            assertEquals(seq, log.headSeq());
            assertEquals(1, log.compactionGeneration());
            assertTrue(log.chainBytes() < chainBefore, "leading segments dropped");
            assertTrue(log.sizeBytes() < 60 * 1032 + 1032);
        }
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.open(MemoryBlockDevice.of(dev.durableImage()), StorageKit.smallOptions());
            expectRecords(kit.popAll(log), 150, 200, 1000);
            assertEquals(151, log.headSeq());
        }
    }

    @Test
    void freedSegmentsAreReusedSoTheLogOutgrowsTheDevice() {
        MemoryBlockDevice dev = new MemoryBlockDevice(DEVICE);
        int next = 0;
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(dev, StorageKit.smallOptions());
            // 10 rounds of ~150 KiB each: 1.5 MiB through a 448 KiB store.
            for (int round = 0; round < 10; round++) {
                long[] pos = append(kit, log, next, next + 150, 1000);
                long keepFrom = pos[100];
                long seq = log.nextSeq() - 50;
                QResult r = kit.await(log.compact(keepFrom, seq));
                assertFalse(r.failed(), r.toString());
                next += 150;
            }
            assertEquals(10, log.compactionGeneration());
            assertTrue(log.appendPosition() > DEVICE * 2L);
        }
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.open(MemoryBlockDevice.of(dev.durableImage()), StorageKit.smallOptions());
            expectRecords(kit.popAll(log), next - 50, next, 1000);
        }
    }

    @Test
    void compactRejectsPositionsThatAreNotDurableAndASecondMove() {
        MemoryBlockDevice dev = new MemoryBlockDevice(DEVICE);
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(dev, StorageKit.smallOptions());
            append(kit, log, 0, 10, 100);
            assertEquals(-Errno.EINVAL, log.compact(log.appendPosition() + 8, log.nextSeq()));
            assertEquals(-Errno.EINVAL, log.compact(4, log.headSeq()));
            long qt = log.compact(log.appendPosition(), log.nextSeq());
            assertTrue(qt >= 0);
            assertEquals(-Errno.EBUSY, log.compact(log.appendPosition(), log.nextSeq()));
            assertFalse(kit.await(qt).failed());
            // Compacting to the end leaves an empty log that still takes records.
            assertEquals(0, log.sizeBytes());
            append(kit, log, 10, 12, 100);
        }
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.open(MemoryBlockDevice.of(dev.durableImage()), StorageKit.smallOptions());
            expectRecords(kit.popAll(log), 10, 12, 100);
        }
    }

    @Test
    void aDeviceErrorOnTheSuperblockWriteFailsTheMoveAndKeepsTheOldHead() {
        MemoryBlockDevice dev = new MemoryBlockDevice(DEVICE);
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(dev, StorageKit.smallOptions());
            long[] pos = append(kit, log, 0, 100, 1000);
            dev.manual(true);
            long qt = log.compact(pos[80], log.headSeq() + 80);
            kit.libos.poll();
            assertEquals(1, dev.pending().size());
            dev.fail(0, Errno.EIO);
            QResult r = kit.await(qt);
            assertTrue(r.failed());
            assertEquals(Errno.EIO, r.errno());
            assertEquals(Errno.EIO, log.failure());
            assertEquals(0, log.headPosition());
        }
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.open(MemoryBlockDevice.of(dev.durableImage()), StorageKit.smallOptions());
            expectRecords(kit.popAll(log), 0, 100, 1000);
        }
    }

    /**
     * The switch crashed at every step: records are pushed while a head move is pending, and the device is
     * cut after each completed command (and with the in-flight ones kept, lost or torn at random). Every image
     * opens; its log starts at the old head or the new one (nothing in between, nothing lost), and holds every
     * record acknowledged by then.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void aCrashAtEveryStepOfTheSwitchLosesNoAcknowledgedRecord(int seed) {
        Random rnd = new Random(seed);
        MemoryBlockDevice dev = new MemoryBlockDevice(DEVICE);
        int size = 900 + seed * 37;
        int first = 120;
        List<byte[]> images = new ArrayList<>();
        List<Integer> ackedAt = new ArrayList<>();
        List<Boolean> movedAt = new ArrayList<>();
        int keepFrom = 60 + seed * 5;
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(dev, StorageKit.smallOptions());
            long[] pos = append(kit, log, 0, first, size);
            dev.manual(true).recording(false);
            long cqt = log.compact(pos[keepFrom], log.headSeq() + keepFrom);
            assertTrue(cqt >= 0);
            kit.libos.poll(); // the superblock write is in flight: crash images now may keep, lose or tear it
            for (int k = 0; k < 4; k++) {
                images.add(dev.crash(rnd, true).durableImage());
                ackedAt.add(first);
                movedAt.add(false);
            }
            ArrayList<Long> pending = new ArrayList<>();
            int pushed = first;
            int acked = first;
            boolean moved = false;
            for (int step = 0; step < 60; step++) {
                if (step < 40) {
                    // pushes that roll segments while the move is in flight
                    for (int k = rnd.nextInt(3); k > 0; k--) {
                        pending.add(kit.push(log, StorageKit.payload(pushed++, size)));
                    }
                }
                kit.libos.poll();
                if (!dev.pending().isEmpty()) {
                    dev.complete(rnd.nextInt(dev.pending().size()));
                }
                kit.libos.poll();
                while (!pending.isEmpty() && kit.libos.scheduler().lookup(pending.get(0)).isDone()) {
                    QResult r = new QResult();
                    kit.libos.scheduler().take(pending.remove(0), r);
                    assertFalse(r.failed(), r.toString());
                    kit.free(r.sga());
                    acked++;
                }
                if (!moved && kit.libos.scheduler().lookup(cqt).isDone()) {
                    QResult r = new QResult();
                    kit.libos.scheduler().take(cqt, r);
                    assertFalse(r.failed(), r.toString());
                    moved = true;
                }
                images.add(dev.crash(rnd, true).durableImage());
                ackedAt.add(acked);
                movedAt.add(moved);
            }
            dev.completeAll();
            kit.libos.poll();
        }
        assertTrue(movedAt.contains(true) && movedAt.contains(false), "crashed before and after the switch");
        for (int i = 0; i < images.size(); i++) {
            try (StorageKit kit = new StorageKit()) {
                CattreeLog log = kit.open(MemoryBlockDevice.of(images.get(i)), StorageKit.smallOptions());
                List<byte[]> got = kit.popAll(log);
                long head = log.headSeq() - 1; // records are numbered from 0 in payloads, seqs from 1
                assertTrue(head == 0 || head == keepFrom, "head at record " + head + " (step " + i + ")");
                if (movedAt.get(i)) {
                    assertEquals(keepFrom, head, "the move was acknowledged at step " + i);
                }
                assertTrue(head + got.size() >= ackedAt.get(i), "step " + i + ": " + got.size()
                        + " records from " + head + ", " + ackedAt.get(i) + " acknowledged");
                for (int k = 0; k < got.size(); k++) {
                    assertArrayEquals(StorageKit.payload((int) head + k, size), got.get(k), "record " + (head + k));
                }
            }
        }
    }

    @Test
    void aLargerDeviceGivesTheStoreMoreSegmentsAtOpen() {
        MemoryBlockDevice dev = new MemoryBlockDevice(DEVICE);
        long before;
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(dev, StorageKit.smallOptions());
            before = log.capacityBytes();
            append(kit, log, 0, 5, 100);
        }
        byte[] bigger = Arrays.copyOf(dev.durableImage(), DEVICE * 2);
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.open(MemoryBlockDevice.of(bigger), StorageKit.smallOptions());
            assertEquals(before + (DEVICE << 0) / (64 << 10) * (64 << 10), log.capacityBytes());
            expectRecords(kit.popAll(log), 0, 5, 100);
        }
        assertTrue(Superblock.BYTES > 0);
    }
}
