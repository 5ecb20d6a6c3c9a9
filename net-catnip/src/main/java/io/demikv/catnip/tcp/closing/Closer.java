package io.demikv.catnip.tcp.closing;

import io.demikv.catnip.tcp.ControlBlock;
import io.demikv.catnip.tcp.TcpConfig;
import io.demikv.catnip.tcp.TcpState;
import io.demikv.libos.Errno;
import io.demikv.libos.sched.TimerCallback;
import io.demikv.libos.sched.Timers;

/**
 * How a connection ends, in every state (RFC 9293 §3.10.4 CLOSE, §3.10.7.4's RST, FIN and FIN-acknowledged
 * steps, §3.6): the application's close, the peer's FIN, both at once (simultaneous close through CLOSING),
 * TIME-WAIT for 2 MSL, resets, and the options that bound an orphaned connection's life.
 *
 * <pre>
 *   ESTABLISHED --close--> FIN-WAIT-1 --ACK of FIN--> FIN-WAIT-2 --FIN--> TIME-WAIT --2 MSL--> CLOSED
 *   FIN-WAIT-1 --FIN--> CLOSING --ACK of FIN--> TIME-WAIT
 *   FIN-WAIT-1 --FIN + ACK of FIN--> TIME-WAIT
 *   ESTABLISHED --FIN--> CLOSE-WAIT --close--> LAST-ACK --ACK of FIN--> CLOSED
 * </pre>
 *
 * <ul>
 *   <li>close is graceful: the FIN follows the data already queued, which is still delivered and
 *       retransmitted after the application let go.</li>
 *   <li>close with received data the application never popped resets the connection instead, and so does
 *       data arriving after close (RFC 1122 §4.2.2.13: the TCP "SHOULD send a RST to show that data was
 *       lost"; Linux does the same).</li>
 *   <li>linger ({@code SO_LINGER}): enabled with 0 s aborts with a reset at close; enabled with a time bounds
 *       the graceful close: still unfinished after it, the connection is reset.</li>
 *   <li>an orphaned connection waits at most {@code finWait2Nanos} in FIN-WAIT-2 for the peer's FIN
 *       (Linux's tcp_fin_timeout; RFC 9293 leaves FIN-WAIT-2 unbounded).</li>
 * </ul>
 * Libos thread only.
 */
public final class Closer {
    private final ControlBlock cb;
    private final Timers timers;
    private final TcpConfig config;
    private boolean appClosed;
    private long timeWaitTimer;
    private long finWait2Timer;
    private long lingerTimer;
    private final TimerCallback onTimeWait;
    private final TimerCallback onFinWait2;
    private final TimerCallback onLinger;

    public Closer(ControlBlock cb, Timers timers, TcpConfig config) {
        this.cb = cb;
        this.timers = timers;
        this.config = config;
        this.onTimeWait = (id, now) -> {
            timeWaitTimer = 0;
            endTimeWait();
        };
        this.onFinWait2 = (id, now) -> {
            finWait2Timer = 0;
            if (cb.state() == TcpState.FIN_WAIT_2) {
                cb.destroy(0);
            }
        };
        this.onLinger = (id, now) -> {
            lingerTimer = 0;
            int s = cb.state();
            if (s != TcpState.TIME_WAIT && s != TcpState.CLOSED && !cb.destroyed()) {
                cb.abort(Errno.ETIMEDOUT, true, now);
            }
        };
    }

    /** True once the application closed the connection. */
    public boolean appClosed() {
        return appClosed;
    }

    /** The application's CLOSE (RFC 9293 §3.10.4). */
    public void close(long nowNanos) {
        if (appClosed) {
            return;
        }
        appClosed = true;
        TcpConfig.LingerChoice linger = TcpConfig.LingerChoice.of(config);
        if (linger == TcpConfig.LingerChoice.ABORT || cb.receiver().readyBytes() > 0) {
            cb.abort(0, true, nowNanos); // SO_LINGER 0, or unread data (RFC 1122 §4.2.2.13)
            return;
        }
        switch (cb.state()) {
            // "Delete the TCB": nothing was synchronized yet.
            case TcpState.SYN_SENT -> cb.destroy(0);
            // No data was queued in SYN-RECEIVED (pushes need ESTABLISHED): a FIN can follow at once, but
            // only once the SYN is acknowledged; resetting is simpler and what Linux does for an unaccepted
            // child.
            case TcpState.SYN_RCVD -> cb.abort(0, true, nowNanos);
            case TcpState.ESTABLISHED -> {
                cb.sender().queueFin();
                cb.enter(TcpState.FIN_WAIT_1);
            }
            case TcpState.CLOSE_WAIT -> {
                cb.sender().queueFin();
                cb.enter(TcpState.LAST_ACK);
            }
            default -> {
                // FIN-WAIT-*, CLOSING, LAST-ACK, TIME-WAIT: already closing.
            }
        }
        if (!cb.destroyed() && linger == TcpConfig.LingerChoice.BOUNDED) {
            lingerTimer = timers.schedule(nowNanos + config.linger().time().toNanos(), onLinger);
        }
    }

    /** The peer's FIN is next in sequence (RFC 9293 §3.10.7.4, eighth step). */
    public void onFinReceived(long nowNanos) {
        switch (cb.state()) {
            case TcpState.SYN_RCVD, TcpState.ESTABLISHED -> cb.enter(TcpState.CLOSE_WAIT);
            case TcpState.FIN_WAIT_1 -> {
                if (cb.sender().finAcked()) {
                    enterTimeWait(nowNanos);
                } else {
                    cb.enter(TcpState.CLOSING); // simultaneous close
                }
            }
            case TcpState.FIN_WAIT_2 -> enterTimeWait(nowNanos);
            case TcpState.TIME_WAIT -> restartTimeWait(nowNanos);
            default -> {
                // CLOSE-WAIT, CLOSING, LAST-ACK: remain.
            }
        }
        cb.ackNow();
    }

    /** Our FIN is acknowledged (RFC 9293 §3.10.7.4, fifth step, per state). */
    public void onFinAcked(long nowNanos) {
        switch (cb.state()) {
            case TcpState.FIN_WAIT_1 -> {
                cb.enter(TcpState.FIN_WAIT_2);
                if (appClosed && finWait2Timer == 0) {
                    finWait2Timer = timers.schedule(nowNanos + config.finWait2Nanos(), onFinWait2);
                }
            }
            case TcpState.CLOSING -> enterTimeWait(nowNanos);
            case TcpState.LAST_ACK -> cb.destroy(0);
            default -> {
            }
        }
    }

    /** A reset with the exact sequence number (RFC 9293 §3.10.7.4, second step, per state). */
    public void onReset(boolean passiveOpen, long nowNanos) {
        switch (cb.state()) {
            // A passive open goes back to LISTEN: the half-open connection disappears quietly; an active
            // (simultaneous) open is refused.
            case TcpState.SYN_RCVD -> cb.destroy(passiveOpen ? 0 : Errno.ECONNREFUSED);
            case TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2, TcpState.CLOSE_WAIT ->
                    cb.destroy(Errno.ECONNRESET);
            // RFC 1337 §3 (TIME-WAIT assassination): a reset does not cut TIME-WAIT short; a late duplicate
            // of our last ACK draws one from a peer that already closed.
            case TcpState.TIME_WAIT -> {
            }
            default -> cb.destroy(0); // CLOSING, LAST-ACK
        }
    }

    /** TIME-WAIT (RFC 9293 §3.6): the queues go, the connection stays 2 MSL to answer a lost last ACK. */
    public void enterTimeWait(long nowNanos) {
        cb.enter(TcpState.TIME_WAIT);
        cb.retransmitter().stop();
        cb.sender().clear();
        if (finWait2Timer != 0) {
            timers.cancel(finWait2Timer);
            finWait2Timer = 0;
        }
        if (lingerTimer != 0) {
            timers.cancel(lingerTimer); // the close finished in time
            lingerTimer = 0;
        }
        restartTimeWait(nowNanos);
    }

    /** Starts (or restarts, for a retransmitted FIN) the 2 MSL timer. */
    public void restartTimeWait(long nowNanos) {
        if (timeWaitTimer != 0) {
            timers.cancel(timeWaitTimer);
        }
        timeWaitTimer = timers.schedule(nowNanos + config.timeWaitNanos(), onTimeWait);
    }

    private void endTimeWait() {
        if (cb.state() == TcpState.TIME_WAIT) {
            cb.destroy(0);
        }
    }

    /** Stops every timer of this class (the connection is destroyed). */
    public void cancelTimers() {
        if (timeWaitTimer != 0) {
            timers.cancel(timeWaitTimer);
        }
        if (finWait2Timer != 0) {
            timers.cancel(finWait2Timer);
        }
        if (lingerTimer != 0) {
            timers.cancel(lingerTimer);
        }
        timeWaitTimer = 0;
        finWait2Timer = 0;
        lingerTimer = 0;
    }
}
