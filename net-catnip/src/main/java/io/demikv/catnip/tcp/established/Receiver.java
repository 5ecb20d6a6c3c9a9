package io.demikv.catnip.tcp.established;

import io.demikv.catnip.tcp.SeqNumber;
import io.demikv.libos.Sga;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;

import java.lang.foreign.MemorySegment;

/**
 * The receive half of a connection (RFC 9293 §3.3.1's RCV.NXT, RCV.WND): the acceptability test, in-order
 * delivery into the ready queue the application pops from, out-of-order data in a {@link ReassemblyQueue},
 * the FIN's place in the stream, and the window we advertise.
 *
 * <ul>
 *   <li>The window is the receive buffer minus what waits for the application. Its right edge never moves
 *       left (RFC 9293 §3.8.6.2.2 "shrinking the window is strongly discouraged") and moves right only by
 *       at least min(buffer / 2, MSS) at a time (receiver-side silly window avoidance, same section).</li>
 *   <li>With window scaling (RFC 7323 §2.3) the field is rounded up and the edge set to exactly what the
 *       peer computes from it, so rounding never shrinks the window the peer sees.</li>
 *   <li>Received buffers are kept as they are (zero copy) and popped as they are; data of small segments
 *       is copied into a shared buffer instead, so a peer sending tiny segments cannot pin one pooled buffer
 *       per byte (design principle 7: the window bounds bytes, this bounds buffers).</li>
 * </ul>
 * Libos thread only.
 */
public final class Receiver {
    /** Segments at most held out of order: enough for a window of small segments, within bounds. */
    static int maxOutOfOrder(int capacity) {
        return Math.max(64, Math.min(4096, capacity / 512));
    }
    /** Data below this many bytes is copied into a shared buffer rather than kept as its own. */
    static final int COPY_BELOW = 512;
    static final int COALESCE_BYTES = 4096 - BufferPool.DEFAULT_HEADROOM;

    /** {@link #receive} result bits. */
    public static final int ADVANCED = 1;
    public static final int OUT_OF_ORDER = 2;
    public static final int FILLED_HOLE = 4;
    public static final int FIN = 8;

    private final BufferPool pool;
    private final int capacity;
    private final int mss;
    private final ReassemblyQueue outOfOrder;
    private DemiBuffer[] ready = new DemiBuffer[16];
    private boolean[] owned = new boolean[16];
    private int head;
    private int count;
    private long readyBytes;
    private int shift;
    private int rcvNxt;
    private int edge;
    private boolean finReceived;
    private boolean finPending;
    private int finSeq;
    private long bytesReceived;

    /**
     * @param capacity the receive buffer (the most ever advertised)
     * @param mss      our MSS, the step of silly window avoidance
     */
    public Receiver(BufferPool pool, int capacity, int mss) {
        this.pool = pool;
        this.capacity = capacity;
        this.mss = mss;
        this.outOfOrder = new ReassemblyQueue(maxOutOfOrder(capacity));
    }

    /** Synchronizes with the peer's SYN: RCV.NXT = IRS + 1; {@code shift} is our negotiated window shift. */
    public void start(int irs, int windowShift) {
        this.rcvNxt = SeqNumber.add(irs, 1);
        this.shift = windowShift;
        this.edge = SeqNumber.add(rcvNxt, Math.min(capacity, 65535)); // what the SYN's unscaled field said
    }

    /** RCV.NXT */
    public int next() {
        return rcvNxt;
    }

    /** RCV.WND: the edge we advertised minus RCV.NXT. */
    public int window() {
        return Math.max(0, SeqNumber.distance(rcvNxt, edge));
    }

    public int shift() {
        return shift;
    }

    /** Bytes waiting for the application. */
    public long readyBytes() {
        return readyBytes;
    }

    /** True once the peer's FIN is in order: after the ready bytes, the stream ends. */
    public boolean finReceived() {
        return finReceived;
    }

    public ReassemblyQueue outOfOrder() {
        return outOfOrder;
    }

    /** Data bytes accepted in order so far. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /**
     * RFC 9293 §3.10.7.4, first check: is a segment of {@code segLength} (SEG.LEN) at {@code seq} acceptable?
     * <pre>
     *   len 0, wnd 0:  SEG.SEQ = RCV.NXT
     *   len 0, wnd >0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
     *   len >0, wnd 0: not acceptable
     *   len >0, wnd >0: either end of the segment inside the window
     * </pre>
     */
    public boolean acceptable(int seq, int segLength) {
        int wnd = window();
        if (segLength == 0) {
            return wnd == 0 ? seq == rcvNxt : SeqNumber.inWindow(seq, rcvNxt, wnd);
        }
        if (wnd == 0) {
            return false;
        }
        return SeqNumber.inWindow(seq, rcvNxt, wnd)
                || SeqNumber.inWindow(SeqNumber.add(seq, segLength - 1), rcvNxt, wnd);
    }

    /**
     * Takes in an acceptable segment's data ({@code data}'s window, taken over; may be null) at {@code seq}, and
     * its FIN. Data before RCV.NXT or beyond the window is trimmed (RFC 9293 §3.10.7.4: "trimmed such that only
     * the data within the window is retained"); a FIN beyond the window is ignored. Returns
     * {@link #ADVANCED}, {@link #OUT_OF_ORDER}, {@link #FILLED_HOLE} and {@link #FIN} bits.
     */
    public int receive(int seq, DemiBuffer data, boolean fin) {
        int result = 0;
        int len = data == null ? 0 : data.length();
        int finAt = SeqNumber.add(seq, len);
        if (len > 0) {
            if (SeqNumber.lt(seq, rcvNxt)) {
                int cut = SeqNumber.distance(seq, rcvNxt);
                if (cut >= len) {
                    data.release();
                    data = null;
                    len = 0;
                } else {
                    data.trimFront(cut);
                    len -= cut;
                    seq = rcvNxt;
                }
            }
            if (len > 0) {
                int end = SeqNumber.add(seq, len);
                if (SeqNumber.gt(end, edge)) {
                    int over = SeqNumber.distance(edge, end);
                    fin = false;
                    if (over >= len) {
                        data.release();
                        data = null;
                        len = 0;
                    } else {
                        data.trimBack(over);
                        len -= over;
                    }
                }
            }
            if (len > 0) {
                if (seq == rcvNxt) {
                    boolean hadHoles = !outOfOrder.isEmpty();
                    deliver(data);
                    DemiBuffer next;
                    while ((next = outOfOrder.takeAt(rcvNxt)) != null) {
                        deliver(next);
                    }
                    result |= ADVANCED;
                    if (hadHoles) {
                        result |= FILLED_HOLE;
                    }
                } else {
                    outOfOrder.insert(seq, data);
                    result |= OUT_OF_ORDER;
                }
            } else if (data != null) {
                data.release();
            }
        } else if (data != null) {
            data.release();
        }
        if (fin && !finReceived) {
            if (finAt == rcvNxt) {
                finReceived = true;
                rcvNxt = SeqNumber.add(rcvNxt, 1);
                result |= FIN;
            } else if (SeqNumber.gt(finAt, rcvNxt)) {
                finPending = true;
                finSeq = finAt;
                result |= OUT_OF_ORDER;
            }
        }
        if (finPending && !finReceived && finSeq == rcvNxt) {
            finPending = false;
            finReceived = true;
            rcvNxt = SeqNumber.add(rcvNxt, 1);
            result |= FIN;
        }
        return result;
    }

    private void deliver(DemiBuffer data) {
        int len = data.length();
        rcvNxt = SeqNumber.add(rcvNxt, len);
        bytesReceived += len;
        readyBytes += len;
        if (len < COPY_BELOW) {
            int tailAt = (head + count - 1) & (ready.length - 1);
            DemiBuffer tail = count > 0 && owned[tailAt] ? ready[tailAt] : null;
            if (tail == null || tail.tailroom() < len) {
                tail = pool.allocate(COALESCE_BYTES, 0);
                if (tail != null) {
                    tail.setLength(0);
                    add(tail, true);
                }
            }
            if (tail != null) {
                MemorySegment.copy(data.memory(), data.offset(), tail.memory(), tail.offset() + tail.length(), len);
                tail.setLength(tail.length() + len);
                data.release();
                return;
            }
        }
        add(data, false);
    }

    private void add(DemiBuffer b, boolean own) {
        if (count == ready.length) {
            int n = ready.length * 2;
            DemiBuffer[] r = new DemiBuffer[n];
            boolean[] o = new boolean[n];
            for (int i = 0; i < count; i++) {
                r[i] = ready[(head + i) & (ready.length - 1)];
                o[i] = owned[(head + i) & (ready.length - 1)];
            }
            ready = r;
            owned = o;
            head = 0;
        }
        int at = (head + count) & (ready.length - 1);
        ready[at] = b;
        owned[at] = own;
        count++;
    }

    /**
     * Moves up to {@code maxBytes} ready bytes (at most {@link Sga#MAX_SEGMENTS} buffers) into {@code out};
     * returns the bytes moved. A buffer popped only in part is split with a view.
     */
    public long take(long maxBytes, Sga out) {
        long moved = 0;
        while (count > 0 && moved < maxBytes && out.segmentCount() < Sga.MAX_SEGMENTS) {
            DemiBuffer b = ready[head];
            long room = maxBytes - moved;
            if (b.length() <= room) {
                ready[head] = null;
                owned[head] = false;
                head = (head + 1) & (ready.length - 1);
                count--;
                moved += b.length();
                out.add(b);
            } else {
                DemiBuffer part = pool.share(b);
                part.setLength((int) room);
                b.trimFront((int) room);
                owned[head] = false; // its front is shared now: never append behind a view's back
                moved += room;
                out.add(part);
            }
        }
        readyBytes -= moved;
        return moved;
    }

    /**
     * The window field for an outgoing segment (scaled), after moving the right edge as far as the buffer and
     * silly window avoidance allow (RFC 9293 §3.8.6.2.2).
     */
    public int advertise() {
        int free = (int) Math.max(0, capacity - readyBytes);
        int wanted = SeqNumber.add(rcvNxt, free);
        int step = Math.min(capacity / 2, mss);
        if (SeqNumber.gt(wanted, edge) && (SeqNumber.distance(edge, wanted) >= step || free == capacity)) {
            edge = wanted;
        }
        int wnd = Math.max(0, SeqNumber.distance(rcvNxt, edge));
        int field = (int) Math.min(65535, ((long) wnd + (1L << shift) - 1) >>> shift);
        edge = SeqNumber.add(rcvNxt, field << shift);
        return field;
    }

    /**
     * True when the edge could move right by at least min(2 MSS, buffer / 2) beyond what the peer knows, or
     * from a window below one MSS: worth a window update after the application popped (RFC 9293 §3.8.6.2.2
     * and RFC 1122 §4.2.3.3).
     */
    public boolean windowUpdateWorthy() {
        int free = (int) Math.max(0, capacity - readyBytes);
        int gain = SeqNumber.distance(edge, SeqNumber.add(rcvNxt, free));
        return gain >= Math.min(capacity / 2, 2 * mss) || (window() < mss && gain >= Math.min(capacity / 2, mss));
    }

    /** Releases every buffer (the connection is gone). */
    public void clear() {
        while (count > 0) {
            ready[head].release();
            ready[head] = null;
            owned[head] = false;
            head = (head + 1) & (ready.length - 1);
            count--;
        }
        readyBytes = 0;
        outOfOrder.clear();
    }
}
