package io.demikv.kvstore.db;

/**
 * A view of bytes inside some array ({@code array()[offset(), offset() + length())}), filled by lookups
 * of collection elements so that a reply can be written without copying; or, for a member of an intset,
 * the integer itself ({@link #isInteger()}, {@link #integer()}). Valid until the collection changes.
 * Reusable; server thread only.
 */
public final class Slice {
    byte[] buf;
    int off;
    int len;
    long integer;

    /** True when the element is an integer held as a number (intset member): read {@link #integer()}. */
    public boolean isInteger() {
        return buf == null;
    }

    public long integer() {
        return integer;
    }

    public byte[] array() {
        return buf;
    }

    public int offset() {
        return off;
    }

    public int length() {
        return len;
    }

    /** A fresh copy of the viewed bytes (the decimal form for an integer). */
    public byte[] copy() {
        if (buf == null) {
            return Long.toString(integer).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        return java.util.Arrays.copyOfRange(buf, off, off + len);
    }

    void setInteger(long v) {
        buf = null;
        off = 0;
        len = 0;
        integer = v;
    }

    void set(byte[] b, int o, int l) {
        buf = b;
        off = o;
        len = l;
    }
}
