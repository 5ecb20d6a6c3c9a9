package io.demikv.storage.format;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Golden bytes for the on-disk formats. The expected bytes and CRCs were computed independently (a
 * bit-by-bit CRC32C in Python over the documented layout), not by this code.
 */
class FormatGoldenBytesTest {
    private static final long LOG_ID = 0x0102030405060708L;
    private static final HexFormat HEX = HexFormat.of();

    private static final String RECORD_HELLO =
            "6bf1548f" + "05000000" + "4374" + "01" + "01" + "03000000" + "0500000000000000" + "0010000000000000"
                    + "68656c6c6f";

    private static MemorySegment filled(Arena arena, int bytes) {
        MemorySegment m = arena.allocate(bytes, 8);
        m.fill((byte) 0xA5);
        return m;
    }

    @Test
    void recordHeaderMatchesGoldenBytes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = filled(arena, 64);
            long off = 8;
            RecordHeader.write(m, off, 5, RecordHeader.TYPE_DATA, 3, 5, 4096);
            MemorySegment.copy("hello".getBytes(), 0, m, ValueLayout.JAVA_BYTE, off + 32, 5);
            RecordHeader.Checksum c = new RecordHeader.Checksum(m, LOG_ID);
            c.seal(off);
            assertEquals(RECORD_HELLO, HEX.formatHex(m.asSlice(off, 37).toArray(ValueLayout.JAVA_BYTE)));
            assertEquals((byte) 0xA5, m.get(ValueLayout.JAVA_BYTE, off + 37), "the flyweight writes no padding");
            assertEquals((byte) 0xA5, m.get(ValueLayout.JAVA_BYTE, 7), "nothing before the record");
            assertEquals(40, RecordHeader.frameBytes(5));
            assertTrue(c.isValid(off, 100));
            assertEquals(5, RecordHeader.length(m, off));
            assertEquals(3, RecordHeader.epoch(m, off));
            assertEquals(5, RecordHeader.seq(m, off));
            assertEquals(4096, RecordHeader.durableMark(m, off));
        }
    }

    @Test
    void recordIsRejectedWhenAnyCoveredByteOrTheLogIdDiffers() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = filled(arena, 48);
            byte[] golden = HEX.parseHex(RECORD_HELLO);
            MemorySegment.copy(golden, 0, m, ValueLayout.JAVA_BYTE, 0, golden.length);
            assertTrue(new RecordHeader.Checksum(m, LOG_ID).isValid(0, 100));
            assertFalse(new RecordHeader.Checksum(m, LOG_ID + 1).isValid(0, 100), "another store's record");
            assertFalse(new RecordHeader.Checksum(m, LOG_ID).isValid(0, 4), "longer than the store allows");
            for (int i = 0; i < golden.length; i++) {
                byte saved = m.get(ValueLayout.JAVA_BYTE, i);
                m.set(ValueLayout.JAVA_BYTE, i, (byte) (saved ^ 0x10));
                assertFalse(new RecordHeader.Checksum(m, LOG_ID).isValid(0, 100), "flipped byte " + i);
                m.set(ValueLayout.JAVA_BYTE, i, saved);
            }
        }
    }

    @Test
    void recordWhoseLengthRunsPastTheMemoryIsRejectedBeforeReading() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = filled(arena, 40);
            RecordHeader.write(m, 0, 100, RecordHeader.TYPE_DATA, 0, 1, 0);
            assertFalse(new RecordHeader.Checksum(m, LOG_ID).isValid(0, 1000));
            assertFalse(RecordHeader.fits(m, 16));
            assertTrue(RecordHeader.fits(m, 8));
        }
    }

    private static SuperblockState sample() {
        SuperblockState s = new SuperblockState();
        s.generation = 7;
        s.logId = LOG_ID;
        s.segmentBytes = 65536;
        s.segmentCount = 3;
        s.appendSegment(0);
        s.appendSegment(2);
        s.dataOffset = 8192;
        s.headSeq = 1;
        s.epoch = 4;
        s.maxRecordBytes = 8192;
        s.createdTimeMillis = 1_700_000_000_000L;
        return s;
    }

    @Test
    void superblockMatchesGoldenBytes() {
        String golden = "88d552bf4354534201000100001000000700000000000000080706050403020100000100000000000300000002000000"
                + "002000000000000000000000000000000000000000000000010000000000000004000000002000000000000000000000"
                + "000000000000000000000000000000000068e5cf8b01000000000000000000000000000002000000";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = filled(arena, 4096);
            Superblock sb = new Superblock().wrap(m);
            sb.write(sample(), (short) 1);
            assertEquals(golden, HEX.formatHex(m.asSlice(0, 136).toArray(ValueLayout.JAVA_BYTE)));
            for (long i = 136; i < 4096; i++) {
                assertEquals(0, m.get(ValueLayout.JAVA_BYTE, i), "zero after the chain at " + i);
            }
            assertTrue(sb.isValid());
            SuperblockState back = new SuperblockState();
            sb.read(back);
            assertEquals(7, back.generation);
            assertEquals(2, back.chainLength);
            assertEquals(2, back.chain[1]);
            assertEquals(8192 + 2 * 65536 + 100, back.deviceOffset(65536 + 100), "LSN in chain[1] = segment 2");
            assertEquals(65536 + 100, back.lsnOf(8192 + 2 * 65536 + 100));
            assertEquals(1, back.nextFreeSegment());
        }
    }

    @Test
    void newerValidCopyWinsAndADamagedCopyLoses() {
        try (Arena arena = Arena.ofConfined()) {
            Superblock a = new Superblock().wrap(arena.allocate(4096, 8));
            Superblock b = new Superblock().wrap(arena.allocate(4096, 8));
            SuperblockState s = sample();
            a.write(s, (short) 0);
            s.generation = 8;
            b.write(s, (short) 1);
            assertEquals(1, Superblock.newer(a, b));
            assertEquals(0, Superblock.newer(b, a));
            b.memory().set(ValueLayout.JAVA_BYTE, 3000, (byte) 1);
            assertEquals(0, Superblock.newer(a, b), "a bit flip anywhere invalidates the copy");
            a.memory().set(ValueLayout.JAVA_BYTE, 4, (byte) 0);
            assertEquals(-1, Superblock.newer(a, b));
        }
    }

    @Test
    void superblockWithInconsistentGeometryIsInvalid() {
        try (Arena arena = Arena.ofConfined()) {
            Superblock sb = new Superblock().wrap(arena.allocate(4096, 8));
            SuperblockState s = sample();
            s.chain[1] = 3; // only segments 0..2 exist
            sb.write(s, (short) 0);
            assertFalse(sb.isValid());
            s = sample();
            s.maxRecordBytes = 70000;
            sb.write(s, (short) 0);
            assertFalse(sb.isValid(), "a record larger than a segment");
        }
    }
}
