package io.demikv.catnip.tcp.established;

import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;

import java.lang.foreign.MemorySegment;

/**
 * The bytes a connection has accepted from the application and the peer has not acknowledged yet: sent and
 * unsent alike, in order (RFC 9293 §3.3.1's send sequence space from SND.UNA on). A FIFO of buffers:
 * <ul>
 *   <li>a pushed buffer of at least {@link #COPY_BELOW} bytes is held as a {@linkplain BufferPool#share view}
 *       (zero copy: one more reference, so the application may free its array as soon as the push
 *       completes and the bytes live until acknowledged);</li>
 *   <li>smaller pushes are copied into a buffer the queue owns, so a stream of tiny pushes neither pins one
 *       pooled buffer per byte nor makes tiny segments.</li>
 * </ul>
 * Segments are cut at any offset with {@link #copyOut}; {@link #dropFront} releases acknowledged bytes.
 * A cursor remembers the last buffer looked up, so sending the queue front to back costs O(1) per segment.
 * Libos thread only.
 */
public final class SendQueue {
    /** Pushes below this many bytes are copied (Ethernet MSS: a copy is as cheap as a view here). */
    public static final int COPY_BELOW = 1024;
    /** The size of the buffers small pushes are copied into. */
    static final int COALESCE_BYTES = 16 * 1024 - BufferPool.DEFAULT_HEADROOM;

    private final BufferPool pool;
    private DemiBuffer[] ring = new DemiBuffer[16];
    /** True where the queue allocated the buffer itself (it may append to the tail one). */
    private boolean[] owned = new boolean[16];
    private int head;
    private int count;
    private long bytes;
    // The cursor: buffer index (from head) and the queue offset where it starts.
    private int cursorIndex;
    private long cursorStart;

    public SendQueue(BufferPool pool) {
        this.pool = pool;
    }

    /** Bytes queued. */
    public long bytes() {
        return bytes;
    }

    public boolean isEmpty() {
        return bytes == 0;
    }

    /** Buffers held (for tests and bounds). */
    public int buffers() {
        return count;
    }

    /**
     * Appends the data of {@code b} (the caller keeps its own reference). Returns false when no buffer could
     * be had for a copy.
     */
    public boolean append(DemiBuffer b) {
        int n = b.length();
        if (n == 0) {
            return true;
        }
        if (n >= COPY_BELOW) {
            add(pool.share(b), false);
            bytes += n;
            return true;
        }
        int done = 0;
        while (done < n) {
            DemiBuffer tail = count > 0 && owned[(head + count - 1) & (ring.length - 1)]
                    ? ring[(head + count - 1) & (ring.length - 1)] : null;
            if (tail == null || tail.tailroom() == 0) {
                tail = pool.allocate(COALESCE_BYTES, 0);
                if (tail == null) {
                    return false;
                }
                tail.setLength(0);
                add(tail, true);
            }
            int room = tail.tailroom();
            int k = Math.min(room, n - done);
            MemorySegment.copy(b.memory(), b.offset() + done, tail.memory(), tail.offset() + tail.length(), k);
            tail.setLength(tail.length() + k);
            done += k;
            bytes += k;
        }
        return true;
    }

    private void add(DemiBuffer b, boolean own) {
        if (count == ring.length) {
            grow();
        }
        int at = (head + count) & (ring.length - 1);
        ring[at] = b;
        owned[at] = own;
        count++;
    }

    private void grow() {
        int n = ring.length * 2;
        DemiBuffer[] r = new DemiBuffer[n];
        boolean[] o = new boolean[n];
        for (int i = 0; i < count; i++) {
            r[i] = ring[(head + i) & (ring.length - 1)];
            o[i] = owned[(head + i) & (ring.length - 1)];
        }
        ring = r;
        owned = o;
        head = 0;
    }

    /**
     * Copies {@code length} bytes starting {@code offset} bytes after the queue front into {@code dst} at
     * {@code dstOffset}. The range must lie inside the queue.
     */
    public void copyOut(long offset, int length, MemorySegment dst, long dstOffset) {
        if (offset < 0 || length < 0 || offset + length > bytes) {
            throw new IndexOutOfBoundsException("copy " + offset + "+" + length + " of " + bytes);
        }
        if (offset < cursorStart) {
            cursorIndex = 0;
            cursorStart = 0;
        }
        int i = cursorIndex;
        long start = cursorStart;
        while (start + ring[(head + i) & (ring.length - 1)].length() <= offset) {
            start += ring[(head + i) & (ring.length - 1)].length();
            i++;
        }
        cursorIndex = i;
        cursorStart = start;
        long at = offset;
        long to = dstOffset;
        int left = length;
        while (left > 0) {
            DemiBuffer b = ring[(head + i) & (ring.length - 1)];
            int from = (int) (at - start);
            int k = Math.min(b.length() - from, left);
            MemorySegment.copy(b.memory(), b.offset() + from, dst, to, k);
            left -= k;
            at += k;
            to += k;
            if (left > 0) {
                start += b.length();
                i++;
            }
        }
    }

    /** Releases the first {@code n} bytes (acknowledged). */
    public void dropFront(long n) {
        if (n < 0 || n > bytes) {
            throw new IndexOutOfBoundsException("drop " + n + " of " + bytes);
        }
        long left = n;
        bytes -= n;
        while (left > 0) {
            DemiBuffer b = ring[head];
            if (b.length() <= left) {
                left -= b.length();
                ring[head] = null;
                owned[head] = false;
                head = (head + 1) & (ring.length - 1);
                count--;
                b.release();
                if (cursorIndex > 0) {
                    cursorIndex--;
                }
            } else {
                b.trimFront((int) left);
                left = 0;
            }
        }
        cursorStart = Math.max(0, cursorStart - n);
        if (count == 0 || cursorIndex == 0) {
            cursorIndex = 0;
            cursorStart = 0;
        }
    }

    /** Releases everything. */
    public void clear() {
        while (count > 0) {
            ring[head].release();
            ring[head] = null;
            owned[head] = false;
            head = (head + 1) & (ring.length - 1);
            count--;
        }
        bytes = 0;
        cursorIndex = 0;
        cursorStart = 0;
    }
}
