package io.demikv.kvstore.resp;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats a double as Redis 7.0 replies it ({@code addReplyDouble}): C's {@code "%.17g"} (17 significant
 * digits, trailing zeros dropped, exponent form below 1e-4 and from 1e17 on), and {@code inf}/{@code -inf}
 * spelled out. Examples: 3.0 gives {@code 3}, 1.5 gives {@code 1.5}, 0.1 gives {@code 0.10000000000000001},
 * 1e20 gives {@code 1e+20}. Integral values below 1e17 take an allocation-free path; others allocate a
 * little (a {@link BigDecimal}). Stateless; any thread.
 */
public final class RespDouble {
    private static final MathContext SEVENTEEN = new MathContext(17, RoundingMode.HALF_EVEN);
    private static final double FIXED_INTEGER_LIMIT = 1e17;

    private RespDouble() {
    }

    /** {@code "%.17g"} of {@code value} (with {@code inf}, {@code -inf}, {@code nan}, {@code -nan}). */
    public static String format(double value) {
        byte[] tmp = new byte[32];
        int n = format(value, tmp);
        return new String(tmp, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Writes {@code "%.17g"} of {@code value} into {@code dst} (at least 32 bytes) and returns its length.
     */
    public static int format(double value, byte[] dst) {
        if (Double.isNaN(value)) {
            return ascii(Double.doubleToRawLongBits(value) < 0 ? "-nan" : "nan", dst);
        }
        if (Double.isInfinite(value)) {
            return ascii(value > 0 ? "inf" : "-inf", dst);
        }
        if (value == 0) {
            return ascii(Double.doubleToRawLongBits(value) < 0 ? "-0" : "0", dst);
        }
        if (value == Math.rint(value) && Math.abs(value) < FIXED_INTEGER_LIMIT) {
            return writeLong((long) value, dst, 0);
        }
        BigDecimal rounded = new BigDecimal(value).round(SEVENTEEN); // exact binary value, rounded as glibc does
        String digits = rounded.unscaledValue().abs().toString();
        int exponent = digits.length() - rounded.scale() - 1; // value = d.ddd * 10^exponent
        int significant = digits.length();
        while (significant > 1 && digits.charAt(significant - 1) == '0') {
            significant--;
        }
        int n = 0;
        if (value < 0) {
            dst[n++] = '-';
        }
        if (exponent < -4 || exponent >= 17) {
            dst[n++] = (byte) digits.charAt(0);
            if (significant > 1) {
                dst[n++] = '.';
                for (int i = 1; i < significant; i++) {
                    dst[n++] = (byte) digits.charAt(i);
                }
            }
            dst[n++] = 'e';
            dst[n++] = (byte) (exponent < 0 ? '-' : '+');
            int e = Math.abs(exponent);
            if (e < 10) {
                dst[n++] = '0';
            }
            n = writeLong(e, dst, n);
        } else if (exponent < 0) {
            dst[n++] = '0';
            dst[n++] = '.';
            for (int i = -1; i > exponent; i--) {
                dst[n++] = '0';
            }
            for (int i = 0; i < significant; i++) {
                dst[n++] = (byte) digits.charAt(i);
            }
        } else {
            for (int i = 0; i <= exponent; i++) {
                dst[n++] = i < significant ? (byte) digits.charAt(i) : (byte) '0';
            }
            if (significant > exponent + 1) {
                dst[n++] = '.';
                for (int i = exponent + 1; i < significant; i++) {
                    dst[n++] = (byte) digits.charAt(i);
                }
            }
        }
        return n;
    }

    private static int ascii(String s, byte[] dst) {
        for (int i = 0; i < s.length(); i++) {
            dst[i] = (byte) s.charAt(i);
        }
        return s.length();
    }

    /** Writes the decimal form of {@code v} at {@code dst[at]}; returns the end index. */
    static int writeLong(long v, byte[] dst, int at) {
        if (v == Long.MIN_VALUE) {
            return at + ascii("-9223372036854775808", dst, at);
        }
        int n = at;
        if (v < 0) {
            dst[n++] = '-';
            v = -v;
        }
        int len = digitCount(v);
        for (int i = n + len - 1; i >= n; i--) {
            dst[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return n + len;
    }

    private static int ascii(String s, byte[] dst, int at) {
        for (int i = 0; i < s.length(); i++) {
            dst[at + i] = (byte) s.charAt(i);
        }
        return s.length();
    }

    /** Decimal digits of a non-negative value. */
    static int digitCount(long v) {
        int d = 1;
        while (v >= 10) {
            v /= 10;
            d++;
        }
        return d;
    }
}
