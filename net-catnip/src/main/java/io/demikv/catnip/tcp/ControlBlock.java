package io.demikv.catnip.tcp;

import io.demikv.catnip.tcp.closing.Closer;
import io.demikv.catnip.tcp.established.Receiver;
import io.demikv.catnip.tcp.established.Retransmitter;
import io.demikv.catnip.tcp.established.Sender;
import io.demikv.catnip.tcp.established.congestion.CongestionControl;
import io.demikv.catnip.tcp.passive.ListenSocket;
import io.demikv.catnip.wire.TcpOptions;
import io.demikv.catnip.wire.TcpSegment;
import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.sched.TimerCallback;
import io.demikv.libos.sched.Timers;

/**
 * One TCP connection: RFC 9293 §3.3.1's transmission control block and the "SEGMENT ARRIVES" processing of
 * §3.10.7.4 for every state after SYN-SENT. It ties together the lifecycle parts: the {@link Sender},
 * {@link Receiver} and {@link Retransmitter} of {@code established/}, the {@link Closer} of {@code closing/},
 * and the handshake helpers {@code active/} and {@code passive/} call. A connection lives in the layer's
 * table from its first SYN until it is destroyed (a reset, a timeout, the end of TIME-WAIT or LAST-ACK);
 * its {@link TcpQueue}, if any, is the application's handle and may go away first (close).
 *
 * <p>Output: {@link #flush} sends whatever the windows allow (data, then the FIN, then a pending ACK); every
 * segment carries the current ACK and window, so an ACK rides on data when there is some. Time is passed in
 * everywhere; timers run on the libOS {@link Timers}. Sequence numbers compare only through
 * {@link SeqNumber}. Libos thread only; the public methods are for the TCP layer's lifecycle packages.
 */
public final class ControlBlock {
    /** Segments one {@link #flush} sends at most, so one connection cannot stall a scheduler pass. */
    static final int MAX_SEGMENTS_PER_FLUSH = 64;
    /** RFC 9293 §3.7.1: the MSS to assume when the peer announces none. */
    static final int DEFAULT_MSS = 536;

    private final TcpLayer layer;
    private final TcpConfig config;
    private final Timers timers;
    private final int remoteIp;
    private final int remotePort;
    private final int localPort;
    private final long key;
    private final Sender sender;
    private final Receiver receiver;
    private final Retransmitter rtx;
    private final Closer closer;
    private int state;
    private ListenSocket parent;
    private boolean passiveOpen;
    private boolean ownsPort;
    TcpQueue user;
    /** Queued in {@link TcpLayer#deliverReadable}'s list: data or a FIN arrived in this burst. */
    boolean readablePending;
    private int error;
    private boolean destroyed;

    // Negotiated in the handshake.
    private boolean timestamps;
    private int tsRecent;
    private int lastAckSent;
    /** Our TSval when the retransmission timer last expired: older echoes date from before the timeout. */
    private int timeoutTsval;
    private boolean timedOut;
    private boolean peerOfferedScaling;
    private boolean peerOfferedTimestamps;

    // Acknowledgment state (RFC 1122 §4.2.3.2, RFC 5681 §4.2).
    private boolean ackNow;
    private int unackedBytes;
    private long delayedAckTimer;

    // Keepalive (RFC 1122 §4.2.3.6).
    private long keepaliveTimer;
    private int keepaliveProbes;
    private long lastHeard;

    private final TimerCallback onRto = (id, now) -> onRetransmitTimeout(now);
    private final TimerCallback onDelayedAck = (id, now) -> onDelayedAckTimer(now);
    private final TimerCallback onKeepalive = (id, now) -> onKeepaliveTimer(now);

    /**
     * A connection in {@code state} (SYN-SENT for an active open, SYN-RECEIVED for a passive one) between our
     * {@code localPort} and {@code remoteIp:remotePort}, starting from ISS {@code iss}. Not registered yet.
     */
    public ControlBlock(TcpLayer layer, int remoteIp, int remotePort, int localPort, int state, int iss) {
        this.layer = layer;
        this.config = layer.config();
        this.timers = layer.timers();
        this.remoteIp = remoteIp;
        this.remotePort = remotePort;
        this.localPort = localPort;
        this.key = TcpLayer.key(remoteIp, remotePort, localPort);
        this.state = state;
        this.sender = new Sender(layer.pool(), config.sendBuffer());
        this.receiver = new Receiver(layer.pool(), config.receiveBuffer(), config.mss());
        // The MSS the window is sized in is known after the handshake; until then, assume ours.
        this.rtx = new Retransmitter(timers, onRto, config.initialRtoNanos(), config.minRtoNanos(),
                config.maxRtoNanos(), CongestionControl.create(config.congestionControl(), config.mss()));
        this.closer = new Closer(this, timers, config);
        sender.start(iss);
        sender.negotiated(0, Math.min(config.mss(), 536));
        rtx.start(iss);
    }

    // ------------------------------------------------------------------ accessors

    public long key() {
        return key;
    }

    public int state() {
        return state;
    }

    public int localPort() {
        return localPort;
    }

    public int remoteIp() {
        return remoteIp;
    }

    public int remotePort() {
        return remotePort;
    }

    public long remoteEndpoint() {
        return Endpoint.of(remoteIp, remotePort);
    }

    public long localEndpoint() {
        return Endpoint.of(layer.address(), localPort);
    }

    public Sender sender() {
        return sender;
    }

    public Receiver receiver() {
        return receiver;
    }

    public Retransmitter retransmitter() {
        return rtx;
    }

    public Closer closer() {
        return closer;
    }

    public TcpLayer layer() {
        return layer;
    }

    public TcpConfig config() {
        return config;
    }

    /** The errno that ended the connection (ECONNRESET, ETIMEDOUT, ECONNREFUSED), or 0. */
    public int error() {
        return error;
    }

    public boolean destroyed() {
        return destroyed;
    }

    /** True while the application holds this connection (a queue), i.e. it has not closed it. */
    public boolean hasUser() {
        return user != null;
    }

    public boolean timestampsOn() {
        return timestamps;
    }

    /** Sets the state; for the lifecycle packages (they cite the transition's RFC rule). */
    public void enter(int newState) {
        this.state = newState;
    }

    /** For a passive open: the listener this connection belongs to until it is accepted. */
    public void parent(ListenSocket listener) {
        this.parent = listener;
        this.passiveOpen = listener != null || passiveOpen;
    }

    public ListenSocket parent() {
        return parent;
    }

    /** This connection holds a claim on its local port (an active open); released when it is destroyed. */
    public void ownsPort(boolean owns) {
        this.ownsPort = owns;
    }

    void attach(TcpQueue queue) {
        this.user = queue;
    }

    /** The application closed its queue: the connection is orphaned and finishes on its own. */
    void detach() {
        this.user = null;
    }

    // ------------------------------------------------------------------ the handshake (for active/, passive/)

    /**
     * Takes what the peer's SYN says (RFC 9293 §3.10.7.2/§3.10.7.3): IRS, its MSS (536 when absent, §3.7.1),
     * window scaling when both offer it (RFC 7323 §2.2) and timestamps when both offer them (RFC 7323 §3.2).
     * SND.WND is the SYN's window, never scaled. The congestion window starts over in segments of the
     * negotiated MSS.
     */
    public void synchronize(Segment syn) {
        TcpOptions o = syn.options;
        peerOfferedScaling = o.windowScale() >= 0;
        peerOfferedTimestamps = o.hasTimestamps();
        boolean scaling = config.windowScaling() && peerOfferedScaling;
        timestamps = config.timestamps() && peerOfferedTimestamps;
        if (timestamps) {
            tsRecent = o.timestampValue();
        }
        int peerMss = o.mss() > 0 ? o.mss() : DEFAULT_MSS;
        int sendMss = Math.min(peerMss, Math.min(config.mss(), layer.maxSegment() - TcpSegment.HEADER_LENGTH));
        if (timestamps) {
            sendMss -= 12; // RFC 9293 §3.7.1: the MSS counts option bytes against the segment
        }
        sendMss = Math.max(sendMss, 64);
        receiver.start(syn.seq, scaling ? config.windowShift() : 0);
        sender.updateWindow(syn.seq, syn.ack, syn.window, true); // the window of a SYN is never scaled
        sender.negotiated(scaling ? o.windowScale() : 0, sendMss);
        rtx.congestion(CongestionControl.create(config.congestionControl(), sendMss));
        lastAckSent = receiver.next();
    }

    /** Sends our SYN (active open; also its retransmissions): ISS, MSS and the options we offer. */
    public void sendSyn(long nowNanos) {
        TcpOptions o = layer.outputOptions().mss(config.mss());
        if (config.windowScaling()) {
            o.windowScale(config.windowShift());
        }
        if (config.timestamps()) {
            o.timestamps(tsval(nowNanos), 0);
        }
        layer.send(remoteIp, localPort, remotePort, sender.iss(), 0, TcpSegment.SYN, Math.min(config.receiveBuffer(),
                65535), o, null, 0, 0, nowNanos);
        if (rtx.retries() == 0) {
            rtx.timeSegment(SeqNumber.add(sender.iss(), 1), nowNanos); // Karn: never time a retransmitted SYN
        }
        sender.synSent();
    }

    /** Sends our SYN-ACK (passive or simultaneous open; also its retransmissions), answering the peer's options. */
    public void sendSynAck(long nowNanos) {
        TcpOptions o = layer.outputOptions().mss(config.mss());
        if (config.windowScaling() && peerOfferedScaling) {
            o.windowScale(config.windowShift());
        }
        if (timestamps) {
            o.timestamps(tsval(nowNanos), tsRecent);
        }
        layer.send(remoteIp, localPort, remotePort, sender.iss(), receiver.next(), TcpSegment.SYN | TcpSegment.ACK,
                Math.min(config.receiveBuffer(), 65535), o, null, 0, 0, nowNanos);
        if (rtx.retries() == 0) {
            rtx.timeSegment(SeqNumber.add(sender.iss(), 1), nowNanos);
        }
        sender.synSent();
        ackSent();
    }

    /**
     * The handshake completed (RFC 9293 §3.10.7.3 for SYN-SENT, §3.10.7.4 fifth check for SYN-RECEIVED): tells
     * the listener (passive) or the connecting queue (active), and starts keepalive.
     */
    public void established(long nowNanos) {
        state = TcpState.ESTABLISHED;
        rtx.handshakeDone();
        lastHeard = nowNanos;
        armKeepalive(nowNanos);
        if (parent != null) {
            ListenSocket p = parent;
            parent = null;
            p.onEstablished(this, nowNanos);
        } else if (user != null) {
            user.onConnected(nowNanos);
        }
    }

    // ------------------------------------------------------------------ input

    /** A segment of this connection's 4-tuple. */
    void onSegment(Segment seg, long nowNanos) {
        if (state == TcpState.SYN_SENT) {
            io.demikv.catnip.tcp.active.ActiveOpen.onSegment(this, seg, nowNanos);
        } else {
            onSynchronizedSegment(seg, nowNanos);
        }
        if (!destroyed) {
            flush(nowNanos);
        }
    }

    /** RFC 9293 §3.10.7.4: SYN-RECEIVED and every synchronized state. */
    private void onSynchronizedSegment(Segment seg, long nowNanos) {
        lastHeard = nowNanos;
        keepaliveProbes = 0;
        // First: the sequence number.
        if (!receiver.acceptable(seg.seq, seg.length())) {
            if (state == TcpState.SYN_RCVD && seg.syn() && !seg.ackFlag() && seg.seq == SeqNumber.add(receiver.next(), -1)) {
                sendSynAck(nowNanos); // the peer did not get our SYN-ACK and sent its SYN again
                return;
            }
            if (!seg.rst()) {
                // "an acknowledgment should be sent in reply (unless the RST bit is set ...)"
                if (state == TcpState.TIME_WAIT && seg.fin()) {
                    closer.restartTimeWait(nowNanos); // a retransmitted FIN: ACK it and restart 2 MSL
                }
                ackNow = true;
            }
            return;
        }
        updateTsRecent(seg);
        // Second: RST (RFC 9293 §3.10.7.4 with RFC 5961 §3.2: only an exact match resets; other in-window
        // resets get a challenge ACK).
        if (seg.rst()) {
            if (seg.seq != receiver.next()) {
                challengeAck(nowNanos);
                return;
            }
            closer.onReset(passiveOpen, nowNanos);
            return;
        }
        // Fourth: SYN in a synchronized state or SYN-RECEIVED: RFC 5961 §4.2's challenge ACK.
        if (seg.syn()) {
            challengeAck(nowNanos);
            return;
        }
        // Fifth: ACK.
        if (!seg.ackFlag()) {
            return;
        }
        if (state == TcpState.SYN_RCVD) {
            if (SeqNumber.lt(sender.una(), seg.ack) && SeqNumber.le(seg.ack, sender.max())) {
                sender.acknowledge(seg.ack);
                sender.updateWindow(seg.seq, seg.ack, seg.window, true);
                rtx.stop();
                rtx.sampleOnAck(seg.ack, nowNanos);
                established(nowNanos);
                if (destroyed) {
                    return;
                }
            } else {
                layer.send(remoteIp, localPort, remotePort, seg.ack, 0, TcpSegment.RST, 0, null, null, 0, 0, nowNanos);
                return;
            }
        }
        if (!onAck(seg, nowNanos)) {
            return;
        }
        if (destroyed || state == TcpState.TIME_WAIT) {
            return;
        }
        // Sixth: URG is not supported (RFC 6093 discourages it); the urgent pointer is ignored.
        // Seventh: segment text. Eighth: FIN.
        int dataLength = seg.dataLength;
        if (TcpState.receiving(state) && (dataLength > 0 || seg.fin())) {
            if (user == null && dataLength > 0 && closer.appClosed()) {
                // RFC 1122 §4.2.2.13: data arriving after CLOSE is lost: say so with a reset.
                abort(Errno.ECONNRESET, true, nowNanos);
                return;
            }
            long before = receiver.bytesReceived();
            DemiBuffer data = seg.data;
            seg.data = null;
            int bits = receiver.receive(seg.seq, data, seg.fin());
            long advanced = receiver.bytesReceived() - before;
            if ((bits & (Receiver.OUT_OF_ORDER | Receiver.FILLED_HOLE | Receiver.FIN)) != 0) {
                ackNow = true; // RFC 5681 §4.2: out of order or filling a hole; and a FIN
            } else if (advanced > 0) {
                unackedBytes += (int) advanced;
                // RFC 1122 §4.2.3.2 / RFC 5681 §4.2: ACK at least every second full-sized segment.
                if (unackedBytes >= 2 * config.mss()) {
                    ackNow = true;
                } else if (!timers.isScheduled(delayedAckTimer)) {
                    delayedAckTimer = timers.schedule(nowNanos + config.delayedAckNanos(), onDelayedAck);
                }
            } else {
                ackNow = true; // nothing new (a duplicate): tell the peer where we are
            }
            if ((bits & Receiver.FIN) != 0) {
                closer.onFinReceived(nowNanos);
            }
            if (user != null && (advanced > 0 || (bits & Receiver.FIN) != 0)) {
                layer.markReadable(this); // the pops are served once the whole receive burst is in
            }
        } else if (seg.fin() && (state == TcpState.CLOSE_WAIT || state == TcpState.CLOSING
                || state == TcpState.LAST_ACK)) {
            ackNow = true; // a retransmitted FIN: remain in the state, acknowledge
        }
    }

    /**
     * The ACK field of a synchronized segment (RFC 9293 §3.10.7.4, fifth check). Returns false when the
     * segment must be dropped here.
     */
    private boolean onAck(Segment seg, long nowNanos) {
        int ack = seg.ack;
        if (SeqNumber.gt(ack, sender.max())) {
            ackNow = true; // acknowledges something not yet sent: "send an ACK, drop the segment, and return"
            return false;
        }
        // RFC 5961 §5.2: an ACK too far in the past is a challenge-ACK case.
        if (SeqNumber.lt(ack, SeqNumber.add(sender.una(), (int) -Math.min(sender.maxWindow(), Integer.MAX_VALUE / 2)))) {
            challengeAck(nowNanos);
            return false;
        }
        if (SeqNumber.gt(ack, sender.una())) {
            long before = sender.queue().bytes();
            int acked = sender.acknowledge(ack);
            if (timestamps && seg.options.hasTimestamps() && seg.options.timestampEcho() != 0) {
                // RFC 7323 §4.1: the echoed timestamp dates the segment this ACK answers, retransmitted or not.
                // Its RTTM rule says MAY: an echo from before our last timeout is not used. It answers a
                // retransmission of data the peer already had (whose duplicate it cannot take as TS.Recent,
                // §4.3), so it measures the timeout, not the path; taken, it inflates the RTO, which makes
                // the next stall longer, which inflates it again.
                int echo = seg.options.timestampEcho();
                if (!timedOut || echo - timeoutTsval >= 0) {
                    rtx.sample((long) (tsval(nowNanos) - echo) * 1_000_000L);
                }
            } else {
                rtx.sampleOnAck(ack, nowNanos);
            }
            boolean again = rtx.onNewAck(ack, acked, sender.flight(), nowNanos);
            sender.updateWindow(seg.seq, ack, seg.window, false);
            if (again) {
                retransmitFirst(nowNanos); // RFC 6582 §3.2 step 5: a partial ACK
            }
            if (sender.flight() == 0) {
                rtx.stop();
            } else {
                rtx.restart(nowNanos);
            }
            if (user != null && sender.queue().bytes() < before) {
                user.onWritable(nowNanos);
            }
            if (sender.finAcked()) {
                closer.onFinAcked(nowNanos);
            }
            return !destroyed;
        }
        // SEG.ACK = SND.UNA, or an old ACK within the window of RFC 5961.
        boolean windowChanged = false;
        if (ack == sender.una()) {
            long offered = (long) seg.window << sender.peerShift();
            boolean duplicate = sender.flight() > 0 && seg.dataLength == 0 && !seg.syn() && !seg.fin()
                    && offered == sender.window() && sender.window() != 0;
            windowChanged = sender.updateWindow(seg.seq, ack, seg.window, false);
            if (duplicate && rtx.onDuplicateAck(ack, sender.max(), sender.flight(), nowNanos)) {
                retransmitFirst(nowNanos); // RFC 5681 §3.2 step 2: fast retransmit
            }
            if (sender.window() == 0 || windowChanged) {
                rtx.peerAlive(); // an answer to a window probe: the peer lives (RFC 1122 §4.2.2.17)
            }
        }
        return true;
    }

    private void updateTsRecent(Segment seg) {
        // RFC 7323 §4.3: TS.Recent takes TSval of a segment that covers Last.ACK.sent.
        if (timestamps && seg.options.hasTimestamps() && SeqNumber.le(seg.seq, lastAckSent)
                && SeqNumber.ge(seg.options.timestampValue(), tsRecent)) {
            tsRecent = seg.options.timestampValue();
        }
    }

    private void challengeAck(long nowNanos) {
        if (layer.allowChallengeAck(nowNanos)) {
            sendAck(nowNanos);
        }
    }

    // ------------------------------------------------------------------ output

    /** Sends what the windows allow, then a pending ACK. */
    public void flush(long nowNanos) {
        if (destroyed || state == TcpState.CLOSED) {
            return;
        }
        if (TcpState.synchronizedState(state) && state != TcpState.TIME_WAIT) {
            sendData(nowNanos);
        }
        if (ackNow) {
            sendAck(nowNanos);
        }
    }

    private void sendData(long nowNanos) {
        for (int budget = MAX_SEGMENTS_PER_FLUSH; budget > 0; budget--) {
            long unsent = sender.unsent();
            long window = Math.min(sender.window(), rtx.congestion().cwnd());
            long usable = window - sender.flight();
            int mss = sender.mss();
            if (unsent > 0) {
                long len = Math.min(Math.min(unsent, mss), usable);
                if (len <= 0) {
                    break;
                }
                // RFC 9293 §3.8.6.2.1, sender-side silly window avoidance: a segment shorter than the MSS goes
                // out only if it carries all the data queued, or at least half the largest window offered.
                if (len < mss && len < unsent && len < sender.maxWindow() / 2) {
                    break;
                }
                // RFC 9293 §3.7.4, Nagle: with data in flight, hold a short last segment (unless nodelay).
                if (len < mss && len == unsent && !config.nodelay() && sender.flight() > 0) {
                    break;
                }
                boolean fin = sender.finQueued() && len == unsent;
                emit(sender.nxt(), (int) len, fin, len == unsent, nowNanos);
            } else if (sender.finQueued() && SeqNumber.le(sender.nxt(), sender.finSeq())) {
                emit(sender.nxt(), 0, true, false, nowNanos);
            } else {
                break;
            }
        }
        if (sender.flight() == 0) {
            if (sender.window() == 0 && sender.unsent() > 0) {
                rtx.arm(nowNanos); // the persist timer (RFC 9293 §3.8.6.1)
            } else {
                rtx.stop();
            }
        }
    }

    /** Sends [seq, seq + length) of the stream (and the FIN after it when {@code fin}). */
    private void emit(int seq, int length, boolean fin, boolean push, long nowNanos) {
        int flags = TcpSegment.ACK | (fin ? TcpSegment.FIN : 0) | (push && length > 0 ? TcpSegment.PSH : 0);
        long offset = SeqNumber.distance(sender.queueSeq(), seq);
        TcpOptions o = timestamps ? layer.outputOptions().timestamps(tsval(nowNanos), tsRecent) : null;
        layer.send(remoteIp, localPort, remotePort, seq, receiver.next(), flags, receiver.advertise(), o,
                sender.queue(), offset, length, nowNanos);
        int space = length + (fin ? 1 : 0);
        if (SeqNumber.lt(seq, sender.max())) {
            rtx.countRetransmit();
            layer.countRetransmission();
            rtx.cancelTiming(); // Karn's rule (RFC 6298 §3)
        } else {
            rtx.timeSegment(SeqNumber.add(seq, space), nowNanos);
        }
        sender.sent(seq, space, fin);
        ackSent();
        rtx.arm(nowNanos);
    }

    /** Sends the first unacknowledged segment again (fast retransmit, partial ACK, window probe). */
    private void retransmitFirst(long nowNanos) {
        retransmitFirst(sender.mss(), nowNanos);
    }

    private void retransmitFirst(int limit, long nowNanos) {
        int seq = sender.una();
        long queued = sender.queue().bytes() - SeqNumber.distance(sender.queueSeq(), seq);
        int len = (int) Math.min(limit, Math.max(0, queued));
        boolean fin = sender.finSent() && len == queued;
        if (len == 0 && !fin) {
            return;
        }
        emit(seq, len, fin, len == queued, nowNanos);
    }

    /**
     * Sends a bare ACK with the current window: {@code <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>}, where SND.NXT is
     * RFC 9293's, the next new sequence number ({@link Sender#max()}), not the rewound one a retransmission
     * timeout leaves in {@link Sender#nxt()}: the peer may have received more than we are resending, and an ACK
     * with an older sequence number would fail its acceptability test and be dropped, ACK field and all (as
     * BSD's tcp_output, which sends pure ACKs at snd_max).
     */
    public void sendAck(long nowNanos) {
        if (state == TcpState.SYN_SENT || state == TcpState.CLOSED) {
            ackNow = false;
            return;
        }
        TcpOptions o = timestamps ? layer.outputOptions().timestamps(tsval(nowNanos), tsRecent) : null;
        layer.send(remoteIp, localPort, remotePort, sender.max(), receiver.next(), TcpSegment.ACK,
                receiver.advertise(), o, null, 0, 0, nowNanos);
        ackSent();
    }

    /** Asks for an ACK at the end of this input (or right away through {@link #flush}). */
    public void ackNow() {
        ackNow = true;
    }

    private void ackSent() {
        ackNow = false;
        unackedBytes = 0;
        lastAckSent = receiver.next();
        if (delayedAckTimer != 0) {
            timers.cancel(delayedAckTimer);
            delayedAckTimer = 0;
        }
    }

    /** RFC 7323 §5.4's timestamp clock: milliseconds. */
    private static int tsval(long nowNanos) {
        return (int) (nowNanos / 1_000_000L);
    }

    /** Sends a reset for this connection: {@code <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>} (RFC 9293 §3.10.5). */
    public void sendReset(long nowNanos) {
        layer.countConnectionReset();
        layer.send(remoteIp, localPort, remotePort, sender.max(), receiver.next(), TcpSegment.RST | TcpSegment.ACK, 0,
                null, null, 0, 0, nowNanos);
    }

    // ------------------------------------------------------------------ the application's side

    /** End of a receive burst: waiting pops take what this burst brought (see {@link TcpLayer#deliverReadable}). */
    void deliverReadable(long nowNanos) {
        readablePending = false;
        if (user != null) {
            user.onReadable(nowNanos);
        }
    }

    /**
     * The application popped data: sends a window update when the window opened enough to matter (RFC 9293
     * §3.8.6.2.2; RFC 1122 §4.2.3.3).
     */
    void onConsumed(long nowNanos) {
        if (TcpState.receiving(state) && receiver.windowUpdateWorthy()) {
            sendAck(nowNanos);
        }
    }

    /** The application closed its queue (RFC 9293 §3.10.4). */
    void close(long nowNanos) {
        detach();
        closer.close(nowNanos);
        if (!destroyed) {
            flush(nowNanos);
        }
    }

    // ------------------------------------------------------------------ timers

    /** The retransmission (or persist) timer expired (RFC 6298 §5.4-5.7; RFC 9293 §3.8.6.1). */
    private void onRetransmitTimeout(long nowNanos) {
        if (destroyed) {
            return;
        }
        switch (state) {
            case TcpState.SYN_SENT -> {
                if (rtx.retries() >= config.synRetries()) {
                    abort(Errno.ETIMEDOUT, false, nowNanos);
                    return;
                }
                rtx.expired();
                sendSyn(nowNanos);
                rtx.arm(nowNanos);
            }
            case TcpState.SYN_RCVD -> {
                if (rtx.retries() >= config.synAckRetries()) {
                    abort(Errno.ETIMEDOUT, false, nowNanos);
                    return;
                }
                rtx.expired();
                sendSynAck(nowNanos);
                rtx.arm(nowNanos);
            }
            case TcpState.TIME_WAIT, TcpState.CLOSED -> {
            }
            default -> onDataTimeout(nowNanos);
        }
    }

    private void onDataTimeout(long nowNanos) {
        if (sender.window() == 0) {
            // Persist: probe the zero window with one byte of new data (or the byte already out), backing off
            // (RFC 9293 §3.8.6.1). Probing goes on while the peer answers (RFC 1122 §4.2.2.17).
            if (sender.flight() == 0 && sender.unsent() == 0) {
                return;
            }
            rtx.expired();
            if (rtx.retries() > config.dataRetries()) {
                abort(Errno.ETIMEDOUT, true, nowNanos);
                return;
            }
            if (sender.flight() == 0) {
                emit(sender.nxt(), 1, false, sender.unsent() == 1, nowNanos);
            } else {
                retransmitFirst(1, nowNanos);
            }
            rtx.restart(nowNanos);
            return;
        }
        if (sender.flight() == 0) {
            return;
        }
        if (rtx.retries() >= config.dataRetries()) {
            abort(Errno.ETIMEDOUT, true, nowNanos); // RFC 9293 §3.8.3: R2 reached
            return;
        }
        layer.countTimeout();
        timedOut = true;
        timeoutTsval = tsval(nowNanos);
        rtx.onTimeoutLoss(sender.flight(), sender.max(), nowNanos);
        rtx.expired();
        sender.rewind(); // go back N: everything from SND.UNA is sent again as the window allows
        flush(nowNanos);
        rtx.restart(nowNanos);
    }

    private void onDelayedAckTimer(long nowNanos) {
        delayedAckTimer = 0;
        if (!destroyed && TcpState.synchronizedState(state) && unackedBytes > 0) {
            sendAck(nowNanos);
        }
    }

    private void armKeepalive(long nowNanos) {
        if (config.keepalive().enabled()) {
            keepaliveTimer = timers.schedule(nowNanos + config.keepalive().time().toNanos(), onKeepalive);
        }
    }

    /** RFC 1122 §4.2.3.6: after the idle time, probe; abort after the configured number of unanswered probes. */
    private void onKeepaliveTimer(long nowNanos) {
        keepaliveTimer = 0;
        if (destroyed || !TcpState.synchronizedState(state) || state == TcpState.TIME_WAIT) {
            return;
        }
        long idle = nowNanos - lastHeard;
        long time = config.keepalive().time().toNanos();
        if (idle < time && keepaliveProbes == 0) {
            keepaliveTimer = timers.schedule(lastHeard + time, onKeepalive);
            return;
        }
        if (keepaliveProbes >= config.keepaliveProbes()) {
            abort(Errno.ETIMEDOUT, true, nowNanos);
            return;
        }
        if (sender.flight() == 0) {
            // <SEQ=SND.NXT-1><ACK=RCV.NXT>: an old sequence number, so the peer must answer with an ACK.
            TcpOptions o = timestamps ? layer.outputOptions().timestamps(tsval(nowNanos), tsRecent) : null;
            layer.send(remoteIp, localPort, remotePort, SeqNumber.add(sender.max(), -1), receiver.next(),
                    TcpSegment.ACK, receiver.advertise(), o, null, 0, 0, nowNanos);
        }
        keepaliveProbes++;
        keepaliveTimer = timers.schedule(nowNanos + config.keepalive().interval().toNanos(), onKeepalive);
    }

    // ------------------------------------------------------------------ the end

    /**
     * Ends the connection with {@code errno} (0 for a normal end), sending a reset first when {@code reset}
     * and the peer is synchronized with us (RFC 9293 §3.10.5 ABORT).
     */
    public void abort(int errno, boolean reset, long nowNanos) {
        if (destroyed) {
            return;
        }
        if (reset && state != TcpState.SYN_SENT && state != TcpState.TIME_WAIT) {
            sendReset(nowNanos);
        }
        destroy(errno);
    }

    /**
     * Removes the connection: timers stop, queued bytes are released, the port claim (if any) goes back, the
     * listener forgets a half-open connection, and the application's queue hears {@code errno}.
     */
    public void destroy(int errno) {
        if (destroyed) {
            return;
        }
        destroyed = true;
        if (errno != 0) {
            error = errno;
        }
        int was = state;
        state = TcpState.CLOSED;
        rtx.stop();
        if (delayedAckTimer != 0) {
            timers.cancel(delayedAckTimer);
        }
        if (keepaliveTimer != 0) {
            timers.cancel(keepaliveTimer);
        }
        closer.cancelTimers();
        sender.clear();
        layer.unregister(this);
        if (ownsPort) {
            ownsPort = false;
            layer.releasePort(localPort);
        }
        if (parent != null) {
            ListenSocket p = parent;
            parent = null;
            p.onHalfOpenGone(this);
        }
        if (user != null) {
            if (errno != 0) {
                receiver.clear(); // RFC 9293 §3.10.7.4: on a reset "all segment queues should be flushed"
            }
            user.onClosed(error, was);
        } else {
            receiver.clear();
        }
    }

    /** Releases everything without telling the peer (the stack shuts down). */
    void destroyQuietly() {
        destroy(Errno.ECONNABORTED);
        receiver.clear();
    }

    /** Releases the receive side once the application no longer needs it. */
    void releaseReceived() {
        receiver.clear();
    }

    @Override
    public String toString() {
        return "tcp " + Endpoint.toString(localEndpoint()) + " -> " + Endpoint.toString(remoteEndpoint()) + " "
                + TcpState.name(state);
    }
}
