package io.demikv.kvstore.command;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * INCRBYFLOAT arithmetic as Redis does it on x86-64: C {@code long double} (the x87 80-bit format: a
 * 64-bit significand, exponents down to 2^-16445) parsed with {@code strtold}, added, and printed with
 * {@code "%.17Lf"} with trailing zeros removed ({@code ld2string}'s human mode). Values are kept as exact
 * {@link BigDecimal}s that are always rounded (half-even) to what an 80-bit register would hold, so the
 * printed digits match Redis byte for byte, also where the long double's binary noise shows (for example
 * {@code 1e308 + 1e308}). Stateless; any thread.
 */
public final class LongDouble {
    /** Redis's {@code MAX_LONG_DOUBLE_CHARS}: longer inputs are rejected. */
    static final int MAX_CHARS = 5 * 1024;
    private static final int SIGNIFICAND_BITS = 64;
    private static final int MAX_EXP = 16383;        // largest unbiased exponent
    private static final int MIN_QUANTUM = -16445;   // exponent of the smallest denormal
    /** A parsed infinity (strtold accepts "inf"); arithmetic with it yields {@link #INFINITE}. */
    public static final BigDecimal INFINITE = null;

    private LongDouble() {
    }

    /** Result of {@link #parse}: not a number or out of range (Redis's "not a valid float"). */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid() {
            super(null, null, false, false);
        }
    }

    private static final Invalid INVALID = new Invalid();

    /**
     * Parses as {@code string2ld}: returns the value rounded to long double, {@link #INFINITE} (null) for
     * an infinity, or throws {@link Invalid} for anything strtold would not fully consume, NaN, leading
     * whitespace, overflow and underflow to zero.
     */
    public static BigDecimal parse(byte[] b, int off, int len) throws Invalid {
        if (len == 0 || len >= MAX_CHARS) {
            throw INVALID;
        }
        String s = new String(b, off, len, StandardCharsets.ISO_8859_1);
        int i = 0;
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            i = 1;
        }
        String rest = s.substring(i).toLowerCase(java.util.Locale.ROOT);
        if (rest.equals("inf") || rest.equals("infinity")) {
            return INFINITE;
        }
        if (rest.startsWith("0x")) {
            return parseHex(rest.substring(2), s.charAt(0) == '-');
        }
        // digits [. digits] [e [+-] digits], at least one digit in the mantissa
        int j = i;
        int mantDigits = 0;
        while (j < len && isDigit(s.charAt(j))) {
            j++;
            mantDigits++;
        }
        if (j < len && s.charAt(j) == '.') {
            j++;
            while (j < len && isDigit(s.charAt(j))) {
                j++;
                mantDigits++;
            }
        }
        if (mantDigits == 0) {
            throw INVALID;
        }
        if (j < len && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
            int k = j + 1;
            if (k < len && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
                k++;
            }
            int expDigits = 0;
            while (k < len && isDigit(s.charAt(k))) {
                k++;
                expDigits++;
            }
            if (expDigits > 0) {
                j = k;
            }
        }
        if (j != len) {
            throw INVALID;
        }
        BigDecimal x;
        try {
            x = new BigDecimal(s.charAt(0) == '+' ? s.substring(1) : s);
        } catch (NumberFormatException | ArithmeticException e) {
            // exponent beyond int range: overflow or underflow, both rejected
            throw INVALID;
        }
        BigDecimal r = round(x);
        if (r == INFINITE || (r.signum() == 0 && x.signum() != 0)) {
            throw INVALID; // ERANGE: overflow to HUGE_VAL or underflow to zero
        }
        return r;
    }

    /** strtold's hexadecimal form after "0x": hex digits, an optional '.', an optional binary exponent. */
    private static BigDecimal parseHex(String t, boolean negative) throws Invalid {
        BigInteger mant = BigInteger.ZERO;
        int i = 0;
        int digits = 0;
        int fracDigits = 0;
        boolean dot = false;
        for (; i < t.length(); i++) {
            char c = t.charAt(i);
            int d = Character.digit(c, 16);
            if (d >= 0) {
                mant = mant.shiftLeft(4).add(BigInteger.valueOf(d));
                digits++;
                if (dot) {
                    fracDigits++;
                }
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            throw INVALID; // "0x" alone: strtold stops after the 0, leaving "x"
        }
        long exp = 0;
        if (i < t.length() && t.charAt(i) == 'p') {
            int k = i + 1;
            boolean neg = false;
            if (k < t.length() && (t.charAt(k) == '+' || t.charAt(k) == '-')) {
                neg = t.charAt(k) == '-';
                k++;
            }
            int start = k;
            while (k < t.length() && Character.isDigit(t.charAt(k)) && k - start < 9) {
                exp = exp * 10 + (t.charAt(k) - '0');
                k++;
            }
            if (k > start) {
                i = k;
                exp = neg ? -exp : exp;
            }
        }
        if (i != t.length()) {
            throw INVALID;
        }
        long e2 = exp - 4L * fracDigits;
        if (mant.signum() == 0) {
            return BigDecimal.ZERO;
        }
        if (e2 + mant.bitLength() > MAX_EXP + 2) {
            throw INVALID;
        }
        if (e2 + mant.bitLength() < MIN_QUANTUM - 2) {
            throw INVALID;
        }
        BigDecimal x = new BigDecimal(mant).multiply(pow2((int) e2));
        BigDecimal r = round(negative ? x.negate() : x);
        if (r == null || r.signum() == 0) {
            throw INVALID;
        }
        return r;
    }

    /** Parses a long-double value from a stored integer (Redis converts int-encoded values directly). */
    public static BigDecimal of(long v) {
        return round(BigDecimal.valueOf(v));
    }

    /** {@code a + b} rounded to long double; {@link #INFINITE} when either is infinite or it overflows. */
    public static BigDecimal add(BigDecimal a, BigDecimal b) {
        if (a == INFINITE || b == INFINITE) {
            return INFINITE;
        }
        return round(a.add(b));
    }

    /** Redis's {@code ld2string(..., LD_STR_HUMAN)}: {@code %.17Lf}, trailing zeros and dot removed. */
    public static String format(BigDecimal v) {
        String s = v.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        int end = s.length();
        if (s.indexOf('.') >= 0) {
            while (s.charAt(end - 1) == '0') {
                end--;
            }
            if (s.charAt(end - 1) == '.') {
                end--;
            }
        }
        s = s.substring(0, end);
        return s.equals("-0") ? "0" : s;
    }

    /** Rounds {@code x} to the nearest x87 extended value (ties to even); null on overflow. */
    static BigDecimal round(BigDecimal x) {
        if (x.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal abs = x.abs();
        // Estimate floor(log2 |x|) and correct it with exact powers of two.
        double est = (abs.unscaledValue().bitLength() - 1) - abs.scale() * 3.321928094887362;
        if (est > MAX_EXP + 2) {
            return null;
        }
        if (est < MIN_QUANTUM - 4) {
            return BigDecimal.ZERO;
        }
        int e = (int) Math.floor(est);
        while (pow2(e).compareTo(abs) > 0) {
            e--;
        }
        while (pow2(e + 1).compareTo(abs) <= 0) {
            e++;
        }
        int q = Math.max(e - (SIGNIFICAND_BITS - 1), MIN_QUANTUM);
        BigInteger m = abs.multiply(pow2(-q)).setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        if (m.signum() == 0) {
            return BigDecimal.ZERO;
        }
        // After rounding m may be 2^64: then the value is 2^(e+1), still exact.
        int top = q + m.bitLength() - 1;
        if (top > MAX_EXP) {
            return null;
        }
        BigDecimal r = new BigDecimal(m).multiply(pow2(q));
        return x.signum() < 0 ? r.negate() : r;
    }

    /** 2^k exactly. */
    private static BigDecimal pow2(int k) {
        if (k >= 0) {
            return new BigDecimal(BigInteger.ONE.shiftLeft(k));
        }
        return new BigDecimal(BigInteger.valueOf(5).pow(-k), -k);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
