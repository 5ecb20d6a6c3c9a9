package io.demikv.ycsb;

import java.util.Locale;
import java.util.Properties;

import site.ycsb.DBException;

/**
 * The binding's settings, read once from YCSB's properties in {@link DemikvClient#init()}. Immutable;
 * any thread may read it. A bad value is a start-up error with a message naming the property.
 *
 * <p>Names of YCSB's own redis binding are kept ({@code redis.host}, {@code redis.port},
 * {@code redis.password}, {@code redis.timeout}); {@code redis.pipeline}, {@code redis.index} and
 * {@code redis.protocol} are ours.
 */
public record BindingConfig(
        String host,
        int port,
        String password,
        long timeoutMillis,
        int pipeline,
        boolean lexIndex,
        int protocol,
        boolean loadPhase) {

    public static final String HOST = "redis.host";
    public static final String PORT = "redis.port";
    public static final String PASSWORD = "redis.password";
    public static final String TIMEOUT = "redis.timeout";
    public static final String PIPELINE = "redis.pipeline";
    public static final String INDEX = "redis.index";
    public static final String PROTOCOL = "redis.protocol";
    /** Upstream's cluster switch: refused, so that nobody benchmarks a mode this binding lacks. */
    public static final String CLUSTER = "redis.cluster";
    /** Set by YCSB's Client: {@code false} with {@code -load}, {@code true} with {@code -t}. */
    static final String DO_TRANSACTIONS = "dotransactions";

    /** Jedis's default socket timeout, which upstream's {@code redis.timeout} falls back to. */
    public static final long DEFAULT_TIMEOUT_MILLIS = 2_000;

    /** Reads and checks every property; throws with a message that says which one is wrong and why. */
    public static BindingConfig from(Properties p) throws DBException {
        String host = p.getProperty(HOST, "localhost").trim();
        if (host.isEmpty()) {
            throw new DBException(HOST + " is empty: give a host name or address, e.g. -p redis.host=127.0.0.1");
        }
        int port = (int) number(p, PORT, 6379, 1, 65_535);
        String password = p.getProperty(PASSWORD);
        if (password != null && password.isEmpty()) {
            password = null;
        }
        long timeout = number(p, TIMEOUT, DEFAULT_TIMEOUT_MILLIS, 1, Integer.MAX_VALUE);
        int pipeline = (int) number(p, PIPELINE, 1, 1, 1_000_000);
        String index = p.getProperty(INDEX, "lex").trim().toLowerCase(Locale.ROOT);
        boolean lex = switch (index) {
            case "lex" -> true;
            case "none" -> false;
            default -> throw new DBException(INDEX + "=" + index
                    + " is not supported: use lex (sorted-set index, SCAN works) or none (no index, SCAN returns NOT_IMPLEMENTED)");
        };
        int protocol = (int) number(p, PROTOCOL, 3, 2, 3);
        if (Boolean.parseBoolean(p.getProperty(CLUSTER, "false").trim())) {
            throw new DBException(CLUSTER + "=true is not supported by this binding: point redis.host/redis.port at one server");
        }
        boolean load = !Boolean.parseBoolean(p.getProperty(DO_TRANSACTIONS, "true").trim());
        return new BindingConfig(host, port, password, timeout, pipeline, lex, protocol, load);
    }

    /** Inserts are batched only while loading: see {@link DemikvClient} for why the run phase is exempt. */
    public int insertBatch() {
        return loadPhase ? pipeline : 1;
    }

    private static long number(Properties p, String name, long dflt, long min, long max) throws DBException {
        String text = p.getProperty(name);
        if (text == null || text.isBlank()) {
            return dflt;
        }
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new DBException(name + "=" + text + " is not a whole number (expected " + min + ".." + max + ")");
        }
        if (value < min || value > max) {
            throw new DBException(name + "=" + text + " is out of range (expected " + min + ".." + max + ")");
        }
        return value;
    }
}
