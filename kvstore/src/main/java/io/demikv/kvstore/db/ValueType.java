package io.demikv.kvstore.db;

/**
 * The type of a value, as {@code TYPE} and {@code SCAN ... TYPE} name it (4 bits in {@link Entry}'s
 * metadata). Strings keep their bytes in the entry; lists, sets, sorted sets and hashes keep a
 * {@link Structure}. {@link #STREAM} is reserved. Immutable.
 */
public enum ValueType {
    STRING("string"),
    LIST("list"),
    SET("set"),
    ZSET("zset"),
    HASH("hash"),
    STREAM("stream");

    private static final ValueType[] VALUES = values();

    private final String typeName;

    ValueType(String typeName) {
        this.typeName = typeName;
    }

    /** The name TYPE replies with. */
    public String typeName() {
        return typeName;
    }

    /** The type named {@code name} (case-insensitive) or null, for SCAN's TYPE option. */
    public static ValueType byName(String name) {
        for (ValueType t : VALUES) {
            if (t.typeName.equalsIgnoreCase(name)) {
                return t;
            }
        }
        return null;
    }

    static ValueType of(int ordinal) {
        return VALUES[ordinal];
    }
}
