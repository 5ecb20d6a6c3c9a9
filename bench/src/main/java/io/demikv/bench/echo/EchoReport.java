package io.demikv.bench.echo;

import org.HdrHistogram.Histogram;

/** Formats the client's one machine-readable result line. */
final class EchoReport {
    private EchoReport() {
    }

    static Histogram newHistogram() {
        return new Histogram(3_600_000_000_000L, 3);
    }

    static String line(EchoOptions o, Histogram h, long elapsedNanos) {
        double opsPerSec = h.getTotalCount() * 1e9 / Math.max(1, elapsedNanos);
        return String.format(java.util.Locale.ROOT,
                "echo: proto=%s libos=%s size=%d clients=%d n=%d ops_per_s=%.0f p50_us=%.2f p99_us=%.2f p999_us=%.2f max_us=%.2f",
                o.proto, o.libos, o.size, o.clients, h.getTotalCount(), opsPerSec,
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
    }
}
