package io.demikv.catnip.phy;

import io.demikv.catnip.ffi.PacketSocket;
import io.demikv.libos.memory.BufferPool;

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
public final class RawSocketDevice extends KernelFrameDevice {
    private final PacketSocket socket;
    private long receiveDrops;

    /**
     * Opens {@code interfaceName} in the calling thread's network namespace.
     *
     * @param mac  the station address of the stack, or 0 for the interface's own (then no promiscuous mode)
     * @param pool where received frames go
     * @throws IllegalStateException when the socket cannot be opened, saying why
     */
    public RawSocketDevice(String interfaceName, long mac, BufferPool pool) {
        this(openSocket(interfaceName, mac), mac, pool);
    }

    private RawSocketDevice(PacketSocket socket, long mac, BufferPool pool) {
        super(pool, mac != 0 ? mac : socket.interfaceMac(), socket.interfaceMtu());
        this.socket = socket;
    }

    /** Promiscuous only when the stack's MAC differs from the interface's own. */
    private static PacketSocket openSocket(String interfaceName, long mac) {
        PacketSocket s = PacketSocket.open(interfaceName, false);
        if (mac != 0 && mac != s.interfaceMac()) {
            s.close();
            s = PacketSocket.open(interfaceName, true);
        }
        return s;
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
    int readFrame(long address, int capacity) {
        return socket.receive(address, capacity);
    }

    @Override
    int writeFrame(long address, int length) {
        return socket.send(address, length);
    }

    @Override
    void slotChanged(int slot, long address, int capacity) {
        socket.setReceiveBuffer(slot, address, capacity);
    }

    @Override
    int readFrames(long[] addresses, int capacity, int[] lengths, int count) {
        return socket.receiveBatch(lengths, count);
    }

    @Override
    int writeFrames(long[] addresses, int[] lengths, int count) {
        return socket.sendBatch(addresses, lengths, count);
    }

    @Override
    void closeFile() {
        socket.close();
    }

    @Override
    int fileDescriptor() {
        return socket.fd();
    }
}
