package io.demikv.catnip.ethernet;

import io.demikv.catnip.phy.Device;
import io.demikv.catnip.wire.EthernetFrame;
import io.demikv.catnip.wire.WireStatus;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;

import java.lang.foreign.MemorySegment;

/**
 * Layer 2: receives bursts from the {@link Device}, keeps frames addressed to us (our MAC or broadcast),
 * strips the Ethernet II header and hands the payload to ARP or IPv4 by EtherType; on the way out prepends
 * the header into the buffer's headroom and queues the frame for the device. Frames from our own MAC (a raw
 * socket can loop them back), multicast and unknown EtherTypes (IPv6, LLDP) are dropped and counted. Receive
 * work per poll is bounded by {@link #BURST}.
 *
 * <p>Transmission is batched: {@link #send} queues, and {@link #flush} hands the queue to the device in one
 * {@link Device#transmit} call (one sendmmsg(2) on a raw socket, one {@code rte_eth_tx_burst} on DPDK), when
 * {@link #BURST} frames are queued and whenever the stack flushes: at the start and the end of every poll and
 * before the libOS sleeps. So the replies an application pushes between two waits leave together when it waits
 * again. Libos thread only.
 */
public final class EthernetLayer {
    /** Frames taken from the device per poll at most. */
    public static final int BURST = 32;

    private final Device device;
    private final BufferPool pool;
    private final long mac;
    private final DemiBuffer[] rx = new DemiBuffer[BURST];
    private final DemiBuffer[] tx = new DemiBuffer[BURST];
    private int txQueued;
    private long flushes;
    private final EthernetFrame frame = new EthernetFrame();
    private FrameHandler arp;
    private FrameHandler ipv4;

    private long received;
    private long dropped;
    private long transmitted;
    private long transmitDropped;

    /**
     * @param device the device, owned by the caller
     * @param pool   for the rare frame whose buffer lacks headroom (then it is copied)
     * @param mac    our station address
     */
    public EthernetLayer(Device device, BufferPool pool, long mac) {
        this.device = device;
        this.pool = pool;
        this.mac = mac;
    }

    /** Sets the handlers of ARP and IPv4 payloads. Start-up only. */
    public void handlers(FrameHandler arpHandler, FrameHandler ipv4Handler) {
        this.arp = arpHandler;
        this.ipv4 = ipv4Handler;
    }

    public long mac() {
        return mac;
    }

    public Device device() {
        return device;
    }

    /** Frames received from the device. */
    public long received() {
        return received;
    }

    /** Received frames dropped here (not for us, unknown type, truncated). */
    public long dropped() {
        return dropped;
    }

    public long transmitted() {
        return transmitted;
    }

    /** Frames the device refused. */
    public long transmitDropped() {
        return transmitDropped;
    }

    /** Device transmit calls that carried at least one frame. */
    public long flushes() {
        return flushes;
    }

    /** Frames queued by {@link #send} and not yet handed to the device. */
    public int queued() {
        return txQueued;
    }

    /** Hands every queued frame to the device; returns how many it took. */
    public int flush() {
        int n = txQueued;
        if (n == 0) {
            return 0;
        }
        txQueued = 0;
        flushes++;
        int sent = device.transmit(tx, n);
        for (int i = 0; i < n; i++) {
            tx[i] = null; // the device took every reference
        }
        transmitted += sent;
        transmitDropped += n - sent;
        return sent;
    }

    /** Receives one burst and dispatches it. Returns the frames received. */
    public int poll(long nowNanos) {
        int n = device.receive(rx, BURST);
        for (int i = 0; i < n; i++) {
            DemiBuffer b = rx[i];
            rx[i] = null;
            received++;
            dispatch(b, nowNanos);
        }
        return n;
    }

    private void dispatch(DemiBuffer b, long nowNanos) {
        if (frame.wrap(b) != WireStatus.OK) {
            drop(b);
            return;
        }
        long destination = frame.destination();
        long source = frame.source();
        if ((destination != mac && destination != EthernetFrame.BROADCAST) || source == mac) {
            drop(b);
            return;
        }
        int type = frame.etherType();
        FrameHandler h = type == EthernetFrame.ETHERTYPE_IPV4 ? ipv4 : type == EthernetFrame.ETHERTYPE_ARP ? arp : null;
        if (h == null) {
            drop(b);
            return;
        }
        b.trimFront(EthernetFrame.HEADER_LENGTH);
        h.receive(b, nowNanos);
    }

    private void drop(DemiBuffer b) {
        dropped++;
        b.release();
    }

    /**
     * Prepends an Ethernet header to {@code packet} and queues it for the device, taking over the reference;
     * a full queue is flushed first. Returns false when the frame was dropped (no buffer for a header).
     */
    public boolean send(DemiBuffer packet, long destination, int etherType) {
        DemiBuffer b = packet;
        if (b.headroom() < EthernetFrame.HEADER_LENGTH) {
            b = copyWithHeadroom(packet);
            packet.release();
            if (b == null) {
                transmitDropped++;
                return false;
            }
        }
        b.prepend(EthernetFrame.HEADER_LENGTH);
        frame.wrap(b);
        frame.write(destination, mac, etherType);
        if (txQueued == tx.length) {
            flush();
        }
        tx[txQueued++] = b;
        return true;
    }

    private DemiBuffer copyWithHeadroom(DemiBuffer packet) {
        DemiBuffer c = pool.allocate(packet.length());
        if (c != null) {
            MemorySegment.copy(packet.memory(), packet.offset(), c.memory(), c.offset(), packet.length());
        }
        return c;
    }
}
