package io.demikv.kvstore.server;

import io.demikv.config.DirectiveRegistry;
import io.demikv.config.DirectiveSchema;
import io.demikv.kvstore.resp.ProtocolLimits;
import io.demikv.libos.Endpoint;

/**
 * What the network layer needs from the server's configuration, as plain fields it can read on the hot
 * path. When built {@link #from(DirectiveRegistry) from a directive registry} the {@link NetworkServer}
 * re-reads the mutable directives about ten times a second ({@link #refresh()}), so {@code CONFIG SET
 * maxclients}, {@code protected-mode}, {@code requirepass}, {@code timeout}, {@code proto-max-bulk-len},
 * {@code client-query-buffer-limit} and {@code client-output-buffer-limit} take effect within about 100 ms without the command side having to
 * know the network layer. Directives the registry lacks keep Redis's defaults. Server thread only.
 */
public final class NetworkSettings {
    /** Redis's {@code tcp-backlog} default. */
    public static final int DEFAULT_BACKLOG = 511;
    /** Redis's {@code maxclients} default. */
    public static final int DEFAULT_MAX_CLIENTS = 10_000;
    /** How long one {@code waitNext} may block: bounds how late a stop request or the cron is seen. */
    public static final long DEFAULT_WAIT_NANOS = 100_000_000L;

    /** Where to listen (an {@link Endpoint}); 127.0.0.1:6379 by default. */
    public long bind = Endpoint.of(0x7F00_0001, 6379);
    public int backlog = DEFAULT_BACKLOG;
    public int maxClients = DEFAULT_MAX_CLIENTS;
    /** {@code protected-mode}: without a password only loopback clients are served. */
    public boolean protectedMode = true;
    /** True when {@code requirepass} is set: new clients start unauthenticated. */
    public boolean passwordRequired;
    /** {@code client-output-buffer-limit} for normal clients: none by default, as in Redis. */
    public final OutputBufferLimit normalOutputLimit = new OutputBufferLimit(0, 0, 0);
    /** {@code client-output-buffer-limit} for pub/sub clients: Redis's 32mb 8mb 60. */
    public final OutputBufferLimit pubsubOutputLimit = new OutputBufferLimit(32L << 20, 8L << 20, 60);
    /**
     * {@code timeout}: close a client idle (no input or output) for this many milliseconds; 0 = never. As
     * in Redis, blocked and MONITOR clients are exempt (pub/sub clients will be too once they exist).
     */
    public long idleTimeoutMillis;
    /** Longest single wait for I/O, in nanoseconds. */
    public long waitNanos = DEFAULT_WAIT_NANOS;
    /** Read by every connection's parser. */
    public final ProtocolLimits limits = new ProtocolLimits();

    private DirectiveRegistry registry;

    /** Settings with Redis's defaults and no registry behind them. */
    public NetworkSettings() {
    }

    /** Settings read from {@code registry} now and re-read by {@link #refresh()}. */
    public static NetworkSettings from(DirectiveRegistry registry) {
        NetworkSettings s = new NetworkSettings();
        s.registry = registry;
        s.readBind();
        s.refresh();
        return s;
    }

    /** The registry behind these settings, or null. */
    public DirectiveRegistry registry() {
        return registry;
    }

    /** Re-reads the runtime-changeable directives from the registry, if there is one. Cheap; allocates a little. */
    public void refresh() {
        if (registry == null) {
            return;
        }
        DirectiveSchema schema = registry.schema();
        if (schema.contains("maxclients")) {
            maxClients = (int) Math.min(Integer.MAX_VALUE, registry.getLong("maxclients"));
        }
        if (schema.contains("protected-mode")) {
            protectedMode = registry.getBoolean("protected-mode");
        }
        if (schema.contains("requirepass")) {
            passwordRequired = !registry.getString("requirepass").isEmpty();
        }
        if (schema.contains("proto-max-bulk-len")) {
            limits.protoMaxBulkLen = registry.getLong("proto-max-bulk-len");
        }
        if (schema.contains("client-output-buffer-limit")) {
            parseOutputLimits(registry.getString("client-output-buffer-limit"));
        }
        if (schema.contains("timeout")) {
            idleTimeoutMillis = registry.getLong("timeout") * 1000;
        }
        if (schema.contains("client-query-buffer-limit")) {
            limits.queryBufferLimit = registry.getLong("client-query-buffer-limit");
        }
    }

    /**
     * Applies a redis.conf {@code client-output-buffer-limit} value: groups of {@code <class> <hard> <soft>
     * <soft seconds>} with class {@code normal}, {@code pubsub} or {@code replica}/{@code slave} (accepted and
     * ignored: there are no replicas). A malformed value changes nothing (the directive's type checks it).
     */
    public void parseOutputLimits(String value) {
        String[] w = value.trim().split("\\s+");
        if (w.length % 4 != 0) {
            return;
        }
        for (int i = 0; i + 3 < w.length; i += 4) {
            long hard = io.demikv.config.MemorySize.parse(w[i + 1]);
            long soft = io.demikv.config.MemorySize.parse(w[i + 2]);
            long seconds;
            try {
                seconds = Long.parseLong(w[i + 3]);
            } catch (NumberFormatException e) {
                return;
            }
            if (hard < 0 || soft < 0 || seconds < 0) {
                return;
            }
            OutputBufferLimit target = switch (w[i].toLowerCase(java.util.Locale.ROOT)) {
                case "normal" -> normalOutputLimit;
                case "pubsub" -> pubsubOutputLimit;
                default -> null;
            };
            if (target != null) {
                target.hardBytes = hard;
                target.softBytes = soft;
                target.softSeconds = seconds;
            }
        }
    }

    /**
     * One class of {@code client-output-buffer-limit}: a client whose pending output (written and not yet
     * pushed, plus in flight) reaches {@link #hardBytes}, or stays at or above {@link #softBytes} for more than
     * {@link #softSeconds}, is closed. Zero disables a limit. Server thread only.
     */
    public static final class OutputBufferLimit {
        public long hardBytes;
        public long softBytes;
        public long softSeconds;

        public OutputBufferLimit(long hardBytes, long softBytes, long softSeconds) {
            this.hardBytes = hardBytes;
            this.softBytes = softBytes;
            this.softSeconds = softSeconds;
        }
    }

    /** Reads {@code bind} (first address), {@code port} and {@code tcp-backlog}: these change only at start-up. */
    private void readBind() {
        DirectiveSchema schema = registry.schema();
        int port = schema.contains("port") ? (int) registry.getLong("port") : Endpoint.port(bind);
        int ip = Endpoint.ipv4(bind);
        if (schema.contains("bind")) {
            ip = parseBindAddress(registry.getString("bind"));
        }
        bind = Endpoint.of(ip, port);
        if (schema.contains("tcp-backlog")) {
            backlog = (int) Math.min(Integer.MAX_VALUE, registry.getLong("tcp-backlog"));
        }
    }

    /**
     * The address to listen on from a redis.conf {@code bind} value: its first word; {@code *} and
     * {@code 0.0.0.0} mean every interface, {@code localhost} 127.0.0.1; a leading {@code -} (Redis's "skip if
     * unavailable") is ignored. IPv6 addresses are not supported by the libOSes.
     *
     * @throws IllegalArgumentException for anything else, with a message for the start-up error line
     */
    public static int parseBindAddress(String bind) {
        String first = bind.trim().split("\\s+")[0];
        if (first.startsWith("-")) {
            first = first.substring(1);
        }
        if (first.isEmpty() || first.equals("*") || first.equals("0.0.0.0")) {
            return 0;
        }
        if (first.equals("localhost")) {
            return 0x7F00_0001;
        }
        long ip = Endpoint.parseIpv4(first);
        if (ip < 0) {
            throw new IllegalArgumentException("bind: '" + first + "' is not an IPv4 address (IPv6 is not supported; "
                    + "use 0.0.0.0 or * for every interface)");
        }
        return (int) ip;
    }
}
