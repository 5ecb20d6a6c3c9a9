package io.demikv.config;

import java.time.Duration;

/**
 * The {@code libos.wait_policy} section: how {@code wait} idles when no work is ready. It busy-polls
 * {@code spinPolls} times, then yields the CPU {@code yieldPolls} times, then parks for a time that
 * doubles from {@code minPark} up to {@code maxPark} (an idle strategy in the Agrona sense).
 * Immutable; any thread.
 *
 * @param spinPolls  {@code spin_polls}, 0..1e9; default 300
 * @param yieldPolls {@code yield_polls}, 0..1e9; default 10
 * @param minPark    {@code min_park_us}, 1..1000000 µs; default 1 µs
 * @param maxPark    {@code max_park_us}, {@code min_park_us}..1000000 µs; default 1000 µs
 */
public record WaitPolicyConfig(int spinPolls, int yieldPolls, Duration minPark, Duration maxPark) {
    /** Upper limit for the poll counts. */
    public static final int MAX_POLLS = 1_000_000_000;
    /** Lower limit for the park times, in microseconds. */
    public static final int MIN_PARK_MICROS = 1;
    /** Upper limit for the park times, in microseconds (one second). */
    public static final int MAX_PARK_MICROS = 1_000_000;
    /**
     * 300 spins, 10 yields, parks of 1 µs to 1 ms: the spins (a few hundred µs) catch the next request of a busy
     * client without a wake-up; an idle connection's next request finds the server asleep in epoll, not spinning
     * on a CPU it shares (see {@code WaitPolicy.DEFAULT}).
     */
    public static final WaitPolicyConfig DEFAULTS =
            new WaitPolicyConfig(300, 10, Duration.ofNanos(1_000), Duration.ofNanos(1_000_000));

    /** Checks the limits and that {@code minPark <= maxPark}. */
    public WaitPolicyConfig {
        Check.range("spinPolls", spinPolls, 0, MAX_POLLS);
        Check.range("yieldPolls", yieldPolls, 0, MAX_POLLS);
        long min = Check.positive("minPark", minPark).toNanos() / 1000;
        long max = Check.positive("maxPark", maxPark).toNanos() / 1000;
        Check.range("minPark (µs)", min, MIN_PARK_MICROS, MAX_PARK_MICROS);
        Check.range("maxPark (µs)", max, min, MAX_PARK_MICROS);
    }
}
