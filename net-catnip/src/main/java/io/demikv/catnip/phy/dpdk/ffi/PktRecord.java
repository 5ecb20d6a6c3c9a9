package io.demikv.catnip.phy.dpdk.ffi;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_CHAR;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Accessors over an array of {@code struct demikv_pkt}, the shim's description of one packet (24 bytes each,
 * arrays parallel to {@code struct rte_mbuf *} arrays):
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    buf_addr (64, virtual)                     |  0
 * |                                                               |
 * +---------------------------------------------------------------+
 * |            index (mbuf number in its pool, or ~0)             |  8
 * +-------------------------------+-------------------------------+
 * |           buf_len             |           data_off            | 12
 * +-------------------------------+-------------------------------+
 * |           data_len            |       flags (MULTISEG|RETAIN) | 16
 * +-------------------------------+-------------------------------+
 * |               pkt_len (all segments, receive)                 | 20
 * +---------------------------------------------------------------+
 * </pre>
 * Static methods on (segment, record number) so the hot path makes no objects. Native byte order. Libos thread.
 */
public final class PktRecord {
    public static final int BYTES = 24;
    static final int BUF_ADDR = 0;
    static final int INDEX = 8;
    static final int BUF_LEN = 12;
    static final int DATA_OFF = 14;
    static final int DATA_LEN = 16;
    static final int FLAGS = 18;
    static final int PKT_LEN = 20;

    /** flags: the packet spans more than one mbuf (receive). */
    public static final int MULTISEG = 0x1;
    /** flags: take one more reference to the mbuf before sending it (transmit). */
    public static final int RETAIN = 0x2;
    /** index of an mbuf from a pool that was not numbered. */
    public static final int NO_INDEX = -1;

    private PktRecord() {
    }

    public static long bufAddr(MemorySegment records, int i) {
        return records.get(JAVA_LONG, (long) i * BYTES + BUF_ADDR);
    }

    /** The mbuf's number in its pool, or {@link #NO_INDEX}. */
    public static int index(MemorySegment records, int i) {
        return records.get(JAVA_INT, (long) i * BYTES + INDEX);
    }

    public static int bufLen(MemorySegment records, int i) {
        return records.get(JAVA_CHAR, (long) i * BYTES + BUF_LEN);
    }

    public static int dataOff(MemorySegment records, int i) {
        return records.get(JAVA_CHAR, (long) i * BYTES + DATA_OFF);
    }

    public static int dataLen(MemorySegment records, int i) {
        return records.get(JAVA_CHAR, (long) i * BYTES + DATA_LEN);
    }

    public static int flags(MemorySegment records, int i) {
        return records.get(JAVA_CHAR, (long) i * BYTES + FLAGS);
    }

    public static int pktLen(MemorySegment records, int i) {
        return records.get(JAVA_INT, (long) i * BYTES + PKT_LEN);
    }

    /** Sets record {@code i}'s window and flags for {@code demikv_tx_burst}. */
    public static void setWindow(MemorySegment records, int i, int dataOff, int dataLen, int flags) {
        long base = (long) i * BYTES;
        records.set(JAVA_CHAR, base + DATA_OFF, (char) dataOff);
        records.set(JAVA_CHAR, base + DATA_LEN, (char) dataLen);
        records.set(JAVA_CHAR, base + FLAGS, (char) flags);
    }
}
