package io.demikv.catnip.tcp.established.congestion;

/**
 * NewReno: RFC 5681's slow start and congestion avoidance with RFC 6582's fast recovery. ssthresh on a loss
 * is half the flight size (RFC 5681 §3.1 eq. 4); slow start grows cwnd by at most one MSS per ACK (eq. 2,
 * with RFC 3465's limit L = 1 SMSS); congestion avoidance grows it by one MSS per cwnd of acknowledged bytes
 * (appropriate byte counting, RFC 5681 §3.1 and RFC 3465 §2.1). Libos thread only.
 */
public final class NewReno implements CongestionControl {
    private final int mss;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE / 4; // "arbitrarily high" (RFC 5681 §3.1)
    private long bytesAcked;

    public NewReno(int mss) {
        this.mss = mss;
        this.cwnd = CongestionControl.initialWindow(mss);
    }

    @Override
    public long cwnd() {
        return cwnd;
    }

    @Override
    public long ssthresh() {
        return ssthresh;
    }

    @Override
    public void onAck(long acked, long nowNanos, long srttNanos) {
        if (cwnd < ssthresh) {
            cwnd += Math.min(acked, mss); // slow start, RFC 5681 §3.1 eq. 2
            return;
        }
        bytesAcked += acked; // congestion avoidance: one MSS per window of data acknowledged
        if (bytesAcked >= cwnd) {
            bytesAcked -= cwnd;
            cwnd += mss;
        }
    }

    @Override
    public void onFastRetransmit(long flight, long nowNanos) {
        ssthresh = Math.max(flight / 2, 2L * mss); // RFC 5681 §3.2 step 2
        cwnd = ssthresh + 3L * mss;                // step 3: the three segments that left the network
        bytesAcked = 0;
    }

    @Override
    public void onRecoveryDupAck() {
        cwnd += mss; // RFC 5681 §3.2 step 4
    }

    @Override
    public void onPartialAck(long acked) {
        // RFC 6582 §3.2 step 5: deflate by the new data acknowledged, add back one MSS if it was at least one.
        cwnd = Math.max(mss, cwnd - acked + (acked >= mss ? mss : 0));
    }

    @Override
    public void onRecoveryExit(long flight) {
        cwnd = Math.min(ssthresh, Math.max(flight, mss) + mss); // RFC 6582 §3.2 step 6, option 1
    }

    @Override
    public void onTimeout(long flight, long nowNanos) {
        ssthresh = Math.max(flight / 2, 2L * mss); // RFC 5681 §3.1 eq. 4
        cwnd = mss;                                // the loss window: one segment
        bytesAcked = 0;
    }

    @Override
    public String name() {
        return "newreno";
    }
}
