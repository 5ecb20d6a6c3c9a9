package io.demikv.catnip.icmp;

import io.demikv.catnip.ipv4.Ipv4Handler;
import io.demikv.catnip.ipv4.Ipv4Layer;
import io.demikv.catnip.wire.Icmpv4Packet;
import io.demikv.catnip.wire.Ipv4Packet;
import io.demikv.catnip.wire.WireStatus;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;

import java.lang.foreign.ValueLayout;

/**
 * ICMPv4 (RFC 792) as a host needs it now: every echo request addressed to us is answered with an echo reply
 * carrying the same identifier, sequence number and data (RFC 1122 §3.2.2.6: MUST), built in the request's own
 * buffer (type changed, checksum adjusted incrementally, RFC 1624), so answering costs no copy. Messages with
 * a bad checksum are dropped and counted. {@link #ping} sends echo requests and an {@link EchoListener} hears
 * the replies (tests and diagnostics). Error messages (destination unreachable and the rest) are counted, not
 * acted on yet. Libos thread only.
 */
public final class Icmpv4Layer implements Ipv4Handler {
    private final Ipv4Layer ipv4;
    private final BufferPool pool;
    private final Icmpv4Packet message = new Icmpv4Packet();
    private EchoListener listener;

    private long received;
    private long badChecksum;
    private long echoRequests;
    private long echoReplies;
    private long otherTypes;

    public Icmpv4Layer(Ipv4Layer ipv4, BufferPool pool) {
        this.ipv4 = ipv4;
        this.pool = pool;
    }

    /** Sets who hears echo replies (null for nobody). */
    public void echoListener(EchoListener l) {
        this.listener = l;
    }

    public long received() {
        return received;
    }

    public long badChecksum() {
        return badChecksum;
    }

    /** Echo requests answered. */
    public long echoRequests() {
        return echoRequests;
    }

    /** Echo replies received. */
    public long echoReplies() {
        return echoReplies;
    }

    /** Messages of other types, ignored for now. */
    public long otherTypes() {
        return otherTypes;
    }

    @Override
    public void receive(DemiBuffer payload, int sourceIp, int destinationIp, long nowNanos) {
        received++;
        if (message.wrap(payload) != WireStatus.OK || !message.checksumValid()) {
            badChecksum++;
            payload.release();
            return;
        }
        int type = message.type();
        if (type == Icmpv4Packet.TYPE_ECHO_REQUEST && message.code() == 0) {
            echoRequests++;
            // RFC 792: "the source and destination addresses are simply reversed, the type code changed to 0,
            // and the checksum recomputed" - here by RFC 1624 for the one changed word (type and code).
            int oldWord = (Icmpv4Packet.TYPE_ECHO_REQUEST << 8);
            int newWord = (Icmpv4Packet.TYPE_ECHO_REPLY << 8);
            message.type(Icmpv4Packet.TYPE_ECHO_REPLY);
            message.checksum(io.demikv.catnip.wire.Checksum.update(message.checksum(), oldWord, newWord));
            ipv4.send(payload, sourceIp, Ipv4Packet.PROTOCOL_ICMP, null, 0, nowNanos);
            return;
        }
        if (type == Icmpv4Packet.TYPE_ECHO_REPLY) {
            echoReplies++;
            EchoListener l = listener;
            int id = message.identifier();
            int seq = message.sequence();
            int n = message.dataLength();
            payload.release();
            if (l != null) {
                l.onEchoReply(sourceIp, id, seq, n, nowNanos);
            }
            return;
        }
        otherTypes++;
        payload.release();
    }

    /**
     * Sends an echo request with {@code dataLength} bytes of pattern data to {@code destination}. Returns what
     * {@link Ipv4Layer#send} returns (SENT, QUEUED or -errno).
     */
    public int ping(int destination, int identifier, int sequence, int dataLength, long nowNanos) {
        DemiBuffer b = pool.allocate(Icmpv4Packet.HEADER_LENGTH + dataLength);
        if (b == null) {
            return -io.demikv.libos.Errno.ENOMEM;
        }
        for (int i = 0; i < dataLength; i++) {
            b.memory().set(ValueLayout.JAVA_BYTE, b.offset() + Icmpv4Packet.HEADER_LENGTH + i, (byte) (0x10 + i));
        }
        message.wrap(b);
        message.writeEcho(Icmpv4Packet.TYPE_ECHO_REQUEST, identifier, sequence);
        return ipv4.send(b, destination, Ipv4Packet.PROTOCOL_ICMP, null, 0, nowNanos);
    }
}
