package io.demikv.catnip.tcp.established.congestion;

/**
 * CUBIC (RFC 9438): after a loss the window follows {@code W_cubic(t) = C (t - K)^3 + W_max} (§4.2), concave
 * up to the window where the loss happened, then convex beyond it, with a Reno-friendly lower bound
 * {@code W_est} (§4.3). Slow start below ssthresh is RFC 5681's (§4.10). On a loss, ssthresh and the new
 * window are {@code beta_cubic = 0.7} times the window (§4.6), and fast convergence lowers W_max when a loss
 * comes before the previous W_max was reached (§4.7). Windows are computed in segments as the RFC writes
 * them and kept in bytes. Time is passed in. Libos thread only.
 */
public final class Cubic implements CongestionControl {
    /** §5.1: C = 0.4. */
    static final double C = 0.4;
    /** §4.6: beta_cubic = 0.7. */
    static final double BETA = 0.7;
    /** §4.3: alpha_cubic = 3 (1 - beta) / (1 + beta). */
    static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);

    private final int mss;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE / 4;
    /** W_max in segments: the window before the last reduction. */
    private double wMax;
    /** W_last_max for fast convergence. */
    private double wLastMax;
    /** Time period K in seconds (§4.2 eq. 2). */
    private double k;
    /** Start of the current congestion avoidance stage, or -1. */
    private long epochStart = -1;
    /** cwnd_epoch in segments. */
    private double cwndEpoch;
    /** W_est in segments (§4.3). */
    private double wEst;
    /** Fractional segment growth not yet added to cwnd. */
    private double pending;

    public Cubic(int mss) {
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

    /** W_max in segments, for tests. */
    double wMax() {
        return wMax;
    }

    /** K in seconds, for tests. */
    double k() {
        return k;
    }

    /** W_cubic(t) in segments, t in seconds since the epoch (§4.2 eq. 1). */
    double wCubic(double t) {
        double d = t - k;
        return C * d * d * d + wMax;
    }

    @Override
    public void onAck(long acked, long nowNanos, long srttNanos) {
        if (cwnd < ssthresh) {
            cwnd += Math.min(acked, mss); // §4.10: slow start as RFC 5681
            return;
        }
        double segs = (double) cwnd / mss;
        if (epochStart < 0) {
            epochStart = nowNanos;
            cwndEpoch = segs;
            wEst = segs;
            if (wMax < segs) {
                wMax = segs; // no loss yet, or the window grew past W_max: K = 0 (§4.2)
                k = 0;
            } else {
                k = Math.cbrt((wMax - cwndEpoch) / C); // §4.2 eq. 2
            }
        }
        double rtt = srttNanos > 0 ? srttNanos / 1e9 : 0.1;
        double t = (nowNanos - epochStart) / 1e9;
        // §4.3: W_est grows by alpha_cubic segments per window of acknowledged segments.
        wEst += ALPHA * ((double) acked / mss) / segs;
        double target = wCubic(t + rtt);
        // §4.2: the target stays within [cwnd, 1.5 cwnd].
        target = Math.max(segs, Math.min(target, 1.5 * segs));
        double grow;
        if (wCubic(t) < wEst) {
            grow = Math.max(0, wEst - segs); // §4.3: Reno-friendly region
        } else {
            // §4.4/§4.5: concave and convex regions, cwnd += (target - cwnd) / cwnd per acknowledged segment.
            grow = (target - segs) / segs * ((double) acked / mss);
        }
        pending += grow * mss;
        if (pending >= 1) {
            long add = (long) pending;
            cwnd += add;
            pending -= add;
        }
    }

    /** §4.6 and §4.7: the multiplicative decrease and fast convergence. */
    private void reduce(long nowNanos) {
        double segs = (double) cwnd / mss;
        if (segs < wLastMax) {
            wLastMax = segs;
            wMax = segs * (1 + BETA) / 2; // §4.7 fast convergence
        } else {
            wLastMax = segs;
            wMax = segs;
        }
        ssthresh = Math.max((long) (cwnd * BETA), 2L * mss);
        epochStart = -1;
        pending = 0;
    }

    @Override
    public void onFastRetransmit(long flight, long nowNanos) {
        reduce(nowNanos);
        cwnd = ssthresh + 3L * mss; // fast recovery as RFC 5681 §3.2, from the reduced window
    }

    @Override
    public void onRecoveryDupAck() {
        cwnd += mss;
    }

    @Override
    public void onPartialAck(long acked) {
        cwnd = Math.max(mss, cwnd - acked + (acked >= mss ? mss : 0));
    }

    @Override
    public void onRecoveryExit(long flight) {
        cwnd = ssthresh; // §4.6: cwnd = ssthresh once recovery ends
    }

    @Override
    public void onTimeout(long flight, long nowNanos) {
        reduce(nowNanos); // §4.8: a timeout is a congestion event too
        cwnd = mss;       // and the window restarts from one segment
    }

    @Override
    public String name() {
        return "cubic";
    }
}
