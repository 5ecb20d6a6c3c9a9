package io.demikv.config;

import java.util.Locale;

/**
 * TCP congestion control algorithm for Catnip, chosen by {@code tcp_socket_options.congestion_control}.
 * Immutable; any thread.
 */
public enum CongestionControl {
    /** NewReno (RFC 6582) on top of RFC 5681's slow start and congestion avoidance. */
    NEWRENO,
    /** CUBIC (RFC 9438), the default, as in Linux. */
    CUBIC;

    /** The lower-case name used in YAML. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
