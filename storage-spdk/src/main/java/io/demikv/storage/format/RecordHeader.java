package io.demikv.storage.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The frame of one log record: a 32-byte header, then the payload, then zero padding to a multiple of 8.
 * Records are packed back to back in the log's byte stream (a record may span 4 KiB blocks, never a
 * segment); the byte stream is written in whole 4 KiB blocks. Little-endian.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  CRC32C of (log id, 8 bytes LE) then bytes 4 .. 32+length     |  0
 * +---------------------------------------------------------------+
 * |                    payload length in bytes                    |  4
 * +-------------------------------+---------------+---------------+
 * |         magic 0x7443          |  version = 1  |  type         |  8
 * +-------------------------------+---------------+---------------+
 * |        epoch: the open of the log that wrote the record       | 12
 * +---------------------------------------------------------------+
 * |                  sequence number (64 bits)                    | 16
 * +                                                               +
 * |                                                               |
 * +---------------------------------------------------------------+
 * |     durable mark (64 bits): the log position (LSN) below      | 24
 * +     which every byte was durable when this record was framed  +
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                payload (length bytes) ...                     | 32
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <ul>
 *   <li><b>type</b>: {@link #TYPE_DATA} (an appended record) or {@link #TYPE_SEGMENT_END} (length 0: the
 *       log continues at the start of the next segment of the chain).</li>
 *   <li><b>CRC</b>: CRC32C ({@link CRC32C}) seeded with the store's 64-bit log id, so records left on the
 *       device by an earlier format of it never check.</li>
 *   <li><b>sequence</b>: 1, 2, 3... without gaps over the life of the log (segment-end markers carry the
 *       sequence of the next record and do not consume it).</li>
 *   <li><b>epoch</b>: the superblock's epoch when the record was written; bumped by every open for writing,
 *       so bytes left behind a truncation (which carry an older epoch than records written after it) are
 *       never taken for records.</li>
 *   <li><b>durable mark</b>: lets recovery tell a torn tail from corruption: a bad record below a later
 *       valid record's durable mark was acknowledged durable, so its damage is corruption, not a crash.</li>
 * </ul>
 * A static flyweight: every accessor takes the memory and the record's offset; callers check bounds with
 * {@link #fits} before reading. Allocation-free; any thread for its own memory.
 */
public final class RecordHeader {
    public static final int CRC_OFFSET = 0;
    public static final int LENGTH_OFFSET = 4;
    public static final int MAGIC_OFFSET = 8;
    public static final int VERSION_OFFSET = 10;
    public static final int TYPE_OFFSET = 11;
    public static final int EPOCH_OFFSET = 12;
    public static final int SEQ_OFFSET = 16;
    public static final int DURABLE_MARK_OFFSET = 24;
    public static final int HEADER_BYTES = 32;
    /** Records start at multiples of this. */
    public static final int ALIGNMENT = 8;

    public static final short MAGIC = 0x7443;
    public static final byte VERSION = 1;
    public static final byte TYPE_DATA = 1;
    public static final byte TYPE_SEGMENT_END = 2;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RecordHeader() {
    }

    /** Bytes a record with {@code payload} bytes occupies in the log, padding included. */
    public static long frameBytes(long payload) {
        return align(HEADER_BYTES + payload);
    }

    public static long align(long n) {
        return (n + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** True when a header at {@code off} lies inside {@code m}. */
    public static boolean fits(MemorySegment m, long off) {
        return off >= 0 && off + HEADER_BYTES <= m.byteSize();
    }

    public static int crc(MemorySegment m, long off) {
        return m.get(INT, off + CRC_OFFSET);
    }

    public static int length(MemorySegment m, long off) {
        return m.get(INT, off + LENGTH_OFFSET);
    }

    public static short magic(MemorySegment m, long off) {
        return m.get(SHORT, off + MAGIC_OFFSET);
    }

    public static byte version(MemorySegment m, long off) {
        return m.get(ValueLayout.JAVA_BYTE, off + VERSION_OFFSET);
    }

    public static byte type(MemorySegment m, long off) {
        return m.get(ValueLayout.JAVA_BYTE, off + TYPE_OFFSET);
    }

    public static int epoch(MemorySegment m, long off) {
        return m.get(INT, off + EPOCH_OFFSET);
    }

    public static long seq(MemorySegment m, long off) {
        return m.get(LONG, off + SEQ_OFFSET);
    }

    public static long durableMark(MemorySegment m, long off) {
        return m.get(LONG, off + DURABLE_MARK_OFFSET);
    }

    /** True when the 32 header bytes at {@code off} are all zero (never-written space: the log ends here). */
    public static boolean isZero(MemorySegment m, long off) {
        return m.get(LONG, off) == 0 && m.get(LONG, off + 8) == 0 && m.get(LONG, off + 16) == 0
                && m.get(LONG, off + 24) == 0;
    }

    /** Writes every header field except the CRC (see {@link Checksum#seal}). */
    public static void write(MemorySegment m, long off, int length, byte type, int epoch, long seq, long durableMark) {
        m.set(INT, off + CRC_OFFSET, 0);
        m.set(INT, off + LENGTH_OFFSET, length);
        m.set(SHORT, off + MAGIC_OFFSET, MAGIC);
        m.set(ValueLayout.JAVA_BYTE, off + VERSION_OFFSET, VERSION);
        m.set(ValueLayout.JAVA_BYTE, off + TYPE_OFFSET, type);
        m.set(INT, off + EPOCH_OFFSET, epoch);
        m.set(LONG, off + SEQ_OFFSET, seq);
        m.set(LONG, off + DURABLE_MARK_OFFSET, durableMark);
    }

    /**
     * The CRC32C of one record, reusing one {@link CRC32C} and one buffer view of the memory it works on, so
     * sealing and checking allocate nothing. One instance per thread.
     */
    public static final class Checksum {
        private final CRC32C crc = new CRC32C();
        private final byte[] seed = new byte[8];
        private final MemorySegment memory;
        private final ByteBuffer view;

        /** A checksum over records in {@code memory} (at most 2 GiB) for a store with {@code logId}. */
        public Checksum(MemorySegment memory, long logId) {
            this.memory = memory;
            this.view = memory.asByteBuffer();
            for (int i = 0; i < 8; i++) {
                seed[i] = (byte) (logId >>> (8 * i));
            }
        }

        public MemorySegment memory() {
            return memory;
        }

        /** The CRC the record at {@code off} with {@code length} payload bytes should carry. */
        public int compute(long off, int length) {
            crc.reset();
            crc.update(seed, 0, 8);
            int from = (int) off + LENGTH_OFFSET;
            view.limit(from + HEADER_BYTES - LENGTH_OFFSET + length).position(from);
            crc.update(view);
            view.clear();
            return (int) crc.getValue();
        }

        /** Stores the CRC of a record whose other fields and payload are in place. */
        public void seal(long off) {
            memory.set(INT, off + CRC_OFFSET, compute(off, length(memory, off)));
        }

        /**
         * True when the record at {@code off} is whole and checks: magic, version, a known type, a length
         * that stays inside the memory and is at most {@code maxLength}, and the CRC.
         */
        public boolean isValid(long off, int maxLength) {
            if (!fits(memory, off) || magic(memory, off) != MAGIC || version(memory, off) != VERSION) {
                return false;
            }
            byte type = type(memory, off);
            int length = length(memory, off);
            if ((type != TYPE_DATA && type != TYPE_SEGMENT_END) || length < 0 || length > maxLength
                    || (type == TYPE_SEGMENT_END && length != 0)
                    || off + HEADER_BYTES + (long) length > memory.byteSize()) {
                return false;
            }
            return compute(off, length) == crc(memory, off);
        }
    }
}
