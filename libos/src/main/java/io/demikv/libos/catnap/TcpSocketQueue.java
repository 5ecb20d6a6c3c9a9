package io.demikv.libos.catnap;

import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.Opcode;
import io.demikv.libos.Sga;
import io.demikv.libos.ffi.LinuxSockets;
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
        switch (state) {
            case NEW:
                // Linux would bind an ephemeral port; a user-level stack cannot, so no libOS does.
                return -Errno.EDESTADDRREQ;
            case BOUND:
            case LISTENING: // listen(2) again only changes the backlog
                int rc = sys.listen(fd, backlog);
                if (rc == 0) {
                    state = LISTENING;
                }
                return rc;
            default:
                return -Errno.EINVAL;
        }
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
        switch (state) {
            case CONNECTED:
                return -Errno.EISCONN;
            case CONNECTING:
                return -Errno.EALREADY;
            case LISTENING:
                return -Errno.EOPNOTSUPP; // POSIX connect(): "The socket is listening and cannot be connected."
            case CLOSED:
                return -Errno.EBADF;
            default:
                break;
        }
        Task t = scheduler.acquire(this, Opcode.CONNECT, qd());
        t.endpoint = endpoint;
        int rc = sys.connect(fd, endpoint);
        if (rc == 0) {
            state = CONNECTED;
            scheduler.complete(t, null, -1, endpoint, 0);
        } else if (rc == -Errno.EINPROGRESS || rc == -Errno.EINTR) {
            // connect(2), EINPROGRESS: "select(2) ... for writing. After [it] indicates writability, use
            // getsockopt(2) to read the SO_ERROR option".
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
        switch (errno) {
            case Errno.EAGAIN:
                return AGAIN;
            case Errno.EINTR:
            case Errno.ECONNABORTED:
            case ENONET:
            case EPROTO:
            case ENOPROTOOPT:
            case ENETDOWN:
            case EHOSTDOWN:
            case Errno.EHOSTUNREACH:
            case Errno.EOPNOTSUPP:
            case Errno.ENETUNREACH:
                // accept(2), RETURN VALUE: "treat them like EAGAIN by retrying".
                return RETRY;
            default:
                scheduler.fail(t, errno);
                return DONE;
        }
    }

    private int connectOnce(Task t) {
        int error = sys.getIntOption(fd, LinuxSockets.SOL_SOCKET, LinuxSockets.SO_ERROR);
        if (error != 0) {
            state = beforeConnect;
            scheduler.fail(t, error < 0 ? -error : error);
            return DONE;
        }
        long peer = sys.peerAddress(fd);
        if (peer == -Errno.ENOTCONN) {
            return AGAIN; // woken before the handshake finished (the edge of registering a fresh socket)
        }
        if (peer < 0) {
            state = beforeConnect;
            scheduler.fail(t, (int) -peer);
            return DONE;
        }
        state = CONNECTED;
        scheduler.complete(t, null, -1, peer, 0);
        return DONE;
    }

    @Override
    void markClosed() {
        state = CLOSED;
    }
}
