package io.demikv.catnip.tcp.established.congestion;

/**
 * A congestion control algorithm: how the congestion window (cwnd) and slow-start threshold (ssthresh) react
 * to acknowledgments and losses. The loss detection around it (duplicate ACK counting, fast recovery's
 * "recover" point, the retransmission timer) lives in the
 * {@link io.demikv.catnip.tcp.established.Retransmitter}, which calls these hooks; the algorithm only sizes the
 * window. Sizes are in bytes. Libos thread only.
 */
public interface CongestionControl {
    /** The congestion window in bytes. */
    long cwnd();

    long ssthresh();

    /** New data acknowledged outside fast recovery ({@code acked} bytes; {@code srttNanos} or -1 when unknown). */
    void onAck(long acked, long nowNanos, long srttNanos);

    /** Three duplicate ACKs: entering fast retransmit and recovery with {@code flight} bytes outstanding. */
    void onFastRetransmit(long flight, long nowNanos);

    /** Another duplicate ACK during fast recovery: one more segment left the network (RFC 5681 §3.2 step 4). */
    void onRecoveryDupAck();

    /** A partial ACK during fast recovery acknowledged {@code acked} bytes (RFC 6582 §3.2 step 5). */
    void onPartialAck(long acked);

    /** A full ACK ended fast recovery with {@code flight} bytes still outstanding (RFC 6582 §3.2 step 6). */
    void onRecoveryExit(long flight);

    /** The retransmission timer expired with {@code flight} bytes outstanding (RFC 5681 §3.1 eq. 4). */
    void onTimeout(long flight, long nowNanos);

    /** The configured name ("newreno", "cubic"). */
    String name();

    /** The algorithm {@code choice} names, for a connection sending segments of {@code mss} bytes. */
    static CongestionControl create(io.demikv.config.CongestionControl choice, int mss) {
        return switch (choice) {
            case NEWRENO -> new NewReno(mss);
            case CUBIC -> new Cubic(mss);
        };
    }

    /** RFC 5681 §3.1's initial window: 2, 3 or 4 segments depending on the MSS. */
    static long initialWindow(int mss) {
        if (mss > 2190) {
            return 2L * mss;
        }
        if (mss > 1095) {
            return 3L * mss;
        }
        return 4L * mss;
    }
}
