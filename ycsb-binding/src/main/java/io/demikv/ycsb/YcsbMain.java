package io.demikv.ycsb;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import site.ycsb.DBException;

/**
 * Entry point of {@code bin/demikv-ycsb}: {@code load|run -P WORKLOAD [-p key=value ...] [-threads N]
 * [-target N] [-s]} in YCSB's own argument style. It turns the verb into {@code -load}/{@code -t},
 * resolves workload files (current directory first, then the shipped {@code ycsb-binding/workloads/}),
 * selects this binding unless {@code -db} names another, adds hdrhistogram percentiles p50/p95/p99/p99.9
 * unless a workload file or {@code -p} sets them, checks that the server answers PING, and then hands
 * over to {@code site.ycsb.Client}, which prints YCSB's standard summary and exits.
 *
 * <p>Called from the main thread only.
 */
public final class YcsbMain {
    static final String USAGE = """
            usage: demikv-ycsb load|run -P WORKLOAD_FILE [-p key=value ...] [-threads N] [-target OPS_PER_S] [-s]
              WORKLOAD_FILE  a path, or a name under ycsb-binding/workloads/ (workloada ... workloadf)
              -p redis.host=H -p redis.port=P   the server (default localhost:6379); see docs/ycsb.md
              -threads N     YCSB client threads (one connection each)
              -target N      throttle to N operations per second in total
              -s             print status to stderr every 10 s""";

    /** The binding YCSB loads unless {@code -db} names another. */
    public static final String DB_CLASS = DemikvClient.class.getName();
    /** YCSB properties given defaults here, each only when neither a workload file nor -p sets it. */
    static final String[][] DEFAULTS = {
            {"measurementtype", "hdrhistogram"},
            {"hdrhistogram.percentiles", "50,95,99,99.9"},
    };

    private YcsbMain() {
    }

    /** What {@link #prepare} makes of the command line. */
    record Invocation(List<String> clientArgs, Properties properties, boolean ourBinding) {
    }

    /** A mistake on the command line: the message says what to fix. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> list = new ArrayList<>(List.of(args));
        Path workloads = Path.of(System.getProperty("demikv.ycsb.workloads", "ycsb-binding/workloads"));
        if (list.size() >= 2 && list.get(0).equals("--workloads-dir")) {
            workloads = Path.of(list.get(1));
            list.subList(0, 2).clear();
        }
        Invocation inv;
        try {
            inv = prepare(list, Path.of("").toAbsolutePath(), workloads);
        } catch (UsageException e) {
            boolean help = e.getMessage().equals("help");
            if (!help) {
                System.err.println("demikv-ycsb: " + e.getMessage());
            }
            System.err.println(USAGE);
            System.exit(help ? 0 : 2);
            return;
        }
        if (inv.ourBinding()) {
            String problem = preflight(inv.properties());
            if (problem != null) {
                System.err.println("demikv-ycsb: " + problem);
                System.exit(1);
                return;
            }
        }
        site.ycsb.Client.main(inv.clientArgs().toArray(new String[0]));
    }

    /** Rewrites our command line into {@code site.ycsb.Client}'s; pure apart from reading workload files. */
    static Invocation prepare(List<String> args, Path cwd, Path workloadsDir) throws UsageException {
        if (args.isEmpty()) {
            throw new UsageException("say load or run");
        }
        List<String> out = new ArrayList<>();
        switch (args.get(0)) {
            case "load" -> out.add("-load");
            case "run" -> out.add("-t");
            case "-h", "--help", "help" -> throw new UsageException("help");
            default -> throw new UsageException("unknown phase '" + args.get(0) + "': say load or run");
        }
        Properties fileProps = new Properties();
        Properties cmdProps = new Properties();
        boolean hasDb = false;
        boolean ours = true;
        boolean hasWorkload = false;
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "-P" -> {
                    Path file = resolveWorkload(value(args, i++, a), cwd, workloadsDir);
                    load(file, fileProps);
                    out.add(a);
                    out.add(file.toString());
                    hasWorkload = true;
                }
                case "-p" -> {
                    String kv = value(args, i++, a);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new UsageException("-p wants key=value, got '" + kv + "'");
                    }
                    cmdProps.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
                    out.add(a);
                    out.add(kv);
                }
                case "-db" -> {
                    String db = value(args, i++, a);
                    hasDb = true;
                    ours = db.equals(DB_CLASS);
                    out.add(a);
                    out.add(db);
                }
                case "-threads", "-target", "-l" -> {
                    out.add(a);
                    out.add(value(args, i++, a));
                }
                case "-load", "-t" -> throw new UsageException(a + " is implied by the phase word (load or run)");
                default -> out.add(a);
            }
        }
        if (!hasWorkload && cmdProps.getProperty("workload") == null) {
            throw new UsageException("no workload: give -P WORKLOAD_FILE (e.g. -P workloada)");
        }
        if (!hasDb) {
            out.add("-db");
            out.add(DB_CLASS);
        }
        Properties merged = new Properties();
        merged.putAll(fileProps);
        merged.putAll(cmdProps);
        for (String[] d : DEFAULTS) {
            if (merged.getProperty(d[0]) == null) {
                out.add("-p");
                out.add(d[0] + "=" + d[1]);
                merged.setProperty(d[0], d[1]);
            }
        }
        merged.setProperty(BindingConfig.DO_TRANSACTIONS, String.valueOf(out.get(0).equals("-t")));
        return new Invocation(List.copyOf(out), merged, ours);
    }

    /** A relative name is tried in the current directory first, then among the shipped workloads. */
    static Path resolveWorkload(String name, Path cwd, Path workloadsDir) throws UsageException {
        Path given = Path.of(name);
        Path fromCwd = cwd.resolve(given);
        if (Files.isRegularFile(fromCwd)) {
            return fromCwd.normalize();
        }
        if (!given.isAbsolute()) {
            Path shipped = workloadsDir.resolve(given);
            if (Files.isRegularFile(shipped)) {
                return shipped.toAbsolutePath().normalize();
            }
        }
        throw new UsageException("workload file '" + name + "' not found (looked in " + cwd
                + (given.isAbsolute() ? "" : " and " + workloadsDir.toAbsolutePath()) + ")");
    }

    /** Connects once with the run's settings and sends PING; returns what went wrong, or null. */
    static String preflight(Properties props) {
        BindingConfig config;
        try {
            config = BindingConfig.from(props);
        } catch (DBException e) {
            return e.getMessage();
        }
        RedisClient client = SharedClient.acquire(config);
        try (StatefulRedisConnection<String, byte[]> c = client.connect(DemikvClient.CODEC, SharedClient.uri(config))) {
            c.sync().ping();
            return null;
        } catch (RuntimeException e) {
            return "cannot use the server at " + config.host() + ":" + config.port() + ": " + e.getMessage()
                    + "\n  start one (bin/demikv-server --port " + config.port() + ", or redis-server --port "
                    + config.port() + ") or aim elsewhere with -p redis.host=... -p redis.port=...";
        } finally {
            SharedClient.release();
        }
    }

    private static String value(List<String> args, int i, String option) throws UsageException {
        if (i + 1 >= args.size()) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(i + 1);
    }

    private static void load(Path file, Properties into) throws UsageException {
        try (Reader r = Files.newBufferedReader(file)) {
            into.load(r);
        } catch (IOException e) {
            throw new UsageException("cannot read workload file " + file + ": " + e.getMessage());
        }
    }
}
