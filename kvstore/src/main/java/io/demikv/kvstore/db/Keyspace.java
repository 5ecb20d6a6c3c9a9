package io.demikv.kvstore.db;

import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import java.util.SplittableRandom;

/**
 * All databases of one server instance, plus the keyspace's notion of "now" (set by the command layer
 * once per command, so that a command sees one consistent time, and never read from the system here) and
 * the active expire cycle. Server thread only; one per server instance (no static state).
 */
public final class Keyspace {
    /** Keys sampled per database per round, as Redis's {@code ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP}. */
    public static final int EXPIRE_KEYS_PER_LOOP = 20;
    /** Another round follows while more than this percentage of the sample had expired. */
    public static final int EXPIRE_REPEAT_PERCENT = 25;
    /** Hard bound on rounds per cycle, so a stopped (virtual) clock cannot make the cycle unbounded. */
    static final int MAX_ROUNDS_PER_CYCLE = 1024;

    private Db[] dbs;
    private final Hashing hashing;
    private final RandomGenerator random;
    private ExpiryListener listener = ExpiryListener.NONE;
    private KeyReadyListener readyListener = KeyReadyListener.NONE;
    private final CollectionSettings collections;
    private long nowMillis;
    private boolean keepExpired;
    private int expireNextDb;
    private long expiredStalePercentSum;

    /**
     * @param databases number of databases (the {@code databases} directive)
     * @param seed      seeds the hash function and the random key choice; use a random seed in production
     */
    public Keyspace(int databases, long seed) {
        if (databases < 1) {
            throw new IllegalArgumentException("databases must be at least 1: " + databases);
        }
        SplittableRandom r = new SplittableRandom(seed);
        this.hashing = new Hashing(r.nextLong());
        this.random = r.split();
        this.collections = new CollectionSettings(hashing, r.split());
        this.dbs = new Db[databases];
        for (int i = 0; i < databases; i++) {
            dbs[i] = new Db(this, i, hashing);
        }
    }

    public int databases() {
        return dbs.length;
    }

    public Db db(int index) {
        return dbs[index];
    }

    public RandomGenerator random() {
        return random;
    }

    /** Sets the time commands and expiry checks see (Unix ms); called once per command and per cron. */
    public void now(long unixMillis) {
        this.nowMillis = unixMillis;
    }

    public long nowMillis() {
        return nowMillis;
    }

    /**
     * With {@code keep}, lookups treat a key whose TTL has passed as absent but leave it in place (no
     * deletion, no {@link ExpiryListener} call): Redis keeps the dataset still while clients are paused, for
     * commands that do not write. Set by the command layer around such a command; off otherwise.
     */
    public void keepExpired(boolean keep) {
        this.keepExpired = keep;
    }

    public boolean keepExpired() {
        return keepExpired;
    }

    /** Redis's LRU clock: seconds, wrapping at 2^23. */
    int lruClock() {
        return (int) ((nowMillis / 1000) & Entry.LRU_MASK);
    }

    /** Encoding limits and shared parts of collection values. */
    public CollectionSettings collections() {
        return collections;
    }

    /**
     * Sets who is told when a list or sorted-set key comes into existence (the hook blocking pops wait
     * on, Redis's {@code signalKeyAsReady}).
     */
    public void readyListener(KeyReadyListener l) {
        this.readyListener = l == null ? KeyReadyListener.NONE : l;
    }

    KeyReadyListener readyListener() {
        return readyListener;
    }

    public void expiryListener(ExpiryListener l) {
        this.listener = l == null ? ExpiryListener.NONE : l;
    }

    ExpiryListener expiryListener() {
        return listener;
    }

    /** Exchanges two databases (SWAPDB): clients selecting index {@code a} then see what was in {@code b}. */
    public void swap(int a, int b) {
        Db t = dbs[a];
        dbs[a] = dbs[b];
        dbs[b] = t;
        dbs[a].id = a;
        dbs[b].id = b;
    }

    /** Removes every key of every database; returns the number of keys removed. */
    public long flushAll() {
        long n = 0;
        for (Db d : dbs) {
            n += d.size();
            d.clear();
        }
        return n;
    }

    public long totalKeys() {
        long n = 0;
        for (Db d : dbs) {
            n += d.size();
        }
        return n;
    }

    /** Shrinks sparse tables and advances rehashing by up to {@code steps} buckets per table. */
    public int housekeeping(int steps) {
        int work = 0;
        for (Db d : dbs) {
            work += d.housekeeping(steps);
        }
        return work;
    }

    /**
     * Redis's slow active expire cycle: for each database in turn, sample {@value #EXPIRE_KEYS_PER_LOOP}
     * volatile keys and delete the expired ones, repeating while more than
     * {@value #EXPIRE_REPEAT_PERCENT}% of a sample had expired. The time is checked every 16 rounds against
     * {@code timeLimitNanos} (measured with {@code monoNanos}); at most {@value #MAX_ROUNDS_PER_CYCLE}
     * rounds run in any case. A cycle that stops early resumes at the same database next time.
     *
     * @return the number of keys deleted
     */
    public int activeExpireCycle(LongSupplier monoNanos, long timeLimitNanos) {
        long start = monoNanos.getAsLong();
        int deleted = 0;
        int rounds = 0;
        for (int n = 0; n < dbs.length; n++) {
            Db db = dbs[expireNextDb];
            int repeat;
            do {
                long r = db.activeExpireRound(EXPIRE_KEYS_PER_LOOP);
                int sampled = (int) (r >>> 32);
                int expired = (int) r;
                deleted += expired;
                rounds++;
                repeat = sampled > 0 && expired * 100 > sampled * EXPIRE_REPEAT_PERCENT ? 1 : 0;
                if (sampled > 0) {
                    expiredStalePercentSum = (expiredStalePercentSum * 95 + expired * 100L / sampled * 5) / 100;
                }
                if (rounds >= MAX_ROUNDS_PER_CYCLE
                        || ((rounds & 15) == 0 && monoNanos.getAsLong() - start > timeLimitNanos)) {
                    return deleted; // resume this database next time
                }
            } while (repeat == 1);
            expireNextDb = (expireNextDb + 1) % dbs.length;
        }
        return deleted;
    }

    /** Smoothed percentage of sampled volatile keys found expired (INFO's expired_stale_perc). */
    public double expiredStalePercent() {
        return expiredStalePercentSum;
    }
}
