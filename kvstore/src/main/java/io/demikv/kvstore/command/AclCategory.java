package io.demikv.kvstore.command;

/**
 * ACL categories, in the order Redis 7 lists them in {@code COMMAND INFO}. Immutable.
 */
public enum AclCategory {
    KEYSPACE, READ, WRITE, SET, SORTEDSET, LIST, HASH, STRING, BITMAP, HYPERLOGLOG, GEO, STREAM, PUBSUB,
    ADMIN, FAST, SLOW, BLOCKING, DANGEROUS, CONNECTION, TRANSACTION, SCRIPTING;

    public final int bit = 1 << ordinal();

    /** The name as COMMAND INFO shows it, e.g. {@code @string}. */
    public String wireName() {
        return "@" + name().toLowerCase(java.util.Locale.ROOT);
    }
}
