package io.demikv.catnip.tcp;

/**
 * TCP sequence-number arithmetic (RFC 9293 §3.4): sequence numbers live in a 32-bit space and wrap, so they
 * are compared by the sign of their difference modulo 2^32 (valid while the two are less than 2^31 apart,
 * which the window limits guarantee, RFC 7323 §2.3). This is the only place such comparisons are written:
 * every other class compares sequence numbers through these methods, never with {@code <} on raw ints.
 * Values are plain {@code int}s (the wire's bits), so the hot path allocates nothing. Pure functions; any
 * thread.
 */
public final class SeqNumber {
    private SeqNumber() {
    }

    /** {@code seq + n} modulo 2^32. */
    public static int add(int seq, int n) {
        return seq + n;
    }

    /** How far {@code to} is ahead of {@code from}: {@code to - from} as a signed 32-bit number. */
    public static int distance(int from, int to) {
        return to - from;
    }

    /** {@code a} comes before {@code b} (RFC 9293 §3.4's "<"). */
    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    /** {@code a} comes before or is {@code b}. */
    public static boolean le(int a, int b) {
        return a - b <= 0;
    }

    /** {@code a} comes after {@code b}. */
    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    /** {@code a} comes after or is {@code b}. */
    public static boolean ge(int a, int b) {
        return a - b >= 0;
    }

    /** Negative, zero or positive as {@code a} is before, at or after {@code b}. */
    public static int compare(int a, int b) {
        return Integer.signum(a - b);
    }

    /** The later of two sequence numbers. */
    public static int max(int a, int b) {
        return gt(a, b) ? a : b;
    }

    /** The earlier of two sequence numbers. */
    public static int min(int a, int b) {
        return lt(a, b) ? a : b;
    }

    /**
     * {@code start <= seq < start + length} in sequence space: the receive-window test of RFC 9293 §3.10.7.4
     * ("RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND"). An empty window contains nothing; {@code length} is unsigned up
     * to 2^31 - 1.
     */
    public static boolean inWindow(int seq, int start, int length) {
        return Integer.compareUnsigned(seq - start, length) < 0;
    }

    /** {@code seq} as an unsigned decimal, for logs. */
    public static String toString(int seq) {
        return Integer.toUnsignedString(seq);
    }
}
