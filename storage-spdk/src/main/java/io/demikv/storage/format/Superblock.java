package io.demikv.storage.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The superblock: one 4 KiB block describing the store, kept twice (copy A at byte 0, copy B at byte 4096).
 * Each write goes to the copy that does not hold the newest valid one, with a higher generation, so a torn
 * superblock write always leaves the previous copy intact; on open the valid copy with the higher
 * generation wins ({@link #newer}). Little-endian.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 CRC32C of bytes 4 .. 4096                     |   0
 * +---------------------------------------------------------------+
 * |                     magic 'CTSB' (0x42535443)                 |   4
 * +-------------------------------+-------------------------------+
 * |          version = 1          |   copy (0 = A, 1 = B)         |   8
 * +-------------------------------+-------------------------------+
 * |                     block size (4096)                         |  12
 * +---------------------------------------------------------------+
 * |             generation (64): +1 on every write                |  16
 * +---------------------------------------------------------------+
 * |             log id (64): random, chosen at create             |  24
 * +---------------------------------------------------------------+
 * |             segment bytes (64)                                |  32
 * +---------------------------------------------------------------+
 * |             segment count (32)                                |  40
 * +---------------------------------------------------------------+
 * |             chain length (32): segments in the log            |  44
 * +---------------------------------------------------------------+
 * |             data offset (64): device byte of segment 0        |  48
 * +---------------------------------------------------------------+
 * |             chain start LSN (64): log position of chain[0]    |  56
 * +---------------------------------------------------------------+
 * |             head LSN (64): where the live log starts          |  64
 * +---------------------------------------------------------------+
 * |             head seq (64): sequence of the record at head LSN |  72
 * +---------------------------------------------------------------+
 * |             epoch (32)                | max record bytes (32) |  80
 * +---------------------------------------------------------------+
 * |             compaction generation (64)                        |  88
 * +---------------------------------------------------------------+
 * |             compaction seq (64): first record it kept         |  96
 * +---------------------------------------------------------------+
 * |             compaction time (64): ms since 1970               | 104
 * +---------------------------------------------------------------+
 * |             created time (64): ms since 1970                  | 112
 * +---------------------------------------------------------------+
 * |             reserved (64), 0                                  | 120
 * +---------------------------------------------------------------+
 * |   chain: segment index (32) x chain length, log order         | 128
 * +---------------------------------------------------------------+
 * </pre>
 * Segment {@code i} occupies device bytes {@code [dataOffset + i * segmentBytes, + segmentBytes)}. The log
 * is the byte stream of {@code chain[0], chain[1], ...}: log position (LSN) {@code chainStart + j *
 * segmentBytes + k} is byte {@code k} of {@code chain[j]}. A flyweight over one block; allocation-free.
 */
public final class Superblock {
    public static final int BYTES = 4096;
    /** Device offsets of copy A and copy B. */
    public static final long COPY_A = 0;
    public static final long COPY_B = 4096;
    /** Where segment 0 starts by default: right after the two copies. */
    public static final long DEFAULT_DATA_OFFSET = 8192;

    public static final int CRC_OFFSET = 0;
    public static final int MAGIC_OFFSET = 4;
    public static final int VERSION_OFFSET = 8;
    public static final int COPY_OFFSET = 10;
    public static final int BLOCK_SIZE_OFFSET = 12;
    public static final int GENERATION_OFFSET = 16;
    public static final int LOG_ID_OFFSET = 24;
    public static final int SEGMENT_BYTES_OFFSET = 32;
    public static final int SEGMENT_COUNT_OFFSET = 40;
    public static final int CHAIN_LENGTH_OFFSET = 44;
    public static final int DATA_OFFSET_OFFSET = 48;
    public static final int CHAIN_START_LSN_OFFSET = 56;
    public static final int HEAD_LSN_OFFSET = 64;
    public static final int HEAD_SEQ_OFFSET = 72;
    public static final int EPOCH_OFFSET = 80;
    public static final int MAX_RECORD_OFFSET = 84;
    public static final int COMPACTION_GENERATION_OFFSET = 88;
    public static final int COMPACTION_SEQ_OFFSET = 96;
    public static final int COMPACTION_TIME_OFFSET = 104;
    public static final int CREATED_TIME_OFFSET = 112;
    public static final int CHAIN_OFFSET = 128;
    /** The most segments a log can span. */
    public static final int MAX_CHAIN = (BYTES - CHAIN_OFFSET) / 4;

    public static final int MAGIC = 0x42535443; // "CTSB" little-endian
    public static final short VERSION = 1;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private MemorySegment m;

    /** Points this flyweight at a 4096-byte block. */
    public Superblock wrap(MemorySegment block) {
        if (block.byteSize() < BYTES) {
            throw new IllegalArgumentException("a superblock needs " + BYTES + " bytes, got " + block.byteSize());
        }
        this.m = block;
        return this;
    }

    public MemorySegment memory() {
        return m;
    }

    public int storedCrc() {
        return m.get(INT, CRC_OFFSET);
    }

    public int magic() {
        return m.get(INT, MAGIC_OFFSET);
    }

    public short version() {
        return m.get(SHORT, VERSION_OFFSET);
    }

    public short copy() {
        return m.get(SHORT, COPY_OFFSET);
    }

    public int blockSize() {
        return m.get(INT, BLOCK_SIZE_OFFSET);
    }

    public long generation() {
        return m.get(LONG, GENERATION_OFFSET);
    }

    public long logId() {
        return m.get(LONG, LOG_ID_OFFSET);
    }

    public long segmentBytes() {
        return m.get(LONG, SEGMENT_BYTES_OFFSET);
    }

    public int segmentCount() {
        return m.get(INT, SEGMENT_COUNT_OFFSET);
    }

    public int chainLength() {
        return m.get(INT, CHAIN_LENGTH_OFFSET);
    }

    public long dataOffset() {
        return m.get(LONG, DATA_OFFSET_OFFSET);
    }

    public long chainStartLsn() {
        return m.get(LONG, CHAIN_START_LSN_OFFSET);
    }

    public long headLsn() {
        return m.get(LONG, HEAD_LSN_OFFSET);
    }

    public long headSeq() {
        return m.get(LONG, HEAD_SEQ_OFFSET);
    }

    public int epoch() {
        return m.get(INT, EPOCH_OFFSET);
    }

    /** The largest payload a record of this store may carry. */
    public int maxRecordBytes() {
        return m.get(INT, MAX_RECORD_OFFSET);
    }

    public long compactionGeneration() {
        return m.get(LONG, COMPACTION_GENERATION_OFFSET);
    }

    public long compactionSeq() {
        return m.get(LONG, COMPACTION_SEQ_OFFSET);
    }

    public long compactionTimeMillis() {
        return m.get(LONG, COMPACTION_TIME_OFFSET);
    }

    public long createdTimeMillis() {
        return m.get(LONG, CREATED_TIME_OFFSET);
    }

    public int chain(int j) {
        return m.get(INT, CHAIN_OFFSET + 4L * j);
    }

    /** Fills every field (zeroing the block first) from {@code s}, sets the magic and version, then the CRC. */
    public void write(SuperblockState s, short copy) {
        m.asSlice(0, BYTES).fill((byte) 0);
        m.set(INT, MAGIC_OFFSET, MAGIC);
        m.set(SHORT, VERSION_OFFSET, VERSION);
        m.set(SHORT, COPY_OFFSET, copy);
        m.set(INT, BLOCK_SIZE_OFFSET, 4096);
        m.set(LONG, GENERATION_OFFSET, s.generation);
        m.set(LONG, LOG_ID_OFFSET, s.logId);
        m.set(LONG, SEGMENT_BYTES_OFFSET, s.segmentBytes);
        m.set(INT, SEGMENT_COUNT_OFFSET, s.segmentCount);
        m.set(INT, CHAIN_LENGTH_OFFSET, s.chainLength);
        m.set(LONG, DATA_OFFSET_OFFSET, s.dataOffset);
        m.set(LONG, CHAIN_START_LSN_OFFSET, s.chainStartLsn);
        m.set(LONG, HEAD_LSN_OFFSET, s.headLsn);
        m.set(LONG, HEAD_SEQ_OFFSET, s.headSeq);
        m.set(INT, EPOCH_OFFSET, s.epoch);
        m.set(INT, MAX_RECORD_OFFSET, s.maxRecordBytes);
        m.set(LONG, COMPACTION_GENERATION_OFFSET, s.compactionGeneration);
        m.set(LONG, COMPACTION_SEQ_OFFSET, s.compactionSeq);
        m.set(LONG, COMPACTION_TIME_OFFSET, s.compactionTimeMillis);
        m.set(LONG, CREATED_TIME_OFFSET, s.createdTimeMillis);
        for (int j = 0; j < s.chainLength; j++) {
            m.set(INT, CHAIN_OFFSET + 4L * j, s.chain[j]);
        }
        m.set(INT, CRC_OFFSET, computeCrc());
    }

    /** Copies the fields into {@code s}. Call only on a {@link #isValid valid} block. */
    public void read(SuperblockState s) {
        s.generation = generation();
        s.logId = logId();
        s.segmentBytes = segmentBytes();
        s.segmentCount = segmentCount();
        s.chainLength = chainLength();
        s.dataOffset = dataOffset();
        s.chainStartLsn = chainStartLsn();
        s.headLsn = headLsn();
        s.headSeq = headSeq();
        s.epoch = epoch();
        s.maxRecordBytes = maxRecordBytes();
        s.compactionGeneration = compactionGeneration();
        s.compactionSeq = compactionSeq();
        s.compactionTimeMillis = compactionTimeMillis();
        s.createdTimeMillis = createdTimeMillis();
        s.chain = new int[Math.max(16, s.chainLength)];
        for (int j = 0; j < s.chainLength; j++) {
            s.chain[j] = chain(j);
        }
    }

    public int computeCrc() {
        CRC32C crc = new CRC32C();
        crc.update(m.asSlice(4, BYTES - 4).asByteBuffer());
        return (int) crc.getValue();
    }

    /** Magic, version, CRC and the geometry's internal consistency. */
    public boolean isValid() {
        if (magic() != MAGIC || version() != VERSION || storedCrc() != computeCrc() || blockSize() != 4096) {
            return false;
        }
        long seg = segmentBytes();
        int count = segmentCount();
        int len = chainLength();
        int maxRecord = maxRecordBytes();
        if (maxRecord <= 0 || maxRecord > seg - RecordHeader.HEADER_BYTES) {
            return false;
        }
        if (seg <= 0 || seg % 4096 != 0 || count <= 0 || len < 1 || len > MAX_CHAIN || len > count
                || dataOffset() < 2L * BYTES || dataOffset() % 4096 != 0) {
            return false;
        }
        long head = headLsn();
        long start = chainStartLsn();
        if (head < start || head > start + seg || head % RecordHeader.ALIGNMENT != 0) {
            return false;
        }
        for (int j = 0; j < len; j++) {
            int c = chain(j);
            if (c < 0 || c >= count) {
                return false;
            }
        }
        return true;
    }

    /**
     * Which of two copies wins: 0 for {@code a}, 1 for {@code b}, -1 when neither is valid. The valid copy with
     * the higher generation; a valid copy beats an invalid one.
     */
    public static int newer(Superblock a, Superblock b) {
        boolean va = a.isValid();
        boolean vb = b.isValid();
        if (va && vb) {
            return Long.compareUnsigned(a.generation(), b.generation()) >= 0 ? 0 : 1;
        }
        return va ? 0 : vb ? 1 : -1;
    }
}
