package io.demikv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cases follow Redis's {@code stringmatchlen} in {@code util.c} (7.x) and its KEYS/SCAN tests; the
 * reference matcher at the bottom is a direct recursive transcription used to cross-check on random
 * inputs.
 */
class GlobTest {

    @ParameterizedTest(name = "\"{0}\" ~ \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "*|foo|true",
        "foo*|foobar|true",
        "foo*|fo|false",
        "*bar|foobar|true",
        "f*r|foobar|true",
        "f*o*b*r|foobar|true",
        "f**r|foobar|true",
        "h?llo|hello|true",
        "h?llo|hllo|false",
        "h??llo|heello|true",
        "h[ae]llo|hallo|true",
        "h[ae]llo|hillo|false",
        "h[^e]llo|hallo|true",
        "h[^e]llo|hello|false",
        "h[a-b]llo|hbllo|true",
        "h[a-b]llo|hcllo|false",
        "h[b-a]llo|hallo|true",
        "[0-9][0-9]|42|true",
        "user:*:name|user:1000:name|true",
        "user:*:name|user:1000:email|false",
        "\\*|*|true",
        "\\*|a|false",
        "a\\?c|a?c|true",
        "a\\?c|abc|false",
        "[\\]]|]|true",
        "[\\-]|-|true",
        "[a\\-z]|b|false",
        "foo\\|foo\\|true",
        "[]a|a|false",
        "[^]|x|true",
        "[abc|b|true",
        "[abc|d|false",
        "[|[|false",
        "[a-]|]|true",
        "*a|a|true",
        "a*|a|true",
        "``|``|true",
        "*|``|false",
        "**|``|false",
        "a|``|false",
        "``|a|false",
        "*[*]|x*|true",
        "*?|ab|true",
    })
    void matchesLikeRedis(String pattern, String text, boolean expected) {
        assertEquals(expected, Glob.matches(pattern, text), pattern + " ~ " + text);
        assertEquals(expected, reference(bytes(pattern), 0, bytes(text), 0, false));
    }

    @ParameterizedTest(name = "nocase \"{0}\" ~ \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', value = {
        "HELLO|hello|true",
        "h*O|HellO|true",
        "[A-Z]|q|true",
        "[a-z]|Q|true",
        "[^A-Z]|q|false",
        "[Q]|q|true",
        "[\\Q]|q|false",
        "\\Q|q|true",
        "maxmemory*|MAXMEMORY-POLICY|true",
    })
    void nocaseFoldsAsciiLettersOnly(String pattern, String text, boolean expected) {
        assertEquals(expected, Glob.matches(pattern, text, true));
        assertEquals(expected, reference(bytes(pattern), 0, bytes(text), 0, true));
    }

    @Test
    void nocaseDoesNotFoldBeyondAscii() {
        assertFalse(Glob.matches("\u00c9", "\u00e9", true));
        assertTrue(Glob.matches("\u00e9", "\u00e9", true));
    }

    @Test
    void questionMarkMatchesOneByteNotOneCharacter() {
        assertTrue(Glob.matches("??", "\u00e9"));
        assertFalse(Glob.matches("?", "\u00e9"));
    }

    @Test
    void matchesSlicesOfLargerBuffers() {
        byte[] buffer = "xxuser:42yy".getBytes(StandardCharsets.US_ASCII);
        byte[] pattern = "--user:4?--".getBytes(StandardCharsets.US_ASCII);
        assertTrue(Glob.matches(pattern, 2, 7, buffer, 2, 7, false));
        assertFalse(Glob.matches(pattern, 2, 7, buffer, 2, 8, false));
        assertFalse(Glob.matches(pattern, 2, 7, buffer, 1, 7, false));
    }

    @Test
    void bytesCompareSignedAsRedisDoes() {
        byte[] pattern = {'[', (byte) 0x80, '-', (byte) 0xff, ']'};
        assertTrue(Glob.matches(pattern, new byte[] {(byte) 0x90}, false));
        assertFalse(Glob.matches(pattern, new byte[] {'a'}, false));
    }

    @Test
    void pathologicalStarPatternFinishesQuickly() {
        String text = "a".repeat(100_000);
        String pattern = "a*".repeat(1000) + "b";
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertFalse(Glob.matches(pattern, text)));
        String redisRegression = "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
        assertTimeoutPreemptively(Duration.ofSeconds(1),
                () -> assertFalse(Glob.matches(redisRegression, "a".repeat(110))));
    }

    @Test
    void moreThanAThousandNestedStarsNeverMatchAsInRedis() {
        // Redis's KEYS regression test: 50000 x "*?" against 50000 'a' returns nothing.
        String text = "a".repeat(50_000);
        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertFalse(Glob.matches("*?".repeat(50_000), text)));
        assertTrue(Glob.matches("*?".repeat(1000), text), "1000 nested stars are still fine");
        assertTrue(Glob.matches("a*".repeat(1001), text), "a trailing 1001st star needs no nesting");
        assertFalse(Glob.matches("a*".repeat(1001) + "a", text));
    }

    @Test
    void nestingLimitAgreesWithRedisTranscriptionAtTheBoundary() {
        byte[] text = bytes("a".repeat(2500));
        for (String pattern : new String[] {"*?".repeat(1000), "*?".repeat(1001), "a*".repeat(1001),
            "a*".repeat(1001) + "a", "a*".repeat(1000) + "a", "*[a]".repeat(1001), "\\*?".repeat(1500)}) {
            byte[] p = bytes(pattern);
            assertEquals(reference(p, 0, text, 0, false), Glob.matches(p, text, false),
                    pattern.substring(0, 8) + "... (" + pattern.length() + " bytes)");
        }
    }

    @Test
    void agreesWithRedisTranscriptionOnRandomInputs() {
        Random random = new Random(20240611L);
        byte[] alphabet = {'a', 'b', 'A', '*', '?', '[', ']', '^', '-', '\\', (byte) 0xc3};
        for (int round = 0; round < 200_000; round++) {
            byte[] p = new byte[random.nextInt(9)];
            byte[] s = new byte[random.nextInt(9)];
            for (int i = 0; i < p.length; i++) {
                p[i] = alphabet[random.nextInt(alphabet.length)];
            }
            for (int i = 0; i < s.length; i++) {
                s[i] = alphabet[random.nextInt(alphabet.length)];
            }
            boolean nocase = random.nextBoolean();
            boolean expected = reference(p, 0, s, 0, nocase);
            if (expected != Glob.matches(p, s, nocase)) {
                throw new AssertionError("pattern " + new String(p, StandardCharsets.ISO_8859_1) + " text "
                        + new String(s, StandardCharsets.ISO_8859_1) + " nocase " + nocase + ": expected "
                        + expected);
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- a direct transcription of Redis's recursive stringmatchlen_impl, for small inputs ----------

    private static boolean reference(byte[] p, int pi, byte[] s, int si, boolean nocase) {
        return referenceImpl(p, pi, s, si, nocase, new boolean[1], 0);
    }

    /** Reads like C: past the end is the NUL terminator. */
    private static int at(byte[] a, int i) {
        return i < a.length ? a[i] : 0;
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean referenceImpl(byte[] p, int pi, byte[] s, int si, boolean nocase, boolean[] skip,
                                         int nesting) {
        if (nesting > 1000) {
            return false;
        }
        int plen = p.length - pi;
        int slen = s.length - si;
        while (plen > 0 && slen > 0) {
            switch (at(p, pi)) {
                case '*' -> {
                    while (plen > 0 && at(p, pi + 1) == '*') {
                        pi++;
                        plen--;
                    }
                    if (plen == 1) {
                        return true;
                    }
                    while (slen > 0) {
                        if (referenceImpl(p, pi + 1, s, si, nocase, skip, nesting + 1)) {
                            return true;
                        }
                        if (skip[0]) {
                            return false;
                        }
                        si++;
                        slen--;
                    }
                    skip[0] = true;
                    return false;
                }
                case '?' -> {
                    si++;
                    slen--;
                }
                case '[' -> {
                    pi++;
                    plen--;
                    boolean not = at(p, pi) == '^';
                    if (not) {
                        pi++;
                        plen--;
                    }
                    boolean match = false;
                    while (true) {
                        if (at(p, pi) == '\\' && plen >= 2) {
                            pi++;
                            plen--;
                            if (at(p, pi) == at(s, si)) {
                                match = true;
                            }
                        } else if (at(p, pi) == ']') {
                            break;
                        } else if (plen == 0) {
                            pi--;
                            plen++;
                            break;
                        } else if (plen >= 3 && at(p, pi + 1) == '-') {
                            int start = at(p, pi);
                            int end = at(p, pi + 2);
                            int c = at(s, si);
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            if (nocase) {
                                start = lower(start);
                                end = lower(end);
                                c = lower(c);
                            }
                            pi += 2;
                            plen -= 2;
                            if (c >= start && c <= end) {
                                match = true;
                            }
                        } else if (nocase ? lower(at(p, pi)) == lower(at(s, si)) : at(p, pi) == at(s, si)) {
                            match = true;
                        }
                        pi++;
                        plen--;
                    }
                    if (not) {
                        match = !match;
                    }
                    if (!match) {
                        return false;
                    }
                    si++;
                    slen--;
                }
                default -> {
                    if (at(p, pi) == '\\' && plen >= 2) {
                        pi++;
                        plen--;
                    }
                    if (nocase ? lower(at(p, pi)) != lower(at(s, si)) : at(p, pi) != at(s, si)) {
                        return false;
                    }
                    si++;
                    slen--;
                }
            }
            pi++;
            plen--;
            if (slen == 0) {
                while (at(p, pi) == '*' && plen > 0) {
                    pi++;
                    plen--;
                }
                break;
            }
        }
        return plen == 0 && slen == 0;
    }
}
