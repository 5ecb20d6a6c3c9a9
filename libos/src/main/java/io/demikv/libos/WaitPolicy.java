package io.demikv.libos;

/**
 * How {@code wait} spends time when there is nothing to do: busy-poll {@link #spinPolls()} idle passes for
 * latency, then yield the CPU for {@link #yieldPolls()} passes, then block in the libOS (epoll, a park)
 * for {@link #minParkNanos()} doubling up to {@link #maxParkNanos()}, so an idle process does not burn a
 * core. Any work resets the sequence. Immutable.
 */
public record WaitPolicy(long spinPolls, long yieldPolls, long minParkNanos, long maxParkNanos) {
    /**
     * Low latency without burning an idle core: 300 spins (a few hundred µs with Catnap's epoll poll per pass:
     * enough for a closed-loop client's next request), 10 yields, park 1 µs..1 ms. Longer spinning hurts on a
     * shared CPU: measured with a client pinging every 10 ms on a loaded 2-vCPU machine, 20k spins (10-20 ms)
     * gave p90 1.5-2.5 ms, 300 spins 0.2-0.4 ms (Redis: 0.15-0.2 ms); see docs/benchmarks.md.
     */
    public static final WaitPolicy DEFAULT = new WaitPolicy(300, 10, 1_000, 1_000_000);
    /** Never block: Demikernel's behaviour, a full core per libOS. */
    public static final WaitPolicy BUSY_POLL = new WaitPolicy(Long.MAX_VALUE, 0, 0, 0);
    /** Block right away: lowest CPU use. */
    public static final WaitPolicy BLOCKING = new WaitPolicy(0, 0, 1_000_000, 10_000_000);

    public WaitPolicy {
        if (spinPolls < 0 || yieldPolls < 0 || minParkNanos < 0 || maxParkNanos < minParkNanos) {
            throw new IllegalArgumentException("bad wait policy: spins=" + spinPolls + " yields=" + yieldPolls
                    + " park=" + minParkNanos + ".." + maxParkNanos);
        }
    }
}
