package io.demikv.kvstore.db;

/**
 * How a value is stored, as {@code OBJECT ENCODING} reports it. Strings follow Redis's rules: a string
 * that reads as a 64-bit integer (at most 20 bytes) is {@link #INT}; a string created whole of at most
 * {@value #EMBSTR_MAX} bytes is {@link #EMBSTR}; longer strings and strings changed in place (APPEND,
 * SETRANGE) are {@link #RAW}. Here every string is a {@code byte[]}; the encoding is a tag kept for
 * compatibility (and for the memory estimate), not a different layout.
 *
 * <p>Collections report what their {@link Structure} currently is, with Redis 7.0's names and
 * conversion rules: hashes and sorted sets start as {@link #LISTPACK} and become {@link #HASHTABLE} /
 * {@link #SKIPLIST} past the configured limits, sets of integers are {@link #INTSET} until they hold a
 * non-integer or too many members, and lists are always {@link #QUICKLIST} (7.0 has no small-list
 * listpack). A conversion never goes back, as in Redis. Immutable.
 */
public enum Encoding {
    RAW("raw"),
    INT("int"),
    EMBSTR("embstr"),
    LISTPACK("listpack"),
    INTSET("intset"),
    HASHTABLE("hashtable"),
    SKIPLIST("skiplist"),
    QUICKLIST("quicklist");

    /** Redis's {@code OBJ_ENCODING_EMBSTR_SIZE_LIMIT}. */
    public static final int EMBSTR_MAX = 44;

    private static final Encoding[] VALUES = values();

    private final String encodingName;

    Encoding(String encodingName) {
        this.encodingName = encodingName;
    }

    public String encodingName() {
        return encodingName;
    }

    static Encoding of(int ordinal) {
        return VALUES[ordinal];
    }
}
