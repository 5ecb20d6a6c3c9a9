package io.demikv.catnip.phy;

import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A decorator that makes any {@link Device} an unreliable one, as smoltcp's fault injector: on transmit each
 * frame may be lost, duplicated, held back (reordered) or corrupted, per {@link Faults}, drawn from a
 * {@link Random} with a given seed so a failing run can be replayed (print {@link #seed()} on failure).
 * Frames it duplicates, holds or corrupts are copied into buffers of {@code pool} first: the original may be
 * an application's pushed buffer, which the stack hands back as soon as transmit returns. Held frames go out
 * after 1..{@code maxHoldPasses} calls of {@link #receive} (the stack polls receive every pass), so frames
 * sent meanwhile overtake them. Receiving passes through unchanged. Libos thread only.
 */
public final class FaultInjectingDevice implements Device {
    private final Device inner;
    private final Faults faults;
    private final long seed;
    private final Random random;
    private final BufferPool pool;
    private final List<DemiBuffer> held = new ArrayList<>();
    private final List<Integer> holdPasses = new ArrayList<>();
    private DemiBuffer[] out = new DemiBuffer[64];
    private long lost;
    private long duplicated;
    private long reordered;
    private long corrupted;

    /**
     * @param inner  the device that really sends
     * @param faults what to do to frames
     * @param seed   the seed of the fault sequence
     * @param pool   where copies of frames come from (the host's pool)
     */
    public FaultInjectingDevice(Device inner, Faults faults, long seed, BufferPool pool) {
        this.inner = inner;
        this.faults = faults;
        this.seed = seed;
        this.random = new Random(seed);
        this.pool = pool;
    }

    public long seed() {
        return seed;
    }

    public long lost() {
        return lost;
    }

    public long duplicated() {
        return duplicated;
    }

    public long reordered() {
        return reordered;
    }

    public long corrupted() {
        return corrupted;
    }

    /** The inner device's, unless frames are held back: those move on polls, so the libOS must not sleep. */
    @Override
    public int readyFd() {
        return held.isEmpty() ? inner.readyFd() : -1;
    }

    @Override
    public int receive(DemiBuffer[] frames, int max) {
        releaseDue();
        return inner.receive(frames, max);
    }

    private void releaseDue() {
        int n = 0;
        for (int i = 0; i < held.size(); ) {
            int left = holdPasses.get(i) - 1;
            if (left <= 0) {
                ensure(n + 1);
                out[n++] = held.remove(i);
                holdPasses.remove(i);
            } else {
                holdPasses.set(i, left);
                i++;
            }
        }
        if (n > 0) {
            inner.transmit(out, n);
        }
    }

    @Override
    public int transmit(DemiBuffer[] frames, int count) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            DemiBuffer f = frames[i];
            frames[i] = null;
            if (random.nextDouble() < faults.loss()) {
                lost++;
                f.release();
                continue;
            }
            boolean copied = false;
            if (random.nextDouble() < faults.corrupt()) {
                DemiBuffer c = copy(f);
                f.release();
                if (c == null) {
                    continue;
                }
                f = c;
                copied = true;
                long bit = (long) (random.nextDouble() * f.length() * 8);
                long at = f.offset() + bit / 8;
                byte b = f.memory().get(ValueLayout.JAVA_BYTE, at);
                f.memory().set(ValueLayout.JAVA_BYTE, at, (byte) (b ^ (1 << (bit % 8))));
                corrupted++;
            }
            if (random.nextDouble() < faults.duplicate()) {
                DemiBuffer d = copy(f);
                if (d != null) {
                    ensure(n + 1);
                    out[n++] = d;
                    duplicated++;
                }
            }
            if (random.nextDouble() < faults.reorder()) {
                DemiBuffer h = copied ? f : copy(f);
                if (h != null) {
                    if (!copied) {
                        f.release();
                    }
                    held.add(h);
                    holdPasses.add(1 + random.nextInt(faults.maxHoldPasses()));
                    reordered++;
                    continue;
                }
            }
            ensure(n + 1);
            out[n++] = f;
        }
        return n == 0 ? 0 : inner.transmit(out, n);
    }

    private DemiBuffer copy(DemiBuffer f) {
        DemiBuffer c = pool.allocate(f.length());
        if (c != null) {
            MemorySegment.copy(f.memory(), f.offset(), c.memory(), c.offset(), f.length());
        }
        return c;
    }

    private void ensure(int size) {
        if (size > out.length) {
            out = java.util.Arrays.copyOf(out, out.length * 2);
        }
    }

    @Override
    public long macAddress() {
        return inner.macAddress();
    }

    @Override
    public int mtu() {
        return inner.mtu();
    }

    /** Drops held frames and closes the inner device. */
    @Override
    public void close() {
        for (DemiBuffer b : held) {
            b.release();
        }
        held.clear();
        holdPasses.clear();
        inner.close();
    }
}
