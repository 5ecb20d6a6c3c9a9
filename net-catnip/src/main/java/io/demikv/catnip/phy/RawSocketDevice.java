package io.demikv.catnip.phy;

import io.demikv.catnip.ffi.PacketSocket;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;

/**
 * A {@link Device} over a raw {@code AF_PACKET} socket on a Linux interface (through {@link PacketSocket},
 * pure FFM): every frame the interface receives is copied into a pooled buffer by recvfrom(2), and every
 * frame transmitted is copied out by send(2). Needs root ({@code CAP_NET_RAW}).
 *
 * <p>When the stack uses a MAC other than the interface's own ({@code demikernel.local_link_addr}), the
 * interface is put in promiscuous mode for the socket's lifetime. The kernel side of a veth pair must not
 * offload checksums ({@code ethtool -K <peer> tx off}), or it hands us frames with partial checksums. The
 * interface must have no IPv4 address of its own in its namespace, or the kernel answers too. Libos thread
 * only.
 */
public final class RawSocketDevice implements Device {
    /** Room for a VLAN tag beyond the MTU and Ethernet header. */
    private static final int FRAME_SLACK = 14 + 4;

    private final PacketSocket socket;
    private final BufferPool pool;
    private final long mac;
    private final int mtu;
    private final int frameCapacity;
    private DemiBuffer spare;
    private long receiveErrors;
    private long transmitErrors;
    private long receiveDrops;

    /**
     * Opens {@code interfaceName} in the calling thread's network namespace.
     *
     * @param mac  the station address of the stack, or 0 for the interface's own (then no promiscuous mode)
     * @param pool where received frames go
     * @throws IllegalStateException when the socket cannot be opened, saying why
     */
    public RawSocketDevice(String interfaceName, long mac, BufferPool pool) {
        PacketSocket s = PacketSocket.open(interfaceName, false);
        long own = s.interfaceMac();
        if (mac != 0 && mac != own) {
            s.close();
            s = PacketSocket.open(interfaceName, true);
        }
        this.socket = s;
        this.pool = pool;
        this.mac = mac != 0 ? mac : own;
        this.mtu = s.interfaceMtu();
        this.frameCapacity = mtu + FRAME_SLACK;
    }

    public long receiveErrors() {
        return receiveErrors;
    }

    public long transmitErrors() {
        return transmitErrors;
    }

    /** The socket's receive buffer in bytes (the kernel's accounting, about twice the payload it holds). */
    public int receiveBufferBytes() {
        return socket.receiveBufferBytes();
    }

    /**
     * Frames the kernel dropped so far because the socket's receive buffer was full (the stack did not poll
     * often enough for the arrival rate). Asks the kernel: a system call, not for the hot path.
     */
    public long receiveDrops() {
        long d = socket.takeDrops();
        if (d > 0) {
            receiveDrops += d;
        }
        return receiveDrops;
    }

    @Override
    public int receive(DemiBuffer[] frames, int max) {
        int n = 0;
        int limit = Math.min(max, frames.length);
        while (n < limit) {
            DemiBuffer b = spare;
            spare = null;
            if (b == null) {
                b = pool.allocate(frameCapacity);
                if (b == null) {
                    break;
                }
            }
            b.setWindow(b.offset(), frameCapacity);
            int got = socket.receive(b.memory().address() + b.offset(), frameCapacity);
            if (got <= 0) {
                spare = b;
                if (got < 0) {
                    receiveErrors++;
                }
                break;
            }
            b.setLength(got);
            frames[n++] = b;
        }
        return n;
    }

    @Override
    public int transmit(DemiBuffer[] frames, int count) {
        int sent = 0;
        for (int i = 0; i < count; i++) {
            DemiBuffer b = frames[i];
            frames[i] = null;
            int rc = socket.send(b.memory().address() + b.offset(), b.length());
            if (rc >= 0) {
                sent++;
            } else {
                transmitErrors++;
            }
            b.release();
        }
        return sent;
    }

    @Override
    public long macAddress() {
        return mac;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public void close() {
        if (spare != null) {
            spare.release();
            spare = null;
        }
        socket.close();
    }
}
