package io.demikv.kvstore.db;

/**
 * What the collections of one keyspace share: the encoding limits from the configuration (Redis 7.0's
 * {@code hash-max-listpack-entries}, {@code hash-max-listpack-value}, {@code set-max-intset-entries},
 * {@code zset-max-listpack-entries}, {@code zset-max-listpack-value}, {@code list-max-listpack-size}) and the
 * seeded hash their tables use. The command layer sets the limits at start-up and after CONFIG SET; a
 * change applies to later inserts only (existing values are not converted back), as in Redis. One per
 * {@link Keyspace}; server thread only.
 */
public final class CollectionSettings {
    /** Redis's SIZE_SAFETY_LIMIT: a quicklist node holds at most this many bytes when the fill is a count. */
    static final int LIST_SAFETY_BYTES = 8192;

    final Hashing hashing;
    /** Draws skip-list levels (the keyspace's seeded generator). */
    final java.util.random.RandomGenerator random;
    long hashMaxListpackEntries = 128;
    long hashMaxListpackValue = 64;
    long setMaxIntsetEntries = 512;
    long zsetMaxListpackEntries = 128;
    long zsetMaxListpackValue = 64;
    int listMaxListpackSize = -2;

    CollectionSettings(Hashing hashing, java.util.random.RandomGenerator random) {
        this.hashing = hashing;
        this.random = random;
    }

    public void hashMaxListpack(long entries, long value) {
        this.hashMaxListpackEntries = entries;
        this.hashMaxListpackValue = value;
    }

    public void setMaxIntsetEntries(long entries) {
        this.setMaxIntsetEntries = entries;
    }

    public void zsetMaxListpack(long entries, long value) {
        this.zsetMaxListpackEntries = entries;
        this.zsetMaxListpackValue = value;
    }

    /** Negative: -1..-5 mean 4, 8, 16, 32, 64 KiB per node; positive: entries per node. */
    public void listMaxListpackSize(int fill) {
        this.listMaxListpackSize = fill;
    }

    public long zsetMaxListpackEntries() {
        return zsetMaxListpackEntries;
    }

    public long zsetMaxListpackValue() {
        return zsetMaxListpackValue;
    }

    /** True when a hash with these element lengths must not be (or stay) a listpack. */
    boolean hashTooLong(int len) {
        return len > hashMaxListpackValue;
    }

    /** Bytes a list node may hold (negative fill), or the safety limit (positive fill). */
    int listNodeBytes() {
        if (listMaxListpackSize >= 0) {
            return LIST_SAFETY_BYTES;
        }
        int level = Math.min(5, -listMaxListpackSize);
        return 4096 << (level - 1);
    }

    /** Entries a list node may hold (positive fill), or no limit. */
    int listNodeEntries() {
        return listMaxListpackSize > 0 ? listMaxListpackSize : Integer.MAX_VALUE;
    }
}
