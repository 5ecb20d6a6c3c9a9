package io.demikv.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code tcp_socket_options} section: defaults for every TCP socket Catnip creates.
 * Immutable; any thread.
 *
 * @param keepalive          {@code keepalive}
 * @param linger             {@code linger}
 * @param nodelay            {@code nodelay}: disable Nagle's algorithm (RFC 9293 §3.7.4); default true
 * @param congestionControl  {@code congestion_control}: {@code newreno} or {@code cubic}; default cubic
 */
public record TcpSocketOptions(Keepalive keepalive, Linger linger, boolean nodelay,
                               CongestionControl congestionControl) {
    /** Linux's limit for {@code TCP_KEEPIDLE} and {@code TCP_KEEPINTVL}. */
    public static final int MAX_KEEPALIVE_SECS = 32_767;
    /** Upper limit of {@code linger.time_secs}. */
    public static final int MAX_LINGER_SECS = 65_535;

    /** Keepalive off (7200 s / 75 s), linger off, nodelay on, CUBIC. */
    public static final TcpSocketOptions DEFAULTS = new TcpSocketOptions(
            new Keepalive(false, Duration.ofSeconds(7200), Duration.ofSeconds(75)),
            new Linger(false, Duration.ZERO), true, CongestionControl.CUBIC);

    /** Rejects nulls. */
    public TcpSocketOptions {
        Objects.requireNonNull(keepalive, "keepalive");
        Objects.requireNonNull(linger, "linger");
        Objects.requireNonNull(congestionControl, "congestionControl");
    }

    /**
     * {@code tcp_socket_options.keepalive} (RFC 9293 §3.8.4 / RFC 1122 §4.2.3.6).
     *
     * @param enabled  {@code enabled}; default false
     * @param time     {@code time_secs}: idle time before the first probe, 1..32767 s; default 7200 s
     * @param interval {@code interval_secs}: time between probes, 1..32767 s; default 75 s
     */
    public record Keepalive(boolean enabled, Duration time, Duration interval) {
        /** Checks the limits. */
        public Keepalive {
            Check.range("keepalive.time (s)", Check.positive("time", time).toSeconds(), 1, MAX_KEEPALIVE_SECS);
            Check.range("keepalive.interval (s)", Check.positive("interval", interval).toSeconds(), 1,
                    MAX_KEEPALIVE_SECS);
        }
    }

    /**
     * {@code tcp_socket_options.linger}: what {@code close} does with unsent data ({@code SO_LINGER}).
     *
     * @param enabled {@code enabled}; default false
     * @param time    {@code time_secs}: how long close may wait, 0..65535 s (0 with enabled = reset);
     *                default 0
     */
    public record Linger(boolean enabled, Duration time) {
        /** Checks the limits. */
        public Linger {
            Check.range("linger.time (s)", Check.positive("time", time).toSeconds(), 0, MAX_LINGER_SECS);
        }
    }
}
