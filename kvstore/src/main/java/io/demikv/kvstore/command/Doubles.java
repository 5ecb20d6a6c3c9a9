package io.demikv.kvstore.command;

import java.nio.charset.StandardCharsets;

/**
 * Double parsing exactly as Redis 7.0 reads scores and weights, on top of an emulation of glibc's
 * {@code strtod}: leading white space, a sign, {@code inf}/{@code infinity}/{@code nan[(...)]} in any
 * case, decimal digits with an optional fraction and exponent, and hexadecimal {@code 0x} forms with an
 * optional binary exponent; conversion stops at the first byte that does not fit (a NUL included, as C
 * strings end there). Decimal and hexadecimal values are rounded correctly, as glibc does, through
 * {@link Double#parseDouble} on the validated text. Stateless; any thread.
 */
final class Doubles {
    /** Result of {@link #strtod}: bytes consumed (0: no conversion), the value and whether errno was ERANGE. */
    static final class Parse {
        int consumed;
        double value;
        boolean erange;
    }

    private Doubles() {
    }

    /**
     * Redis's {@code string2d} (scores of ZADD/ZINCRBY, weights, SORT's BY values): the whole slice must
     * convert, with no leading space, no NaN, and no overflow or underflow to zero. False otherwise.
     */
    static boolean parseStrict(byte[] b, int off, int len, Parse out) {
        if (len == 0 || isSpace(b[off])) {
            return false;
        }
        strtod(b, off, len, out);
        if (out.consumed != len || Double.isNaN(out.value)) {
            return false;
        }
        return !(out.erange && (Double.isInfinite(out.value) || out.value == 0));
    }

    /**
     * The score bound of ZRANGEBYSCORE, ZCOUNT and friends ({@code zslParseRange}): strtod must stop at
     * the end of the C string (the slice end or a NUL), and NaN is refused; white space, an empty string
     * (0) and overflow to infinity are accepted. False when the bound is invalid.
     */
    static boolean parseBound(byte[] b, int off, int len, Parse out) {
        strtod(b, off, len, out);
        int stop = off + out.consumed;
        if (stop < off + len && b[stop] != 0) {
            return false;
        }
        return !Double.isNaN(out.value);
    }

    /**
     * Redis 7.0's {@code d2string}, the text a listpack sorted set stores its scores as (and ZSCAN returns
     * for it): an integral value within +-2^62 in integer form (so -0 becomes "0"), anything else as
     * {@code %.17g}, infinities as {@code inf}/{@code -inf}.
     */
    static String d2string(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d >= -(double) (Long.MAX_VALUE / 2) && d <= (double) (Long.MAX_VALUE / 2) && (long) d == d) {
            return Long.toString((long) d);
        }
        return io.demikv.kvstore.resp.RespDouble.format(d);
    }

    static boolean isSpace(byte c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** glibc's strtod over {@code b[off, off + len)} treated as a C string. */
    static void strtod(byte[] b, int off, int len, Parse out) {
        out.consumed = 0;
        out.value = 0;
        out.erange = false;
        int end = off + len;
        for (int k = off; k < end; k++) {
            if (b[k] == 0) {
                end = k;
                break;
            }
        }
        int i = off;
        while (i < end && isSpace(b[i])) {
            i++;
        }
        boolean neg = false;
        if (i < end && (b[i] == '+' || b[i] == '-')) {
            neg = b[i] == '-';
            i++;
        }
        if (matches(b, i, end, "inf")) {
            int n = matches(b, i, end, "infinity") ? 8 : 3;
            out.consumed = i + n - off;
            out.value = neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            return;
        }
        if (matches(b, i, end, "nan")) {
            int j = i + 3;
            if (j < end && b[j] == '(') {
                int k = j + 1;
                while (k < end && (Character.isLetterOrDigit(b[k]) || b[k] == '_')) {
                    k++;
                }
                if (k < end && b[k] == ')') {
                    j = k + 1;
                }
            }
            out.consumed = j - off;
            out.value = Double.NaN;
            return;
        }
        if (i + 1 < end && b[i] == '0' && (b[i + 1] == 'x' || b[i + 1] == 'X')) {
            if (hex(b, i + 2, end, neg, out)) {
                out.consumed -= off;
                return;
            }
            // "0x" without hex digits: only the 0 converts
            out.consumed = i + 1 - off;
            out.value = neg ? -0.0 : 0.0;
            return;
        }
        int start = i;
        int digits = 0;
        boolean nonZero = false;
        while (i < end && isDigit(b[i])) {
            nonZero |= b[i] != '0';
            i++;
            digits++;
        }
        if (i < end && b[i] == '.') {
            i++;
            while (i < end && isDigit(b[i])) {
                nonZero |= b[i] != '0';
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return; // no conversion: consumed stays 0
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            int k = i + 1;
            if (k < end && (b[k] == '+' || b[k] == '-')) {
                k++;
            }
            if (k < end && isDigit(b[k])) {
                while (k < end && isDigit(b[k])) {
                    k++;
                }
                i = k;
            }
        }
        String text = new String(b, start, i - start, StandardCharsets.ISO_8859_1);
        double v = parseDecimal(text);
        out.consumed = i - off;
        out.value = neg ? -v : v;
        out.erange = Double.isInfinite(v) || (nonZero && (v == 0 || Math.abs(v) < Double.MIN_NORMAL));
    }

    /** Decimal text (digits, fraction, exponent) to double; huge exponents saturate instead of failing. */
    private static double parseDecimal(String text) {
        int e = Math.max(text.indexOf('e'), text.indexOf('E'));
        if (e >= 0) {
            // Java rejects exponents beyond int; glibc saturates them. Clamp to a value that still saturates.
            String exp = text.substring(e + 1);
            boolean negExp = exp.startsWith("-");
            String digits = exp.replaceFirst("^[+-]", "").replaceFirst("^0+(?=.)", "");
            if (digits.length() > 9) {
                text = text.substring(0, e + 1) + (negExp ? "-" : "") + "999999999";
            }
        }
        return Double.parseDouble(text);
    }

    /** Hex digits with an optional point and p-exponent after "0x"; false when no digit follows. */
    private static boolean hex(byte[] b, int i, int end, boolean neg, Parse out) {
        int start = i;
        int digits = 0;
        while (i < end && Character.digit(b[i], 16) >= 0) {
            i++;
            digits++;
        }
        int intEnd = i;
        int fracStart = i;
        if (i < end && b[i] == '.') {
            i++;
            fracStart = i;
            while (i < end && Character.digit(b[i], 16) >= 0) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        int mantEnd = i;
        String exp = "0";
        if (i < end && (b[i] == 'p' || b[i] == 'P')) {
            int k = i + 1;
            if (k < end && (b[k] == '+' || b[k] == '-')) {
                k++;
            }
            if (k < end && isDigit(b[k])) {
                while (k < end && isDigit(b[k])) {
                    k++;
                }
                exp = new String(b, i + 1, k - i - 1, StandardCharsets.ISO_8859_1);
                i = k;
            }
        }
        String intPart = new String(b, start, intEnd - start, StandardCharsets.ISO_8859_1);
        String frac = mantEnd > fracStart ? new String(b, fracStart, mantEnd - fracStart, StandardCharsets.ISO_8859_1)
                : "";
        String digitsOnly = exp.replaceFirst("^[+-]", "").replaceFirst("^0+(?=.)", "");
        if (digitsOnly.length() > 9) {
            exp = (exp.startsWith("-") ? "-" : "") + "999999999";
        }
        boolean nonZero = !(intPart + frac).chars().allMatch(c -> c == '0');
        double v = Double.parseDouble("0x" + (intPart.isEmpty() ? "0" : intPart) + "." + frac + "p" + exp);
        out.consumed = i;
        out.value = neg ? -v : v;
        out.erange = Double.isInfinite(v) || (nonZero && (v == 0 || Math.abs(v) < Double.MIN_NORMAL));
        return true;
    }

    private static boolean matches(byte[] b, int i, int end, String word) {
        if (end - i < word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            int c = b[i + k];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }
}
