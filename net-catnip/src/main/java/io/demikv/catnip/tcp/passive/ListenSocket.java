package io.demikv.catnip.tcp.passive;

import io.demikv.catnip.tcp.ControlBlock;
import io.demikv.catnip.tcp.Segment;
import io.demikv.catnip.tcp.TcpLayer;
import io.demikv.catnip.tcp.TcpState;

import java.util.ArrayDeque;

/**
 * A listening socket (RFC 9293 §3.10.7.2, LISTEN): turns SYNs into half-open connections in SYN-RECEIVED
 * (the SYN queue), which retransmit their SYN-ACK on their own timer ({@code synAckRetries} times, then they
 * disappear), and keeps the connections that completed the handshake until the application accepts them
 * (the accept queue).
 *
 * <ul>
 *   <li>The backlog bounds both queues together: a SYN that would exceed it is dropped (the client retries;
 *       Linux does the same when its accept queue is full). At most {@link #MAX_BACKLOG}.</li>
 *   <li>A RST is ignored; an ACK is answered with {@code <SEQ=SEG.ACK><CTL=RST>}; anything without SYN is
 *       dropped. Data on a SYN is not kept (the peer retransmits it once synchronized).</li>
 *   <li>Closing the listener resets the connections nobody accepted and forgets the half-open ones.</li>
 * </ul>
 * Libos thread only.
 */
public final class ListenSocket {
    public static final int MAX_BACKLOG = 4096;

    /** Told when a connection is ready to be accepted. Libos thread only. */
    public interface AcceptListener {
        void onAcceptable(long nowNanos);
    }

    private final TcpLayer layer;
    private final int port;
    private final AcceptListener listener;
    private final ArrayDeque<ControlBlock> ready = new ArrayDeque<>();
    private int backlog;
    private int halfOpen;
    private long synsDropped;
    private boolean closed;

    public ListenSocket(TcpLayer layer, int port, int backlog, AcceptListener listener) {
        this.layer = layer;
        this.port = port;
        this.listener = listener;
        backlog(backlog);
    }

    /** Sets the backlog (listen again changes it), within 1..{@link #MAX_BACKLOG}. */
    public void backlog(int value) {
        this.backlog = Math.max(1, Math.min(value, MAX_BACKLOG));
    }

    public int port() {
        return port;
    }

    /** Connections in SYN-RECEIVED. */
    public int halfOpen() {
        return halfOpen;
    }

    /** Established connections waiting for accept. */
    public int acceptable() {
        return ready.size();
    }

    /** SYNs dropped because the backlog was full. */
    public long synsDropped() {
        return synsDropped;
    }

    /** RFC 9293 §3.10.7.2: a segment for our port that belongs to no connection. */
    public void onSegment(Segment seg, long nowNanos) {
        if (seg.rst()) {
            return; // "An incoming RST segment could not be valid ... ignore it"
        }
        if (seg.ackFlag()) {
            layer.replyReset(seg, nowNanos);
            return;
        }
        if (!seg.syn()) {
            return;
        }
        if (halfOpen + ready.size() >= backlog) {
            synsDropped++;
            return;
        }
        int iss = layer.initialSequence(port, seg.sourceIp, seg.sourcePort, nowNanos);
        ControlBlock cb = new ControlBlock(layer, seg.sourceIp, seg.sourcePort, port, TcpState.SYN_RCVD, iss);
        cb.parent(this);
        cb.synchronize(seg);
        layer.register(cb);
        halfOpen++;
        // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>
        cb.sendSynAck(nowNanos);
        cb.retransmitter().arm(nowNanos);
    }

    /** A half-open connection completed the handshake. */
    public void onEstablished(ControlBlock cb, long nowNanos) {
        halfOpen--;
        if (closed) {
            cb.abort(0, true, nowNanos);
            return;
        }
        ready.addLast(cb);
        listener.onAcceptable(nowNanos);
    }

    /** A half-open connection was reset or gave up. */
    public void onHalfOpenGone(ControlBlock cb) {
        halfOpen--;
    }

    /** The oldest connection ready to be accepted, or null. */
    public ControlBlock poll() {
        return ready.pollFirst();
    }

    /** Stops listening: unaccepted connections are reset; half-open ones forget us and are dropped. */
    public void close(long nowNanos) {
        closed = true;
        layer.unlisten(port, this);
        ControlBlock cb;
        while ((cb = ready.pollFirst()) != null) {
            cb.abort(0, true, nowNanos);
        }
        layer.connections().forEach(c -> {
            if (c.parent() == this) {
                c.parent(null);
                halfOpen--;
                c.abort(0, true, nowNanos);
            }
        });
    }

    /** The stack shuts down: forget everything without sending. */
    public void shutdown() {
        closed = true;
        ready.clear();
    }
}
