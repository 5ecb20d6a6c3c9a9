package io.demikv.catnip.tcp;

import io.demikv.catnip.tcp.active.ActiveOpen;
import io.demikv.catnip.tcp.passive.ListenSocket;
import io.demikv.libos.AbstractLibOS;
import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.IoQueue;
import io.demikv.libos.Opcode;
import io.demikv.libos.Sga;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.sched.Operator;
import io.demikv.libos.sched.Scheduler;
import io.demikv.libos.sched.Task;

import java.util.ArrayDeque;
import java.util.function.ToIntFunction;

/**
 * A TCP socket of Catnip, as a PDPIX queue: the same semantics as Catnap's kernel-backed TCP queue, on
 * Catnip's own TCP.
 * <pre>
 *   NEW --bind--> BOUND --listen--> LISTENING        (accept)
 *    |              |
 *    +--connect-----+--> CONNECTING --> CONNECTED    (push, pop)
 *                            |  refused, timed out: back to NEW or BOUND
 * </pre>
 * <ul>
 *   <li>{@code bind}: 0.0.0.0 or our address ({@code -EADDRNOTAVAIL}), port 0 = ephemeral,
 *       {@code -EADDRINUSE}, {@code -EINVAL} when bound already. {@code listen} needs a bound socket
 *       ({@code -EDESTADDRREQ}, as Catnap); listening again changes the backlog.</li>
 *   <li>{@code accept}: completes with the new connection's qd and the peer's address, in the order
 *       connections completed their handshake.</li>
 *   <li>{@code connect}: completes once ESTABLISHED; fails with {@code ECONNREFUSED} (a reset),
 *       {@code ETIMEDOUT} (no answer after the SYN retries). Binds an ephemeral port first when unbound.</li>
 *   <li>{@code push}: completes as soon as all its bytes are in the connection's send queue, not when the
 *       peer acknowledged them (as a kernel's send(2)). The queue keeps references to the pushed buffers
 *       (views, zero copy; pushes under {@link io.demikv.catnip.tcp.established.SendQueue#COPY_BELOW} bytes
 *       are copied), so the application may free the array at once and the bytes live until acknowledged.
 *       <b>It must not write into those buffers again</b>: a retransmission would send the new bytes. A push
 *       waits (pushes complete in order) while the send queue holds {@code sendBuffer} bytes or more, unless
 *       the queue is empty, so one push larger than the buffer still goes through. Fails with the connection's
 *       error after a reset or timeout ({@code ECONNRESET}, {@code ETIMEDOUT}), {@code EPIPE} otherwise.</li>
 *   <li>{@code pop}: the bytes received in order, as many as are ready (up to {@link Sga#MAX_SEGMENTS}
 *       buffers, zero copy: the received frames' buffers), or waits. After the peer's FIN and all data: a
 *       zero-length pop (end of stream), again on every later pop. After a reset: fails with
 *       {@code ECONNRESET} (data not yet popped is discarded, RFC 9293 §3.10.7.4).</li>
 *   <li>{@code close}: pending operations fail with {@code ECANCELED}; the connection closes gracefully
 *       in the background (queued data, then a FIN; see {@link io.demikv.catnip.tcp.closing.Closer} for
 *       linger and unread data). A listener's unaccepted connections are reset.</li>
 * </ul>
 * Libos thread only.
 */
public final class TcpQueue extends IoQueue implements Operator, ListenSocket.AcceptListener {
    static final int NEW = 0;
    static final int BOUND = 1;
    static final int LISTENING = 2;
    static final int CONNECTING = 3;
    static final int CONNECTED = 4;
    static final int CLOSED = 5;

    private final AbstractLibOS libos;
    private final Scheduler scheduler;
    private final TcpLayer tcp;
    private final ToIntFunction<IoQueue> installer;
    private final ArrayDeque<Task> pops = new ArrayDeque<>();
    private final ArrayDeque<Task> pushes = new ArrayDeque<>();
    private final ArrayDeque<Task> accepts = new ArrayDeque<>();
    private Task connectTask;
    private int state;
    private int port = -1;
    private ListenSocket listener;
    private ControlBlock cb;
    /** An accepted connection shares its listener's port and holds no claim on it. */
    private boolean accepted;

    /**
     * @param installer installs an accepted connection's queue in the libOS's table, returning its qd or -errno
     */
    public TcpQueue(AbstractLibOS libos, TcpLayer tcp, ToIntFunction<IoQueue> installer) {
        this.libos = libos;
        this.scheduler = libos.scheduler();
        this.tcp = tcp;
        this.installer = installer;
        this.state = NEW;
    }

    /** An accepted connection's queue. */
    private TcpQueue(TcpQueue parent, ControlBlock cb) {
        this(parent.libos, parent.tcp, parent.installer);
        this.cb = cb;
        this.port = cb.localPort();
        this.state = CONNECTED;
        this.accepted = true;
        cb.attach(this);
    }

    @Override
    public String kind() {
        return "tcp";
    }

    /** The connection, or null (listening, not connected). For diagnostics and tests. */
    public ControlBlock connection() {
        return cb;
    }

    public ListenSocket listenSocket() {
        return listener;
    }

    @Override
    public long localEndpoint() {
        return port < 0 ? Endpoint.NONE : Endpoint.of(tcp.address(), port);
    }

    /** The peer, or {@link Endpoint#NONE}. */
    public long remoteEndpoint() {
        return cb == null ? Endpoint.NONE : cb.remoteEndpoint();
    }

    @Override
    public int bind(long endpoint) {
        if (state == CLOSED) {
            return -Errno.EBADF;
        }
        if (state != NEW) {
            return -Errno.EINVAL;
        }
        int ip = Endpoint.ipv4(endpoint);
        if (ip != 0 && ip != tcp.address()) {
            return -Errno.EADDRNOTAVAIL;
        }
        int rc = tcp.claimPort(Endpoint.port(endpoint));
        if (rc < 0) {
            return rc;
        }
        port = rc;
        state = BOUND;
        return 0;
    }

    @Override
    public int listen(int backlog) {
        if (state == NEW) {
            return -Errno.EDESTADDRREQ;
        }
        if (state == LISTENING) {
            listener.backlog(backlog);
            return 0;
        }
        if (state != BOUND) {
            return -Errno.EINVAL;
        }
        listener = new ListenSocket(tcp, port, backlog, this);
        tcp.listen(port, listener);
        state = LISTENING;
        return 0;
    }

    @Override
    public long accept() {
        if (state != LISTENING) {
            return -Errno.EINVAL;
        }
        Task t = scheduler.acquire(this, Opcode.ACCEPT, qd());
        accepts.addLast(t);
        onAcceptable(libos.nowNanos());
        return t.qt();
    }

    @Override
    public void onAcceptable(long nowNanos) {
        while (!accepts.isEmpty()) {
            ControlBlock c = listener.poll();
            if (c == null) {
                return;
            }
            Task t = accepts.pollFirst();
            TcpQueue q = new TcpQueue(this, c);
            int newQd = installer.applyAsInt(q);
            if (newQd < 0) {
                c.detach();
                c.abort(0, true, nowNanos);
                scheduler.fail(t, -newQd);
                continue;
            }
            scheduler.complete(t, null, newQd, c.remoteEndpoint(), 0);
        }
    }

    @Override
    public long connect(long endpoint) {
        int refused = switch (state) {
            case CONNECTED -> -Errno.EISCONN;
            case CONNECTING -> -Errno.EALREADY;
            case LISTENING -> -Errno.EOPNOTSUPP;
            case CLOSED -> -Errno.EBADF;
            default -> 0;
        };
        if (refused != 0) {
            return refused;
        }
        int ip = Endpoint.ipv4(endpoint);
        int remotePort = Endpoint.port(endpoint);
        if (ip == 0 || remotePort == 0) {
            return -Errno.EINVAL;
        }
        if (ip == tcp.address()) {
            return -Errno.EHOSTUNREACH; // no loopback in Catnip (docs/catnip.md)
        }
        if (state == NEW) {
            int rc = tcp.claimPort(0);
            if (rc < 0) {
                return rc;
            }
            port = rc;
            state = BOUND;
        }
        long now = libos.nowNanos();
        ControlBlock c = ActiveOpen.connect(tcp, port, ip, remotePort, now);
        if (c == null) {
            return -Errno.EADDRINUSE;
        }
        tcp.sharePort(port);
        c.ownsPort(true);
        cb = c;
        c.attach(this);
        state = CONNECTING;
        Task t = scheduler.acquire(this, Opcode.CONNECT, qd());
        t.endpoint = endpoint;
        connectTask = t;
        return t.qt();
    }

    /** The handshake completed. */
    void onConnected(long nowNanos) {
        if (state == CONNECTING) {
            state = CONNECTED;
            Task t = connectTask;
            connectTask = null;
            if (t != null) {
                scheduler.complete(t, null, -1, cb.remoteEndpoint(), 0);
            }
        }
    }

    @Override
    public long push(Sga sga) {
        if (state != CONNECTED) {
            return state == CLOSED ? -Errno.EBADF : -Errno.ENOTCONN;
        }
        Task t = scheduler.acquire(this, Opcode.PUSH, qd());
        t.sga = sga;
        t.arg = sga.length();
        pushes.addLast(t);
        long now = libos.nowNanos();
        servePushes();
        cb.flush(now);
        return t.qt();
    }

    /** Queues the bytes of waiting pushes while they fit, in order. */
    private void servePushes() {
        while (!pushes.isEmpty()) {
            Task t = pushes.peekFirst();
            if (cb.destroyed() || !TcpState.sending(cb.state())) {
                pushes.pollFirst();
                libos.failPush(t, cb.error() != 0 ? cb.error() : Errno.EPIPE);
                continue;
            }
            if (cb.sender().room() < t.arg && !cb.sender().queue().isEmpty()) {
                return;
            }
            Sga sga = t.sga;
            for (int i = 0; i < sga.segmentCount(); i++) {
                DemiBuffer b = sga.segment(i);
                if (!cb.sender().queue().append(b)) {
                    // The pool is gone: the libOS is closing.
                    pushes.pollFirst();
                    libos.failPush(t, Errno.ENOMEM);
                    return;
                }
            }
            pushes.pollFirst();
            libos.completePush(t, t.arg);
        }
    }

    @Override
    public long pop(int maxBytes) {
        if (state != CONNECTED) {
            return state == CLOSED ? -Errno.EBADF : -Errno.ENOTCONN;
        }
        if (maxBytes <= 0) {
            return -Errno.EINVAL;
        }
        Task t = scheduler.acquire(this, Opcode.POP, qd());
        t.arg = maxBytes;
        pops.addLast(t);
        servePops(libos.nowNanos());
        return t.qt();
    }

    /** Completes waiting pops with what is ready: data, end of stream, or the connection's error. */
    private void servePops(long nowNanos) {
        boolean consumed = false;
        while (!pops.isEmpty()) {
            Task t = pops.peekFirst();
            if (cb.receiver().readyBytes() > 0) {
                Sga sga = libos.newSga();
                long n = cb.receiver().take(t.arg, sga);
                pops.pollFirst();
                consumed = true;
                scheduler.complete(t, sga, -1, Endpoint.NONE, n);
            } else if (cb.destroyed() && cb.error() != 0) {
                pops.pollFirst();
                scheduler.fail(t, cb.error());
            } else if (cb.receiver().finReceived() || cb.destroyed()) {
                DemiBuffer empty = libos.buffers().allocate(0);
                if (empty == null) {
                    pops.pollFirst();
                    scheduler.fail(t, Errno.ENOMEM);
                    continue;
                }
                pops.pollFirst();
                scheduler.complete(t, libos.wrap(empty), -1, Endpoint.NONE, 0); // end of stream
            } else {
                break;
            }
        }
        if (consumed && !cb.destroyed()) {
            cb.onConsumed(nowNanos);
        }
    }

    void onReadable(long nowNanos) {
        servePops(nowNanos);
    }

    void onWritable(long nowNanos) {
        servePushes();
    }

    /** The connection ended: fails what waits with its error (a connect: the error, or ECONNREFUSED). */
    void onClosed(int errno, int wasState) {
        if (connectTask != null) {
            Task t = connectTask;
            connectTask = null;
            scheduler.fail(t, errno != 0 ? errno : Errno.ECONNREFUSED);
            // connect(2) leaves a failed socket bound, so it may try again.
            cb = null;
            state = BOUND;
            return;
        }
        long now = libos.nowNanos();
        servePops(now);
        servePushes();
    }

    /** Tasks here finish on events (segments, timers), never by polling. */
    @Override
    public void poll(Task task, long nowNanos) {
        scheduler.park(task);
    }

    @Override
    public int close() {
        if (state == CLOSED) {
            return 0;
        }
        int was = state;
        state = CLOSED;
        Task t;
        while ((t = pops.pollFirst()) != null) {
            scheduler.fail(t, Errno.ECANCELED);
        }
        while ((t = pushes.pollFirst()) != null) {
            libos.failPush(t, Errno.ECANCELED);
        }
        while ((t = accepts.pollFirst()) != null) {
            scheduler.fail(t, Errno.ECANCELED);
        }
        if (connectTask != null) {
            scheduler.fail(connectTask, Errno.ECANCELED);
            connectTask = null;
        }
        long now = libos.nowNanos();
        if (listener != null) {
            listener.close(now);
            listener = null;
        }
        if (cb != null) {
            ControlBlock c = cb;
            cb = null;
            c.close(now);
        }
        // Accepted connections share the listener's port; bound and listening sockets hold it.
        if (port >= 0 && (was == BOUND || was == LISTENING || was == CONNECTING || was == CONNECTED)
                && !accepted) {
            tcp.releasePort(port);
        }
        return 0;
    }
}
