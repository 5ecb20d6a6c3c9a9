package io.demikv.catnip.phy;

import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;

/**
 * What the devices that move one frame per system call through a kernel file descriptor share (a raw
 * packet socket, a TAP file): receive bursts into pooled buffers, with the last unused buffer kept for the
 * next burst; transmit bursts that release each frame; error counters. Subclasses supply the per-frame read
 * and write. Libos thread only.
 */
abstract sealed class KernelFrameDevice implements Device permits RawSocketDevice, TapDevice, UnixLinkDevice {
    /** Room for the Ethernet header and a VLAN tag beyond the MTU. */
    static final int FRAME_SLACK = 14 + 4;

    private final BufferPool pool;
    private final long mac;
    private final int mtu;
    private final int frameCapacity;
    private DemiBuffer spare;
    private long receiveErrors;
    private long transmitErrors;

    KernelFrameDevice(BufferPool pool, long mac, int mtu) {
        this.pool = pool;
        this.mac = mac;
        this.mtu = mtu;
        this.frameCapacity = mtu + FRAME_SLACK;
    }

    /** Reads one frame into {@code capacity} bytes at {@code address}: its length, 0 when none is waiting, or -errno. */
    abstract int readFrame(long address, int capacity);

    /** Writes one frame; a negative result is an error. */
    abstract int writeFrame(long address, int length);

    /** Closes the file descriptor. */
    abstract void closeFile();

    /** The file descriptor frames are read from: it polls readable while one is waiting. */
    abstract int fileDescriptor();

    @Override
    public final int readyFd() {
        return fileDescriptor();
    }

    public final long receiveErrors() {
        return receiveErrors;
    }

    public final long transmitErrors() {
        return transmitErrors;
    }

    @Override
    public final int receive(DemiBuffer[] frames, int max) {
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
            int got = readFrame(b.memory().address() + b.offset(), frameCapacity);
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
    public final int transmit(DemiBuffer[] frames, int count) {
        int sent = 0;
        for (int i = 0; i < count; i++) {
            DemiBuffer b = frames[i];
            frames[i] = null;
            if (writeFrame(b.memory().address() + b.offset(), b.length()) >= 0) {
                sent++;
            } else {
                transmitErrors++;
            }
            b.release();
        }
        return sent;
    }

    @Override
    public final long macAddress() {
        return mac;
    }

    @Override
    public final int mtu() {
        return mtu;
    }

    @Override
    public final void close() {
        if (spare != null) {
            spare.release();
            spare = null;
        }
        closeFile();
    }
}
