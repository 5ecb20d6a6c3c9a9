package io.demikv.catnip.tcp.established;

import io.demikv.catnip.tcp.SeqNumber;
import io.demikv.libos.memory.BufferPool;

/**
 * The send half of a connection (RFC 9293 §3.3.1's SND.UNA, SND.NXT, SND.WND, SND.WL1, SND.WL2, ISS): the
 * {@link SendQueue} of unacknowledged bytes, where the stream's data and FIN sit in sequence space, and the
 * peer's window. What to send when is decided by the connection's output loop with the
 * {@link Retransmitter}'s congestion window; this class keeps the numbers consistent.
 *
 * <p>Sequence space: the SYN is ISS; data byte 0 is ISS + 1; the queue's first byte is at {@link #queueSeq()};
 * the FIN, once the application closed, follows the last queued byte. SND.MAX is the highest sequence number
 * sent so far: after a retransmission timeout SND.NXT goes back to SND.UNA (go-back-N) while SND.MAX
 * remembers what the peer may acknowledge (RFC 9293 §3.10.7.4: an ACK above what was sent is not acceptable).
 * Libos thread only.
 */
public final class Sender {
    private final SendQueue queue;
    private final long bufferLimit;
    private int iss;
    private int sndUna;
    private int sndNxt;
    private int sndMax;
    private int queueSeq;
    private long sndWnd;
    private long maxSndWnd;
    private int sndWl1;
    private int sndWl2;
    private int peerShift;
    private int mss;
    private boolean finQueued;
    private boolean finSent;
    private long bytesAcked;

    public Sender(BufferPool pool, long bufferLimit) {
        this.queue = new SendQueue(pool);
        this.bufferLimit = bufferLimit;
    }

    /** Our ISS: SND.UNA = ISS, SND.NXT = ISS (the SYN is not sent yet). */
    public void start(int initialSeq) {
        this.iss = initialSeq;
        this.sndUna = initialSeq;
        this.sndNxt = initialSeq;
        this.sndMax = initialSeq;
        this.queueSeq = SeqNumber.add(initialSeq, 1);
    }

    /** The SYN went out (it occupies ISS). */
    public void synSent() {
        if (sndNxt == iss) {
            sndNxt = SeqNumber.add(iss, 1);
        }
        sndMax = SeqNumber.max(sndMax, sndNxt);
    }

    /**
     * What the handshake negotiated: the peer's window shift (RFC 7323 §2.3; 0 when either side did not offer
     * scaling) and the MSS we send (the peer's announced MSS, at most ours, minus option bytes).
     */
    public void negotiated(int windowShift, int sendMss) {
        this.peerShift = windowShift;
        this.mss = sendMss;
    }

    public SendQueue queue() {
        return queue;
    }

    public int iss() {
        return iss;
    }

    public int una() {
        return sndUna;
    }

    public int nxt() {
        return sndNxt;
    }

    public int max() {
        return sndMax;
    }

    public int mss() {
        return mss;
    }

    public int peerShift() {
        return peerShift;
    }

    /** SND.WND in bytes (scaled). */
    public long window() {
        return sndWnd;
    }

    /** The largest window the peer ever offered (for sender silly window avoidance, RFC 9293 §3.8.6.2.1). */
    public long maxWindow() {
        return maxSndWnd;
    }

    /** The sequence number of the first queued (unacknowledged) data byte. */
    public int queueSeq() {
        return queueSeq;
    }

    /** Bytes sent and not acknowledged: SND.NXT - SND.UNA (SYN and FIN count). */
    public int flight() {
        return SeqNumber.distance(sndUna, sndNxt);
    }

    /** Data bytes queued and not sent yet (counting from SND.NXT). */
    public long unsent() {
        long sentData = Math.max(0, SeqNumber.distance(queueSeq, sndNxt));
        return Math.max(0, queue.bytes() - sentData);
    }

    /** Room left in the send buffer; a push that does not fit waits (unless the queue is empty). */
    public long room() {
        return bufferLimit - queue.bytes();
    }

    public boolean finQueued() {
        return finQueued;
    }

    public boolean finSent() {
        return finSent;
    }

    /** The FIN's sequence number: right after the last queued byte. */
    public int finSeq() {
        return SeqNumber.add(queueSeq, (int) queue.bytes());
    }

    /** True once the peer acknowledged our FIN. */
    public boolean finAcked() {
        return finSent && SeqNumber.gt(sndUna, finSeq());
    }

    /** Data bytes the peer acknowledged so far. */
    public long bytesAcked() {
        return bytesAcked;
    }

    /** The application closed: a FIN follows the queued data (RFC 9293 §3.10.4). */
    public void queueFin() {
        finQueued = true;
    }

    /** Records that [seq, seq + length) went out ({@code length} counts a FIN). */
    public void sent(int seq, int length, boolean fin) {
        int end = SeqNumber.add(seq, length);
        if (SeqNumber.gt(end, sndNxt)) {
            sndNxt = end;
        }
        sndMax = SeqNumber.max(sndMax, sndNxt);
        if (fin) {
            finSent = true;
        }
    }

    /** Go-back-N after a retransmission timeout: send again from SND.UNA (RFC 6298 §5.4, RFC 5681 §3.1). */
    public void rewind() {
        sndNxt = sndUna;
    }

    /**
     * SEG.ACK acknowledges new data (SND.UNA < SEG.ACK =< SND.MAX): drops the acknowledged bytes from the queue
     * and advances SND.UNA. Returns the sequence space acknowledged.
     */
    public int acknowledge(int ack) {
        int advanced = SeqNumber.distance(sndUna, ack);
        long data = Math.min(queue.bytes(), Math.max(0, SeqNumber.distance(queueSeq, ack)));
        if (data > 0) {
            queue.dropFront(data);
            queueSeq = SeqNumber.add(queueSeq, (int) data);
            bytesAcked += data;
        }
        sndUna = ack;
        if (SeqNumber.lt(sndNxt, sndUna)) {
            sndNxt = sndUna;
        }
        return advanced;
    }

    /**
     * RFC 9293 §3.10.7.4 (fifth check): updates SND.WND from a segment whose ACK is within [SND.UNA, SND.MAX]
     * if it is newer than the last update: SND.WL1 < SEG.SEQ, or SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK.
     * {@code window} is the raw field; returns true when the window changed.
     */
    public boolean updateWindow(int seq, int ack, int window, boolean force) {
        if (force || SeqNumber.lt(sndWl1, seq) || (sndWl1 == seq && SeqNumber.le(sndWl2, ack))) {
            long w = (long) window << peerShift;
            boolean changed = w != sndWnd;
            sndWnd = w;
            maxSndWnd = Math.max(maxSndWnd, w);
            sndWl1 = seq;
            sndWl2 = ack;
            return changed;
        }
        return false;
    }

    /** Releases the queue. */
    public void clear() {
        queue.clear();
    }
}
