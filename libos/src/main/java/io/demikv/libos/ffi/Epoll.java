package io.demikv.libos.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One epoll(7) instance and a preallocated array for the events one wait returns. Calls return a result
 * or a negated errno; none allocates. Waits with a timeout below a millisecond use epoll_pwait2(2)
 * (Linux 5.11, glibc 2.35), which takes a {@code timespec}; where libc lacks it, epoll_wait(2) with the
 * timeout rounded up to a whole millisecond.
 *
 * <p>Libos thread only, except {@link #close()} at shut-down.
 */
public final class Epoll implements AutoCloseable {
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLPRI = 0x002;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    public static final int EPOLLRDHUP = 0x2000;
    /** epoll(7): report an fd only when its readiness changes (edge-triggered). */
    public static final int EPOLLET = 1 << 31;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;
    public static final int EPOLL_CLOEXEC = 0x80000;
    private static final int EINTR = 4;

    private static final MethodHandle CREATE1 = Libc.withErrno("epoll_create1",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle CTL = Libc.withErrno("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle WAIT = Libc.withErrno("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle PWAIT2 = Libc.withErrnoIfPresent("epoll_pwait2",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CLOSE = Libc.withErrno("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState = arena.allocate(Libc.CALL_STATE);
    private final MemorySegment ctlEvent = arena.allocate(EpollEvent.LAYOUT);
    private final MemorySegment events;
    /** struct timespec { time_t tv_sec; long tv_nsec; } */
    private final MemorySegment timespec = arena.allocate(16, 8);
    private final int maxEvents;
    private final int epfd;
    /** False after the kernel said ENOSYS to epoll_pwait2 (a kernel older than 5.11). */
    private boolean pwait2 = PWAIT2 != null;
    private boolean closed;

    /**
     * Creates the epoll instance ({@code EPOLL_CLOEXEC}) with room for {@code maxEvents} events per wait.
     *
     * @throws IllegalStateException when the kernel refuses (the per-user instance limit, out of fds)
     */
    public Epoll(int maxEvents) {
        if (maxEvents <= 0) {
            throw new IllegalArgumentException("maxEvents must be positive: " + maxEvents);
        }
        this.maxEvents = maxEvents;
        this.events = arena.allocate(EpollEvent.SIZE * maxEvents, 8);
        int fd;
        try {
            fd = (int) CREATE1.invokeExact(callState, EPOLL_CLOEXEC);
        } catch (Throwable t) {
            throw Libc.broken("epoll_create1", t);
        }
        if (fd < 0) {
            int errno = Libc.errno(callState);
            arena.close();
            throw new IllegalStateException("epoll_create1 failed with errno " + errno
                    + ": raise the open-file limit (ulimit -n) or fs.epoll.max_user_instances");
        }
        this.epfd = fd;
    }

    public int fd() {
        return epfd;
    }

    public int maxEvents() {
        return maxEvents;
    }

    /** EPOLL_CTL_ADD: watch {@code fd} for {@code mask}, reporting {@code data}. 0 or -errno. */
    public int add(int fd, int mask, long data) {
        return ctl(EPOLL_CTL_ADD, fd, mask, data);
    }

    /** EPOLL_CTL_MOD. 0 or -errno. */
    public int modify(int fd, int mask, long data) {
        return ctl(EPOLL_CTL_MOD, fd, mask, data);
    }

    /** EPOLL_CTL_DEL. 0 or -errno. */
    public int delete(int fd) {
        return ctl(EPOLL_CTL_DEL, fd, 0, 0);
    }

    private int ctl(int op, int fd, int mask, long data) {
        EpollEvent.set(ctlEvent, 0, mask, data);
        try {
            int rc = (int) CTL.invokeExact(callState, epfd, op, fd, ctlEvent);
            return rc < 0 ? -Libc.errno(callState) : rc;
        } catch (Throwable t) {
            throw Libc.broken("epoll_ctl", t);
        }
    }

    /**
     * Waits for events: {@code timeoutNanos} 0 polls, negative waits forever. Returns how many events are
     * in the array (read them with {@link #events(int)} and {@link #data(int)}), 0 on timeout or on
     * {@code EINTR} (a signal is not an error here), or -errno.
     */
    public int await(long timeoutNanos) {
        int n;
        try {
            if (timeoutNanos == 0 || timeoutNanos < 0) {
                n = (int) WAIT.invokeExact(callState, epfd, events, maxEvents, timeoutNanos == 0 ? 0 : -1);
            } else if (pwait2) {
                timespec.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
                timespec.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
                n = (int) PWAIT2.invokeExact(callState, epfd, events, maxEvents, timespec, MemorySegment.NULL);
                if (n < 0 && Libc.errno(callState) == 38 /* ENOSYS */) {
                    pwait2 = false;
                    return await(timeoutNanos);
                }
            } else {
                long ms = (timeoutNanos + 999_999) / 1_000_000;
                n = (int) WAIT.invokeExact(callState, epfd, events, maxEvents, (int) Math.min(ms, Integer.MAX_VALUE));
            }
        } catch (Throwable t) {
            throw Libc.broken("epoll_wait", t);
        }
        if (n < 0) {
            int errno = Libc.errno(callState);
            return errno == EINTR ? 0 : -errno;
        }
        return n;
    }

    /** The event mask of event {@code i} of the last wait. */
    public int events(int i) {
        return EpollEvent.events(events, i);
    }

    /** The data word of event {@code i} of the last wait. */
    public long data(int i) {
        return EpollEvent.data(events, i);
    }

    /** Closes the epoll fd and frees the scratch memory. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int rc = (int) CLOSE.invokeExact(callState, epfd);
            assert rc == 0 : "close(epfd) failed";
        } catch (Throwable t) {
            throw Libc.broken("close", t);
        }
        arena.close();
    }
}
