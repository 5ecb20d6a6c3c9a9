package io.demikv.kvstore.db;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A sequence of byte strings packed into one array, Redis's listpack idea: no object per element, so a
 * small hash, sorted set or a list node costs one array. Each entry is
 * <pre>
 *  +-----------------+-----------------+--------------------------+
 *  | length (varint) | payload bytes   | back length (rev. varint) |
 *  +-----------------+-----------------+--------------------------+
 * </pre>
 * The forward varint holds the payload length, 7 bits per byte, low bits first, the high bit meaning
 * "more bytes follow". The back length holds the size of the first two parts, written so that it is read
 * from its last byte backwards (the high bit meaning "more bytes to the left"); it lets {@link #prev} walk
 * from the end, as Redis's listpack does. An entry with a 1-byte payload costs 3 bytes; a 64-byte one 66.
 *
 * <p>Positions are byte offsets of entries: iterate with {@code for (p = 0; p < end(); p = next(p))} or
 * backwards from {@link #last()} with {@link #prev}. Inserting or removing moves the bytes after the
 * position (the arrays stay small: the collections convert to table forms past their limits). Sorted
 * sets keep scores as 8-byte payloads ({@link #putDouble}). Server thread only.
 */
final class Listpack {
    private static final VarHandle DOUBLES = MethodHandles.byteArrayViewVarHandle(double[].class,
            ByteOrder.BIG_ENDIAN);
    private static final byte[] EMPTY = new byte[0];

    private byte[] buf;
    private int used;
    private int count;

    Listpack() {
        this.buf = EMPTY;
    }

    Listpack(int capacity) {
        this.buf = new byte[capacity];
    }

    /** Number of entries. */
    int size() {
        return count;
    }

    /** Bytes in use; also the position just past the last entry. */
    int end() {
        return used;
    }

    byte[] array() {
        return buf;
    }

    /** Position of the last entry, or -1 when empty. */
    int last() {
        return used == 0 ? -1 : prev(used);
    }

    /** Position of the entry after {@code p}; equals {@link #end()} after the last. */
    int next(int p) {
        int len = 0;
        int shift = 0;
        int q = p;
        int b;
        do {
            b = buf[q++];
            len |= (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        int head = q - p + len;
        return p + head + varintSize(head);
    }

    /** Position of the entry before {@code p} ({@code p} may be {@link #end()}), or -1 before the first. */
    int prev(int p) {
        if (p <= 0) {
            return -1;
        }
        int q = p - 1;
        int head = 0;
        int shift = 0;
        int b;
        do {
            b = buf[q--];
            head |= (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return q + 1 - head;
    }

    /** Payload length of the entry at {@code p}. */
    int length(int p) {
        int len = 0;
        int shift = 0;
        int b;
        do {
            b = buf[p++];
            len |= (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return len;
    }

    /** Offset in {@link #array()} of the payload of the entry at {@code p}. */
    int data(int p) {
        while ((buf[p++] & 0x80) != 0) {
            // skip the length varint
        }
        return p;
    }

    /** Points {@code out} at the payload of the entry at {@code p}. */
    void view(int p, Slice out) {
        int d = data(p);
        out.set(buf, d, length(p));
    }

    /** A copy of the payload of the entry at {@code p}. */
    byte[] copy(int p) {
        int d = data(p);
        return Arrays.copyOfRange(buf, d, d + length(p));
    }

    /** True when the payload at {@code p} equals {@code b[off, off + len)}. */
    boolean equalsAt(int p, byte[] b, int off, int len) {
        if (length(p) != len) {
            return false;
        }
        int d = data(p);
        return Arrays.equals(buf, d, d + len, b, off, off + len);
    }

    /** Compares the payload at {@code p} with {@code b[off, off + len)} as unsigned bytes (memcmp order). */
    int compareAt(int p, byte[] b, int off, int len) {
        int d = data(p);
        return Arrays.compareUnsigned(buf, d, d + length(p), b, off, off + len);
    }

    /** The 8-byte payload at {@code p} as a double (sorted-set scores). */
    double getDouble(int p) {
        return (double) DOUBLES.get(buf, data(p));
    }

    /** Position of entry {@code index} (0-based; negative counts from the end), walking from the nearer end. */
    int seek(int index) {
        if (index < 0) {
            index += count;
        }
        if (index < 0 || index >= count) {
            return -1;
        }
        if (index <= count / 2) {
            int p = 0;
            for (int i = 0; i < index; i++) {
                p = next(p);
            }
            return p;
        }
        int p = used;
        for (int i = count; i > index; i--) {
            p = prev(p);
        }
        return p;
    }

    /** Inserts an entry before position {@code p} ({@link #end()} appends); returns {@code p}. */
    int insert(int p, byte[] b, int off, int len) {
        int head = varintSize(len) + len;
        int size = head + varintSize(head);
        open(p, size);
        int q = writeVarint(p, len);
        System.arraycopy(b, off, buf, q, len);
        writeBackLength(p + size, head);
        count++;
        return p;
    }

    void append(byte[] b, int off, int len) {
        insert(used, b, off, len);
    }

    /** Inserts an 8-byte double entry before position {@code p}. */
    int insertDouble(int p, double d) {
        int size = 1 + 8 + 1;
        open(p, size);
        buf[p] = 8;
        DOUBLES.set(buf, p + 1, d);
        buf[p + 9] = 9;
        count++;
        return p;
    }

    void appendDouble(double d) {
        insertDouble(used, d);
    }

    /** Overwrites the 8-byte double entry at {@code p}. */
    void putDouble(int p, double d) {
        DOUBLES.set(buf, p + 1, d);
    }

    /** Replaces the payload of the entry at {@code p}; returns the position of the following entry. */
    int replace(int p, byte[] b, int off, int len) {
        int oldSize = next(p) - p;
        int head = varintSize(len) + len;
        int size = head + varintSize(head);
        if (size > oldSize) {
            open(p + oldSize, size - oldSize);
        } else if (size < oldSize) {
            close(p + size, oldSize - size);
        }
        int q = writeVarint(p, len);
        System.arraycopy(b, off, buf, q, len);
        writeBackLength(p + size, head);
        return p + size;
    }

    /** Removes the entry at {@code p}; the next entry (if any) is then at {@code p}. */
    void remove(int p) {
        close(p, next(p) - p);
        count--;
    }

    /** Removes {@code n} entries starting at {@code p}. */
    void removeRange(int p, int n) {
        int q = p;
        for (int i = 0; i < n; i++) {
            q = next(q);
        }
        close(p, q - p);
        count -= n;
    }

    /** Drops unused capacity (a list node that filled up keeps exactly its bytes). */
    void trim() {
        if (buf.length > used) {
            buf = Arrays.copyOf(buf, used);
        }
    }

    void clear() {
        used = 0;
        count = 0;
        buf = EMPTY;
    }

    /** Heap bytes of the array. */
    long estimateBytes() {
        return Db.arrayBytes(buf.length) + 24;
    }

    /** Bytes the entry for a payload of {@code len} bytes takes. */
    static int entrySize(int len) {
        int head = varintSize(len) + len;
        return head + varintSize(head);
    }

    private void open(int p, int n) {
        int need = used + n;
        if (need > buf.length) {
            // 1/8 slack: inserts move the tail anyway, so a tighter array costs little and saves memory.
            buf = Arrays.copyOf(buf, Math.max(need + (need >> 3), 16));
        }
        System.arraycopy(buf, p, buf, p + n, used - p);
        used += n;
    }

    private void close(int p, int n) {
        System.arraycopy(buf, p + n, buf, p, used - p - n);
        used -= n;
        // Give memory back when most of the array is unused (a drained hash or list node).
        if (buf.length > 64 && used < buf.length / 4) {
            buf = Arrays.copyOf(buf, Math.max(16, used + (used >> 1)));
        }
    }

    private int writeVarint(int p, int v) {
        while (v >= 0x80) {
            buf[p++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        buf[p++] = (byte) v;
        return p;
    }

    /** Writes {@code head} so that it reads backwards from {@code end - 1}. */
    private void writeBackLength(int end, int head) {
        int n = varintSize(head);
        for (int i = 0; i < n; i++) {
            int bits = (head >>> (7 * i)) & 0x7F;
            buf[end - 1 - i] = (byte) (i < n - 1 ? bits | 0x80 : bits);
        }
    }

    static int varintSize(int v) {
        int n = 1;
        while (v >= 0x80) {
            v >>>= 7;
            n++;
        }
        return n;
    }
}
