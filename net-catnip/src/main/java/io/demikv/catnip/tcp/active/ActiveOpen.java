package io.demikv.catnip.tcp.active;

import io.demikv.catnip.tcp.ControlBlock;
import io.demikv.catnip.tcp.Segment;
import io.demikv.catnip.tcp.SeqNumber;
import io.demikv.catnip.tcp.TcpLayer;
import io.demikv.catnip.tcp.TcpState;
import io.demikv.catnip.wire.TcpSegment;
import io.demikv.libos.Errno;

/**
 * The active open (RFC 9293 §3.10.1 OPEN with a foreign socket, §3.10.7.3 SEGMENT ARRIVES in SYN-SENT): send a
 * SYN with our options, retransmit it with exponential backoff ({@code synRetries} times, then ETIMEDOUT; the
 * connection's retransmission timer does that), and react to what comes back:
 * <ul>
 *   <li>a SYN-ACK that acknowledges our SYN: ESTABLISHED, ACK it;</li>
 *   <li>a bare SYN: simultaneous open, SYN-RECEIVED, answer with a SYN-ACK (§3.5, figure 8);</li>
 *   <li>a RST whose ACK acknowledges our SYN: ECONNREFUSED; any other RST is ignored (RFC 5961 §3.2);</li>
 *   <li>an ACK of something else: a reset {@code <SEQ=SEG.ACK><CTL=RST>} (a half-open old connection).</li>
 * </ul>
 * Stateless helpers; libos thread only.
 */
public final class ActiveOpen {
    private ActiveOpen() {
    }

    /**
     * Opens a connection from our {@code localPort} (already claimed for it) to {@code remoteIp:remotePort}:
     * registers the connection in SYN-SENT and sends the SYN. Returns the connection, or null when that
     * 4-tuple is taken.
     */
    public static ControlBlock connect(TcpLayer layer, int localPort, int remoteIp, int remotePort, long nowNanos) {
        if (layer.connection(remoteIp, remotePort, localPort) != null) {
            return null;
        }
        int iss = layer.initialSequence(localPort, remoteIp, remotePort, nowNanos);
        ControlBlock cb = new ControlBlock(layer, remoteIp, remotePort, localPort, TcpState.SYN_SENT, iss);
        layer.register(cb);
        cb.sendSyn(nowNanos);
        cb.retransmitter().arm(nowNanos);
        return cb;
    }

    /** RFC 9293 §3.10.7.3: a segment for a connection in SYN-SENT. */
    public static void onSegment(ControlBlock cb, Segment seg, long nowNanos) {
        int iss = cb.sender().iss();
        boolean ackOk = false;
        // First: the ACK bit.
        if (seg.ackFlag()) {
            if (SeqNumber.le(seg.ack, iss) || SeqNumber.gt(seg.ack, cb.sender().max())) {
                if (!seg.rst()) {
                    cb.layer().send(seg.sourceIp, seg.destinationPort, seg.sourcePort, seg.ack, 0, TcpSegment.RST, 0,
                            null, null, 0, 0, nowNanos);
                }
                return;
            }
            ackOk = SeqNumber.lt(cb.sender().una(), seg.ack); // SND.UNA < SEG.ACK =< SND.NXT
        }
        // Second: RST. Only with an acceptable ACK (RFC 5961 §3.2 / RFC 9293: "drop the segment" otherwise).
        if (seg.rst()) {
            if (ackOk) {
                cb.abort(Errno.ECONNREFUSED, false, nowNanos);
            }
            return;
        }
        // Fourth: SYN.
        if (!seg.syn()) {
            return;
        }
        cb.synchronize(seg);
        if (ackOk) {
            cb.sender().acknowledge(seg.ack);
            cb.retransmitter().stop();
            cb.retransmitter().sampleOnAck(seg.ack, nowNanos);
            cb.established(nowNanos);
            cb.ackNow(); // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>; data on the SYN-ACK is not kept (it is rare)
        } else {
            // Simultaneous open: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, and the SYN is retransmitted as a SYN-ACK.
            cb.enter(TcpState.SYN_RCVD);
            cb.sendSynAck(nowNanos);
            cb.retransmitter().restart(nowNanos);
        }
    }
}
