package io.demikv.libos.catnap;

import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.IoQueue;
import io.demikv.libos.Opcode;
import io.demikv.libos.Sga;
import io.demikv.libos.ffi.Epoll;
import io.demikv.libos.ffi.LinuxSockets;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.sched.Operator;
import io.demikv.libos.sched.Scheduler;
import io.demikv.libos.sched.Task;

/**
 * What TCP and UDP queues share: a non-blocking kernel socket, the two FIFOs of its pending operations
 * (reads: pops and accepts; writes: pushes and a connect), the pump that advances them, and close.
 *
 * <h2>How an operation runs</h2>
 * <ol>
 *   <li>When no older operation of its direction is pending, it tries its system call at once (the fast
 *       path): a pop on a socket with data completes inside {@code pop()}.</li>
 *   <li>Otherwise, or when the call says {@code EAGAIN}, it waits in its ring. Only the ring's head is ever
 *       woken, by an epoll edge ({@link #onReady}), so operations of one direction complete in the order
 *       they were started.</li>
 *   <li>A woken head runs the {@linkplain #poll pump}: one attempt for each operation that was pending,
 *       stopping at the first {@code EAGAIN}. A peer that floods the socket therefore costs at most one
 *       system call per pending operation per scheduler pass, and every other socket gets its turn.</li>
 * </ol>
 * Because epoll is edge-triggered (see {@link Catnap}), a task parks only after its system call said
 * {@code EAGAIN}: epoll(7), questions and answers, "You must consider it ready until the next (nonblocking)
 * read/write yields EAGAIN". The next change of readiness then produces a new edge, so no wake-up is lost.
 * Libos thread only.
 */
abstract sealed class SocketQueue extends IoQueue implements Operator permits TcpSocketQueue, UdpSocketQueue {
    /** The attempt completed or failed its task. */
    static final int DONE = 0;
    /** {@code EAGAIN}: wait for the next readiness edge. */
    static final int AGAIN = 1;
    /** Progress without completion (a partial send) or a transient error: try again next pass. */
    static final int RETRY = 2;

    /** Events that may let a read-side operation progress; errors and hang-ups let it see its error. */
    static final int READ_EVENTS = Epoll.EPOLLIN | Epoll.EPOLLRDHUP | Epoll.EPOLLHUP | Epoll.EPOLLERR;
    static final int WRITE_EVENTS = Epoll.EPOLLOUT | Epoll.EPOLLHUP | Epoll.EPOLLERR;

    final Catnap catnap;
    final Scheduler scheduler;
    final LinuxSockets sys;
    final int fd;
    private final TaskRing readers = new TaskRing();
    private final TaskRing writers = new TaskRing();
    private boolean closed;

    SocketQueue(Catnap catnap, int fd) {
        this.catnap = catnap;
        this.scheduler = catnap.scheduler();
        this.sys = catnap.sys;
        this.fd = fd;
    }

    /** One attempt at a read-side task (POP, ACCEPT): {@link #DONE}, {@link #AGAIN} or {@link #RETRY}. */
    abstract int readOnce(Task t);

    /** One attempt at a write-side task (PUSH, CONNECT). */
    abstract int writeOnce(Task t);

    /** Called by {@link #close()} before the fd is closed. */
    abstract void markClosed();

    final boolean isClosed() {
        return closed;
    }

    /** Starts a read-side task: tries it now when it is first in line, else queues it behind the others. */
    final long startRead(Task t) {
        return start(readers, t, true);
    }

    /** Starts a write-side task the same way. */
    final long startWrite(Task t) {
        return start(writers, t, false);
    }

    /** Queues a write-side task that already made its first attempt (a connect in progress). */
    final void awaitWritable(Task t) {
        writers.addLast(t);
    }

    private long start(TaskRing ring, Task t, boolean read) {
        long qt = t.qt();
        if (ring.isEmpty()) {
            int r = read ? readOnce(t) : writeOnce(t);
            if (r == DONE) {
                return qt;
            }
            ring.addLast(t);
            if (r == RETRY) {
                scheduler.wake(t);
            }
            return qt;
        }
        ring.addLast(t);
        return qt;
    }

    /** The scheduler runs a woken ring head here. */
    @Override
    public final void poll(Task task, long nowNanos) {
        if (readers.peek() == task) {
            pump(readers, true);
        } else if (writers.peek() == task) {
            pump(writers, false);
        } else {
            // Not first in line: the head's pump will serve it.
            scheduler.park(task);
        }
    }

    private void pump(TaskRing ring, boolean read) {
        // Bounded: one attempt per operation pending now (design principle 7).
        for (int budget = ring.size(); budget > 0; budget--) {
            Task t = ring.peek();
            int r = read ? readOnce(t) : writeOnce(t);
            if (r == AGAIN) {
                scheduler.park(t);
                return;
            }
            if (r == RETRY) {
                scheduler.wake(t);
                return;
            }
            ring.pollFirst();
        }
        if (!ring.isEmpty()) {
            scheduler.wake(ring.peek());
        }
    }

    /** epoll reported {@code events} for this socket: wakes the head of each direction they concern. */
    final int onReady(int events) {
        int woken = 0;
        if ((events & READ_EVENTS) != 0 && !readers.isEmpty()) {
            scheduler.wake(readers.peek());
            woken++;
        }
        if ((events & WRITE_EVENTS) != 0 && !writers.isEmpty()) {
            scheduler.wake(writers.peek());
            woken++;
        }
        return woken;
    }

    /**
     * Sends the bytes of {@code sga} from byte {@code from} on: send(2) or sendto(2) for one segment,
     * sendmsg(2) with a gather list for several. {@code endpoint} is a datagram's destination or
     * {@link Endpoint#NONE} for the connected peer. Returns bytes sent or -errno.
     */
    final long sendSga(Sga sga, long from, long endpoint) {
        int segments = sga.segmentCount();
        if (segments == 1) {
            DemiBuffer b = sga.segment(0);
            long address = address(b) + from;
            long length = b.length() - from;
            return endpoint == Endpoint.NONE ? sys.send(fd, address, length) : sys.sendTo(fd, address, length, endpoint);
        }
        int iov = 0;
        long skip = from;
        for (int i = 0; i < segments; i++) {
            DemiBuffer b = sga.segment(i);
            long length = b.length();
            if (skip >= length) {
                skip -= length;
                continue;
            }
            sys.iovec(iov++, address(b) + skip, length - skip);
            skip = 0;
        }
        return sys.sendIovecs(fd, iov, endpoint);
    }

    /** The native address of a buffer's data. */
    static long address(DemiBuffer b) {
        return b.memory().address() + b.offset();
    }

    @Override
    public final long localEndpoint() {
        long e = closed ? -Errno.EBADF : sys.localAddress(fd);
        return e < 0 ? Endpoint.NONE : e;
    }

    /** The connected peer, or {@link Endpoint#NONE}. */
    final long remoteEndpoint() {
        long e = closed ? -Errno.ENOTCONN : sys.peerAddress(fd);
        return e < 0 ? Endpoint.NONE : e;
    }

    /**
     * Cancels every pending operation (FAILED, {@code ECANCELED}), takes the fd out of epoll and closes it.
     * Returns 0, or -errno from close(2) (the fd is released either way).
     */
    @Override
    public final int close() {
        if (closed) {
            return -Errno.EBADF;
        }
        closed = true;
        cancel(readers);
        cancel(writers);
        markClosed();
        return catnap.release(this);
    }

    private void cancel(TaskRing ring) {
        Task t;
        while ((t = ring.pollFirst()) != null) {
            if (t.opcode == Opcode.PUSH) {
                catnap.failPush(t, Errno.ECANCELED);
            } else {
                scheduler.fail(t, Errno.ECANCELED);
            }
        }
    }
}
