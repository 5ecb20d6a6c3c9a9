package io.demikv.catnip.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Sleeps until a file descriptor is readable or a timeout passes: ppoll(2) on a single {@code struct pollfd}
 * with {@code POLLIN}, so an idle Catnip sleeps on its device (a packet socket, a TAP file) and wakes when a
 * frame arrives. ppoll rather than poll(2) because its timeout is a {@code timespec} (nanoseconds): the stack's
 * timers are finer than poll's milliseconds. The {@code pollfd} and {@code timespec} are allocated once:
 * waiting allocates nothing. One thread at a time (the libOS's).
 */
public final class ReadyWait implements AutoCloseable {
    static final short POLLIN = 0x1;
    static final int EINTR = 4;
    /** {@code struct pollfd { int fd; short events; short revents; }} */
    static final int POLLFD_BYTES = 8;
    /** {@code struct timespec { time_t tv_sec; long tv_nsec; }} on 64-bit Linux. */
    static final int TIMESPEC_BYTES = 16;

    private static final MethodHandle PPOLL = Native.withErrno("ppoll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState = arena.allocate(Native.CALL_STATE);
    private final MemorySegment pollfd = arena.allocate(POLLFD_BYTES, 8);
    private final MemorySegment timeout = arena.allocate(TIMESPEC_BYTES, 8);
    private boolean closed;

    public ReadyWait() {
        pollfd.set(JAVA_SHORT, 4, POLLIN);
    }

    /**
     * Blocks until {@code fd} is readable (or in error: the next read reports it) or {@code nanos} have passed.
     * Returns 1 when it is ready, 0 on timeout or a signal (EINTR: the caller polls and decides again), or
     * -errno ({@code EBADF} for a closed descriptor).
     */
    public int await(int fd, long nanos) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        long n = Math.max(0, nanos);
        pollfd.set(JAVA_INT, 0, fd);
        timeout.set(JAVA_LONG, 0, n / 1_000_000_000L);
        timeout.set(JAVA_LONG, 8, n % 1_000_000_000L);
        pollfd.set(JAVA_SHORT, 6, (short) 0);
        int rc;
        try {
            rc = (int) PPOLL.invokeExact(callState, pollfd, 1L, timeout, MemorySegment.NULL);
        } catch (Throwable t) {
            throw Native.broken("ppoll", t);
        }
        if (rc < 0) {
            int e = Native.errno(callState);
            return e == EINTR ? 0 : -e;
        }
        return rc > 0 ? 1 : 0;
    }

    /** Frees the scratch memory; descriptors stay open (their owners close them). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
    }
}
