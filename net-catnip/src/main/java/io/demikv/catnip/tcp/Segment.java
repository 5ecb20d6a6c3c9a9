package io.demikv.catnip.tcp;

import io.demikv.catnip.wire.TcpOptions;
import io.demikv.catnip.wire.TcpSegment;
import io.demikv.libos.memory.DemiBuffer;

/**
 * One received segment, parsed once by {@link TcpLayer} and handed to the connection or listener it belongs
 * to: RFC 9293 §3.3.1's SEG.* variables. A reusable holder (one per layer), so input allocates nothing.
 *
 * <p>{@link #data} is the received buffer with its window on the data bytes (may be empty); whoever keeps the
 * bytes takes the buffer by setting {@link #data} to null; otherwise the layer releases it after dispatch.
 * Libos thread only.
 */
public final class Segment {
    public int sourceIp;
    public int sourcePort;
    public int destinationPort;
    /** SEG.SEQ */
    public int seq;
    /** SEG.ACK */
    public int ack;
    /** The flag bits ({@link TcpSegment#SYN} and so on). */
    public int flags;
    /** SEG.WND as on the wire, not yet scaled. */
    public int window;
    /** Data bytes (SYN and FIN not counted). */
    public int dataLength;
    public DemiBuffer data;
    public final TcpOptions options = new TcpOptions();

    public boolean syn() {
        return (flags & TcpSegment.SYN) != 0;
    }

    public boolean ackFlag() {
        return (flags & TcpSegment.ACK) != 0;
    }

    public boolean fin() {
        return (flags & TcpSegment.FIN) != 0;
    }

    public boolean rst() {
        return (flags & TcpSegment.RST) != 0;
    }

    /** SEG.LEN: data plus one for SYN and one for FIN (RFC 9293 §3.4). */
    public int length() {
        return dataLength + (syn() ? 1 : 0) + (fin() ? 1 : 0);
    }

    /** The connection key of the segment's 4-tuple (our address is the stack's one). */
    public long key() {
        return TcpLayer.key(sourceIp, sourcePort, destinationPort);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (syn()) {
            b.append('S');
        }
        if (fin()) {
            b.append('F');
        }
        if (rst()) {
            b.append('R');
        }
        if ((flags & TcpSegment.PSH) != 0) {
            b.append('P');
        }
        if (ackFlag()) {
            b.append('.');
        }
        return b + " seq " + SeqNumber.toString(seq) + " ack " + SeqNumber.toString(ack) + " win " + window
                + " len " + dataLength;
    }
}
