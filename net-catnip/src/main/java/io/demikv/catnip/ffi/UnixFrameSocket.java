package io.demikv.catnip.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One end of a connected pair of {@code AF_UNIX}/{@code SOCK_SEQPACKET} sockets (socketpair(2), unix(7)): each
 * send(2) is one message that one recv(2) returns whole, so the pair carries Ethernet frames between two
 * stacks in one process with real file descriptors (they poll readable when a frame waits) and needs no
 * privileges. Sequenced packets rather than datagrams: a datagram pair allows only
 * {@code net.unix.max_dgram_qlen} (10) queued messages. Non-blocking.
 *
 * <p>Calls return a count or a negated errno. One thread per end.
 */
public final class UnixFrameSocket implements AutoCloseable {
    static final int AF_UNIX = 1;
    static final int SOCK_SEQPACKET = 5;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int EAGAIN = 11;

    private static final MethodHandle SOCKETPAIR = Native.withErrno("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle RECV = Native.withErrno("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SEND = Native.withErrno("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState = arena.allocate(Native.CALL_STATE);
    private final MessageBatch rxBatch = new MessageBatch(PacketSocket.BATCH, 0);
    private final MessageBatch txBatch = new MessageBatch(PacketSocket.BATCH, 0);
    private final int fd;
    private boolean closed;

    private UnixFrameSocket(int fd) {
        this.fd = fd;
    }

    /**
     * A connected pair: what one end sends, the other receives.
     *
     * @throws IllegalStateException when the kernel refuses (out of file descriptors)
     */
    public static UnixFrameSocket[] pair() {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment state = scratch.allocate(Native.CALL_STATE);
            MemorySegment fds = scratch.allocate(JAVA_INT, 2);
            int rc;
            try {
                rc = (int) SOCKETPAIR.invokeExact(state, AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds);
            } catch (Throwable t) {
                throw Native.broken("socketpair", t);
            }
            if (rc < 0) {
                throw new IllegalStateException("socketpair(AF_UNIX, SOCK_SEQPACKET) failed: "
                        + Errors.describe(Native.errno(state)));
            }
            return new UnixFrameSocket[] {new UnixFrameSocket(fds.getAtIndex(JAVA_INT, 0)),
                    new UnixFrameSocket(fds.getAtIndex(JAVA_INT, 1))};
        }
    }

    /** The file descriptor, for poll(2); it stays owned by this object. */
    public int fd() {
        return fd;
    }

    /**
     * Receives one frame into {@code capacity} bytes at {@code address}: its length, 0 when none is waiting, or
     * -errno. A longer frame is cut to {@code capacity} (the device's MTU bounds what the peer sends).
     */
    public int receive(long address, int capacity) {
        long n;
        try {
            n = (long) RECV.invokeExact(callState, fd, address, (long) capacity, MSG_DONTWAIT);
        } catch (Throwable t) {
            throw Native.broken("recv", t);
        }
        if (n < 0) {
            int e = Native.errno(callState);
            return e == EAGAIN ? 0 : -e;
        }
        return (int) n;
    }

    /** Sets the buffer of receive slot {@code i}; see {@link PacketSocket#setReceiveBuffer}. */
    public void setReceiveBuffer(int i, long address, int capacity) {
        rxBatch.setBuffer(i, address, capacity);
    }

    /** Receives up to {@code count} frames in one recvmmsg(2); see {@link PacketSocket#receiveBatch}. */
    public int receiveBatch(int[] lengths, int count) {
        return rxBatch.receive(fd, count, lengths);
    }

    /** Sends {@code count} frames in sendmmsg(2) calls; returns how many were sent. */
    public int sendBatch(long[] addresses, int[] lengths, int count) {
        return txBatch.send(fd, addresses, lengths, count);
    }

    /** Sends one frame; the bytes sent or -errno ({@code EAGAIN} when the peer's queue is full). */
    public int send(long address, int length) {
        long n;
        try {
            n = (long) SEND.invokeExact(callState, fd, address, (long) length, MSG_DONTWAIT | MSG_NOSIGNAL);
        } catch (Throwable t) {
            throw Native.broken("send", t);
        }
        return n < 0 ? -Native.errno(callState) : (int) n;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Native.close(callState, fd);
        rxBatch.close();
        txBatch.close();
        arena.close();
    }
}
