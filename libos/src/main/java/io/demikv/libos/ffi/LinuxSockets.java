package io.demikv.libos.ffi;

import io.demikv.libos.Endpoint;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Linux socket system calls through FFM, for IPv4 ({@code AF_INET}) stream and datagram sockets.
 *
 * <p>Every call returns its result or a <em>negated errno</em> (read from the call state FFM captured right
 * after the call), never throws for an expected failure. Data buffers are passed as raw 64-bit addresses,
 * and every struct a call needs ({@code sockaddr_in}, {@code socklen_t}, an option value, the
 * {@code iovec} array, a {@code msghdr}, the errno capture) is a scratch segment allocated once per
 * instance: no call allocates. Addresses returned by {@link #accept} and {@link #recvFrom} are read with
 * {@link #lastAddress()}.
 *
 * <p>One instance per libOS; not thread-safe: only the libOS thread may call it. Constants are the Linux
 * values for x86-64 and aarch64 (socket(2), socket(7), tcp(7)).
 */
public final class LinuxSockets implements AutoCloseable {
    public static final int AF_INET = 2;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    /** socket(2): "Set the O_NONBLOCK file status flag on the open file description". */
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_ERROR = 4;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int TCP_NODELAY = 1;
    /** send(2): "Don't generate a SIGPIPE signal if the peer on a stream-oriented socket has closed". */
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;

    private static final MethodHandle SOCKET = Libc.withErrno("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = Libc.withErrno("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = Libc.withErrno("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle BIND = Libc.withErrno("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = Libc.withErrno("listen",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 = Libc.withErrno("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle CONNECT = Libc.withErrno("connect",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = Libc.withErrno("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETPEERNAME = Libc.withErrno("getpeername",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    /** ssize_t recv(int, void *, size_t, int) with the buffer as a raw address. */
    private static final MethodHandle RECV = Libc.withErrno("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SEND = Libc.withErrno("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SENDMSG = Libc.withErrno("sendmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVFROM = Libc.withErrno("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SENDTO = Libc.withErrno("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SHUTDOWN = Libc.withErrno("shutdown",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = Libc.withErrno("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState = arena.allocate(Libc.CALL_STATE);
    private final MemorySegment sockaddr = arena.allocate(SockAddrIn.LAYOUT);
    private final MemorySegment socklen = arena.allocate(JAVA_INT);
    private final MemorySegment option = arena.allocate(JAVA_INT);
    private final MemorySegment iovecs;
    private final MemorySegment msghdr = arena.allocate(MsgHdr.LAYOUT);
    private final int maxIovecs;

    /** Scratch for {@code maxIovecs} gather entries per {@link #sendIovecs} call. */
    public LinuxSockets(int maxIovecs) {
        if (maxIovecs <= 0) {
            throw new IllegalArgumentException("maxIovecs must be positive: " + maxIovecs);
        }
        this.maxIovecs = maxIovecs;
        this.iovecs = arena.allocate(IoVec.SIZE * maxIovecs, 8);
    }

    public int maxIovecs() {
        return maxIovecs;
    }

    private int result(int rc) {
        return rc < 0 ? -Libc.errno(callState) : rc;
    }

    private long result(long rc) {
        return rc < 0 ? -Libc.errno(callState) : rc;
    }

    /** socket(2): a new fd or -errno. */
    public int socket(int domain, int type, int protocol) {
        try {
            return result((int) SOCKET.invokeExact(callState, domain, type, protocol));
        } catch (Throwable t) {
            throw Libc.broken("socket", t);
        }
    }

    /** setsockopt(2) with an {@code int} value: 0 or -errno. */
    public int setIntOption(int fd, int level, int name, int value) {
        option.set(JAVA_INT, 0, value);
        try {
            return result((int) SETSOCKOPT.invokeExact(callState, fd, level, name, option, (int) JAVA_INT.byteSize()));
        } catch (Throwable t) {
            throw Libc.broken("setsockopt", t);
        }
    }

    /** getsockopt(2) of an {@code int} option: its (non-negative) value or -errno. */
    public int getIntOption(int fd, int level, int name) {
        socklen.set(JAVA_INT, 0, (int) JAVA_INT.byteSize());
        try {
            int rc = result((int) GETSOCKOPT.invokeExact(callState, fd, level, name, option, socklen));
            return rc < 0 ? rc : option.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Libc.broken("getsockopt", t);
        }
    }

    /** bind(2) to an IPv4 endpoint: 0 or -errno. */
    public int bind(int fd, long endpoint) {
        SockAddrIn.write(sockaddr, endpoint);
        try {
            return result((int) BIND.invokeExact(callState, fd, sockaddr, SockAddrIn.SIZE));
        } catch (Throwable t) {
            throw Libc.broken("bind", t);
        }
    }

    /** listen(2): 0 or -errno. */
    public int listen(int fd, int backlog) {
        try {
            return result((int) LISTEN.invokeExact(callState, fd, backlog));
        } catch (Throwable t) {
            throw Libc.broken("listen", t);
        }
    }

    /**
     * accept4(2) with {@code SOCK_NONBLOCK | SOCK_CLOEXEC}: the new connection's fd (its peer then in
     * {@link #lastAddress()}) or -errno ({@code -EAGAIN} when no connection is pending).
     */
    public int accept(int fd) {
        socklen.set(JAVA_INT, 0, SockAddrIn.SIZE);
        try {
            return result((int) ACCEPT4.invokeExact(callState, fd, sockaddr, socklen, SOCK_NONBLOCK | SOCK_CLOEXEC));
        } catch (Throwable t) {
            throw Libc.broken("accept4", t);
        }
    }

    /** connect(2) to an IPv4 endpoint: 0 or -errno ({@code -EINPROGRESS} on a non-blocking stream socket). */
    public int connect(int fd, long endpoint) {
        SockAddrIn.write(sockaddr, endpoint);
        try {
            return result((int) CONNECT.invokeExact(callState, fd, sockaddr, SockAddrIn.SIZE));
        } catch (Throwable t) {
            throw Libc.broken("connect", t);
        }
    }

    /** getsockname(2): the local endpoint (non-negative) or -errno. */
    public long localAddress(int fd) {
        socklen.set(JAVA_INT, 0, SockAddrIn.SIZE);
        try {
            int rc = result((int) GETSOCKNAME.invokeExact(callState, fd, sockaddr, socklen));
            return rc < 0 ? rc : SockAddrIn.read(sockaddr);
        } catch (Throwable t) {
            throw Libc.broken("getsockname", t);
        }
    }

    /** getpeername(2): the remote endpoint (non-negative) or -errno ({@code -ENOTCONN} when not connected). */
    public long peerAddress(int fd) {
        socklen.set(JAVA_INT, 0, SockAddrIn.SIZE);
        try {
            int rc = result((int) GETPEERNAME.invokeExact(callState, fd, sockaddr, socklen));
            return rc < 0 ? rc : SockAddrIn.read(sockaddr);
        } catch (Throwable t) {
            throw Libc.broken("getpeername", t);
        }
    }

    /** recv(2) into {@code [address, address + length)}: bytes received, 0 at end of stream, or -errno. */
    public long recv(int fd, long address, long length) {
        try {
            return result((long) RECV.invokeExact(callState, fd, address, length, 0));
        } catch (Throwable t) {
            throw Libc.broken("recv", t);
        }
    }

    /** send(2) with {@code MSG_NOSIGNAL}: bytes handed to the kernel (maybe fewer than asked) or -errno. */
    public long send(int fd, long address, long length) {
        try {
            return result((long) SEND.invokeExact(callState, fd, address, length, MSG_NOSIGNAL));
        } catch (Throwable t) {
            throw Libc.broken("send", t);
        }
    }

    /** Sets gather entry {@code index} (below {@link #maxIovecs()}) for the next {@link #sendIovecs}. */
    public void iovec(int index, long address, long length) {
        if (index < 0 || index >= maxIovecs) {
            throw new IndexOutOfBoundsException("iovec " + index + " of " + maxIovecs);
        }
        IoVec.set(iovecs, index, address, length);
    }

    /**
     * sendmsg(2) with {@code MSG_NOSIGNAL} of the first {@code count} gather entries, to {@code endpoint}
     * (a datagram) or to the connected peer when it is {@link Endpoint#NONE}: bytes sent or -errno.
     */
    public long sendIovecs(int fd, int count, long endpoint) {
        if (endpoint == Endpoint.NONE) {
            MsgHdr.set(msghdr, MemorySegment.NULL, 0, iovecs, count);
        } else {
            SockAddrIn.write(sockaddr, endpoint);
            MsgHdr.set(msghdr, sockaddr, SockAddrIn.SIZE, iovecs, count);
        }
        try {
            return result((long) SENDMSG.invokeExact(callState, fd, msghdr, MSG_NOSIGNAL));
        } catch (Throwable t) {
            throw Libc.broken("sendmsg", t);
        }
    }

    /** recvfrom(2): bytes of the datagram (its sender then in {@link #lastAddress()}) or -errno. */
    public long recvFrom(int fd, long address, long length) {
        socklen.set(JAVA_INT, 0, SockAddrIn.SIZE);
        try {
            return result((long) RECVFROM.invokeExact(callState, fd, address, length, 0, sockaddr, socklen));
        } catch (Throwable t) {
            throw Libc.broken("recvfrom", t);
        }
    }

    /** sendto(2) with {@code MSG_NOSIGNAL} of one datagram to {@code endpoint}: bytes sent or -errno. */
    public long sendTo(int fd, long address, long length, long endpoint) {
        SockAddrIn.write(sockaddr, endpoint);
        try {
            return result((long) SENDTO.invokeExact(callState, fd, address, length, MSG_NOSIGNAL, sockaddr,
                    SockAddrIn.SIZE));
        } catch (Throwable t) {
            throw Libc.broken("sendto", t);
        }
    }

    /** shutdown(2): 0 or -errno. */
    public int shutdown(int fd, int how) {
        try {
            return result((int) SHUTDOWN.invokeExact(callState, fd, how));
        } catch (Throwable t) {
            throw Libc.broken("shutdown", t);
        }
    }

    /** close(2): 0 or -errno. The fd is released even when this reports an error (close(2), NOTES). */
    public int close(int fd) {
        try {
            return result((int) CLOSE.invokeExact(callState, fd));
        } catch (Throwable t) {
            throw Libc.broken("close", t);
        }
    }

    /** The address written by the last {@link #accept} or {@link #recvFrom}, or {@link Endpoint#NONE}. */
    public long lastAddress() {
        return SockAddrIn.read(sockaddr);
    }

    /** Frees the scratch memory; the instance must not be used afterwards. */
    @Override
    public void close() {
        arena.close();
    }
}
