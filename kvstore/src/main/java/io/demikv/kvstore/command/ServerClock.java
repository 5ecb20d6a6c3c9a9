package io.demikv.kvstore.command;

import io.demikv.libos.time.NanoClock;

/**
 * The only source of time for command code: wall-clock microseconds (TIME, expiry, MONITOR, SLOWLOG
 * timestamps) and a monotonic nanosecond clock (durations), plus a blocking sleep for DEBUG SLEEP.
 * Production uses {@link #system()}; tests use {@link #virtual} over a libOS {@code ManualClock} so that
 * time moves only when the test moves it. Server thread only.
 */
public interface ServerClock {
    /** Unix time in microseconds. */
    long unixMicros();

    /** Monotonic nanoseconds (any origin). */
    long monoNanos();

    /** Blocks the calling (server) thread; a virtual clock just advances. */
    void sleepNanos(long nanos);

    default long unixMillis() {
        return Math.floorDiv(unixMicros(), 1000);
    }

    /**
     * The system clocks. Wall time is {@code System.currentTimeMillis()} refined to microseconds with the
     * monotonic clock inside each millisecond (never decreasing while the system clock does not step
     * back), which allocates nothing, unlike {@code Instant.now()}.
     */
    static ServerClock system() {
        return new ServerClock() {
            private long lastMillis = Long.MIN_VALUE;
            private long millisStartNanos;

            @Override
            public long unixMicros() {
                long ms = System.currentTimeMillis();
                long nanos = System.nanoTime();
                if (ms != lastMillis) {
                    lastMillis = ms;
                    millisStartNanos = nanos;
                }
                return ms * 1000 + Math.min(999, (nanos - millisStartNanos) / 1000);
            }

            @Override
            public long monoNanos() {
                return System.nanoTime();
            }

            @Override
            public void sleepNanos(long nanos) {
                try {
                    Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    /**
     * A clock driven by {@code mono} (for example a {@code ManualClock}); wall time is
     * {@code unixMicrosAtZero + mono / 1000}; sleeping calls {@code advance}.
     */
    static ServerClock virtual(NanoClock mono, long unixMicrosAtZero, java.util.function.LongConsumer advance) {
        return new ServerClock() {
            @Override
            public long unixMicros() {
                return unixMicrosAtZero + mono.nanoTime() / 1000;
            }

            @Override
            public long monoNanos() {
                return mono.nanoTime();
            }

            @Override
            public void sleepNanos(long nanos) {
                advance.accept(nanos);
            }
        };
    }
}
