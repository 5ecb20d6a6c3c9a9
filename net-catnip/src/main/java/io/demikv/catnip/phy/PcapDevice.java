package io.demikv.catnip.phy;

import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.time.NanoClock;

/**
 * A decorator that records every frame a {@link Device} receives and transmits into a {@link PcapWriter},
 * stamped by {@code clock} (a device is not protocol code: reading a clock here is fine, and a test passes its
 * virtual clock). Transmitted frames are recorded before the inner device takes them. The writer is flushed
 * on {@link #flush} and closed with the device. Libos thread only.
 */
public final class PcapDevice implements Device {
    private final Device inner;
    private final PcapWriter writer;
    private final NanoClock clock;

    public PcapDevice(Device inner, PcapWriter writer, NanoClock clock) {
        this.inner = inner;
        this.writer = writer;
        this.clock = clock;
    }

    @Override
    public int receive(DemiBuffer[] frames, int max) {
        int n = inner.receive(frames, max);
        if (n > 0) {
            long now = clock.nanoTime();
            for (int i = 0; i < n; i++) {
                writer.write(now, frames[i].memory(), frames[i].offset(), frames[i].length());
            }
        }
        return n;
    }

    @Override
    public int transmit(DemiBuffer[] frames, int count) {
        long now = clock.nanoTime();
        for (int i = 0; i < count; i++) {
            writer.write(now, frames[i].memory(), frames[i].offset(), frames[i].length());
        }
        return inner.transmit(frames, count);
    }

    @Override
    public int readyFd() {
        return inner.readyFd();
    }

    /** Pushes buffered records to the file. */
    public void flush() {
        writer.flush();
    }

    public PcapWriter writer() {
        return writer;
    }

    @Override
    public long macAddress() {
        return inner.macAddress();
    }

    @Override
    public int mtu() {
        return inner.mtu();
    }

    @Override
    public void close() {
        try {
            inner.close();
        } finally {
            writer.close();
        }
    }
}
