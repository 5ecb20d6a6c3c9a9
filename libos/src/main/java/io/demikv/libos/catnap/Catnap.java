package io.demikv.libos.catnap;

import io.demikv.libos.AbstractLibOS;
import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.IoQueue;
import io.demikv.libos.LibOS;
import io.demikv.libos.Sga;
import io.demikv.libos.WaitPolicy;
import io.demikv.libos.ffi.Epoll;
import io.demikv.libos.ffi.LinuxSockets;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.time.NanoClock;

/**
 * Catnap: the libOS over Linux kernel sockets (IPv4 TCP and UDP), called through FFM. It is Demikernel's
 * portable baseline: the same PDPIX program runs here and on a kernel-bypass libOS.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * try (Catnap catnap = new Catnap()) {
 *     int qd = catnap.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
 *     catnap.bind(qd, Endpoint.parse("127.0.0.1:0"));
 *     catnap.listen(qd, 128);
 *     int port = Endpoint.port(catnap.localEndpoint(qd));
 *     long qt = catnap.accept(qd);
 *     ...
 * }
 * }</pre>
 * An instance belongs to one thread: only the thread that calls {@code wait*} may call it (it may be
 * constructed on another). Several instances may run on several threads, each with its own epoll
 * instance and buffer pool.
 *
 * <h2>Readiness</h2>
 * Every socket is registered once, when it is created, with one epoll instance for
 * {@code EPOLLIN | EPOLLOUT | EPOLLRDHUP}, <b>edge-triggered</b> ({@code EPOLLET}): no epoll_ctl(2) per
 * operation, and an idle writable socket does not report itself on every pass. The price is that an
 * operation may wait for an edge only after its system call returned {@code EAGAIN} (epoll(7)), and
 * each one does. On every scheduler pass a poller calls epoll_wait(2) with timeout 0 and
 * wakes the first waiting operation of each direction of each ready socket; when {@code wait} has nothing
 * to do it blocks in epoll_wait (epoll_pwait2(2) for sub-millisecond timeouts) instead of spinning.
 *
 * <h2>Semantics (beyond {@link LibOS})</h2>
 * <ul>
 *   <li>{@code socket}: {@code AF_INET} only ({@code -EAFNOSUPPORT}), {@code SOCK_STREAM} or
 *       {@code SOCK_DGRAM} ({@code -EPROTONOSUPPORT} otherwise). TCP sockets get {@code SO_REUSEADDR} (a
 *       restarted server can rebind its port; socket(7)) and {@code TCP_NODELAY} (a push is a message, not
 *       a byte stream to be coalesced; tcp(7)).</li>
 *   <li>{@code bind}: {@code -EINVAL} when already bound, the kernel's {@code -EADDRINUSE} or
 *       {@code -EADDRNOTAVAIL}. Port 0 picks an ephemeral port; read it with {@link #localEndpoint}.</li>
 *   <li>{@code listen} before {@code bind}: {@code -EDESTADDRREQ}. Linux would bind an ephemeral port
 *       (listen(2)); a kernel-bypass stack cannot, and a PDPIX program must behave the same on every
 *       libOS.</li>
 *   <li>{@code accept} on a socket that is not listening: {@code -EINVAL}; on UDP: {@code -EOPNOTSUPP}.</li>
 *   <li>{@code connect}: completes as CONNECT with the remote address as {@code peer()}, or FAILED with
 *       the kernel's errno ({@code ECONNREFUSED}, {@code ETIMEDOUT}, {@code ENETUNREACH}); after a failure
 *       the socket may connect again. A second connect returns {@code -EALREADY} while pending and
 *       {@code -EISCONN} when connected; on a listening socket {@code -EOPNOTSUPP}.</li>
 *   <li>TCP {@code push}: {@code -ENOTCONN} unless connected. Completes when every byte is in the
 *       kernel's send buffer, with {@code value()} = bytes; pushes of one socket complete in order. A peer
 *       that closed or reset makes it fail with {@code EPIPE} or {@code ECONNRESET} (no SIGPIPE:
 *       {@code MSG_NOSIGNAL}). Up to {@link Sga#MAX_SEGMENTS} segments go out in one sendmsg(2).</li>
 *   <li>TCP {@code pop}: {@code -ENOTCONN} unless connected. Completes with up to
 *       {@link #receiveBytes()} bytes in one pooled buffer; pops of one socket complete in order. End of
 *       stream (the peer's FIN, also after our own data was pushed: half-close) completes a pop with an
 *       array of one zero-length segment, and every later pop the same way. A peer's reset (RST) fails
 *       the first pop with {@code ECONNRESET}, as Linux reports the error once; later pops then see end
 *       of stream.</li>
 *   <li>UDP: a {@code pushTo} is one datagram (sendto(2); sendmsg(2) for several segments), complete when
 *       the kernel took it; a pop is one datagram, its sender in {@code peer()}, and a zero-length datagram
 *       pops as an empty array (data, not end of stream). {@code connect} sets a default peer (udp(7)) and
 *       completes at once; {@code push} without it: {@code -EDESTADDRREQ}. {@code pushTo} on TCP:
 *       {@code -EOPNOTSUPP}.</li>
 *   <li>{@code close}: pending operations complete FAILED with {@code ECANCELED}; the fd leaves epoll and
 *       is closed. Data already pushed is still delivered by the kernel (close(2) with no linger).</li>
 * </ul>
 * Fairness: per scheduler pass a socket costs at most one system call per pending operation, so a peer
 * that floods one connection cannot starve the others.
 */
public final class Catnap extends AbstractLibOS {
    /** Events per epoll_wait(2); more ready sockets are reported on the next pass. */
    static final int MAX_EVENTS = 256;
    private static final int EPOLL_MASK = Epoll.EPOLLIN | Epoll.EPOLLOUT | Epoll.EPOLLRDHUP | Epoll.EPOLLET;

    final LinuxSockets sys;
    private final Epoll epoll;
    private final int receiveBytes;
    /** The socket queue of every fd this libOS opened, indexed by fd: where epoll's events go. */
    private SocketQueue[] byFd = new SocketQueue[256];
    private boolean shut;

    /** Catnap with {@link WaitPolicy#DEFAULT}, a standard {@link BufferPool} and 64 KiB receive buffers. */
    public Catnap() {
        this(WaitPolicy.DEFAULT, new BufferPool());
    }

    /** Receive buffers of 64 KiB capacity (headroom included), so they come from one pool size class. */
    public Catnap(WaitPolicy waitPolicy, BufferPool buffers) {
        this(waitPolicy, buffers, (64 << 10) - buffers.headroom());
    }

    /**
     * @param waitPolicy   how {@code wait} idles; its blocking phase sleeps in epoll_wait
     * @param buffers      the pool pops receive into; closed with this libOS
     * @param receiveBytes the most bytes one TCP pop returns (one recv(2) into one buffer)
     * @throws IllegalArgumentException when {@code receiveBytes} is not positive or too large for the pool
     * @throws IllegalStateException    when the kernel refuses an epoll instance
     */
    public Catnap(WaitPolicy waitPolicy, BufferPool buffers, int receiveBytes) {
        super(NanoClock.SYSTEM, waitPolicy, buffers);
        if (receiveBytes <= 0 || (long) receiveBytes + buffers.headroom() > BufferPool.MAX_BUFFER_BYTES) {
            throw new IllegalArgumentException("receiveBytes must be in 1.." + (BufferPool.MAX_BUFFER_BYTES
                    - buffers.headroom()) + ", got " + receiveBytes);
        }
        this.receiveBytes = receiveBytes;
        this.sys = new LinuxSockets(Sga.MAX_SEGMENTS);
        try {
            this.epoll = new Epoll(MAX_EVENTS);
        } catch (RuntimeException e) {
            sys.close();
            throw e;
        }
        scheduler.addPoller(now -> pollEvents(0));
    }

    @Override
    public String name() {
        return "catnap";
    }

    /** The most bytes one TCP pop returns. */
    public int receiveBytes() {
        return receiveBytes;
    }

    /** The local address of a socket queue (getsockname(2)), or {@link Endpoint#NONE}. */
    public long localEndpoint(int qd) {
        IoQueue q = queues.get(qd);
        return q == null ? Endpoint.NONE : q.localEndpoint();
    }

    /** The connected peer of a socket queue (getpeername(2)), or {@link Endpoint#NONE}. */
    public long remoteEndpoint(int qd) {
        return queues.get(qd) instanceof SocketQueue s ? s.remoteEndpoint() : Endpoint.NONE;
    }

    @Override
    public int socket(int domain, int type, int protocol) {
        if (shut) {
            return -Errno.EBADF;
        }
        if (domain != LibOS.AF_INET) {
            return -Errno.EAFNOSUPPORT;
        }
        int kind = type & ~(LinuxSockets.SOCK_NONBLOCK | LinuxSockets.SOCK_CLOEXEC);
        boolean stream = kind == LibOS.SOCK_STREAM;
        if (stream ? protocol != 0 && protocol != LinuxSockets.IPPROTO_TCP
                : kind != LibOS.SOCK_DGRAM || protocol != 0 && protocol != LinuxSockets.IPPROTO_UDP) {
            return -Errno.EPROTONOSUPPORT;
        }
        int fd = sys.socket(LinuxSockets.AF_INET, kind | LinuxSockets.SOCK_NONBLOCK | LinuxSockets.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            return fd;
        }
        SocketQueue q;
        if (stream) {
            sys.setIntOption(fd, LinuxSockets.SOL_SOCKET, LinuxSockets.SO_REUSEADDR, 1);
            sys.setIntOption(fd, LinuxSockets.IPPROTO_TCP, LinuxSockets.TCP_NODELAY, 1);
            q = new TcpSocketQueue(this, fd, TcpSocketQueue.NEW);
        } else {
            q = new UdpSocketQueue(this, fd);
        }
        return installSocket(q);
    }

    /** Installs a queue for an accepted connection's fd; returns its qd or -errno (the fd is then closed). */
    int adopt(int fd) {
        // accept4(2) does not promise that options carry over from the listener (tcp(7)): set ours again.
        sys.setIntOption(fd, LinuxSockets.IPPROTO_TCP, LinuxSockets.TCP_NODELAY, 1);
        return installSocket(new TcpSocketQueue(this, fd, TcpSocketQueue.CONNECTED));
    }

    private int installSocket(SocketQueue q) {
        int qd = install(q);
        if (qd < 0) {
            sys.close(q.fd);
            return qd;
        }
        int rc = epoll.add(q.fd, EPOLL_MASK, q.fd);
        if (rc < 0) {
            queues.remove(qd);
            sys.close(q.fd);
            return rc;
        }
        if (q.fd >= byFd.length) {
            byFd = java.util.Arrays.copyOf(byFd, Math.max(byFd.length * 2, q.fd + 1));
        }
        byFd[q.fd] = q;
        return qd;
    }

    /** Takes a closing socket's fd out of epoll and closes it; 0 or -errno from close(2). */
    int release(SocketQueue q) {
        if (q.fd < byFd.length && byFd[q.fd] == q) {
            byFd[q.fd] = null;
        }
        if (!shut) {
            epoll.delete(q.fd);
        }
        return sys.close(q.fd);
    }

    /**
     * One epoll_wait: blocks up to {@code timeoutNanos} (0 polls) and wakes the waiting operations of every
     * ready socket. Returns how many operations it woke.
     */
    private int pollEvents(long timeoutNanos) {
        if (shut) {
            return 0;
        }
        int n = epoll.await(timeoutNanos);
        int woken = 0;
        for (int i = 0; i < n; i++) {
            long fd = epoll.data(i);
            SocketQueue q = fd >= 0 && fd < byFd.length ? byFd[(int) fd] : null;
            if (q != null) {
                woken += q.onReady(epoll.events(i));
            }
        }
        return woken;
    }

    /**
     * Adds {@code fd} to the epoll set (readable, edge-triggered, so it need not be read): an event on it ends a
     * blocking epoll_wait like a socket's. Its events carry a negative tag, so no socket is woken by them.
     */
    @Override
    public boolean addWakeFd(int fd) {
        return !shut && fd >= 0 && epoll.add(fd, Epoll.EPOLLIN | Epoll.EPOLLET, -1L - fd) == 0;
    }

    @Override
    public void removeWakeFd(int fd) {
        if (!shut && fd >= 0) {
            epoll.delete(fd);
        }
    }

    /** Every socket and wake fd is in the epoll set, so a blocking epoll_wait ends at any event. */
    @Override
    protected boolean sleepsUntilEvent() {
        return true;
    }

    /** Sleeps in epoll_wait: a socket event ends the sleep early, so an idle server costs no CPU. */
    @Override
    protected void block(long nanos) {
        if (scheduler.runnableTasks() > 0) {
            return; // a task already has work (a partial send to continue): do not sleep on it
        }
        pollEvents(nanos);
    }

    /** Closes every queue (cancelling its operations), the epoll instance and the native scratch memory. */
    @Override
    public void close() {
        if (shut) {
            return;
        }
        super.close();
        shut = true;
        epoll.close();
        sys.close();
    }
}
