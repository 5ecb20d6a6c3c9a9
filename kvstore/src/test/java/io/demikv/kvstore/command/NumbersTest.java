package io.demikv.kvstore.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Redis's string2ll rules and Redis-exact long double arithmetic for INCRBYFLOAT. */
class NumbersTest {
    private static boolean parses(String s, long expected) {
        byte[] b = ("##" + s + "##").getBytes(StandardCharsets.ISO_8859_1);
        long[] out = new long[1];
        return Numbers.parseLong(b, 2, b.length - 4, out) && out[0] == expected;
    }

    private static boolean rejects(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return !Numbers.parseLong(b, 0, b.length, new long[1]) && !Numbers.isCanonicalLong(b);
    }

    @Test
    void acceptsCanonicalIntegersAcrossTheWholeRange() {
        assertTrue(parses("0", 0));
        assertTrue(parses("-1", -1));
        assertTrue(parses("9223372036854775807", Long.MAX_VALUE));
        assertTrue(parses("-9223372036854775808", Long.MIN_VALUE));
        assertTrue(Numbers.isCanonicalLong("-9223372036854775808".getBytes(StandardCharsets.US_ASCII)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "+1", " 1", "1 ", "01", "-0", "00", "1a", "9223372036854775808",
            "-9223372036854775809", "99999999999999999999", "1.0", "0x10", "123456789012345678901"})
    void rejectsWhatString2llRejects(String s) {
        assertTrue(rejects(s), s);
    }

    @Test
    void formatsRoundTripForRandomValues() {
        SplittableRandom r = new SplittableRandom(1);
        long[] out = new long[1];
        for (int i = 0; i < 100_000; i++) {
            long v = r.nextLong();
            byte[] b = Numbers.toBytes(v);
            assertArrayEquals(Long.toString(v).getBytes(StandardCharsets.US_ASCII), b);
            assertTrue(Numbers.parseLong(b, 0, b.length, out));
            assertEquals(v, out[0]);
        }
        assertArrayEquals("-9223372036854775808".getBytes(StandardCharsets.US_ASCII), Numbers.toBytes(Long.MIN_VALUE));
        assertArrayEquals("0".getBytes(StandardCharsets.US_ASCII), Numbers.toBytes(0));
    }

    private static String add(String a, String b) throws LongDouble.Invalid {
        byte[] x = a.getBytes(StandardCharsets.US_ASCII);
        byte[] y = b.getBytes(StandardCharsets.US_ASCII);
        return LongDouble.format(LongDouble.add(LongDouble.parse(x, 0, x.length), LongDouble.parse(y, 0, y.length)));
    }

    @Test
    void incrbyfloatArithmeticMatchesX87LongDoubles() throws Exception {
        // Values observed from redis-server 7.0.15 on x86-64.
        assertEquals("3.3", add("1.1", "2.2"));
        assertEquals("0.3", add("0.1", "0.2"));
        assertEquals("10.5", add("10", ".5"));
        assertEquals("5", add("5.0e3", "-4995"));
        assertEquals("0", add("1e-30", "0"));
        assertEquals("0", add("-0.0", "0"));
        assertEquals("16", add("0x10", "0"));
        assertEquals("199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253"
                + "8437770786408934944501080264463042694991879211671948416288603928375359182000392063815573262192"
                + "0901421333587830679157787782912108712612253672980323726043417317850688976324758260171151463628"
                + "4849020905456510092687857156096", add("1e308", "1e308"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " 1", "1 ", "abc", "nan", "1e", "1e-5000", "1e5000", "0x", "0x1p", "--1", "."})
    void rejectsWhatStrtoldRejects(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        try {
            LongDouble.parse(b, 0, b.length);
            throw new AssertionError("accepted " + s);
        } catch (LongDouble.Invalid expected) {
            assertFalse(s.equals("1.5"));
        }
    }

    @Test
    void infinityParsesButCannotBeStored() throws Exception {
        byte[] inf = "-inf".getBytes(StandardCharsets.US_ASCII);
        assertEquals(LongDouble.INFINITE, LongDouble.parse(inf, 0, inf.length));
        assertEquals(LongDouble.INFINITE, LongDouble.add(LongDouble.of(1), LongDouble.INFINITE));
    }
}
