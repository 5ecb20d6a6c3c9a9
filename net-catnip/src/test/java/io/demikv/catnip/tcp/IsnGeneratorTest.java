package io.demikv.catnip.tcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class IsnGeneratorTest {
    @Test
    void sipHashMatchesTheReferenceVector() {
        // The SipHash paper's key 00..0f; message 00..0f (16 bytes): reference vector 16 of vectors.h.
        long k0 = 0x0706050403020100L;
        long k1 = 0x0f0e0d0c0b0a0908L;
        IsnGenerator g = new IsnGenerator(new long[] {k0, k1});
        assertEquals(0x3f2acc7f57c29bdbL, g.sipHash24(0x0706050403020100L, 0x0f0e0d0c0b0a0908L));
    }

    @Test
    void advancesWithTheFourMicrosecondClockAndDiffersPerTuple() {
        IsnGenerator g = new IsnGenerator(new long[] {42, 43});
        int a = g.isn(0x0a000001, 80, 0x0a000002, 50000, 1_000_000);
        int b = g.isn(0x0a000001, 80, 0x0a000002, 50000, 1_000_000 + 4_000 * 250);
        assertEquals(250, SeqNumber.distance(a, b), "RFC 6528: M ticks every 4 microseconds");
        int other = g.isn(0x0a000001, 80, 0x0a000002, 50001, 1_000_000);
        assertNotEquals(a, other, "another 4-tuple, another offset");
        IsnGenerator otherKey = new IsnGenerator(new long[] {42, 44});
        assertNotEquals(a, otherKey.isn(0x0a000001, 80, 0x0a000002, 50000, 1_000_000), "the secret matters");
    }
}
