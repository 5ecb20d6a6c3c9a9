package io.demikv.catnip.tcp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeqNumberTest {
    @Test
    void ordersAcrossTheWrap() {
        int before = 0xFFFF_FFF0;
        int after = SeqNumber.add(before, 0x20);
        assertEquals(0x10, after);
        assertTrue(SeqNumber.lt(before, after), "0xFFFFFFF0 precedes 0x10 after wrapping");
        assertTrue(SeqNumber.gt(after, before));
        assertEquals(0x20, SeqNumber.distance(before, after));
        assertEquals(after, SeqNumber.max(before, after));
        assertEquals(before, SeqNumber.min(after, before));
        assertTrue(SeqNumber.le(after, after) && SeqNumber.ge(after, after));
    }

    @Test
    void windowTestFollowsRfc9293() {
        assertTrue(SeqNumber.inWindow(0xFFFF_FFFF, 0xFFFF_FFF0, 0x20));
        assertTrue(SeqNumber.inWindow(0x0F, 0xFFFF_FFF0, 0x20));
        assertFalse(SeqNumber.inWindow(0x10, 0xFFFF_FFF0, 0x20), "the end is outside");
        assertFalse(SeqNumber.inWindow(0xFFFF_FFEF, 0xFFFF_FFF0, 0x20), "before the start");
        assertFalse(SeqNumber.inWindow(5, 5, 0), "an empty window holds nothing");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void agreesWithUnboundedArithmeticForDistancesBelowHalfTheSpace(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 100_000; i++) {
            long a = random.nextLong() & 0xFFFF_FFFFL;                 // any start, wraps included
            long d = random.nextLong() % (1L << 31);                    // |d| < 2^31
            long b = a + d;                                             // the "true" position, not wrapped
            int wa = (int) a;
            int wb = (int) b;
            assertEquals(Long.signum(b - a), SeqNumber.compare(wb, wa), "a=" + a + " d=" + d);
            assertEquals(d, SeqNumber.distance(wa, wb));
            assertEquals(wb, SeqNumber.add(wa, (int) d));
        }
    }
}
