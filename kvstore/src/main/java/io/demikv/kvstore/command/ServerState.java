package io.demikv.kvstore.command;

import io.demikv.config.DirectiveRegistry;
import io.demikv.kvstore.db.Keyspace;
import io.demikv.kvstore.server.Session;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything one server instance knows besides its keyspace contents: configuration (with the values hot
 * paths need cached in fields), clients, statistics, slow log, latency monitor, and the durable-log sink.
 * One per {@link Commands}; no static mutable state anywhere, so several instances can share a JVM.
 * Server thread only.
 */
final class ServerState {
    static final String REDIS_VERSION = "7.0.15";

    final DirectiveRegistry config;
    final ServerClock clock;
    final Keyspace keyspace;
    /** Where effective writes go; {@link CommandLog#NONE} skips building the records at all. */
    CommandLog log;
    /** Loading and write-error refusals, INFO persistence, SAVE/BGSAVE/BGREWRITEAOF. */
    Persistence persistence = Persistence.NONE;
    final CommandTable table = new CommandTable();
    final SlowLog slowlog = new SlowLog();
    final LatencyMonitor latency = new LatencyMonitor();
    final Map<Long, Session> clients = new LinkedHashMap<>();
    /** Per-client command state beside each session (Redis's client flags that {@code Session} does not carry). */
    final IdentityHashMap<Session, ClientExtras> extras = new IdentityHashMap<>();
    final List<Session> monitors = new ArrayList<>();
    /** The families whose state INFO and CLIENT LIST report (subscriptions, blocked and paused clients). */
    PubSubCommands pubsub;
    TransactionCommands transactions;
    BlockingCommands blocking;
    ClientPause pause;
    final String runId;
    final String replId;
    final long startUnixMicros;
    final long startMonoNanos;

    boolean shutdownRequested;
    /** The network layer's counters (bytes, connections), when attached; INFO reports them. */
    io.demikv.kvstore.server.NetworkStats network;
    boolean activeExpireEnabled = true;
    /** Changes to the dataset since start (Redis's server.dirty). */
    long dirty;
    long dirtyAtLastSave;
    long lastSaveUnixSeconds;

    // Statistics (INFO stats), reset by CONFIG RESETSTAT.
    long totalConnections;
    long rejectedConnections;
    long totalCommands;
    long expiredKeys;
    long expireTimeCapReached;
    long expireCycleNanos;
    long keyspaceHits;
    long keyspaceMisses;
    long totalErrorReplies;
    final Map<String, Long> errorStats = new TreeMap<>();
    long opsSampleCommands;
    long opsSampleNanos;
    long instantaneousOps;

    // Cached directive values; refreshed by reloadConfig() after start-up and after CONFIG SET.
    String requirePass;
    boolean protectedMode;
    int maxClients;
    long protoMaxBulkLen;
    long slowlogSlowerThan;
    long slowlogMaxLen;
    long latencyThresholdMs;
    int hz;
    String maxmemoryPolicy;
    boolean lazyUserFlush;
    boolean lazyUserDel;
    boolean lazyExpire;
    String debugCommand;
    long timeoutSeconds;

    ServerState(DirectiveRegistry config, ServerClock clock, CommandLog log, long seed) {
        this.config = config;
        this.clock = clock;
        this.log = log;
        this.keyspace = new Keyspace((int) config.getLong("databases"), seed);
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed ^ 0x5DEECE66DL);
        this.runId = hex40(r);
        this.replId = hex40(r);
        this.startUnixMicros = clock.unixMicros();
        this.startMonoNanos = clock.monoNanos();
        this.lastSaveUnixSeconds = startUnixMicros / 1_000_000;
        reloadConfig();
    }

    void reloadConfig() {
        requirePass = config.getString("requirepass");
        protectedMode = config.getBoolean("protected-mode");
        maxClients = (int) config.getLong("maxclients");
        protoMaxBulkLen = config.getLong("proto-max-bulk-len");
        slowlogSlowerThan = config.getLong("slowlog-log-slower-than");
        slowlogMaxLen = config.getLong("slowlog-max-len");
        latencyThresholdMs = config.getLong("latency-monitor-threshold");
        hz = (int) Math.max(1, Math.min(500, config.getLong("hz")));
        maxmemoryPolicy = config.getString("maxmemory-policy");
        lazyUserFlush = config.getBoolean("lazyfree-lazy-user-flush");
        lazyUserDel = config.getBoolean("lazyfree-lazy-user-del");
        lazyExpire = config.getBoolean("lazyfree-lazy-expire");
        debugCommand = config.getString("enable-debug-command");
        timeoutSeconds = config.getLong("timeout");
        slowlog.trim(slowlogMaxLen);
        io.demikv.kvstore.db.CollectionSettings c = keyspace.collections();
        c.hashMaxListpack(config.getLong("hash-max-listpack-entries"), config.getLong("hash-max-listpack-value"));
        c.setMaxIntsetEntries(config.getLong("set-max-intset-entries"));
        c.zsetMaxListpack(config.getLong("zset-max-listpack-entries"), config.getLong("zset-max-listpack-value"));
        c.listMaxListpackSize((int) config.getLong("list-max-listpack-size"));
    }

    boolean passwordRequired() {
        return !requirePass.isEmpty();
    }

    void countError(String message) {
        totalErrorReplies++;
        int sp = message.indexOf(' ');
        String code = sp < 0 ? message : message.substring(0, sp);
        if (errorStats.size() < 128 || errorStats.containsKey(code)) {
            errorStats.merge(code, 1L, Long::sum);
        }
    }

    void resetStats() {
        totalConnections = 0;
        rejectedConnections = 0;
        totalCommands = 0;
        expiredKeys = 0;
        expireTimeCapReached = 0;
        expireCycleNanos = 0;
        keyspaceHits = 0;
        keyspaceMisses = 0;
        totalErrorReplies = 0;
        errorStats.clear();
        for (CommandSpec c : table.all()) {
            resetCommandStats(c);
        }
    }

    private static void resetCommandStats(CommandSpec c) {
        c.calls = 0;
        c.micros = 0;
        c.rejectedCalls = 0;
        c.failedCalls = 0;
        for (CommandSpec s : c.subcommands) {
            resetCommandStats(s);
        }
    }

    private static String hex40(java.util.SplittableRandom r) {
        StringBuilder sb = new StringBuilder(40);
        for (int i = 0; i < 40; i++) {
            sb.append(Character.forDigit(r.nextInt(16), 16));
        }
        return sb.toString();
    }
}
