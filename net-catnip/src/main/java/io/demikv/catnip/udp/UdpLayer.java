package io.demikv.catnip.udp;

import io.demikv.catnip.arp.TransmitListener;
import io.demikv.catnip.ipv4.Ipv4Handler;
import io.demikv.catnip.ipv4.Ipv4Layer;
import io.demikv.catnip.wire.Ipv4Packet;
import io.demikv.catnip.wire.UdpDatagram;
import io.demikv.catnip.wire.WireStatus;
import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.Sga;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;

import java.lang.foreign.MemorySegment;

/**
 * UDP (RFC 768, with RFC 1122 §4.1's host rules): the port table, input demultiplexing and output framing
 * for {@link UdpQueue}s.
 *
 * <ul>
 *   <li>Input: the length field must fit the bytes IPv4 delivered (padding after it is ignored); a non-zero
 *       checksum must verify over the pseudo-header (RFC 1122 §4.1.3.4: MUST verify when present, silently
 *       discard on failure); zero means the sender computed none and is accepted (RFC 768). A datagram for a
 *       port nobody bound is dropped and counted (RFC 1122 §4.1.3.1 says SHOULD answer with an ICMP Port
 *       Unreachable; not yet).</li>
 *   <li>Output: the checksum is always computed (RFC 1122 §4.1.3.4: an application MAY choose none; ours
 *       may not). A single-segment push whose buffer has headroom for the headers goes out without a copy:
 *       the headers are written into the headroom of a view of the application's buffer. Other pushes are
 *       copied into one buffer. Datagrams are never fragmented: above MTU - 28 bytes is {@code EMSGSIZE}.</li>
 *   <li>Ports: one socket per port (a socket bound to 0.0.0.0 and one bound to our address conflict, as this
 *       host has one address); port 0 picks an ephemeral port from 49152..65535 (RFC 6335 §6), walking from a
 *       start derived from our address.</li>
 * </ul>
 * Libos thread only.
 */
public final class UdpLayer implements Ipv4Handler {
    public static final int EPHEMERAL_FIRST = 49152;
    public static final int EPHEMERAL_LAST = 65535;
    /** Ethernet (14) + IPv4 (20) + UDP (8): headroom a pushed buffer needs to go out without a copy. */
    static final int HEADERS = 14 + Ipv4Packet.HEADER_LENGTH + UdpDatagram.HEADER_LENGTH;

    private final Ipv4Layer ipv4;
    private final BufferPool pool;
    private final UdpQueue[] ports = new UdpQueue[65536];
    private final UdpDatagram in = new UdpDatagram();
    private final UdpDatagram out = new UdpDatagram();
    private int nextEphemeral;

    private long received;
    private long malformed;
    private long badChecksum;
    private long noSocket;
    private long delivered;
    private long sent;
    private long zeroCopySends;

    public UdpLayer(Ipv4Layer ipv4, BufferPool pool) {
        this.ipv4 = ipv4;
        this.pool = pool;
        int span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
        this.nextEphemeral = EPHEMERAL_FIRST + Math.floorMod(ipv4.address() * 0x9E3779B9, span);
    }

    public int address() {
        return ipv4.address();
    }

    /** The largest datagram payload: MTU minus the IPv4 and UDP headers. */
    public int maxDatagram() {
        return ipv4.maxPayload() - UdpDatagram.HEADER_LENGTH;
    }

    public long received() {
        return received;
    }

    /** Dropped for a bad length field or a truncated header. */
    public long malformed() {
        return malformed;
    }

    public long badChecksum() {
        return badChecksum;
    }

    /** Dropped because no socket is bound to the destination port. */
    public long noSocket() {
        return noSocket;
    }

    /** Datagrams handed to a socket (which may still drop them when its queue is full). */
    public long delivered() {
        return delivered;
    }

    public long sent() {
        return sent;
    }

    /** Datagrams sent without copying the application's bytes. */
    public long zeroCopySends() {
        return zeroCopySends;
    }

    /** Binds {@code q} to {@code port}, or to an ephemeral port when 0. Returns the port or -errno. */
    int bind(UdpQueue q, int port) {
        if (port == 0) {
            int span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
            for (int i = 0; i < span; i++) {
                int p = nextEphemeral;
                nextEphemeral = p == EPHEMERAL_LAST ? EPHEMERAL_FIRST : p + 1;
                if (ports[p] == null) {
                    ports[p] = q;
                    return p;
                }
            }
            return -Errno.EADDRINUSE;
        }
        if (port < 0 || port > 0xFFFF) {
            return -Errno.EINVAL;
        }
        if (ports[port] != null) {
            return -Errno.EADDRINUSE;
        }
        ports[port] = q;
        return port;
    }

    void unbind(UdpQueue q, int port) {
        if (port >= 0 && port <= 0xFFFF && ports[port] == q) {
            ports[port] = null;
        }
    }

    @Override
    public void receive(DemiBuffer payload, int sourceIp, int destinationIp, long nowNanos) {
        received++;
        if (in.wrap(payload) != WireStatus.OK || in.check() != WireStatus.OK) {
            malformed++;
            payload.release();
            return;
        }
        payload.setLength(in.lengthField());
        in.wrap(payload);
        if (!in.checksumValid(sourceIp, destinationIp)) {
            badChecksum++;
            payload.release();
            return;
        }
        UdpQueue q = ports[in.destinationPort()];
        if (q == null) {
            noSocket++;
            payload.release();
            return;
        }
        long peer = Endpoint.of(sourceIp, in.sourcePort());
        payload.trimFront(UdpDatagram.HEADER_LENGTH);
        delivered++;
        q.deliver(payload, peer);
    }

    /**
     * Sends the bytes of {@code sga} as one datagram from our {@code sourcePort} to {@code destination}. Does
     * not take the array's references (a view or a copy goes out). Returns SENT, QUEUED (the listener hears with
     * {@code token}) or -errno ({@code -EMSGSIZE}, {@code -ENOMEM}, {@code -EAGAIN}).
     */
    int send(Sga sga, int sourcePort, long destination, TransmitListener listener, long token, long nowNanos) {
        long length = sga.length();
        if (length > maxDatagram()) {
            return -Errno.EMSGSIZE;
        }
        int n = (int) length;
        DemiBuffer b;
        boolean view = sga.segmentCount() == 1 && sga.segment(0).headroom() >= HEADERS;
        if (view) {
            b = pool.share(sga.segment(0));
            zeroCopySends++;
        } else {
            b = pool.allocate(n);
            if (b == null) {
                return -Errno.ENOMEM;
            }
            long at = b.offset();
            for (int i = 0; i < sga.segmentCount(); i++) {
                DemiBuffer s = sga.segment(i);
                MemorySegment.copy(s.memory(), s.offset(), b.memory(), at, s.length());
                at += s.length();
            }
        }
        b.prepend(UdpDatagram.HEADER_LENGTH);
        out.wrap(b);
        int destinationIp = Endpoint.ipv4(destination);
        out.write(sourcePort, Endpoint.port(destination), ipv4.address(), destinationIp, true);
        sent++;
        int rc = ipv4.send(b, destinationIp, Ipv4Packet.PROTOCOL_UDP, listener, token, nowNanos);
        if (view && rc == TransmitListener.SENT) {
            // The frame is a view of the application's buffer, which it may write again once this push completes:
            // the device must have it (copied out, or referenced by a NIC ring) before then, not in a later batch.
            ipv4.flushOutput();
        }
        return rc;
    }
}
