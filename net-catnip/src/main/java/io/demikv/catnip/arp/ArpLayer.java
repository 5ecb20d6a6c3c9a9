package io.demikv.catnip.arp;

import io.demikv.catnip.ethernet.EthernetLayer;
import io.demikv.catnip.ethernet.FrameHandler;
import io.demikv.catnip.wire.ArpPacket;
import io.demikv.catnip.wire.EthernetFrame;
import io.demikv.catnip.wire.Ipv4Packet;
import io.demikv.catnip.wire.WireStatus;
import io.demikv.config.InetStackConfig;
import io.demikv.config.Ipv4Address;
import io.demikv.config.MacAddress;
import io.demikv.libos.Errno;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.sched.TimerCallback;
import io.demikv.libos.sched.Timers;

import java.util.ArrayDeque;
import java.util.Map;

/**
 * ARP for IPv4 over Ethernet (RFC 826), Demikernel's "ARP peer": answers requests for our address, learns
 * from what it hears, and resolves next hops for IPv4 output.
 *
 * <ul>
 *   <li>Reception follows RFC 826's algorithm: if the sender is in the table, refresh it ("merge"); if the
 *       target is us, add the sender when not merged, and answer a request with a unicast reply. A sender
 *       of 0.0.0.0 (an RFC 5227 probe) teaches nothing; a sender claiming our own address is counted as a
 *       conflict and not learned.</li>
 *   <li>{@link #transmit} sends at once when the next hop is cached; otherwise it queues the packet (at most
 *       {@link #MAX_QUEUED_PER_HOST} per next hop, {@link #MAX_RESOLUTIONS} next hops at once), broadcasts a
 *       request and retries after {@code arp_request_timeout_ms}, up to {@code arp_request_retries} times
 *       (RFC 1122 §2.3.2.1: requests must be rate-limited; one per timeout per host here). A reply releases
 *       the queue in order; giving up drops it and tells each sender {@code EHOSTUNREACH}.</li>
 *   <li>Learned entries live {@code arp_ttl_secs} (RFC 1122 §2.3.2.1 asks for a timeout); static entries
 *       from {@code arp_table} never expire and are never overwritten by what the network says.</li>
 *   <li>{@link #announce} broadcasts a gratuitous ARP (RFC 5227 §3 announcement: a request with sender and
 *       target both our address) so peers update stale entries when we start.</li>
 * </ul>
 * Time comes in as a parameter and through {@link Timers} (the libOS's timer heap, fired with the
 * scheduler's time): this class never reads a clock. Libos thread only.
 */
public final class ArpLayer implements FrameHandler {
    /** Packets waiting per unresolved next hop at most (Linux's default unres_qlen is 101 KiB; we count packets). */
    public static final int MAX_QUEUED_PER_HOST = 64;
    /** Next hops being resolved at once at most. */
    public static final int MAX_RESOLUTIONS = 256;
    /** Cache entries at most. */
    public static final int CACHE_CAPACITY = 1024;

    private final EthernetLayer ethernet;
    private final BufferPool pool;
    private final Timers timers;
    private final long mac;
    private final int ip;
    private final long ttlNanos;
    private final long requestTimeoutNanos;
    private final int retries;
    private final ArpCache cache = new ArpCache(CACHE_CAPACITY);
    private final ArpPacket packet = new ArpPacket();
    private final ArpPacket outgoing = new ArpPacket();
    private final ArrayDeque<Resolution> freeResolutions = new ArrayDeque<>();
    private Resolution[] active = new Resolution[16];
    private int activeCount;

    private long requestsSent;
    private long repliesSent;
    private long received;
    private long dropped;
    private long conflicts;
    private long resolved;
    private long failed;

    /**
     * @param ethernet the layer below
     * @param pool     where request and reply frames come from
     * @param timers   the libOS's timers, for request retries
     * @param ip       our IPv4 address
     * @param config   TTL, timeout, retries and the static table
     */
    public ArpLayer(EthernetLayer ethernet, BufferPool pool, Timers timers, int ip, InetStackConfig config) {
        this.ethernet = ethernet;
        this.pool = pool;
        this.timers = timers;
        this.mac = ethernet.mac();
        this.ip = ip;
        this.ttlNanos = config.arpTtl().toNanos();
        this.requestTimeoutNanos = config.arpRequestTimeout().toNanos();
        this.retries = config.arpRequestRetries();
        for (Map.Entry<Ipv4Address, MacAddress> e : config.arpTable().entrySet()) {
            cache.putStatic(e.getKey().value(), e.getValue().value());
        }
    }

    public ArpCache cache() {
        return cache;
    }

    /** The MAC of {@code ip} if cached and fresh at {@code nowNanos}, else -1. */
    public long lookup(int target, long nowNanos) {
        return cache.lookup(target, nowNanos);
    }

    public long requestsSent() {
        return requestsSent;
    }

    public long repliesSent() {
        return repliesSent;
    }

    /** ARP packets received (well formed or not). */
    public long received() {
        return received;
    }

    /** ARP packets dropped: truncated, or not Ethernet/IPv4. */
    public long dropped() {
        return dropped;
    }

    /** Packets claiming our address from another station. */
    public long conflicts() {
        return conflicts;
    }

    /** Next hops resolved after a request. */
    public long resolved() {
        return resolved;
    }

    /** Next hops given up after all retries. */
    public long failed() {
        return failed;
    }

    /** Next hops being resolved now. */
    public int pendingResolutions() {
        return activeCount;
    }

    // ------------------------------------------------------------------ output

    /** Hands the frames the Ethernet layer has queued to the device now, instead of at the end of the pass. */
    public void flushOutput() {
        ethernet.flush();
    }

    /**
     * Sends an IPv4 packet to next hop {@code nextHop}, taking over {@code ipPacket}'s reference. Returns
     * {@link TransmitListener#SENT}, {@link TransmitListener#QUEUED} (then {@code listener}, if not null, hears
     * the outcome with {@code token}), or {@code -EAGAIN} when the queue for that host, or the number of
     * hosts being resolved, is at its limit (the packet is dropped).
     */
    public int transmit(DemiBuffer ipPacket, int nextHop, TransmitListener listener, long token, long nowNanos) {
        long destination = nextHop == Ipv4Packet.BROADCAST ? EthernetFrame.BROADCAST : cache.lookup(nextHop, nowNanos);
        if (destination >= 0) {
            ethernet.send(ipPacket, destination, EthernetFrame.ETHERTYPE_IPV4);
            return TransmitListener.SENT;
        }
        Resolution r = find(nextHop);
        if (r == null) {
            if (activeCount >= MAX_RESOLUTIONS) {
                ipPacket.release();
                return -Errno.EAGAIN;
            }
            r = start(nextHop, nowNanos);
        }
        if (r.count >= MAX_QUEUED_PER_HOST) {
            ipPacket.release();
            return -Errno.EAGAIN;
        }
        r.add(ipPacket, listener == null ? NO_LISTENER : listener, token);
        return TransmitListener.QUEUED;
    }

    private static final TransmitListener NO_LISTENER = (token, errno) -> { };

    /** Broadcasts a gratuitous ARP announcing our address (RFC 5227 §3). */
    public void announce() {
        sendArp(ArpPacket.OP_REQUEST, EthernetFrame.BROADCAST, ip, 0, ip);
    }

    private Resolution find(int target) {
        for (int i = 0; i < activeCount; i++) {
            if (active[i].target == target) {
                return active[i];
            }
        }
        return null;
    }

    private Resolution start(int target, long nowNanos) {
        Resolution r = freeResolutions.pollFirst();
        if (r == null) {
            r = new Resolution();
        }
        r.target = target;
        r.requests = 0;
        if (activeCount == active.length) {
            active = java.util.Arrays.copyOf(active, active.length * 2);
        }
        active[activeCount++] = r;
        sendRequest(r, nowNanos);
        return r;
    }

    private void sendRequest(Resolution r, long nowNanos) {
        r.requests++;
        sendArp(ArpPacket.OP_REQUEST, EthernetFrame.BROADCAST, ip, 0, r.target);
        requestsSent++;
        r.timer = timers.schedule(Timers.deadlineAfter(nowNanos, requestTimeoutNanos), r);
    }

    private void finish(Resolution r) {
        for (int i = 0; i < activeCount; i++) {
            if (active[i] == r) {
                active[i] = active[--activeCount];
                active[activeCount] = null;
                break;
            }
        }
        timers.cancel(r.timer);
        r.timer = 0;
    }

    /** Releases the queue of {@code r} to {@code destination}, in order. */
    private void release(Resolution r, long destination) {
        finish(r);
        resolved++;
        for (int i = 0; i < r.count; i++) {
            boolean sent = ethernet.send(r.packets[i], destination, EthernetFrame.ETHERTYPE_IPV4);
            if (sent) {
                // A listener completes a push, after which the application may write its buffer again: a
                // zero-copy UDP frame must be with the device by then.
                ethernet.flush();
            }
            r.listeners[i].onTransmitted(r.tokens[i], sent ? 0 : Errno.EIO);
        }
        r.clear();
        // Only now: a listener above may have started another resolution, which must not get r while we drain it.
        freeResolutions.addFirst(r);
    }

    /** Gives up on {@code r}: every queued packet is dropped with {@code EHOSTUNREACH}. */
    private void giveUp(Resolution r) {
        finish(r);
        failed++;
        dropAll(r, Errno.EHOSTUNREACH);
    }

    private void sendArp(int operation, long destination, int senderIp, long targetMac, int targetIp) {
        DemiBuffer b = pool.allocate(ArpPacket.LENGTH);
        if (b == null) {
            return;
        }
        outgoing.wrap(b);
        outgoing.write(operation, mac, senderIp, targetMac, targetIp);
        ethernet.send(b, destination, EthernetFrame.ETHERTYPE_ARP);
    }

    // ------------------------------------------------------------------ input

    @Override
    public void receive(DemiBuffer payload, long nowNanos) {
        received++;
        try {
            if (packet.wrap(payload) != WireStatus.OK || packet.check() != WireStatus.OK) {
                dropped++;
                return;
            }
            int senderIp = packet.senderIp();
            long senderMac = packet.senderMac();
            int targetIp = packet.targetIp();
            int op = packet.operation();
            if (senderMac == mac || EthernetFrame.isGroup(senderMac)) {
                dropped++;
                return;
            }
            if (senderIp == ip) {
                conflicts++;
                return;
            }
            if (senderIp == 0) {
                // RFC 5227 probe: learn nothing, but a probe for our address still gets a reply below.
                if (targetIp == ip && op == ArpPacket.OP_REQUEST) {
                    sendArp(ArpPacket.OP_REPLY, senderMac, ip, senderMac, 0);
                    repliesSent++;
                }
                return;
            }
            // RFC 826 "Packet Reception": merge first, then add if we are the target.
            boolean merged = false;
            if (cache.contains(senderIp)) {
                cache.put(senderIp, senderMac, Timers.deadlineAfter(nowNanos, ttlNanos), nowNanos);
                merged = true;
            }
            if (targetIp == ip) {
                if (!merged) {
                    cache.put(senderIp, senderMac, Timers.deadlineAfter(nowNanos, ttlNanos), nowNanos);
                }
                if (op == ArpPacket.OP_REQUEST) {
                    sendArp(ArpPacket.OP_REPLY, senderMac, ip, senderMac, senderIp);
                    repliesSent++;
                }
            }
            Resolution r = find(senderIp);
            if (r != null) {
                // We asked for this host: whatever packet tells us its address answers the question.
                if (!cache.contains(senderIp)) {
                    cache.put(senderIp, senderMac, Timers.deadlineAfter(nowNanos, ttlNanos), nowNanos);
                }
                long learned = cache.lookup(senderIp, nowNanos);
                release(r, learned >= 0 ? learned : senderMac);
            }
        } finally {
            payload.release();
        }
    }

    /** Drops every queued packet (as at close), telling senders {@code ECANCELED}. */
    public void close() {
        while (activeCount > 0) {
            Resolution r = active[activeCount - 1];
            finish(r);
            dropAll(r, Errno.ECANCELED);
        }
    }

    private void dropAll(Resolution r, int errno) {
        for (int i = 0; i < r.count; i++) {
            r.packets[i].release();
            r.listeners[i].onTransmitted(r.tokens[i], errno);
        }
        r.clear();
        freeResolutions.addFirst(r);
    }

    /** One next hop being resolved: its request count, retry timer and queued packets. Pooled. */
    private final class Resolution implements TimerCallback {
        int target;
        int requests;
        long timer;
        /** Queued packets in arrival order, [0, count); arrays of {@link #MAX_QUEUED_PER_HOST}, made once. */
        final DemiBuffer[] packets = new DemiBuffer[MAX_QUEUED_PER_HOST];
        final TransmitListener[] listeners = new TransmitListener[MAX_QUEUED_PER_HOST];
        final long[] tokens = new long[MAX_QUEUED_PER_HOST];
        int count;

        void add(DemiBuffer p, TransmitListener l, long token) {
            packets[count] = p;
            listeners[count] = l;
            tokens[count] = token;
            count++;
        }

        void clear() {
            java.util.Arrays.fill(packets, 0, count, null);
            java.util.Arrays.fill(listeners, 0, count, null);
            count = 0;
        }

        @Override
        public void onTimer(long timerId, long nowNanos) {
            if (timerId != timer) {
                return;
            }
            timer = 0;
            if (requests <= retries) {
                sendRequest(this, nowNanos);
            } else {
                giveUp(this);
            }
        }
    }
}
