package io.demikv.libos.catnap;

import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.Opcode;
import io.demikv.libos.Sga;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.sched.Task;

/**
 * A TCP socket queue: a non-blocking {@code SOCK_STREAM} kernel socket.
 *
 * <p>Its state only decides which calls are allowed; the kernel decides everything else:
 * <pre>
 *   NEW --bind--> BOUND --listen--> LISTENING        (accept)
 *    |              |
 *    +--connect-----+--> CONNECTING --> CONNECTED    (push, pop)
 *                            |  refused, timed out: back to NEW or BOUND
 * </pre>
 * Misuse is answered at once with the error Linux gives (bind(2), listen(2), accept(2), connect(2)) except
 * where noted on {@link Catnap}. Libos thread only.
 */
final class TcpSocketQueue extends SocketQueue {
    static final int NEW = 0;
    static final int BOUND = 1;
    static final int LISTENING = 2;
    static final int CONNECTING = 3;
    static final int CONNECTED = 4;
    static final int CLOSED = 5;

    // accept(2), ERRORS: network errors of the pending connection that the caller should retry like EAGAIN.
    private static final int ENONET = 64;
    private static final int EPROTO = 71;
    private static final int ENOPROTOOPT = 92;
    private static final int ENETDOWN = 100;
    private static final int EHOSTDOWN = 112;

    private int state;
    /** The state to return to when a connect fails: NEW or BOUND. */
    private int beforeConnect;

    TcpSocketQueue(Catnap catnap, int fd, int state) {
        super(catnap, fd);
        this.state = state;
    }

    @Override
    public String kind() {
        return "tcp";
    }

    int state() {
        return state;
    }

    @Override
    public int bind(long endpoint) {
        if (state != NEW) {
            return -Errno.EINVAL; // bind(2): "The socket is already bound to an address."
        }
        int rc = sys.bind(fd, endpoint);
        if (rc == 0) {
            state = BOUND;
        }
        return rc;
    }

    @Override
    public int listen(int backlog) {
        if (state == NEW) {
            // Linux would bind an ephemeral port (listen(2)); a user-level stack cannot, so no libOS does.
            return -Errno.EDESTADDRREQ;
        }
        if (state != BOUND && state != LISTENING) { // listening again only changes the backlog
            return -Errno.EINVAL;
        }
        int rc = sys.listen(fd, backlog);
        if (rc == 0) {
            state = LISTENING;
        }
        return rc;
    }

    @Override
    public long accept() {
        if (state != LISTENING) {
            return -Errno.EINVAL; // accept(2): "Socket is not listening for connections"
        }
        return startRead(scheduler.acquire(this, Opcode.ACCEPT, qd()));
    }

    @Override
    public long connect(long endpoint) {
        int refused = switch (state) {
            case CONNECTED -> -Errno.EISCONN;
            case CONNECTING -> -Errno.EALREADY;
            case LISTENING -> -Errno.EOPNOTSUPP; // POSIX connect(): "The socket is listening and cannot be connected."
            case CLOSED -> -Errno.EBADF;
            default -> 0;
        };
        if (refused != 0) {
            return refused;
        }
        Task t = scheduler.acquire(this, Opcode.CONNECT, qd());
        t.endpoint = endpoint;
        int rc = sys.connect(fd, endpoint);
        if (rc == 0) {
            state = CONNECTED;
            scheduler.complete(t, null, -1, endpoint, 0);
        } else if (rc == -Errno.EINPROGRESS || rc == -Errno.EINTR) {
            // connect(2), EINPROGRESS: "It is possible to select(2) or poll(2) for completion by selecting
            // the socket for writing": wait for EPOLLOUT, then see connectOnce.
            beforeConnect = state;
            state = CONNECTING;
            awaitWritable(t);
        } else {
            scheduler.fail(t, -rc);
        }
        return t.qt();
    }

    @Override
    public long push(Sga sga) {
        if (state != CONNECTED) {
            return -Errno.ENOTCONN;
        }
        Task t = scheduler.acquire(this, Opcode.PUSH, qd());
        t.sga = sga;
        t.arg = sga.length();
        return startWrite(t);
    }

    @Override
    public long pop(int maxBytes) {
        if (state != CONNECTED) {
            return -Errno.ENOTCONN;
        }
        if (maxBytes <= 0) {
            return -Errno.EINVAL;
        }
        Task t = scheduler.acquire(this, Opcode.POP, qd());
        t.arg = maxBytes;
        return startRead(t);
    }

    @Override
    int readOnce(Task t) {
        return t.opcode == Opcode.ACCEPT ? acceptOnce(t) : receiveOnce(t);
    }

    @Override
    int writeOnce(Task t) {
        return t.opcode == Opcode.CONNECT ? connectOnce(t) : sendOnce(t);
    }

    private int receiveOnce(Task t) {
        int capacity = (int) Math.min(t.arg, catnap.receiveBytes());
        DemiBuffer b = catnap.buffers().allocate(capacity);
        if (b == null) {
            scheduler.fail(t, Errno.ENOMEM);
            return DONE;
        }
        long n = sys.recv(fd, address(b), capacity);
        if (n >= 0) {
            // n == 0: recv(2) "will return 0" after "an orderly shutdown" of the peer: an empty array, EOF.
            b.setLength((int) n);
            scheduler.complete(t, catnap.wrap(b), -1, Endpoint.NONE, n);
            return DONE;
        }
        b.release();
        if (n == -Errno.EAGAIN) {
            return AGAIN;
        }
        if (n == -Errno.EINTR) {
            return RETRY;
        }
        scheduler.fail(t, (int) -n);
        return DONE;
    }

    private int sendOnce(Task t) {
        long n = sendSga(t.sga, t.progress, Endpoint.NONE);
        if (n >= 0) {
            t.progress += n;
            if (t.progress >= t.arg) {
                catnap.completePush(t, t.arg);
                return DONE;
            }
            // A partial send means the send buffer filled up (epoll(7)); try once more next pass, which
            // either sends more or says EAGAIN and waits for EPOLLOUT.
            return RETRY;
        }
        if (n == -Errno.EAGAIN) {
            return AGAIN;
        }
        if (n == -Errno.EINTR) {
            return RETRY;
        }
        catnap.failPush(t, (int) -n);
        return DONE;
    }

    private int acceptOnce(Task t) {
        int newFd = sys.accept(fd);
        if (newFd >= 0) {
            long peer = sys.lastAddress();
            int newQd = catnap.adopt(newFd);
            if (newQd < 0) {
                scheduler.fail(t, -newQd);
            } else {
                scheduler.complete(t, null, newQd, peer, 0);
            }
            return DONE;
        }
        int errno = -newFd;
        return switch (errno) {
            case Errno.EAGAIN -> AGAIN;
            // accept(2), RETURN VALUE: network errors of the pending connection, to "treat ... like EAGAIN
            // by retrying".
            case Errno.EINTR, Errno.ECONNABORTED, ENONET, EPROTO, ENOPROTOOPT, ENETDOWN, EHOSTDOWN,
                 Errno.EHOSTUNREACH, Errno.EOPNOTSUPP, Errno.ENETUNREACH -> RETRY;
            default -> {
                scheduler.fail(t, errno);
                yield DONE;
            }
        };
    }

    private int connectOnce(Task t) {
        // connect(2) advises reading SO_ERROR once the socket is writable; on Linux that leaves a failed
        // socket in the "connecting" state, so its next connect would fail with ECONNABORTED. Calling
        // connect again instead reports the outcome and resets a failed socket: 0 when connected, EALREADY
        // while the handshake runs, else the error (ECONNREFUSED, ETIMEDOUT, ...).
        int rc = sys.connect(fd, t.endpoint);
        if (rc == 0 || rc == -Errno.EISCONN) {
            state = CONNECTED;
            scheduler.complete(t, null, -1, t.endpoint, 0);
            return DONE;
        }
        if (rc == -Errno.EALREADY || rc == -Errno.EINPROGRESS || rc == -Errno.EINTR) {
            return AGAIN; // woken before the handshake finished (the edge of registering a fresh socket)
        }
        state = beforeConnect;
        scheduler.fail(t, -rc);
        return DONE;
    }

    @Override
    void markClosed() {
        state = CLOSED;
    }
}
