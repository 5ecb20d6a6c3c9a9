package io.demikv.libos.time;

/**
 * A virtual clock for deterministic tests: time moves only when the test (or a libOS's idle step, which
 * calls {@link #advance}) moves it. Single thread.
 */
public final class ManualClock implements NanoClock {
    private long now;

    public ManualClock(long startNanos) {
        this.now = startNanos;
    }

    public ManualClock() {
        this(1_000_000_000L);
    }

    @Override
    public long nanoTime() {
        return now;
    }

    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time cannot go back: " + nanos);
        }
        now = Math.addExact(now, nanos);
    }

    public void set(long nanos) {
        if (nanos < now) {
            throw new IllegalArgumentException("time cannot go back: " + nanos + " < " + now);
        }
        now = nanos;
    }
}
