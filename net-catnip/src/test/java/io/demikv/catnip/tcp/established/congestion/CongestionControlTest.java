package io.demikv.catnip.tcp.established.congestion;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CongestionControlTest {
    static final int MSS = 1000;
    static final long S = 1_000_000_000L;

    @Test
    void newRenoDoublesPerRttInSlowStartThenGrowsOneSegmentPerWindow() {
        NewReno cc = new NewReno(MSS);
        assertEquals(4 * MSS, cc.cwnd(), "RFC 5681 §3.1: 4 segments for a 1000-byte MSS");
        for (int i = 0; i < 4; i++) {
            cc.onAck(MSS, 0, -1);
        }
        assertEquals(8 * MSS, cc.cwnd(), "one MSS per ACK in slow start");
        cc.onTimeout(8 * MSS, 0);
        assertEquals(MSS, cc.cwnd(), "the loss window");
        assertEquals(4 * MSS, cc.ssthresh(), "half the flight");
        for (int i = 0; i < 3; i++) {
            cc.onAck(MSS, 0, -1);
        }
        assertEquals(4 * MSS, cc.cwnd());
        for (int i = 0; i < 4; i++) {
            cc.onAck(MSS, 0, -1); // congestion avoidance: a window's worth of ACKs adds one MSS
        }
        assertEquals(5 * MSS, cc.cwnd());
    }

    @Test
    void cubicReducesByBetaAndRegrowsConcaveToTheOldMaximumAroundK() {
        Cubic cc = new Cubic(MSS);
        // Grow to 100 segments in slow start, then lose.
        while (cc.cwnd() < 100 * MSS) {
            cc.onAck(MSS, 0, -1);
        }
        cc.onFastRetransmit(100 * MSS, 0);
        cc.onRecoveryExit(70 * MSS);
        assertEquals(70 * MSS, cc.cwnd(), "RFC 9438 §4.6: beta 0.7");
        assertEquals(100, cc.wMax(), 1e-9);
        // One ACK per segment, 100 ms RTT: K = cbrt(100 * 0.3 / 0.4) = 4.2 s.
        long now = 0;
        long rtt = 100_000_000L;
        long[] perRtt = new long[100];
        for (int r = 0; r < perRtt.length; r++) {
            long window = cc.cwnd() / MSS;
            for (int i = 0; i < window; i++) {
                cc.onAck(MSS, now, rtt);
            }
            now += rtt;
            perRtt[r] = cc.cwnd();
            assertTrue(r == 0 || perRtt[r] >= perRtt[r - 1], "never shrinks without a loss");
        }
        assertEquals(4.2, cc.k(), 0.05);
        long atK = perRtt[41];
        assertTrue(Math.abs(atK - 100 * MSS) <= 3 * MSS, "back near W_max at K: " + atK);
        long early = perRtt[10] - perRtt[9];
        long plateau = perRtt[42] - perRtt[41];
        long late = perRtt[90] - perRtt[89];
        assertTrue(early > plateau, "concave before K: " + early + " > " + plateau);
        assertTrue(late > plateau, "convex after K: " + late + " > " + plateau);
        assertTrue(perRtt[99] > 110 * MSS, "probing beyond W_max: " + perRtt[99]);
    }

    @Test
    void cubicFastConvergenceLowersWmaxWhenLossesComeEarlier() {
        Cubic cc = new Cubic(MSS);
        while (cc.cwnd() < 100 * MSS) {
            cc.onAck(MSS, 0, -1);
        }
        cc.onFastRetransmit(100 * MSS, 0);
        cc.onRecoveryExit(0);
        cc.onFastRetransmit(70 * MSS, S); // a loss below the previous W_max
        assertEquals(70 * (1 + Cubic.BETA) / 2, cc.wMax(), 1e-9, "RFC 9438 §4.7");
    }
}
