package io.demikv.catnip.tcp;

import io.demikv.config.CongestionControl;
import io.demikv.config.InetStackConfig;
import io.demikv.config.TcpSocketOptions;

import java.security.SecureRandom;

/**
 * Every tunable of Catnip's TCP, in one immutable value: what {@code inetstack_config} and
 * {@code tcp_socket_options} set, plus the timer constants of the RFCs, which tests may lower so that a
 * scripted exchange stays short. {@link #from} gives the RFC (or Linux) defaults; the {@code with*} methods
 * return changed copies. Immutable; any thread.
 *
 * @param mss                 the MSS we announce and the largest segment we send (RFC 9293 §3.7.1)
 * @param receiveBuffer       bytes the receive side holds for the application (the most we advertise)
 * @param sendBuffer          bytes of pushed, unacknowledged data before a push waits for room
 * @param windowScaling       offer window scaling (RFC 7323 §2)
 * @param timestamps          offer timestamps (RFC 7323 §3)
 * @param initialRtoNanos     RTO before any RTT sample (RFC 6298 §2.1: 1 s)
 * @param minRtoNanos         lower bound of the RTO (RFC 6298 §2.4: 1 s; Linux uses 200 ms)
 * @param maxRtoNanos         upper bound of the RTO (RFC 6298 §2.5: at least 60 s)
 * @param synRetries          SYN retransmissions before connect fails with ETIMEDOUT (Linux: 6)
 * @param synAckRetries       SYN-ACK retransmissions before a half-open connection is dropped (Linux: 5)
 * @param dataRetries         retransmissions of one segment before the connection is aborted (RFC 9293
 *                            §3.8.3's R2; Linux tcp_retries2: 15)
 * @param delayedAckNanos     the longest an ACK is delayed (RFC 1122 §4.2.3.2: under 0.5 s; RFC 5681 §4.2)
 * @param timeWaitNanos       TIME-WAIT lasts this long: 2 MSL (RFC 9293 §3.4.2 says MSL = 2 min; Linux 60 s)
 * @param finWait2Nanos       an orphaned connection (closed by the application) waits this long in
 *                            FIN-WAIT-2 for the peer's FIN (Linux tcp_fin_timeout: 60 s)
 * @param congestionControl   NewReno or CUBIC
 * @param nodelay             true disables Nagle's algorithm (RFC 9293 §3.7.4)
 * @param keepalive           keepalive probes (RFC 1122 §4.2.3.6)
 * @param keepaliveProbes     unanswered keepalive probes before the connection is aborted (Linux: 9)
 * @param linger              what close does with unsent data
 * @param isnKey              the 128-bit secret of RFC 6528's hash, two longs
 */
public record TcpConfig(int mss, int receiveBuffer, int sendBuffer, boolean windowScaling, boolean timestamps,
                        long initialRtoNanos, long minRtoNanos, long maxRtoNanos, int synRetries,
                        int synAckRetries, int dataRetries, long delayedAckNanos, long timeWaitNanos,
                        long finWait2Nanos, CongestionControl congestionControl, boolean nodelay,
                        TcpSocketOptions.Keepalive keepalive, int keepaliveProbes, TcpSocketOptions.Linger linger,
                        long[] isnKey) {
    public static final long MS = 1_000_000L;
    public static final long S = 1_000_000_000L;
    /** The largest window with scaling: 2^30 bytes (RFC 7323 §2.3). */
    public static final int MAX_WINDOW = 1 << 30;

    /** Checks ranges. */
    public TcpConfig {
        if (mss < 88 || mss > 65495) {
            throw new IllegalArgumentException("mss " + mss + " outside 88..65495");
        }
        if (receiveBuffer < mss || receiveBuffer > MAX_WINDOW) {
            throw new IllegalArgumentException("receiveBuffer " + receiveBuffer + " outside mss.." + MAX_WINDOW);
        }
        if (!windowScaling && receiveBuffer > 65535) {
            throw new IllegalArgumentException("receiveBuffer above 65535 needs window scaling");
        }
        if (sendBuffer < 1) {
            throw new IllegalArgumentException("sendBuffer must be positive");
        }
        if (minRtoNanos <= 0 || maxRtoNanos < minRtoNanos || initialRtoNanos < minRtoNanos) {
            throw new IllegalArgumentException("need 0 < minRto <= initialRto and minRto <= maxRto");
        }
        if (synRetries < 0 || synAckRetries < 0 || dataRetries < 1 || keepaliveProbes < 1) {
            throw new IllegalArgumentException("retry counts must not be negative");
        }
        if (delayedAckNanos < 0 || delayedAckNanos >= 500 * MS) {
            throw new IllegalArgumentException("delayed ACK must be below 500 ms (RFC 1122 §4.2.3.2)");
        }
        if (isnKey == null || isnKey.length != 2) {
            throw new IllegalArgumentException("isnKey must be two longs");
        }
        isnKey = isnKey.clone();
    }

    /**
     * The defaults for a stack with {@code inet}'s MSS and the socket options of {@code options}: 1 MiB
     * receive and send buffers, window scaling and timestamps on, RFC 6298's RTO bounds (1 s .. 60 s), Linux's
     * retry counts, 40 ms delayed ACK, 60 s TIME-WAIT, and a fresh random ISN secret.
     */
    public static TcpConfig from(InetStackConfig inet, TcpSocketOptions options) {
        SecureRandom random = new SecureRandom();
        return new TcpConfig(inet.mss(), 1 << 20, 1 << 20, true, true, S, S, 60 * S, 6, 5, 15, 40 * MS,
                60 * S, 60 * S, options.congestionControl(), options.nodelay(), options.keepalive(), 9,
                options.linger(), new long[] {random.nextLong(), random.nextLong()});
    }

    /** {@link #from} with {@link TcpSocketOptions#DEFAULTS}. */
    public static TcpConfig defaults(InetStackConfig inet) {
        return from(inet, TcpSocketOptions.DEFAULTS);
    }

    @Override
    public long[] isnKey() {
        return isnKey.clone();
    }

    /** What {@link #linger()} asks of close. */
    public enum LingerChoice {
        /** Graceful close in the background (linger off). */
        OFF,
        /** Reset at once (linger on, 0 s). */
        ABORT,
        /** Graceful, but reset if not finished within the linger time. */
        BOUNDED;

        public static LingerChoice of(TcpConfig config) {
            if (!config.linger().enabled()) {
                return OFF;
            }
            return config.linger().time().isZero() ? ABORT : BOUNDED;
        }
    }

    /** The window shift we announce: the smallest that fits the receive buffer into 16 bits (RFC 7323 §2.2). */
    public int windowShift() {
        if (!windowScaling) {
            return 0;
        }
        int shift = 0;
        while ((receiveBuffer >>> shift) > 65535 && shift < 14) {
            shift++;
        }
        return shift;
    }

    public TcpConfig withBuffers(int receive, int send) {
        return new TcpConfig(mss, receive, send, windowScaling, timestamps, initialRtoNanos, minRtoNanos,
                maxRtoNanos, synRetries, synAckRetries, dataRetries, delayedAckNanos, timeWaitNanos, finWait2Nanos,
                congestionControl, nodelay, keepalive, keepaliveProbes, linger, isnKey);
    }

    public TcpConfig withOptions(boolean scaling, boolean stamps) {
        return new TcpConfig(mss, receiveBuffer, sendBuffer, scaling, stamps, initialRtoNanos, minRtoNanos,
                maxRtoNanos, synRetries, synAckRetries, dataRetries, delayedAckNanos, timeWaitNanos, finWait2Nanos,
                congestionControl, nodelay, keepalive, keepaliveProbes, linger, isnKey);
    }

    public TcpConfig withRto(long initial, long min, long max) {
        return new TcpConfig(mss, receiveBuffer, sendBuffer, windowScaling, timestamps, initial, min, max,
                synRetries, synAckRetries, dataRetries, delayedAckNanos, timeWaitNanos, finWait2Nanos,
                congestionControl, nodelay, keepalive, keepaliveProbes, linger, isnKey);
    }

    public TcpConfig withRetries(int syn, int synAck, int data) {
        return new TcpConfig(mss, receiveBuffer, sendBuffer, windowScaling, timestamps, initialRtoNanos,
                minRtoNanos, maxRtoNanos, syn, synAck, data, delayedAckNanos, timeWaitNanos, finWait2Nanos,
                congestionControl, nodelay, keepalive, keepaliveProbes, linger, isnKey);
    }

    public TcpConfig withTimers(long delayedAck, long timeWait, long finWait2) {
        return new TcpConfig(mss, receiveBuffer, sendBuffer, windowScaling, timestamps, initialRtoNanos,
                minRtoNanos, maxRtoNanos, synRetries, synAckRetries, dataRetries, delayedAck, timeWait, finWait2,
                congestionControl, nodelay, keepalive, keepaliveProbes, linger, isnKey);
    }

    public TcpConfig withCongestionControl(CongestionControl cc, boolean noDelay) {
        return new TcpConfig(mss, receiveBuffer, sendBuffer, windowScaling, timestamps, initialRtoNanos,
                minRtoNanos, maxRtoNanos, synRetries, synAckRetries, dataRetries, delayedAckNanos, timeWaitNanos,
                finWait2Nanos, cc, noDelay, keepalive, keepaliveProbes, linger, isnKey);
    }

    public TcpConfig withKeepalive(TcpSocketOptions.Keepalive k, int probes) {
        return new TcpConfig(mss, receiveBuffer, sendBuffer, windowScaling, timestamps, initialRtoNanos,
                minRtoNanos, maxRtoNanos, synRetries, synAckRetries, dataRetries, delayedAckNanos, timeWaitNanos,
                finWait2Nanos, congestionControl, nodelay, k, probes, linger, isnKey);
    }

    public TcpConfig withLinger(TcpSocketOptions.Linger l) {
        return new TcpConfig(mss, receiveBuffer, sendBuffer, windowScaling, timestamps, initialRtoNanos,
                minRtoNanos, maxRtoNanos, synRetries, synAckRetries, dataRetries, delayedAckNanos, timeWaitNanos,
                finWait2Nanos, congestionControl, nodelay, keepalive, keepaliveProbes, l, isnKey);
    }

    public TcpConfig withIsnKey(long k0, long k1) {
        return new TcpConfig(mss, receiveBuffer, sendBuffer, windowScaling, timestamps, initialRtoNanos,
                minRtoNanos, maxRtoNanos, synRetries, synAckRetries, dataRetries, delayedAckNanos, timeWaitNanos,
                finWait2Nanos, congestionControl, nodelay, keepalive, keepaliveProbes, linger, new long[] {k0, k1});
    }

    public TcpConfig withMss(int newMss) {
        return new TcpConfig(newMss, receiveBuffer, sendBuffer, windowScaling, timestamps, initialRtoNanos,
                minRtoNanos, maxRtoNanos, synRetries, synAckRetries, dataRetries, delayedAckNanos, timeWaitNanos,
                finWait2Nanos, congestionControl, nodelay, keepalive, keepaliveProbes, linger, isnKey);
    }
}
