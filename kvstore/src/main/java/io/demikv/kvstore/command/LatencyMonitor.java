package io.demikv.kvstore.command;

import io.demikv.kvstore.resp.Reply;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Redis's latency monitor: for each event ({@code command}, {@code fast-command}, {@code expire-cycle})
 * the latest and the maximum latency above {@code latency-monitor-threshold} ms, and a history of up to
 * 160 samples, one per second. Server thread only; one per server instance.
 */
final class LatencyMonitor {
    static final int HISTORY = 160;

    private static final class Series {
        long latestSeconds;
        long latestMillis;
        long maxMillis;
        final ArrayDeque<long[]> samples = new ArrayDeque<>();
    }

    private final Map<String, Series> events = new LinkedHashMap<>();

    /** Records {@code millis} for {@code event} at {@code unixSeconds} if it reaches the threshold. */
    void add(String event, long unixSeconds, long millis, long thresholdMillis) {
        if (thresholdMillis <= 0 || millis < thresholdMillis) {
            return;
        }
        Series s = events.computeIfAbsent(event, k -> new Series());
        long[] last = s.samples.peekLast();
        if (last != null && last[0] == unixSeconds) {
            last[1] = Math.max(last[1], millis);
        } else {
            s.samples.addLast(new long[] {unixSeconds, millis});
            if (s.samples.size() > HISTORY) {
                s.samples.removeFirst();
            }
        }
        s.latestSeconds = unixSeconds;
        s.latestMillis = millis;
        s.maxMillis = Math.max(s.maxMillis, millis);
    }

    void latest(Reply r) {
        r.array(events.size());
        for (Map.Entry<String, Series> e : events.entrySet()) {
            Series s = e.getValue();
            r.array(4);
            r.bulk(e.getKey());
            r.integer(s.latestSeconds);
            r.integer(s.latestMillis);
            r.integer(s.maxMillis);
        }
    }

    void history(Reply r, String event) {
        Series s = events.get(event);
        if (s == null) {
            r.array(0);
            return;
        }
        r.array(s.samples.size());
        for (long[] sample : s.samples) {
            r.array(2);
            r.integer(sample[0]);
            r.integer(sample[1]);
        }
    }

    /** Resets the named events (all when none are named); returns how many were reset. */
    int reset(java.util.List<String> names) {
        if (names.isEmpty()) {
            int n = events.size();
            events.clear();
            return n;
        }
        int n = 0;
        for (String name : names) {
            if (events.remove(name) != null) {
                n++;
            }
        }
        return n;
    }
}
