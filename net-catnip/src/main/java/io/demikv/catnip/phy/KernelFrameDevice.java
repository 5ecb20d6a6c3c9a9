package io.demikv.catnip.phy;

import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;

/**
 * What the devices that move frames through a kernel file descriptor share (a raw packet socket, a TAP file, a
 * Unix socket pair): receive bursts into pooled buffers, kept ready from one burst to the next (no allocation for
 * an empty poll); transmit bursts that release each frame; error counters. Subclasses supply the per-frame read
 * and write and, where the kernel has them, batch calls (recvmmsg(2)/sendmmsg(2): one system call per burst
 * instead of one per frame plus one that finds nothing). Libos thread only.
 */
abstract sealed class KernelFrameDevice implements Device permits RawSocketDevice, TapDevice, UnixLinkDevice {
    /** Room for the Ethernet header and a VLAN tag beyond the MTU. */
    static final int FRAME_SLACK = 14 + 4;
    /** Frames per burst at most (as {@code EthernetLayer.BURST}). */
    static final int BATCH = 32;

    private final BufferPool pool;
    private final long mac;
    private final int mtu;
    private final int frameCapacity;
    /**
     * Receive slots: {@code slots[i]} is the buffer frame {@code i} of the next burst goes into (null: to be
     * allocated), at {@code slotAddresses[i]}. A buffer stays in its slot until a frame fills it, so a poll that
     * finds nothing allocates and sets up nothing.
     */
    private final DemiBuffer[] slots = new DemiBuffer[BATCH];
    private final long[] slotAddresses = new long[BATCH];
    private final int[] lengths = new int[BATCH];
    private final long[] txAddresses = new long[BATCH];
    private final int[] txLengths = new int[BATCH];
    private long receiveErrors;
    private long transmitErrors;
    private long receiveCalls;
    private long transmitCalls;

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

    /** Receive slot {@code slot} has a new buffer at {@code address}; batch-capable files note it. */
    void slotChanged(int slot, long address, int capacity) {
    }

    /**
     * Reads up to {@code count} frames, frame {@code i} into {@code capacity} bytes at {@code addresses[i]} (the
     * buffer of slot {@code i}) with its length in {@code lengths[i]} (0: that buffer holds nothing to deliver).
     * Returns the slots used, 0 when nothing was waiting, or -errno. This default reads frame by frame;
     * batch-capable files override it.
     */
    int readFrames(long[] addresses, int capacity, int[] lengths, int count) {
        int n = 0;
        while (n < count) {
            int got = readFrame(addresses[n], capacity);
            if (got <= 0) {
                return n > 0 || got == 0 ? n : got;
            }
            lengths[n++] = got;
        }
        return n;
    }

    /** Writes {@code count} frames; returns how many were sent. This default writes frame by frame. */
    int writeFrames(long[] addresses, int[] lengths, int count) {
        int sent = 0;
        for (int i = 0; i < count; i++) {
            if (writeFrame(addresses[i], lengths[i]) >= 0) {
                sent++;
            }
        }
        return sent;
    }

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

    /** Batches read from the file so far (one system call each when the file supports batches). */
    public final long receiveCalls() {
        return receiveCalls;
    }

    /** Batches written to the file so far. */
    public final long transmitCalls() {
        return transmitCalls;
    }

    @Override
    public final int receive(DemiBuffer[] frames, int max) {
        int limit = Math.min(Math.min(max, frames.length), BATCH);
        for (int i = 0; i < limit; i++) {
            if (slots[i] == null) {
                DemiBuffer b = pool.allocate(frameCapacity);
                if (b == null) {
                    limit = i;
                    break;
                }
                b.setWindow(b.offset(), frameCapacity);
                slots[i] = b;
                slotAddresses[i] = b.memory().address() + b.offset();
                slotChanged(i, slotAddresses[i], frameCapacity);
            }
        }
        if (limit == 0) {
            return 0;
        }
        receiveCalls++;
        int used = readFrames(slotAddresses, frameCapacity, lengths, limit);
        if (used <= 0) {
            if (used < 0) {
                receiveErrors++;
            }
            return 0;
        }
        int n = 0;
        for (int i = 0; i < used; i++) {
            if (lengths[i] > 0) {
                DemiBuffer b = slots[i];
                slots[i] = null;
                b.setLength(lengths[i]);
                frames[n++] = b;
            } // else it held one of our own frames: the slot keeps its buffer for the next burst
        }
        return n;
    }

    @Override
    public final int transmit(DemiBuffer[] frames, int count) {
        int sent = 0;
        int done = 0;
        while (done < count) {
            int n = Math.min(count - done, BATCH);
            for (int i = 0; i < n; i++) {
                DemiBuffer b = frames[done + i];
                txAddresses[i] = b.memory().address() + b.offset();
                txLengths[i] = b.length();
            }
            transmitCalls++;
            int ok = writeFrames(txAddresses, txLengths, n);
            sent += ok;
            transmitErrors += n - ok;
            for (int i = 0; i < n; i++) {
                frames[done + i].release();
                frames[done + i] = null;
            }
            done += n;
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
        for (int i = 0; i < BATCH; i++) {
            if (slots[i] != null) {
                slots[i].release();
                slots[i] = null;
            }
        }
        closeFile();
    }
}
