package io.demikv.kvstore.command;

/**
 * Integer parsing and formatting exactly as Redis does it ({@code string2ll} and {@code ll2string} in
 * Redis's {@code util.c}): an optional {@code -}, then digits with no leading zero (except {@code 0}
 * itself), no {@code +}, no spaces, and the value must fit a signed 64-bit integer. Stateless and
 * allocation-free apart from {@link #toBytes}; any thread.
 */
public final class Numbers {
    /** Longest decimal form of a long, {@code -9223372036854775808}. */
    public static final int MAX_LONG_CHARS = 20;

    private Numbers() {
    }

    /**
     * Parses {@code b[off, off + len)} as Redis's {@code string2ll}; on success stores the value in
     * {@code out[0]} and returns true.
     */
    public static boolean parseLong(byte[] b, int off, int len, long[] out) {
        if (len == 0 || len > MAX_LONG_CHARS) {
            return false;
        }
        if (len == 1 && b[off] == '0') {
            out[0] = 0;
            return true;
        }
        int i = off;
        int end = off + len;
        boolean negative = false;
        if (b[i] == '-') {
            negative = true;
            i++;
            if (i == end) {
                return false;
            }
        }
        if (b[i] < '1' || b[i] > '9') {
            return false;
        }
        // Accumulate as a negative number so that Long.MIN_VALUE fits.
        long v = 0;
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (v < Long.MIN_VALUE / 10) {
                return false;
            }
            v *= 10;
            if (v < Long.MIN_VALUE + d) {
                return false;
            }
            v -= d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return false;
            }
            v = -v;
        }
        out[0] = v;
        return true;
    }

    /** True when the whole array is a canonical integer as above (OBJECT ENCODING "int"); no allocation. */
    public static boolean isCanonicalLong(byte[] b) {
        return isCanonicalLong(b, 0, b.length);
    }

    /** As {@link #isCanonicalLong(byte[])} for {@code b[off, off + len)}. */
    public static boolean isCanonicalLong(byte[] b, int off, int len) {
        if (len == 0 || len > MAX_LONG_CHARS) {
            return false;
        }
        if (len == 1 && b[off] == '0') {
            return true;
        }
        int end = off + len;
        int i = b[off] == '-' ? off + 1 : off;
        if (i == end || b[i] < '1' || b[i] > '9') {
            return false;
        }
        long v = 0;
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9 || v < Long.MIN_VALUE / 10) {
                return false;
            }
            v *= 10;
            if (v < Long.MIN_VALUE + d) {
                return false;
            }
            v -= d;
        }
        return b[off] == '-' || v != Long.MIN_VALUE;
    }

    /** The decimal form of {@code v} as ASCII bytes. */
    public static byte[] toBytes(long v) {
        if (v == Long.MIN_VALUE) {
            return "-9223372036854775808".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        int n = digits(v);
        byte[] out = new byte[n];
        long x = v < 0 ? -v : v;
        for (int i = n - 1; i >= 0; i--) {
            out[i] = (byte) ('0' + (int) (x % 10));
            x /= 10;
            if (x == 0 && v < 0 && i == 1) {
                out[0] = '-';
                break;
            }
        }
        return out;
    }

    /** Number of characters in the decimal form of {@code v}. */
    public static int digits(long v) {
        if (v == Long.MIN_VALUE) {
            return 20;
        }
        int n = v < 0 ? 2 : 1;
        long x = Math.abs(v);
        while (x >= 10) {
            x /= 10;
            n++;
        }
        return n;
    }
}
