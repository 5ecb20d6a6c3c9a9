package io.demikv.kvstore.command;

import io.demikv.kvstore.db.Db;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The INFO text, section by section in Redis 7's order and field names. Fields that describe machinery we
 * do not have (forks, RDB, replication backlog) report Redis's idle values so that tools parsing them
 * keep working; memory is the JVM's (heap in use as used_memory, process RSS from /proc). Server thread.
 */
final class Info {
    static final String[] ALL = {"server", "clients", "memory", "persistence", "stats", "replication", "cpu",
            "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace"};
    static final Set<String> DEFAULT = Set.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "errorstats", "cluster", "keyspace");

    private final ServerState s;
    private long peakMemory;
    private final long startupMemory;

    Info(ServerState s) {
        this.s = s;
        this.startupMemory = heapUsed();
    }

    /** The sections named by the INFO arguments (none = default; "all", "everything", "default"). */
    static Set<String> sections(Ctx x) {
        Set<String> out = new LinkedHashSet<>();
        if (x.argc() == 1) {
            out.addAll(DEFAULT);
            return out;
        }
        for (int i = 1; i < x.argc(); i++) {
            String name = x.str(i).toLowerCase(Locale.ROOT);
            switch (name) {
                case "all" -> {
                    for (String a : ALL) {
                        if (!a.equals("modules")) {
                            out.add(a);
                        }
                    }
                }
                case "everything" -> out.addAll(Set.of(ALL));
                case "default" -> out.addAll(DEFAULT);
                default -> out.add(name);
            }
        }
        return out;
    }

    String render(Set<String> wanted, long nowUs) {
        StringBuilder sb = new StringBuilder(4096);
        for (String section : ALL) {
            if (!wanted.contains(section)) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append("\r\n");
            }
            switch (section) {
                case "server" -> server(sb, nowUs);
                case "clients" -> clients(sb);
                case "memory" -> memory(sb);
                case "persistence" -> persistence(sb);
                case "stats" -> stats(sb);
                case "replication" -> replication(sb);
                case "cpu" -> cpu(sb);
                case "modules" -> sb.append("# Modules\r\n");
                case "commandstats" -> commandstats(sb);
                case "errorstats" -> errorstats(sb);
                case "latencystats" -> sb.append("# Latencystats\r\n");
                case "cluster" -> sb.append("# Cluster\r\ncluster_enabled:0\r\n");
                case "keyspace" -> keyspace(sb);
                default -> { }
            }
        }
        return sb.toString();
    }

    private static void field(StringBuilder sb, String name, Object value) {
        sb.append(name).append(':').append(value).append("\r\n");
    }

    private void server(StringBuilder sb, long nowUs) {
        long uptime = (nowUs - s.startUnixMicros) / 1_000_000;
        sb.append("# Server\r\n");
        field(sb, "redis_version", ServerState.REDIS_VERSION);
        field(sb, "redis_git_sha1", "00000000");
        field(sb, "redis_git_dirty", 0);
        field(sb, "redis_build_id", "0");
        field(sb, "redis_mode", "standalone");
        field(sb, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        field(sb, "arch_bits", 64);
        field(sb, "monotonic_clock", "JVM System.nanoTime");
        field(sb, "multiplexing_api", "pdpix");
        field(sb, "atomicvar_api", "java");
        field(sb, "gcc_version", "0.0.0");
        field(sb, "process_id", ProcessHandle.current().pid());
        field(sb, "process_supervised", "no");
        field(sb, "run_id", s.runId);
        field(sb, "tcp_port", s.config.getLong("port"));
        field(sb, "server_time_usec", nowUs);
        field(sb, "uptime_in_seconds", uptime);
        field(sb, "uptime_in_days", uptime / 86400);
        field(sb, "hz", s.hz);
        field(sb, "configured_hz", s.config.getLong("hz"));
        field(sb, "lru_clock", (nowUs / 1_000_000) & ((1 << 24) - 1));
        field(sb, "executable", ProcessHandle.current().info().command().orElse(""));
        field(sb, "config_file", "");
        field(sb, "io_threads_active", 0);
    }

    private void clients(StringBuilder sb) {
        long maxIn = 0;
        long maxOut = 0;
        for (var c : s.clients.values()) {
            maxIn = Math.max(maxIn, c.queryBufferBytes);
            maxOut = Math.max(maxOut, c.outputBytes);
        }
        sb.append("# Clients\r\n");
        field(sb, "connected_clients", s.clients.size());
        field(sb, "cluster_connections", 0);
        field(sb, "maxclients", s.maxClients);
        field(sb, "client_recent_max_input_buffer", s.network != null ? s.network.maxInputBuffer : maxIn);
        field(sb, "client_recent_max_output_buffer", s.network != null ? s.network.maxOutputBuffer : maxOut);
        // Clients in a blocking command and clients held by CLIENT PAUSE, as Redis's server.blocked_clients.
        field(sb, "blocked_clients", s.blocking.blockedClients() + s.pause.heldClients());
        field(sb, "tracking_clients", 0);
        field(sb, "clients_in_timeout_table", 0);
    }

    static long heapUsed() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    static long rss() {
        try {
            String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
            return Long.parseLong(f[1]) * 4096;
        } catch (Exception e) {
            return heapUsed();
        }
    }

    /** Redis's bytesToHuman. */
    static String human(long n) {
        if (n < 1024) {
            return n + "B";
        }
        String[] units = {"K", "M", "G", "T", "P"};
        double d = n;
        int u = -1;
        while (d >= 1024 && u < units.length - 1) {
            d /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f%s", d, units[u]);
    }

    private void memory(StringBuilder sb) {
        long used = heapUsed();
        peakMemory = Math.max(peakMemory, used);
        long rss = rss();
        long max = s.config.getLong("maxmemory");
        long system = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            system = os.getTotalMemorySize();
        }
        sb.append("# Memory\r\n");
        field(sb, "used_memory", used);
        field(sb, "used_memory_human", human(used));
        field(sb, "used_memory_rss", rss);
        field(sb, "used_memory_rss_human", human(rss));
        field(sb, "used_memory_peak", peakMemory);
        field(sb, "used_memory_peak_human", human(peakMemory));
        field(sb, "used_memory_peak_perc", String.format(Locale.ROOT, "%.2f%%", 100.0 * used / Math.max(1, peakMemory)));
        field(sb, "used_memory_overhead", startupMemory);
        field(sb, "used_memory_startup", startupMemory);
        field(sb, "used_memory_dataset", Math.max(0, used - startupMemory));
        field(sb, "used_memory_dataset_perc", String.format(Locale.ROOT, "%.2f%%",
                100.0 * Math.max(0, used - startupMemory) / Math.max(1, used)));
        field(sb, "total_system_memory", system);
        field(sb, "total_system_memory_human", human(system));
        field(sb, "maxmemory", max);
        field(sb, "maxmemory_human", human(max));
        field(sb, "maxmemory_policy", s.maxmemoryPolicy);
        field(sb, "mem_fragmentation_ratio", String.format(Locale.ROOT, "%.2f", (double) rss / Math.max(1, used)));
        field(sb, "mem_allocator", "jvm-" + Runtime.version().feature());
        field(sb, "lazyfree_pending_objects", 0);
        field(sb, "lazyfreed_objects", 0);
    }

    private void persistence(StringBuilder sb) {
        sb.append("# Persistence\r\n");
        s.persistence.info(sb, s.dirty - s.dirtyAtLastSave, s.lastSaveUnixSeconds);
    }

    private void stats(StringBuilder sb) {
        sb.append("# Stats\r\n");
        var net = s.network;
        field(sb, "total_connections_received", net != null ? net.totalConnectionsReceived : s.totalConnections);
        field(sb, "total_commands_processed", s.totalCommands);
        field(sb, "instantaneous_ops_per_sec", s.instantaneousOps);
        field(sb, "total_net_input_bytes", net != null ? net.netInputBytes : 0);
        field(sb, "total_net_output_bytes", net != null ? net.netOutputBytes : 0);
        field(sb, "total_net_repl_input_bytes", 0);
        field(sb, "total_net_repl_output_bytes", 0);
        field(sb, "instantaneous_input_kbps", "0.00");
        field(sb, "instantaneous_output_kbps", "0.00");
        field(sb, "instantaneous_input_repl_kbps", "0.00");
        field(sb, "instantaneous_output_repl_kbps", "0.00");
        field(sb, "rejected_connections", net != null ? net.rejectedConnections : s.rejectedConnections);
        field(sb, "sync_full", 0);
        field(sb, "sync_partial_ok", 0);
        field(sb, "sync_partial_err", 0);
        field(sb, "expired_keys", s.expiredKeys);
        field(sb, "expired_stale_perc", String.format(Locale.ROOT, "%.2f", s.keyspace.expiredStalePercent()));
        field(sb, "expired_time_cap_reached_count", s.expireTimeCapReached);
        field(sb, "expire_cycle_cpu_milliseconds", s.expireCycleNanos / 1_000_000);
        field(sb, "evicted_keys", 0);
        field(sb, "evicted_clients", 0);
        field(sb, "total_eviction_exceeded_time", 0);
        field(sb, "current_eviction_exceeded_time", 0);
        field(sb, "keyspace_hits", s.keyspaceHits);
        field(sb, "keyspace_misses", s.keyspaceMisses);
        field(sb, "pubsub_channels", s.pubsub.channels());
        field(sb, "pubsub_patterns", s.pubsub.patterns());
        field(sb, "pubsubshard_channels", 0);
        field(sb, "latest_fork_usec", 0);
        field(sb, "total_forks", 0);
        field(sb, "migrate_cached_sockets", 0);
        field(sb, "slave_expires_tracked_keys", 0);
        field(sb, "active_defrag_hits", 0);
        field(sb, "active_defrag_misses", 0);
        field(sb, "active_defrag_key_hits", 0);
        field(sb, "active_defrag_key_misses", 0);
        field(sb, "total_active_defrag_time", 0);
        field(sb, "current_active_defrag_time", 0);
        field(sb, "tracking_total_keys", 0);
        field(sb, "tracking_total_items", 0);
        field(sb, "tracking_total_prefixes", 0);
        field(sb, "unexpected_error_replies", 0);
        field(sb, "total_error_replies", s.totalErrorReplies + (net != null ? net.protocolErrors : 0));
        field(sb, "dump_payload_sanitizations", 0);
    }

    private void replication(StringBuilder sb) {
        sb.append("# Replication\r\n");
        field(sb, "role", "master");
        field(sb, "connected_slaves", 0);
        field(sb, "master_failover_state", "no-failover");
        field(sb, "master_replid", s.replId);
        field(sb, "master_replid2", "0000000000000000000000000000000000000000");
        field(sb, "master_repl_offset", 0);
        field(sb, "second_repl_offset", -1);
        field(sb, "repl_backlog_active", 0);
        field(sb, "repl_backlog_size", 1048576);
        field(sb, "repl_backlog_first_byte_offset", 0);
        field(sb, "repl_backlog_histlen", 0);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%d.%06d", nanos / 1_000_000_000L, (nanos / 1000) % 1_000_000);
    }

    private void cpu(StringBuilder sb) {
        var threads = ManagementFactory.getThreadMXBean();
        long user = 0;
        long total = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            total = Math.max(0, os.getProcessCpuTime());
        }
        long threadCpu = threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0;
        long threadUser = threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadUserTime() : 0;
        user = threadUser;
        sb.append("# CPU\r\n");
        field(sb, "used_cpu_sys", seconds(Math.max(0, total - user)));
        field(sb, "used_cpu_user", seconds(user));
        field(sb, "used_cpu_sys_children", "0.000000");
        field(sb, "used_cpu_user_children", "0.000000");
        field(sb, "used_cpu_sys_main_thread", seconds(Math.max(0, threadCpu - threadUser)));
        field(sb, "used_cpu_user_main_thread", seconds(threadUser));
    }

    private void commandstats(StringBuilder sb) {
        sb.append("# Commandstats\r\n");
        for (CommandSpec c : s.table.all()) {
            commandstat(sb, c);
            for (CommandSpec sub : c.subcommands) {
                commandstat(sb, sub);
            }
        }
    }

    private static void commandstat(StringBuilder sb, CommandSpec c) {
        if (c.calls == 0 && c.failedCalls == 0 && c.rejectedCalls == 0) {
            return;
        }
        sb.append("cmdstat_").append(c.fullName).append(":calls=").append(c.calls)
                .append(",usec=").append(c.micros)
                .append(",usec_per_call=").append(String.format(Locale.ROOT, "%.2f",
                        c.calls == 0 ? 0.0 : (double) c.micros / c.calls))
                .append(",rejected_calls=").append(c.rejectedCalls)
                .append(",failed_calls=").append(c.failedCalls).append("\r\n");
    }

    private void errorstats(StringBuilder sb) {
        sb.append("# Errorstats\r\n");
        s.errorStats.forEach((code, n) -> sb.append("errorstat_").append(code).append(":count=").append(n)
                .append("\r\n"));
    }

    private void keyspace(StringBuilder sb) {
        sb.append("# Keyspace\r\n");
        for (int i = 0; i < s.keyspace.databases(); i++) {
            Db db = s.keyspace.db(i);
            if (db.size() > 0) {
                sb.append("db").append(i).append(":keys=").append(db.size()).append(",expires=")
                        .append(db.expiresSize()).append(",avg_ttl=").append(db.avgTtl()).append("\r\n");
            }
        }
    }
}
