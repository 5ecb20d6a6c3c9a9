package io.demikv.config;

import java.nio.charset.StandardCharsets;

/**
 * Redis-compatible glob matching ({@code stringmatchlen} in Redis's {@code util.c}), used by
 * {@code CONFIG GET} here and by the server's {@code KEYS}, {@code SCAN MATCH} and pub/sub patterns.
 *
 * <p>Syntax, on bytes: {@code *} any run (also empty), {@code ?} any one byte, {@code [abc]} one of,
 * {@code [^abc]} none of, {@code [a-z]} a range (reversed ranges work), {@code \x} the byte {@code x}
 * literally, inside and outside a class. Redis's corner cases are kept: an unterminated class runs to
 * the end of the pattern, {@code []} matches nothing, {@code [^]} any byte, a trailing {@code \} is a
 * literal backslash, an escaped byte inside a class is compared case-sensitively even with
 * {@code nocase}, and {@code nocase} folds ASCII letters only. Bytes compare as signed values, as C's
 * {@code char} does on x86, which matters only for ranges that span 0x7f.
 *
 * <p>Work is bounded: the matcher is iterative with one backtrack point (the most recent {@code *}),
 * so it costs O(pattern × text) at worst and never recurses; {@code a*a*a*...b} finishes at once. Redis
 * bounds its recursion to 1000 nested {@code *}: a pattern whose 1001st {@code *} group is followed by
 * more pattern never matches there, and never matches here either. Like Redis, a non-empty pattern
 * never matches an empty text, not even {@code *}: callers that want "everything" for a lone
 * {@code *} test for it first, as Redis's {@code KEYS} and {@code SCAN} do.
 *
 * <p>Stateless and allocation-free for byte arrays; any thread. The {@link String} overloads match the
 * UTF-8 bytes, so {@code ?} matches one byte, as in Redis.
 */
public final class Glob {
    /** Redis's {@code stringmatchlen_impl} returns "no match" when nesting exceeds this. */
    static final int MAX_NESTED_STARS = 1000;

    private Glob() {
    }

    /** Case-sensitive match of {@code text} against {@code pattern}. */
    public static boolean matches(String pattern, String text) {
        return matches(pattern, text, false);
    }

    /** Matches the UTF-8 bytes of {@code text} against those of {@code pattern}. */
    public static boolean matches(String pattern, String text, boolean nocase) {
        byte[] p = pattern.getBytes(StandardCharsets.UTF_8);
        byte[] s = text.getBytes(StandardCharsets.UTF_8);
        return matches(p, 0, p.length, s, 0, s.length, nocase);
    }

    /** Matches whole byte arrays. */
    public static boolean matches(byte[] pattern, byte[] text, boolean nocase) {
        return matches(pattern, 0, pattern.length, text, 0, text.length, nocase);
    }

    /**
     * Matches {@code text[textOffset, textOffset + textLength)} against
     * {@code pattern[patternOffset, patternOffset + patternLength)}; for keys that live in a larger buffer.
     */
    public static boolean matches(byte[] pattern, int patternOffset, int patternLength,
                                  byte[] text, int textOffset, int textLength, boolean nocase) {
        int pEnd = patternOffset + patternLength;
        int sEnd = textOffset + textLength;
        if (textLength == 0) {
            // Redis's loop runs only while both sides have bytes left, so even "*" does not match an
            // empty text there (KEYS and SCAN special-case the lone "*" before calling it).
            return patternLength == 0;
        }
        if (patternLength > 2 * MAX_NESTED_STARS && exceedsNesting(pattern, patternOffset, pEnd)) {
            return false;
        }
        int pi = patternOffset;
        int si = textOffset;
        int starNext = -1; // pattern index just after the latest '*' group
        int starText = -1; // text index where that '*' currently stops
        while (si < sEnd) {
            if (pi < pEnd && pattern[pi] == '*') {
                while (pi < pEnd && pattern[pi] == '*') {
                    pi++;
                }
                if (pi == pEnd) {
                    return true; // a trailing '*' swallows the rest
                }
                starNext = pi;
                starText = si;
                continue;
            }
            if (pi < pEnd) {
                int next = matchToken(pattern, pi, pEnd, text[si], nocase);
                if (next >= 0) {
                    pi = next;
                    si++;
                    continue;
                }
            }
            // Mismatch: let the latest '*' swallow one more byte. Earlier stars never need to grow,
            // because anything they could absorb the latest one can absorb too.
            if (starNext < 0) {
                return false;
            }
            pi = starNext;
            si = ++starText;
        }
        while (pi < pEnd && pattern[pi] == '*') {
            pi++;
        }
        return pi == pEnd;
    }

    /**
     * True when the pattern has more than {@link #MAX_NESTED_STARS} groups of {@code *} and pattern
     * follows the first group beyond the limit: Redis's recursion gives up there, so it cannot match.
     */
    private static boolean exceedsNesting(byte[] p, int pi, int pEnd) {
        int groups = 0;
        while (pi < pEnd) {
            if (p[pi] == '*') {
                while (pi < pEnd && p[pi] == '*') {
                    pi++;
                }
                if (++groups > MAX_NESTED_STARS && pi < pEnd) {
                    return true;
                }
            } else {
                int next = matchToken(p, pi, pEnd, (byte) 0, false);
                pi = next >= 0 ? next : ~next;
            }
        }
        return false;
    }

    /**
     * Matches one non-star token at {@code pi} against byte {@code c}.
     *
     * @return the index after the token when it matches, or its bitwise complement when it does not
     */
    private static int matchToken(byte[] p, int pi, int pEnd, byte c, boolean nocase) {
        byte b = p[pi];
        if (b == '?') {
            return pi + 1;
        }
        if (b == '[') {
            return matchClass(p, pi + 1, pEnd, c, nocase);
        }
        if (b == '\\' && pEnd - pi >= 2) {
            b = p[++pi];
        }
        return same(b, c, nocase) ? pi + 1 : ~(pi + 1);
    }

    /** Matches a class whose body starts at {@code i} (just after '['). */
    private static int matchClass(byte[] p, int i, int pEnd, byte c, boolean nocase) {
        boolean not = i < pEnd && p[i] == '^';
        if (not) {
            i++;
        }
        boolean match = false;
        int next;
        while (true) {
            if (i >= pEnd) {
                next = pEnd; // unterminated: the class runs to the end of the pattern
                break;
            }
            byte b = p[i];
            if (b == '\\' && pEnd - i >= 2) {
                i++;
                if (p[i] == c) { // Redis compares escaped class members case-sensitively
                    match = true;
                }
            } else if (b == ']') {
                next = i + 1;
                break;
            } else if (pEnd - i >= 3 && p[i + 1] == '-') {
                int start = p[i];
                int end = p[i + 2];
                int x = c;
                if (start > end) {
                    int t = start;
                    start = end;
                    end = t;
                }
                if (nocase) {
                    start = lower(start);
                    end = lower(end);
                    x = lower(x);
                }
                i += 2;
                if (x >= start && x <= end) {
                    match = true;
                }
            } else if (same(b, c, nocase)) {
                match = true;
            }
            i++;
        }
        return match != not ? next : ~next;
    }

    private static boolean same(byte a, byte b, boolean nocase) {
        return a == b || (nocase && lower(a) == lower(b));
    }

    /** C's {@code tolower} in the "C" locale: ASCII letters only. */
    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
}
