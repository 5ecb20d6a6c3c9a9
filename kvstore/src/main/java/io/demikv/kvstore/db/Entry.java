package io.demikv.kvstore.db;

import java.util.Arrays;

/**
 * One key of a database and its value, 32 bytes on a 64-bit JVM with compressed references. A string
 * keeps its key and its value in one array, {@code data = key bytes ++ value bytes}, which saves an array
 * header and a reference per key against separate arrays; collections keep their key alone in
 * {@code data} and their {@link Structure} in {@code value}. The metadata {@code int} is laid out like Redis's
 * object header (for collections the encoding bits are the initial one; {@link #encoding()} asks the
 * {@link Structure}, which converts itself):
 * <pre>
 *  31      28 27      24  23   22                                  0
 * +----------+----------+----+-------------------------------------+
 * |   type   | encoding | TTL|      LRU clock (seconds, 23 bits)   |
 * +----------+----------+----+-------------------------------------+
 * </pre>
 * The TTL bit says the key also has a node in the expires table, so keys without a TTL never pay the
 * second lookup. Handed to command code by {@link Db} lookups; valid until the next keyspace change.
 * Server thread only.
 */
public final class Entry extends Node {
    static final int LRU_BITS = 23;
    static final int LRU_MASK = (1 << LRU_BITS) - 1;
    private static final int TTL_BIT = 1 << 23;

    /** Key bytes, then (strings) the value bytes. Replaced whole when a string value changes. */
    byte[] data;
    int keyLen;
    /** The structure of a non-string value; null for strings. */
    Object value;
    int meta;

    Entry(byte[] data, int keyLen, Object value, ValueType type, Encoding encoding, int lru) {
        this.data = data;
        this.keyLen = keyLen;
        this.value = value;
        this.meta = (type.ordinal() << 28) | (encoding.ordinal() << 24) | (lru & LRU_MASK);
    }

    @Override
    byte[] keyArray() {
        return data;
    }

    @Override
    int keyLength() {
        return keyLen;
    }

    /** The array whose first {@link #keyLen()} bytes are the key; callers must not change it. */
    public byte[] keyBytes() {
        return data;
    }

    public int keyLen() {
        return keyLen;
    }

    /** A fresh copy of the key. */
    public byte[] keyCopy() {
        return Arrays.copyOf(data, keyLen);
    }

    public ValueType type() {
        return ValueType.of(meta >>> 28);
    }

    /** The string encoding tag, or what a collection's {@link Structure} currently is. */
    public Encoding encoding() {
        return value instanceof Structure st ? st.encoding() : Encoding.of((meta >>> 24) & 0xF);
    }

    /** The array holding a string value at {@link #valueOffset()}; callers must not change it. */
    public byte[] valueArray() {
        return data;
    }

    public int valueOffset() {
        return keyLen;
    }

    public int valueLength() {
        return data.length - keyLen;
    }

    /** A fresh copy of a string value. */
    public byte[] valueCopy() {
        return Arrays.copyOfRange(data, keyLen, data.length);
    }

    /** The structure of a non-string value. */
    public Object value() {
        return value;
    }

    boolean hasTtl() {
        return (meta & TTL_BIT) != 0;
    }

    void hasTtl(boolean on) {
        meta = on ? meta | TTL_BIT : meta & ~TTL_BIT;
    }

    int lru() {
        return meta & LRU_MASK;
    }

    void lru(int clock) {
        meta = (meta & ~LRU_MASK) | (clock & LRU_MASK);
    }

    void setType(ValueType type, Encoding encoding) {
        this.meta = (type.ordinal() << 28) | (encoding.ordinal() << 24) | (meta & (TTL_BIT | LRU_MASK));
    }
}
