package io.demikv.catnip.tcp.established;

import io.demikv.catnip.tcp.established.congestion.NewReno;
import io.demikv.libos.sched.Timers;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetransmitterTest {
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    Retransmitter rtx(long minRto) {
        return new Retransmitter(new Timers(), (id, now) -> { }, S, minRto, 60 * S, new NewReno(1000));
    }

    @Test
    void estimatesTheRtoAsRfc6298Section2() {
        Retransmitter r = rtx(MS);
        assertEquals(S, r.rto(), "before any sample: 1 s");
        r.sample(100 * MS);
        assertEquals(100 * MS, r.srtt());
        assertEquals(50 * MS, r.rttvar());
        assertEquals(300 * MS, r.rto(), "SRTT + 4 RTTVAR");
        r.sample(200 * MS);
        assertEquals(62_500_000L, r.rttvar(), "3/4 * 50 + 1/4 * |100 - 200|");
        assertEquals(112_500_000L, r.srtt(), "7/8 * 100 + 1/8 * 200");
        assertEquals(112_500_000L + 4 * 62_500_000L, r.rto());
    }

    @Test
    void keepsTheRtoWithinItsBoundsAndBacksOffExponentially() {
        Retransmitter r = rtx(S);
        r.sample(MS);
        assertEquals(S, r.rto(), "RFC 6298 §2.4: at least 1 s");
        r.expired();
        assertEquals(2 * S, r.rto());
        r.expired();
        assertEquals(4 * S, r.rto());
        for (int i = 0; i < 10; i++) {
            r.expired();
        }
        assertEquals(60 * S, r.rto(), "§2.5: at most the maximum");
        assertEquals(12, r.retries());
        r.onNewAck(1, 1000, 0, 0);
        assertEquals(S, r.rto(), "new data acknowledged: the backoff is undone");
        assertEquals(0, r.retries());
    }

    @Test
    void karnsRuleIgnoresRetransmittedSegments() {
        Retransmitter r = rtx(MS);
        r.timeSegment(1000, 0);
        r.expired(); // the timed segment is sent again: its ACK would be ambiguous
        r.sampleOnAck(1000, 3 * S);
        assertEquals(-1, r.srtt(), "no sample from a retransmitted segment");
        r.timeSegment(2000, 4 * S);
        r.sampleOnAck(2000, 4 * S + 20 * MS);
        assertEquals(20 * MS, r.srtt());
    }

    @Test
    void thirdDuplicateAckStartsFastRecoveryOnce() {
        Retransmitter r = rtx(MS);
        r.start(0);
        assertFalse(r.onDuplicateAck(100, 5000, 4000, 0));
        assertFalse(r.onDuplicateAck(100, 5000, 4000, 0));
        assertTrue(r.onDuplicateAck(100, 5000, 4000, 0));
        assertTrue(r.inRecovery());
        assertEquals(2000, r.congestion().ssthresh());
        assertEquals(5000, r.congestion().cwnd(), "ssthresh + 3 MSS");
        assertFalse(r.onDuplicateAck(100, 5000, 4000, 0), "later duplicates only inflate");
        assertEquals(6000, r.congestion().cwnd());
        assertTrue(r.onNewAck(2000, 1900, 3000, 0), "a partial ACK asks for the next retransmission");
        assertFalse(r.onNewAck(5000, 3000, 0, 0), "the full ACK ends recovery");
        assertFalse(r.inRecovery());
        assertEquals(2000, r.congestion().cwnd(), "min(ssthresh, max(flight, MSS) + MSS)");
    }
}
