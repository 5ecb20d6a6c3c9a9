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
    /** Buffers ready for the next receive, {@code ready[0..readyCount)}. */
    private final DemiBuffer[] ready = new DemiBuffer[BATCH];
    private int readyCount;
    private final long[] addresses = new long[BATCH];
    private final int[] lengths = new int[BATCH];
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

    /**
     * Reads up to {@code count} frames, frame {@code i} into {@code capacity} bytes at {@code addresses[i]} with
     * its length in {@code lengths[i]} (0: that buffer holds nothing to deliver). Returns the buffers used, 0 when
     * nothing was waiting, or -errno. This default reads frame by frame; batch-capable files override it.
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
        while (readyCount < limit) {
            DemiBuffer b = pool.allocate(frameCapacity);
            if (b == null) {
                break;
            }
            ready[readyCount++] = b;
        }
        int count = Math.min(limit, readyCount);
        if (count == 0) {
            return 0;
        }
        for (int i = 0; i < count; i++) {
            DemiBuffer b = ready[i];
            b.setWindow(b.offset(), frameCapacity);
            addresses[i] = b.memory().address() + b.offset();
        }
        receiveCalls++;
        int used = readFrames(addresses, frameCapacity, lengths, count);
        if (used <= 0) {
            if (used < 0) {
                receiveErrors++;
            }
            return 0;
        }
        int n = 0;
        int kept = 0;
        for (int i = 0; i < readyCount; i++) {
            DemiBuffer b = ready[i];
            ready[i] = null;
            if (i < used && lengths[i] > 0) {
                b.setLength(lengths[i]);
                frames[n++] = b;
            } else {
                ready[kept++] = b; // unused, or held one of our own frames: ready for the next burst
            }
        }
        readyCount = kept;
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
                addresses[i] = b.memory().address() + b.offset();
                lengths[i] = b.length();
            }
            transmitCalls++;
            int ok = writeFrames(addresses, lengths, n);
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
        for (int i = 0; i < readyCount; i++) {
            ready[i].release();
            ready[i] = null;
        }
        readyCount = 0;
        closeFile();
    }
}
