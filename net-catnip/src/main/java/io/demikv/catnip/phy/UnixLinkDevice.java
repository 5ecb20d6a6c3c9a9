package io.demikv.catnip.phy;

import io.demikv.catnip.ffi.UnixFrameSocket;
import io.demikv.libos.memory.BufferPool;

/**
 * A {@link Device} over one end of a Unix socket pair ({@link UnixFrameSocket}): a point-to-point Ethernet link
 * between two stacks in one process, usually on two threads, with a real file descriptor on each end. Unlike an
 * {@link InMemoryLink} port it works across threads and an idle libOS can sleep on it until a frame arrives, so
 * tests use it for the wait path with a real clock; it needs no privileges. Every frame sent on one end arrives
 * on the other (no MAC filtering: the stack above filters). Libos thread only (each end its own thread).
 */
public final class UnixLinkDevice extends KernelFrameDevice {
    private final UnixFrameSocket socket;

    private UnixLinkDevice(UnixFrameSocket socket, long mac, int mtu, BufferPool pool) {
        super(pool, mac, mtu);
        this.socket = socket;
    }

    /**
     * The two ends of a new link.
     *
     * @param macA  the station address of the first end's stack
     * @param poolA where the first end's received frames go
     * @param macB  the station address of the second end's stack
     * @param poolB where the second end's received frames go
     * @param mtu   the IP MTU of both ends
     */
    public static UnixLinkDevice[] pair(long macA, BufferPool poolA, long macB, BufferPool poolB, int mtu) {
        if (mtu < 68 || mtu > 9000) {
            throw new IllegalArgumentException("MTU must be in 68..9000, got " + mtu);
        }
        UnixFrameSocket[] ends = UnixFrameSocket.pair();
        return new UnixLinkDevice[] {new UnixLinkDevice(ends[0], macA, mtu, poolA),
                new UnixLinkDevice(ends[1], macB, mtu, poolB)};
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
