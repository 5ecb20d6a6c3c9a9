package io.demikv.storage.check;

import io.demikv.libos.Errno;
import io.demikv.storage.StorageKit;
import io.demikv.storage.cattree.CattreeLog;
import io.demikv.storage.cattree.ScanReport;
import io.demikv.storage.device.MemoryBlockDevice;
import io.demikv.storage.format.Superblock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LogCheckTest {
    private static final long DATA = Superblock.DEFAULT_DATA_OFFSET;

    private static MemoryBlockDevice logOf(int records, int size) {
        MemoryBlockDevice dev = new MemoryBlockDevice(1 << 20);
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(dev, StorageKit.smallOptions());
            for (int i = 0; i < records; i++) {
                kit.append(log, StorageKit.payload(i, size));
            }
        }
        return dev;
    }

    @Test
    void verifyVisitsEveryRecordWithItsSequenceAndOffset() {
        MemoryBlockDevice dev = logOf(100, 1000);
        List<Long> seqs = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        LogCheck.Result r = LogCheck.verify(dev, (seq, lsn, off, payload) -> {
            seqs.add(seq);
            offsets.add(off);
            assertEquals(1000, payload.byteSize());
        });
        assertEquals(ScanReport.Status.CLEAN, r.report().status());
        assertEquals(100, r.report().records());
        assertEquals(100, seqs.size());
        assertEquals(1L, seqs.get(0));
        assertEquals(100L, seqs.get(99));
        assertEquals(DATA, offsets.get(0));
        assertTrue(LogCheck.describe(r).contains("CLEAN, 100 records"), LogCheck.describe(r));
    }

    @Test
    void truncateAtTheCorruptOffsetMakesTheLogOpenWithThePrefix() {
        MemoryBlockDevice dev = logOf(100, 1000);
        long victim = DATA + 40 * 1032 + 500; // inside record 41 (seq 41)
        dev.poke(victim, new byte[] {(byte) ~dev.peek(victim)});
        LogCheck.Result r = LogCheck.verify(dev, null);
        assertEquals(ScanReport.Status.CORRUPT, r.report().status());
        assertEquals(DATA + 40 * 1032, r.report().badOffset());
        assertTrue(LogCheck.describe(r).contains("CORRUPT at byte offset " + (DATA + 40 * 1032)));

        assertEquals(-Errno.EINVAL, LogCheck.truncate(dev, r.report().badOffset() + 8), "not a record start");
        assertEquals(0, LogCheck.truncate(dev, r.report().badOffset()));
        LogCheck.Result after = LogCheck.verify(dev, null);
        assertEquals(ScanReport.Status.CLEAN, after.report().status());
        assertEquals(40, after.report().records());

        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.open(dev, StorageKit.smallOptions());
            assertEquals(41, log.nextSeq());
            kit.append(log, StorageKit.payload(40, 7));
        }
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.open(dev, StorageKit.smallOptions());
            assertEquals(ScanReport.Status.CLEAN, log.recovery().status());
            List<byte[]> got = kit.popAll(log);
            assertEquals(41, got.size());
            assertArrayEquals(StorageKit.payload(40, 7), got.get(40));
        }
    }

    @Test
    void truncateAtAGoodRecordDropsItAndEverythingAfter() {
        MemoryBlockDevice dev = logOf(100, 1000);
        long[] offset = {-1};
        LogCheck.verify(dev, (seq, lsn, off, payload) -> {
            if (seq == 91) {
                offset[0] = off;
            }
        });
        assertTrue(offset[0] > DATA + 64 * 1024, "record 91 lives in the second segment: " + offset[0]);
        assertEquals(0, LogCheck.truncate(dev, offset[0]));
        assertEquals(90, LogCheck.verify(dev, null).report().records());
    }
}
