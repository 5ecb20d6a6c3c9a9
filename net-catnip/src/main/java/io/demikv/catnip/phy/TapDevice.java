package io.demikv.catnip.phy;

import io.demikv.catnip.ffi.TapFile;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;

/**
 * A {@link Device} over a Linux TAP interface (through {@link TapFile}, pure FFM): the kernel sees our frames
 * as arriving on the TAP interface and its frames to that interface come to us. The stack is the station on
 * the far side of the TAP, so it has its own MAC ({@code demikernel.local_link_addr}), different from the TAP
 * interface's. Bring the interface up and address it from the kernel side:
 * {@code ip addr add 10.0.0.1/24 dev tap0; ip link set tap0 up}. Needs root ({@code CAP_NET_ADMIN}).
 * Libos thread only.
 */
public final class TapDevice implements Device {
    private final TapFile tap;
    private final BufferPool pool;
    private final long mac;
    private final int mtu;
    private final int frameCapacity;
    private DemiBuffer spare;
    private long receiveErrors;
    private long transmitErrors;

    /**
     * Opens (creating if needed) TAP device {@code name}.
     *
     * @param mac  the stack's own station address (must not be 0)
     * @param mtu  the IP MTU to assume (set the interface to the same with {@code ip link set NAME mtu N})
     * @param pool where received frames go
     * @throws IllegalArgumentException for a zero MAC or a bad name
     * @throws IllegalStateException    when the device cannot be opened, saying why
     */
    public TapDevice(String name, long mac, int mtu, BufferPool pool) {
        if (mac == 0) {
            throw new IllegalArgumentException("a TAP device needs the stack's own MAC address "
                    + "(demikernel.local_link_addr), not 00:00:00:00:00:00");
        }
        this.tap = TapFile.open(name);
        this.pool = pool;
        this.mac = mac;
        this.mtu = mtu;
        this.frameCapacity = mtu + 18;
    }

    public String name() {
        return tap.name();
    }

    public long receiveErrors() {
        return receiveErrors;
    }

    public long transmitErrors() {
        return transmitErrors;
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
            int got = tap.read(b.memory().address() + b.offset(), frameCapacity);
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
            if (tap.write(b.memory().address() + b.offset(), b.length()) >= 0) {
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
        tap.close();
    }
}
