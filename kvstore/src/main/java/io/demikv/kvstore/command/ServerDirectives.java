package io.demikv.kvstore.command;

import io.demikv.config.DirectiveRegistry;
import io.demikv.config.DirectiveSchema;
import io.demikv.config.DirectiveType;

/**
 * The redis.conf directives this server understands, with Redis 7.0's defaults, ranges and error words
 * (so {@code CONFIG SET} answers exactly as Redis). The loader reads YAML files and {@code --name}
 * arguments against {@link #SCHEMA}; {@code CONFIG GET/SET} work on the per-instance
 * {@link DirectiveRegistry}. Defaults that differ from Redis, on purpose: {@code bind} is
 * {@code 127.0.0.1} and {@code dir} is {@code ./data} (the start-up contract), {@code save} is
 * empty (there is no RDB; persistence is the append-only log). Immutable; any thread.
 */
public final class ServerDirectives {
    private static final long INT_MAX = Integer.MAX_VALUE;
    private static final long LONG_MAX = Long.MAX_VALUE;

    /** Every directive, in the order CONFIG GET * lists them. */
    public static final DirectiveSchema SCHEMA = DirectiveSchema.builder()
            // network
            .add("port", DirectiveType.integer(0, 65535), "6379")
            .add("bind", DirectiveType.text(), "127.0.0.1")
            .addImmutable("tcp-backlog", DirectiveType.integer(0, INT_MAX), "511")
            .add("timeout", DirectiveType.integer(0, INT_MAX), "0")
            .add("tcp-keepalive", DirectiveType.integer(0, INT_MAX), "300")
            .add("protected-mode", DirectiveType.yesNo(), "yes")
            .add("maxclients", DirectiveType.integer(1, INT_MAX), "10000")
            .add("proto-max-bulk-len", DirectiveType.memory(1024 * 1024, LONG_MAX), "512mb")
            .add("client-query-buffer-limit", DirectiveType.memory(1024 * 1024, LONG_MAX), "1gb")
            .add("client-output-buffer-limit", DirectiveType.text(ServerDirectives::checkOutputBufferLimit),
                    "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60")
            // security
            .add("requirepass", DirectiveType.text(), "")
            .addImmutable("enable-debug-command", DirectiveType.oneOf("no", "yes", "local"), "no")
            .addImmutable("enable-protected-configs", DirectiveType.oneOf("no", "yes", "local"), "no")
            // general
            .addImmutable("daemonize", DirectiveType.yesNo(), "no")
            .addImmutable("databases", DirectiveType.integer(1, INT_MAX), "16")
            .add("hz", DirectiveType.integer(0, INT_MAX), "10")
            .add("dynamic-hz", DirectiveType.yesNo(), "yes")
            .add("loglevel", DirectiveType.oneOf("debug", "verbose", "notice", "warning"), "notice")
            .addImmutable("logfile", DirectiveType.text(), "")
            .add("dir", DirectiveType.text(s -> s.isEmpty() ? "No such file or directory" : null), "./data")
            .add("activerehashing", DirectiveType.yesNo(), "yes")
            .add("active-expire-effort", DirectiveType.integer(1, 10), "1")
            // persistence
            .add("save", DirectiveType.text(ServerDirectives::checkSave), "")
            .add("appendonly", DirectiveType.yesNo(), "no")
            .add("appendfsync", DirectiveType.oneOf("always", "everysec", "no"), "everysec")
            .addImmutable("appendfilename", DirectiveType.text(), "appendonly.aof")
            .addImmutable("appenddirname", DirectiveType.text(), "appendonlydir")
            .add("auto-aof-rewrite-percentage", DirectiveType.integer(0, INT_MAX), "100")
            .add("auto-aof-rewrite-min-size", DirectiveType.memory(0, LONG_MAX), "64mb")
            .add("aof-load-truncated", DirectiveType.yesNo(), "yes")
            .add("aof-use-rdb-preamble", DirectiveType.yesNo(), "yes")
            .add("aof-timestamp-enabled", DirectiveType.yesNo(), "no")
            // demikv: the preallocated Cattree store holding the log (grown, never shrunk, at start-up)
            .addImmutable("aof-store-size", DirectiveType.memory(1 << 20, LONG_MAX), "256mb")
            // diagnostics
            .add("slowlog-log-slower-than", DirectiveType.integer(-1, LONG_MAX), "10000")
            .add("slowlog-max-len", DirectiveType.integer(0, LONG_MAX), "128")
            .add("latency-monitor-threshold", DirectiveType.integer(0, LONG_MAX), "0")
            .add("latency-tracking", DirectiveType.yesNo(), "yes")
            // memory
            .add("maxmemory", DirectiveType.memory(0, LONG_MAX), "0")
            .add("maxmemory-policy", DirectiveType.oneOf("volatile-lru", "volatile-lfu", "volatile-random",
                    "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"), "noeviction")
            .add("maxmemory-samples", DirectiveType.integer(1, 64), "5")
            .add("lfu-log-factor", DirectiveType.integer(0, INT_MAX), "10")
            .add("lfu-decay-time", DirectiveType.integer(0, INT_MAX), "1")
            .add("lazyfree-lazy-expire", DirectiveType.yesNo(), "no")
            .add("lazyfree-lazy-server-del", DirectiveType.yesNo(), "no")
            .add("lazyfree-lazy-eviction", DirectiveType.yesNo(), "no")
            .add("lazyfree-lazy-user-flush", DirectiveType.yesNo(), "no")
            .add("lazyfree-lazy-user-del", DirectiveType.yesNo(), "no")
            // collection encodings (Redis 7.0 names; the older *-ziplist-* aliases are not accepted)
            .add("hash-max-listpack-entries", DirectiveType.integer(0, LONG_MAX), "128")
            .add("hash-max-listpack-value", DirectiveType.memory(0, LONG_MAX), "64")
            .add("set-max-intset-entries", DirectiveType.integer(0, LONG_MAX), "512")
            .add("zset-max-listpack-entries", DirectiveType.integer(0, LONG_MAX), "128")
            .add("zset-max-listpack-value", DirectiveType.memory(0, LONG_MAX), "64")
            .add("list-max-listpack-size", DirectiveType.integer(Integer.MIN_VALUE, INT_MAX), "-2")
            .add("list-compress-depth", DirectiveType.integer(0, INT_MAX), "0")
            .build();

    private ServerDirectives() {
    }

    /** A registry holding every default, for tests and embedding. */
    public static DirectiveRegistry defaults() {
        return new DirectiveRegistry(SCHEMA);
    }

    /** {@code save}: empty, or pairs of "seconds changes" integers (Redis's wording on error). */
    /** Redis's checks of {@code client-output-buffer-limit <class> <hard> <soft> <soft-seconds> ...}. */
    private static String checkOutputBufferLimit(String text) {
        if (text.isBlank()) {
            return null; // as Redis: nothing to change
        }
        String[] w = text.trim().split("\\s+");
        if (w.length % 4 != 0) {
            return "Wrong number of arguments in buffer limit configuration.";
        }
        for (int i = 0; i < w.length; i += 4) {
            String c = w[i].toLowerCase(java.util.Locale.ROOT);
            if (!c.equals("normal") && !c.equals("slave") && !c.equals("replica") && !c.equals("pubsub")) {
                return "Invalid client class specified in buffer limit configuration.";
            }
            long seconds;
            try {
                seconds = Long.parseLong(w[i + 3]);
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (io.demikv.config.MemorySize.parse(w[i + 1]) < 0 || io.demikv.config.MemorySize.parse(w[i + 2]) < 0
                    || seconds < 0) {
                return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
            }
        }
        return null;
    }

    private static String checkSave(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            return null;
        }
        String[] parts = t.split("\\s+");
        if (parts.length % 2 != 0) {
            return "Invalid save parameters";
        }
        for (String p : parts) {
            if (!p.chars().allMatch(Character::isDigit)) {
                return "Invalid save parameters";
            }
        }
        return null;
    }
}
