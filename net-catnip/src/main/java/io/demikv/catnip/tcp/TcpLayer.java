package io.demikv.catnip.tcp;

import io.demikv.catnip.ipv4.Ipv4Handler;
import io.demikv.catnip.ipv4.Ipv4Layer;
import io.demikv.catnip.tcp.established.SendQueue;
import io.demikv.catnip.tcp.passive.ListenSocket;
import io.demikv.catnip.wire.Ipv4Packet;
import io.demikv.catnip.wire.TcpOptions;
import io.demikv.catnip.wire.TcpSegment;
import io.demikv.catnip.wire.WireStatus;
import io.demikv.libos.Errno;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.sched.Timers;

/**
 * TCP's place in the stack (RFC 9293): input checks and demultiplexing, the port table, initial sequence
 * numbers, and segment output. The protocol itself lives by lifecycle in the sub-packages:
 * {@code passive/} (listening, the SYN queue), {@code active/} (connect), {@code established/} (sending,
 * receiving, retransmission, congestion control) and {@code closing/} (FIN, TIME-WAIT, linger), around one
 * {@link ControlBlock} per connection; {@link TcpQueue} is the PDPIX socket.
 *
 * <ul>
 *   <li>Input: a segment must fit its data offset and verify its checksum over the pseudo-header
 *       (RFC 9293 §3.1; RFC 1122 §4.2.2.7: silently discard on failure); malformed options drop it too. It goes
 *       to the connection of its 4-tuple, else to the listener of its port, else it is answered with a reset
 *       as RFC 9293 §3.10.7.1 says for the CLOSED state (never a reset for a reset).</li>
 *   <li>Ports: one owner per local port (a bound or listening socket, or an active connection); accepted
 *       connections share their listener's port. Port 0 picks an ephemeral port from 49152..65535
 *       (RFC 6335 §6), walking from a start derived from our address.</li>
 *   <li>ISNs: RFC 6528 through {@link IsnGenerator}.</li>
 *   <li>Output: every segment is built in a fresh buffer (header, options, then the data copied out of the
 *       send queue) with the checksum computed in software, and handed to IPv4. A segment that ARP queues
 *       or drops is simply lost to TCP: retransmission covers it.</li>
 * </ul>
 * Libos thread only.
 */
public final class TcpLayer implements Ipv4Handler {
    public static final int EPHEMERAL_FIRST = 49152;
    public static final int EPHEMERAL_LAST = 65535;
    /** RFC 5961 §7: challenge ACKs sent per second at most (over all connections). */
    static final int CHALLENGE_ACKS_PER_SECOND = 100;

    private final Ipv4Layer ipv4;
    private final BufferPool pool;
    private final Timers timers;
    private final TcpConfig config;
    private final IsnGenerator isn;
    private final ConnectionTable connections = new ConnectionTable();
    private final ListenSocket[] listeners = new ListenSocket[65536];
    private final short[] portOwners = new short[65536];
    private final TcpSegment in = new TcpSegment();
    private final TcpSegment out = new TcpSegment();
    private final Segment segment = new Segment();
    private final TcpOptions scratchOptions = new TcpOptions();
    /** Connections that received data or a FIN in the current burst, in order (see {@link #deliverReadable}). */
    private ControlBlock[] readable = new ControlBlock[64];
    private int readableCount;
    private int nextEphemeral;
    private long challengeWindowStart;
    private int challengeAcks;

    private long received;
    private long malformed;
    private long badChecksum;
    private long resetsSent;
    private long segmentsSent;
    private long noBuffers;
    private long challengeAcksSent;
    private long connectionResets;
    private long retransmissions;
    private long timeouts;

    public TcpLayer(Ipv4Layer ipv4, BufferPool pool, Timers timers, TcpConfig config) {
        this.ipv4 = ipv4;
        this.pool = pool;
        this.timers = timers;
        this.config = config;
        this.isn = new IsnGenerator(config.isnKey());
        int span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
        this.nextEphemeral = EPHEMERAL_FIRST + Math.floorMod(ipv4.address() * 0x9E3779B9 + 7, span);
    }

    /** The demultiplexing key of a connection: remote address, remote port, local port (our address is fixed). */
    public static long key(int remoteIp, int remotePort, int localPort) {
        return ((remoteIp & 0xFFFF_FFFFL) << 32) | ((long) (remotePort & 0xFFFF) << 16) | (localPort & 0xFFFF);
    }

    public TcpConfig config() {
        return config;
    }

    public BufferPool pool() {
        return pool;
    }

    public Timers timers() {
        return timers;
    }

    public int address() {
        return ipv4.address();
    }

    /** The most TCP bytes (header and data) one IPv4 datagram carries here. */
    public int maxSegment() {
        return ipv4.maxPayload();
    }

    /** The ISN for a new connection (RFC 6528). */
    public int initialSequence(int localPort, int remoteIp, int remotePort, long nowNanos) {
        return isn.isn(ipv4.address(), localPort, remoteIp, remotePort, nowNanos);
    }

    public ConnectionTable connections() {
        return connections;
    }

    /** The connection of a 4-tuple, or null. */
    public ControlBlock connection(int remoteIp, int remotePort, int localPort) {
        return connections.get(key(remoteIp, remotePort, localPort));
    }

    public long received() {
        return received;
    }

    public long malformed() {
        return malformed;
    }

    public long badChecksum() {
        return badChecksum;
    }

    /** Resets sent for segments no connection or listener wanted. */
    public long resetsSent() {
        return resetsSent;
    }

    public long segmentsSent() {
        return segmentsSent;
    }

    /** Segments not sent for want of a buffer. */
    public long noBuffers() {
        return noBuffers;
    }

    public long challengeAcksSent() {
        return challengeAcksSent;
    }

    /** Resets connections sent to abort themselves (linger 0, unread data, timeouts), as opposed to answers. */
    public long connectionResets() {
        return connectionResets;
    }

    void countConnectionReset() {
        connectionResets++;
    }

    /** Segments sent again, over all connections. */
    public long retransmissions() {
        return retransmissions;
    }

    /** Retransmission timeouts, over all connections. */
    public long timeouts() {
        return timeouts;
    }

    void countRetransmission() {
        retransmissions++;
    }

    void countTimeout() {
        timeouts++;
    }

    // ------------------------------------------------------------------ ports

    /** Claims {@code port}, or an ephemeral port when 0. Returns the port or -errno ({@code -EADDRINUSE}). */
    public int claimPort(int port) {
        if (port == 0) {
            int span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
            for (int i = 0; i < span; i++) {
                int p = nextEphemeral;
                nextEphemeral = p == EPHEMERAL_LAST ? EPHEMERAL_FIRST : p + 1;
                if (portOwners[p] == 0 && listeners[p] == null) {
                    portOwners[p] = 1;
                    return p;
                }
            }
            return -Errno.EADDRINUSE;
        }
        if (port < 0 || port > 0xFFFF) {
            return -Errno.EINVAL;
        }
        if (portOwners[port] != 0) {
            return -Errno.EADDRINUSE;
        }
        portOwners[port] = 1;
        return port;
    }

    /** Gives a claimed port back. */
    public void releasePort(int port) {
        if (port > 0 && port <= 0xFFFF && portOwners[port] > 0) {
            portOwners[port]--;
        }
    }

    /** Passes a port's ownership on to one more holder (a socket's port to its active connection). */
    public void sharePort(int port) {
        portOwners[port]++;
    }

    public ListenSocket listener(int port) {
        return listeners[port];
    }

    public void listen(int port, ListenSocket socket) {
        listeners[port] = socket;
    }

    public void unlisten(int port, ListenSocket socket) {
        if (listeners[port] == socket) {
            listeners[port] = null;
        }
    }

    /** Adds a connection to the demultiplexing table. */
    public void register(ControlBlock cb) {
        connections.put(cb.key(), cb);
    }

    /** Removes a connection from the table. */
    public void unregister(ControlBlock cb) {
        connections.remove(cb.key(), cb);
    }

    // ------------------------------------------------------------------ input

    @Override
    public void receive(DemiBuffer payload, int sourceIp, int destinationIp, long nowNanos) {
        received++;
        if (in.wrap(payload) != WireStatus.OK || in.check() != WireStatus.OK) {
            malformed++;
            payload.release();
            return;
        }
        if (!in.checksumValid(sourceIp, destinationIp)) {
            badChecksum++;
            payload.release();
            return;
        }
        Segment seg = segment;
        if (in.parseOptions(seg.options) != WireStatus.OK) {
            malformed++;
            payload.release();
            return;
        }
        seg.sourceIp = sourceIp;
        seg.sourcePort = in.sourcePort();
        seg.destinationPort = in.destinationPort();
        seg.seq = in.sequence();
        seg.ack = in.acknowledgment();
        seg.flags = in.flags();
        seg.window = in.window();
        seg.dataLength = in.dataLength();
        payload.trimFront(in.headerLength());
        seg.data = payload;
        try {
            if (seg.sourcePort == 0 || seg.destinationPort == 0) {
                malformed++;
                return;
            }
            ControlBlock cb = connections.get(seg.key());
            if (cb != null) {
                cb.onSegment(seg, nowNanos);
                return;
            }
            ListenSocket listener = listeners[seg.destinationPort];
            if (listener != null) {
                listener.onSegment(seg, nowNanos);
                return;
            }
            replyReset(seg, nowNanos);
        } finally {
            if (seg.data != null) {
                seg.data.release();
                seg.data = null;
            }
        }
    }

    /** Notes that {@code cb} received data or a FIN; its pops are served by {@link #deliverReadable}. */
    void markReadable(ControlBlock cb) {
        if (cb.readablePending) {
            return;
        }
        cb.readablePending = true;
        if (readableCount == readable.length) {
            readable = java.util.Arrays.copyOf(readable, readable.length * 2); // grows with the connections, once
        }
        readable[readableCount++] = cb;
    }

    /**
     * Serves the waiting pops of every connection that received something since the last call: called once per
     * receive burst ({@link io.demikv.catnip.InetStack#poll}), so that segments arriving together (a request
     * larger than one MSS, say) complete one pop rather than one each, and the application runs one pass over
     * them instead of several.
     */
    public void deliverReadable(long nowNanos) {
        for (int i = 0; i < readableCount; i++) {
            ControlBlock cb = readable[i];
            readable[i] = null;
            cb.deliverReadable(nowNanos);
        }
        readableCount = 0;
    }

    /**
     * Answers a segment that belongs to no connection (RFC 9293 §3.10.7.1): nothing for a reset; for a
     * segment with ACK, {@code <SEQ=SEG.ACK><CTL=RST>}; otherwise {@code <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>}.
     */
    public void replyReset(Segment seg, long nowNanos) {
        if (seg.rst()) {
            return;
        }
        resetsSent++;
        if (seg.ackFlag()) {
            send(seg.sourceIp, seg.destinationPort, seg.sourcePort, seg.ack, 0, TcpSegment.RST, 0, null, null, 0, 0,
                    nowNanos);
        } else {
            send(seg.sourceIp, seg.destinationPort, seg.sourcePort, 0, SeqNumber.add(seg.seq, seg.length()),
                    TcpSegment.RST | TcpSegment.ACK, 0, null, null, 0, 0, nowNanos);
        }
    }

    /** RFC 5961 §7's rate limit: true when one more challenge ACK may go out now. */
    boolean allowChallengeAck(long nowNanos) {
        if (nowNanos - challengeWindowStart >= 1_000_000_000L) {
            challengeWindowStart = nowNanos;
            challengeAcks = 0;
        }
        if (challengeAcks >= CHALLENGE_ACKS_PER_SECOND) {
            return false;
        }
        challengeAcks++;
        challengeAcksSent++;
        return true;
    }

    // ------------------------------------------------------------------ output

    /**
     * Builds and sends one segment from our {@code localPort} to {@code remoteIp:remotePort}: the header,
     * {@code options} (or none), and {@code length} data bytes copied from {@code data} at queue offset
     * {@code offset}. Returns false when no buffer could be had or IPv4 refused it (the segment is lost).
     */
    public boolean send(int remoteIp, int localPort, int remotePort, int seq, int ack, int flags, int window,
                        TcpOptions options, SendQueue data, long offset, int length, long nowNanos) {
        int optionBytes = options == null ? 0 : options.encodedLength();
        int header = TcpSegment.HEADER_LENGTH + optionBytes;
        DemiBuffer b = pool.allocate(header + length);
        if (b == null) {
            noBuffers++;
            return false;
        }
        out.wrap(b);
        out.write(localPort, remotePort, seq, ack, header, flags, window, 0);
        if (optionBytes > 0) {
            options.write(b.memory(), b.offset() + TcpSegment.HEADER_LENGTH);
        }
        if (length > 0) {
            data.copyOut(offset, length, b.memory(), b.offset() + header);
        }
        out.fillChecksum(ipv4.address(), remoteIp);
        segmentsSent++;
        int rc = ipv4.send(b, remoteIp, Ipv4Packet.PROTOCOL_TCP, null, 0, nowNanos);
        return rc >= 0;
    }

    /** A scratch options holder for output (libos thread only: filled and written within one send). */
    public TcpOptions outputOptions() {
        return scratchOptions.clear();
    }

    /** Aborts every connection and listener without sending anything (the stack is shutting down). */
    public void close() {
        java.util.Arrays.fill(readable, 0, readableCount, null);
        readableCount = 0;
        connections.forEach(ControlBlock::destroyQuietly);
        for (int p = 0; p < listeners.length; p++) {
            if (listeners[p] != null) {
                listeners[p].shutdown();
                listeners[p] = null;
            }
        }
    }
}
