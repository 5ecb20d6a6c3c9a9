package io.demikv.catnip.tcp.established;

import io.demikv.catnip.tcp.SeqNumber;
import io.demikv.catnip.tcp.established.congestion.CongestionControl;
import io.demikv.libos.sched.TimerCallback;
import io.demikv.libos.sched.Timers;

/**
 * Loss recovery for one connection: the retransmission timer of RFC 6298 with its RTT estimator, Karn's
 * rule and exponential backoff; duplicate-ACK counting and NewReno's fast retransmit and fast recovery
 * (RFC 5681 §3.2, RFC 6582); and the {@link CongestionControl} that sizes the window. The timer also serves
 * as the persist timer while the peer's window is zero (RFC 9293 §3.8.6.1): both never run at once, because
 * probing only starts when nothing is in flight.
 *
 * <p>RTO (RFC 6298 §2): before a sample {@code initialRto}; after the first sample R, SRTT = R and
 * RTTVAR = R / 2; after later samples RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R| and SRTT = 7/8 SRTT + 1/8 R;
 * RTO = SRTT + max(G, 4 RTTVAR) kept within [min, max] (§2.4, §2.5). Each expiry doubles it (§5.5, the
 * backoff); an acknowledgment of new data undoes the backoff (the next sample recomputes it, §5.7).
 * Samples come from one timed segment at a time, never a retransmitted one (Karn's rule, §3), or from the
 * timestamp echo when timestamps are on (RFC 7323 §4.1). Time is passed in. Libos thread only.
 */
public final class Retransmitter {
    /** RFC 5681 §3.2: the third duplicate ACK triggers fast retransmit. */
    public static final int DUP_ACK_THRESHOLD = 3;
    /** Clock granularity G of RFC 6298 §2.3, 1 ms. */
    static final long GRANULARITY = 1_000_000L;

    private final Timers timers;
    private final TimerCallback callback;
    private final long minRto;
    private final long maxRto;
    private CongestionControl cc;
    private long timerId;
    private long srtt = -1;
    private long rttvar;
    private long rto;
    private int backoff;
    private int retries;
    private boolean timing;
    private int timedSeq;
    private long timedAt;
    private int dupAcks;
    private boolean inRecovery;
    private int recover;
    private long retransmits;
    private long fastRetransmits;
    private long timeouts;

    /**
     * @param callback what runs when the timer expires (the connection's timeout handler)
     */
    public Retransmitter(Timers timers, TimerCallback callback, long initialRto, long minRto, long maxRto,
                         CongestionControl cc) {
        this.timers = timers;
        this.callback = callback;
        this.rto = initialRto;
        this.minRto = minRto;
        this.maxRto = maxRto;
        this.cc = cc;
    }

    public CongestionControl congestion() {
        return cc;
    }

    /** Replaces the algorithm (the handshake fixed the MSS its windows count in). */
    public void congestion(CongestionControl algorithm) {
        this.cc = algorithm;
    }

    /** The current timeout with its backoff, in nanoseconds. */
    public long rto() {
        long r = rto;
        for (int i = 0; i < backoff && r < maxRto; i++) {
            r *= 2;
        }
        return Math.min(r, maxRto);
    }

    /** SRTT in nanoseconds, or -1 before the first sample. */
    public long srtt() {
        return srtt;
    }

    public long rttvar() {
        return rttvar;
    }

    /** Consecutive expiries without progress (the count R2 of RFC 9293 §3.8.3 bounds). */
    public int retries() {
        return retries;
    }

    public boolean inRecovery() {
        return inRecovery;
    }

    public int dupAcks() {
        return dupAcks;
    }

    /** Segments sent again (timeouts and fast retransmits). */
    public long retransmits() {
        return retransmits;
    }

    public long fastRetransmits() {
        return fastRetransmits;
    }

    public long timeouts() {
        return timeouts;
    }

    // ------------------------------------------------------------------ the timer

    public boolean armed() {
        return timers.isScheduled(timerId);
    }

    /** Starts the timer if it is not running (RFC 6298 §5.1). */
    public void arm(long nowNanos) {
        if (!timers.isScheduled(timerId)) {
            timerId = timers.schedule(nowNanos + rto(), callback);
        }
    }

    /** Restarts the timer with the current RTO (RFC 6298 §5.3). */
    public void restart(long nowNanos) {
        timers.cancel(timerId);
        timerId = timers.schedule(nowNanos + rto(), callback);
    }

    /** Stops the timer (RFC 6298 §5.2: everything acknowledged). */
    public void stop() {
        timers.cancel(timerId);
        timerId = 0;
    }

    /**
     * The timer expired: doubles the RTO (RFC 6298 §5.5), counts a retry, and stops timing a segment (Karn's
     * rule: the sample would be ambiguous). The caller retransmits and re-arms.
     */
    public void expired() {
        backoff = Math.min(backoff + 1, 30);
        retries++;
        timing = false;
        timeouts++;
    }

    /** The handshake completed: its retransmissions no longer count (backoff and retries start over). */
    public void handshakeDone() {
        backoff = 0;
        retries = 0;
    }

    /** The peer answered (an ACK arrived although nothing new was acknowledged, e.g. a zero-window probe). */
    public void peerAlive() {
        retries = 0;
    }

    // ------------------------------------------------------------------ RTT samples (RFC 6298 §2, §3)

    /** Starts timing the segment ending at {@code endSeq} if none is timed (one sample per RTT). */
    public void timeSegment(int endSeq, long nowNanos) {
        if (!timing) {
            timing = true;
            timedSeq = endSeq;
            timedAt = nowNanos;
        }
    }

    /** A retransmission makes the timed sample ambiguous (Karn's rule). */
    public void cancelTiming() {
        timing = false;
    }

    /** Takes a sample if {@code ack} covers the timed segment. */
    public void sampleOnAck(int ack, long nowNanos) {
        if (timing && SeqNumber.ge(ack, timedSeq)) {
            timing = false;
            sample(nowNanos - timedAt);
        }
    }

    /** One RTT measurement R (RFC 6298 §2.2 and §2.3). */
    public void sample(long r) {
        if (r < 0) {
            return;
        }
        if (srtt < 0) {
            srtt = r;
            rttvar = r / 2;
        } else {
            long delta = Math.abs(srtt - r);
            rttvar = (3 * rttvar + delta) / 4;
            srtt = (7 * srtt + r) / 8;
        }
        long computed = srtt + Math.max(GRANULARITY, 4 * rttvar);
        rto = Math.max(minRto, Math.min(maxRto, computed));
    }

    // ------------------------------------------------------------------ acknowledgments

    /**
     * New data acknowledged ({@code acked} sequence space, SND.UNA now {@code ack}). Returns true when the
     * caller should retransmit the first unacknowledged segment now (a partial ACK in fast recovery,
     * RFC 6582 §3.2 step 5).
     */
    public boolean onNewAck(int ack, long acked, long flightAfter, long nowNanos) {
        backoff = 0;
        retries = 0;
        dupAcks = 0;
        if (inRecovery) {
            if (SeqNumber.ge(ack, recover)) {
                inRecovery = false; // full acknowledgment (RFC 6582 §3.2 step 6)
                cc.onRecoveryExit(flightAfter);
                return false;
            }
            cc.onPartialAck(acked);
            return true;
        }
        cc.onAck(acked, nowNanos, srtt);
        return false;
    }

    /**
     * A duplicate ACK (RFC 5681 §2's definition, checked by the caller). Returns true when this one triggers
     * fast retransmit: the third, outside recovery, and covering more than "recover" (RFC 6582 §3.2 step 2).
     */
    public boolean onDuplicateAck(int ack, int sndMax, long flight, long nowNanos) {
        dupAcks++;
        if (inRecovery) {
            cc.onRecoveryDupAck();
            return false;
        }
        if (dupAcks == DUP_ACK_THRESHOLD && SeqNumber.gt(ack, recover)) {
            inRecovery = true;
            recover = sndMax;
            cc.onFastRetransmit(flight, nowNanos);
            timing = false;
            fastRetransmits++;
            return true;
        }
        return false;
    }

    /** Any ACK that is not a duplicate ends a run of duplicates. */
    public void resetDupAcks() {
        dupAcks = 0;
    }

    /** The timer expired with {@code flight} bytes outstanding: a congestion event (RFC 5681 §3.1). */
    public void onTimeoutLoss(long flight, int sndMax, long nowNanos) {
        cc.onTimeout(flight, nowNanos);
        inRecovery = false;
        recover = sndMax; // RFC 6582 §3.2 step 1 after a timeout ("recover" = highest sent)
        dupAcks = 0;
    }

    /** Initializes "recover" to ISS (RFC 6582 §3.2 step 1). */
    public void start(int iss) {
        recover = iss;
    }

    /** Counts one segment sent again. */
    public void countRetransmit() {
        retransmits++;
    }
}
