package io.demikv.kvstore.db;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * One numbered database: the main table (key to {@link Entry}) and the expires table (key to absolute
 * expiry in Unix milliseconds), as Redis's {@code redisDb}. Lookups take slices of the query buffer and
 * allocate nothing; a string write copies its key and value from the slices into one new array. Reads go
 * through {@link #lookup}, which deletes a key whose expiry has passed (lazy expiry). Server thread only;
 * obtained from {@link Keyspace#db}.
 */
public final class Db {
    /** Tries of {@link #randomEntry} before it settles for an expired key that must be kept. */
    static final int RANDOM_TRIES_WHEN_KEPT = 100;
    /** Visits keys of a scan or iteration; {@code entry} is valid only during the call. */
    @FunctionalInterface
    public interface EntryVisitor {
        void visit(Entry entry);
    }

    private final Keyspace keyspace;
    int id;
    private final Dict<Entry> main;
    private final Dict<ExpireNode> expires;
    /** Cursor of the active expire cycle over {@link #expires}. */
    private long expireCursor;
    /** Running estimate of the average remaining TTL of volatile keys, as INFO keyspace's avg_ttl. */
    private long avgTtl;

    // Scratch for the active expire cycle (allocated once, grown rarely).
    private Entry[] expiredScratch = new Entry[32];
    private int expiredCount;
    private int sampledCount;
    private long ttlSum;
    private int ttlSamples;
    private long sampleNow;
    private final Dict.Visitor<ExpireNode> sampler = this::sample;

    Db(Keyspace keyspace, int id, Hashing hashing) {
        this.keyspace = keyspace;
        this.id = id;
        this.main = new Dict<>(hashing);
        this.expires = new Dict<>(hashing);
    }

    public int id() {
        return id;
    }

    public int size() {
        return main.size();
    }

    public int expiresSize() {
        return expires.size();
    }

    public long avgTtl() {
        return avgTtl;
    }

    /**
     * The live entry for the key, or null; deletes the key first when its TTL has passed. With
     * {@code touch} the access time (OBJECT IDLETIME) is refreshed.
     */
    public Entry lookup(byte[] b, int off, int len, boolean touch) {
        Entry e = main.find(b, off, len);
        if (e == null) {
            return null;
        }
        if (e.hasTtl() && expireIfNeeded(e)) {
            return null;
        }
        if (touch) {
            e.lru(keyspace.lruClock());
        }
        return e;
    }

    /** True when the entry has expired: it was deleted, unless {@link Keyspace#keepExpired} is on. */
    private boolean expireIfNeeded(Entry e) {
        long when = expireOf(e);
        if (when < 0 || when > keyspace.nowMillis()) {
            return false;
        }
        if (keyspace.keepExpired()) {
            return true;
        }
        unlink(e);
        keyspace.expiryListener().expired(id, e.keyCopy());
        return true;
    }

    /** The stored entry for the key even when its TTL has passed; never deletes (WATCH, FLUSH* bookkeeping). */
    public Entry peek(byte[] b, int off, int len) {
        return main.find(b, off, len);
    }

    /** True when the key exists and has not expired; does not touch or delete. */
    public boolean exists(byte[] b, int off, int len) {
        return lookup(b, off, len, false) != null;
    }

    private static byte[] concat(byte[] kb, int koff, int klen, byte[] vb, int voff, int vlen) {
        byte[] data = new byte[klen + vlen];
        System.arraycopy(kb, koff, data, 0, klen);
        System.arraycopy(vb, voff, data, klen, vlen);
        return data;
    }

    /** Inserts a new string key (absent: look it up first); key and value are copied from the slices. */
    public Entry addString(byte[] kb, int koff, int klen, byte[] vb, int voff, int vlen, Encoding encoding) {
        Entry e = new Entry(concat(kb, koff, klen, vb, voff, vlen), klen, null, ValueType.STRING, encoding,
                keyspace.lruClock());
        main.add(e);
        return e;
    }

    /**
     * Sets a string value, creating the key or overwriting whatever it held (any type), as Redis's
     * {@code setKey}: the TTL is removed unless {@code keepTtl}. Copies from the slices. Returns the entry.
     */
    public Entry setString(byte[] kb, int koff, int klen, byte[] vb, int voff, int vlen, Encoding encoding,
                           boolean keepTtl) {
        Entry e = lookup(kb, koff, klen, false);
        if (e == null) {
            return addString(kb, koff, klen, vb, voff, vlen, encoding);
        }
        setStringValue(e, vb, voff, vlen, encoding);
        if (!keepTtl && e.hasTtl()) {
            removeExpire(e);
        }
        return e;
    }

    /** Replaces the value of a live entry with a string (copied from the slice); keeps the TTL. */
    public void setStringValue(Entry e, byte[] vb, int voff, int vlen, Encoding encoding) {
        e.data = concat(e.data, 0, e.keyLen, vb, voff, vlen);
        e.value = null;
        e.setType(ValueType.STRING, encoding);
        e.lru(keyspace.lruClock());
    }

    /** Replaces the value of a live entry with a non-string structure; keeps the TTL. */
    public void replaceValue(Entry e, Object value, ValueType type, Encoding encoding) {
        if (e.data.length != e.keyLen) {
            e.data = Arrays.copyOf(e.data, e.keyLen);
        }
        e.value = value;
        e.setType(type, encoding);
        e.lru(keyspace.lruClock());
    }

    /**
     * Inserts a new key (absent: look it up first) holding a collection; the key is copied from the slice.
     * A new list or sorted set is announced to the {@link KeyReadyListener} (blocked clients may wait
     * for it).
     */
    public Entry addValue(byte[] kb, int koff, int klen, Structure value, ValueType type) {
        Entry e = new Entry(Arrays.copyOfRange(kb, koff, koff + klen), klen, value, type, value.encoding(),
                keyspace.lruClock());
        main.add(e);
        signalReady(e);
        return e;
    }

    /**
     * Sets a key to a collection, creating it or replacing whatever it held (any type) and dropping its
     * TTL, as Redis's {@code setKey} does for the STORE forms. Returns the entry.
     */
    public Entry setValue(byte[] kb, int koff, int klen, Structure value, ValueType type) {
        Entry e = lookup(kb, koff, klen, false);
        if (e == null) {
            return addValue(kb, koff, klen, value, type);
        }
        replaceValue(e, value, type, value.encoding());
        if (e.hasTtl()) {
            removeExpire(e);
        }
        signalReady(e);
        return e;
    }

    private void signalReady(Entry e) {
        ValueType t = e.type();
        if (t == ValueType.LIST || t == ValueType.ZSET) {
            keyspace.readyListener().ready(id, e);
        }
    }

    /**
     * Inserts a new key (absent: look it up first) holding {@code from}'s value, type, encoding and access
     * time, for RENAME and MOVE; the TTL is not copied.
     */
    public Entry addMoved(byte[] kb, int koff, int klen, Entry from) {
        Entry e = new Entry(concat(kb, koff, klen, from.data, from.keyLen, from.data.length - from.keyLen), klen,
                from.value, from.type(), from.encoding(), 0);
        e.lru(from.lru());
        main.add(e);
        signalReady(e);
        return e;
    }

    /** Deletes a live key; returns false when it does not exist (or had expired). */
    public boolean delete(byte[] b, int off, int len) {
        Entry e = lookup(b, off, len, false);
        if (e == null) {
            return false;
        }
        unlink(e);
        return true;
    }

    /** Deletes an entry obtained from a lookup in this database. */
    public void delete(Entry e) {
        unlink(e);
    }

    private void unlink(Entry e) {
        main.remove(e.data, 0, e.keyLen);
        if (e.hasTtl()) {
            expires.remove(e.data, 0, e.keyLen);
        }
    }

    /** The absolute expiry in Unix ms, or -1 when the entry has no TTL. */
    public long expireOf(Entry e) {
        if (!e.hasTtl()) {
            return -1;
        }
        ExpireNode n = expires.find(e.data, 0, e.keyLen);
        return n == null ? -1 : n.whenMillis;
    }

    /** Sets or replaces the absolute expiry (Unix ms) of a live entry. */
    public void setExpire(Entry e, long whenMillis) {
        if (e.hasTtl()) {
            ExpireNode n = expires.find(e.data, 0, e.keyLen);
            if (n != null) {
                n.whenMillis = whenMillis;
                return;
            }
        }
        expires.add(new ExpireNode(e, whenMillis));
        e.hasTtl(true);
    }

    /** Removes the TTL of a live entry; returns false when it had none. */
    public boolean removeExpire(Entry e) {
        if (!e.hasTtl()) {
            return false;
        }
        e.hasTtl(false);
        return expires.remove(e.data, 0, e.keyLen) != null;
    }

    /** Idle time in milliseconds since the entry was last touched (Redis's estimateObjectIdleTime). */
    public long idleMillis(Entry e) {
        int now = keyspace.lruClock();
        int lru = e.lru();
        long secs = now >= lru ? now - lru : now + (Entry.LRU_MASK - lru);
        return secs * 1000;
    }

    /**
     * A random live key (expired ones met on the way are deleted), or null when empty. While expired keys are
     * kept ({@link Keyspace#keepExpired}) and every key has a TTL, all of them may have expired: after
     * {@value #RANDOM_TRIES_WHEN_KEPT} tries an expired key is returned rather than looping for ever (the
     * bound newer Redis versions apply during a client pause).
     */
    public Entry randomEntry(RandomGenerator rnd) {
        // Each failed try deletes a key, so this ends within size() iterations unless keys are kept.
        int tries = 0;
        while (main.size() > 0) {
            Entry e = main.random(rnd);
            if (!e.hasTtl() || !expireIfNeeded(e)) {
                return e;
            }
            if (keyspace.keepExpired() && main.size() == expires.size() && ++tries >= RANDOM_TRIES_WHEN_KEPT) {
                return e;
            }
        }
        return null;
    }

    /** One step of SCAN over the main table; returns the next cursor (0 = done). See {@link Dict#scan}. */
    public long scan(long cursor, EntryVisitor visitor) {
        return main.scan(cursor, visitor::visit);
    }

    /** Visits every entry, including expired ones not yet deleted (check {@link #isExpired}). */
    public void forEach(EntryVisitor visitor) {
        main.forEach(visitor::visit);
    }

    /** True when the entry's TTL has passed (it will be deleted at its next lookup). */
    public boolean isExpired(Entry e) {
        if (!e.hasTtl()) {
            return false;
        }
        long when = expireOf(e);
        return when >= 0 && when <= keyspace.nowMillis();
    }

    /** Removes every key. */
    public void clear() {
        main.clear();
        expires.clear();
        expireCursor = 0;
        avgTtl = 0;
    }

    /** Shrinks sparse tables and moves up to {@code steps} buckets of a rehash under way. */
    int housekeeping(int steps) {
        int work = 0;
        if (main.shrinkIfSparse()) {
            work++;
        }
        if (expires.shrinkIfSparse()) {
            work++;
        }
        if (main.isRehashing()) {
            main.rehashSteps(steps);
            work += steps;
        }
        if (expires.isRehashing()) {
            expires.rehashSteps(steps);
            work += steps;
        }
        return work;
    }

    /**
     * One sampling round of the active expire cycle: walks the expires table from its saved cursor until
     * about {@code keys} volatile keys were seen (visiting at most {@code 20 * keys} buckets), deletes the
     * expired ones, and returns (sampled << 32 | expired).
     */
    long activeExpireRound(int keys) {
        if (expires.size() == 0) {
            return 0;
        }
        expiredCount = 0;
        sampledCount = 0;
        ttlSum = 0;
        ttlSamples = 0;
        sampleNow = keyspace.nowMillis();
        int maxBuckets = keys * 20;
        for (int buckets = 0; sampledCount < keys && buckets < maxBuckets; buckets++) {
            expireCursor = expires.scan(expireCursor, sampler);
            if (expireCursor == 0) {
                break;
            }
        }
        int expired = expiredCount;
        for (int i = 0; i < expired; i++) {
            Entry e = expiredScratch[i];
            expiredScratch[i] = null;
            if (main.find(e.data, 0, e.keyLen) == e) {
                unlink(e);
                keyspace.expiryListener().expired(id, e.keyCopy());
            }
        }
        if (ttlSamples > 0) {
            long avg = ttlSum / ttlSamples;
            avgTtl = avgTtl == 0 ? avg : (avgTtl / 50) * 49 + (avg / 50);
        }
        return ((long) sampledCount << 32) | expired;
    }

    private void sample(ExpireNode n) {
        sampledCount++;
        long ttl = n.whenMillis - sampleNow;
        if (ttl <= 0) {
            if (expiredCount == expiredScratch.length) {
                expiredScratch = Arrays.copyOf(expiredScratch, expiredCount * 2);
            }
            expiredScratch[expiredCount++] = n.entry;
        } else {
            ttlSum += ttl;
            ttlSamples++;
        }
    }

    /** Approximate heap bytes of this database (tables, entries, key/value arrays); O(keys). */
    public long estimateBytes() {
        long[] sum = {main.tableBytes() + expires.tableBytes() + 32L * expires.size()};
        main.forEach(e -> sum[0] += entryBytes(e));
        return sum[0];
    }

    /** Approximate heap bytes of one key: entry, key (and string value) array, collection structure. */
    public static long entryBytes(Entry e) {
        long n = 32 + arrayBytes(e.data.length);
        if (e.value instanceof Structure st) {
            n += st.estimateBytes();
        }
        return n;
    }

    /** Heap bytes of a byte array of {@code len} elements (16-byte header, 8-byte alignment). */
    public static long arrayBytes(int len) {
        return (16L + len + 7) & ~7L;
    }
}
