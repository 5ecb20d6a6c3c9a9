package io.demikv.catnip.ipv4;

import io.demikv.catnip.arp.ArpLayer;
import io.demikv.catnip.arp.TransmitListener;
import io.demikv.catnip.ethernet.FrameHandler;
import io.demikv.catnip.wire.Ipv4Packet;
import io.demikv.catnip.wire.WireStatus;
import io.demikv.libos.Errno;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;

import java.lang.foreign.MemorySegment;

/**
 * IPv4 for one host address (RFC 791, with RFC 1122 §3.2.1's host rules): checks, filters and demultiplexes
 * received datagrams to ICMP, UDP (and later TCP); prepends headers on the way out and hands packets to ARP.
 *
 * <p>Input, in order, each failure dropped silently and counted:
 * <ol>
 *   <li>version 4, header and total length consistent with the bytes ({@link Ipv4Packet#check});</li>
 *   <li>header checksum (RFC 1122 §3.2.1.2: MUST verify and silently discard on failure);</li>
 *   <li>destination is our address (a host takes no one else's traffic, and this stack has no broadcast
 *       listeners yet);</li>
 *   <li>source is not broadcast or multicast (RFC 1122 §3.2.1.3: MUST silently discard);</li>
 *   <li>not a fragment: reassembly (RFC 791 §3.2, RFC 1122 §3.3.2) does not exist yet, so fragments are
 *       dropped and counted;</li>
 *   <li>a protocol with a handler (RFC 1122 §3.2.2.1 says a host SHOULD answer an unknown protocol with an
 *       ICMP Protocol Unreachable; not yet).</li>
 * </ol>
 * Options are skipped (the checksum covers them; none is acted on). TTL is not checked on input: a host must
 * not drop a datagram addressed to it for a low TTL (RFC 1122 §3.2.1.7).
 *
 * <p>Output: a 20-byte header without options, TTL {@value #DEFAULT_TTL} (RFC 1122 §3.2.1.7 asks for a
 * configurable TTL, 64 being the current recommendation), Don't Fragment set because this stack never
 * fragments (callers keep datagrams within the MTU and get {@code EMSGSIZE} otherwise), identification from a
 * counter (RFC 6864 §4.1 allows any value for atomic datagrams). Destinations are on-link: no routing table
 * or gateway yet. Libos thread only.
 */
public final class Ipv4Layer implements FrameHandler {
    public static final int DEFAULT_TTL = 64;

    private final ArpLayer arp;
    private final BufferPool pool;
    private final int address;
    private final int mtu;
    private final Ipv4Packet in = new Ipv4Packet();
    private final Ipv4Packet out = new Ipv4Packet();
    private final Ipv4Handler[] handlers = new Ipv4Handler[256];
    private int identification;

    private long received;
    private long delivered;
    private long malformed;
    private long badChecksum;
    private long notForUs;
    private long badSource;
    private long fragmentsDropped;
    private long unknownProtocol;
    private long sent;

    /**
     * @param arp     resolves next hops and transmits
     * @param pool    for the rare payload without headroom for the headers
     * @param address our IPv4 address
     * @param mtu     the largest IPv4 packet the link carries
     */
    public Ipv4Layer(ArpLayer arp, BufferPool pool, int address, int mtu) {
        this.arp = arp;
        this.pool = pool;
        this.address = address;
        this.mtu = mtu;
    }

    /** Registers the handler of an IP protocol number. Start-up only. */
    public void register(int protocol, Ipv4Handler handler) {
        handlers[protocol & 0xFF] = handler;
    }

    public int address() {
        return address;
    }

    public int mtu() {
        return mtu;
    }

    /** The most transport bytes one datagram carries: MTU minus the 20-byte header. */
    public int maxPayload() {
        return mtu - Ipv4Packet.HEADER_LENGTH;
    }

    public long received() {
        return received;
    }

    /** Datagrams handed to a transport. */
    public long delivered() {
        return delivered;
    }

    /** Dropped by {@link Ipv4Packet#check}: truncated, wrong version, bad lengths. */
    public long malformed() {
        return malformed;
    }

    public long badChecksum() {
        return badChecksum;
    }

    public long notForUs() {
        return notForUs;
    }

    public long badSource() {
        return badSource;
    }

    public long fragmentsDropped() {
        return fragmentsDropped;
    }

    public long unknownProtocol() {
        return unknownProtocol;
    }

    public long sent() {
        return sent;
    }

    @Override
    public void receive(DemiBuffer payload, long nowNanos) {
        received++;
        if (in.wrap(payload) != WireStatus.OK || in.check() != WireStatus.OK) {
            malformed++;
            payload.release();
            return;
        }
        if (!in.checksumValid()) {
            badChecksum++;
            payload.release();
            return;
        }
        int destination = in.destination();
        int source = in.source();
        if (destination != address) {
            notForUs++;
            payload.release();
            return;
        }
        if (source == Ipv4Packet.BROADCAST || (source >>> 28) == 0xE) {
            badSource++;
            payload.release();
            return;
        }
        if (in.isFragment()) {
            fragmentsDropped++;
            payload.release();
            return;
        }
        Ipv4Handler h = handlers[in.protocol()];
        if (h == null) {
            unknownProtocol++;
            payload.release();
            return;
        }
        int header = in.headerLength();
        int transport = in.payloadLength();
        // Drop the header and any link-layer padding after the total length.
        payload.setWindow(payload.offset() + header, transport);
        delivered++;
        h.receive(payload, source, destination, nowNanos);
    }

    /** Hands the frames queued below to the device now (see {@link ArpLayer#flushOutput()}). */
    public void flushOutput() {
        arp.flushOutput();
    }

    /**
     * Sends {@code transport} (a transport header and data) to {@code destination} as protocol
     * {@code protocol}, taking over the reference. Returns {@link TransmitListener#SENT},
     * {@link TransmitListener#QUEUED} (the listener hears later), or -errno: {@code -EMSGSIZE} above
     * {@link #maxPayload()}, {@code -EAGAIN} when ARP's queue is full, {@code -ENOMEM} without buffers.
     */
    public int send(DemiBuffer transport, int destination, int protocol, TransmitListener listener, long token,
                    long nowNanos) {
        if (transport.length() > maxPayload()) {
            transport.release();
            return -Errno.EMSGSIZE;
        }
        DemiBuffer b = transport;
        if (b.headroom() < Ipv4Packet.HEADER_LENGTH + 14) {
            b = pool.allocate(transport.length());
            if (b == null) {
                transport.release();
                return -Errno.ENOMEM;
            }
            MemorySegment.copy(transport.memory(), transport.offset(), b.memory(), b.offset(), transport.length());
            transport.release();
        }
        b.prepend(Ipv4Packet.HEADER_LENGTH);
        out.wrap(b);
        out.write(b.length(), identification++ & 0xFFFF, Ipv4Packet.FLAG_DF, DEFAULT_TTL, protocol, address,
                destination);
        sent++;
        return arp.transmit(b, destination, listener, token, nowNanos);
    }
}
