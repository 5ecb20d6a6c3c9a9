package io.demikv.catnip.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A raw {@code AF_PACKET} socket bound to one interface (packet(7)): {@code socket(AF_PACKET, SOCK_RAW,
 * htons(ETH_P_ALL))}, bound to the interface's index, non-blocking, with the interface in promiscuous mode
 * (through a {@code PACKET_MR_PROMISC} membership that the kernel drops when the socket closes) and our own
 * transmissions not looped back ({@code PACKET_IGNORE_OUTGOING}, Linux 4.20+; older kernels are handled by
 * checking {@code sll_pkttype}). Needs {@code CAP_NET_RAW}.
 *
 * <p>Calls return a count or a negated errno; {@link #open} throws {@link IllegalStateException} with a
 * message that says what to fix. Frame buffers are passed as raw addresses; the {@code sockaddr_ll} and the
 * errno capture are scratch memory allocated once: receiving and sending allocate nothing. One thread (the
 * libOS's) only.
 */
public final class PacketSocket implements AutoCloseable {
    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    /** ETH_P_ALL in network byte order, as socket(2) and sockaddr_ll want it. */
    static final int ETH_P_ALL_BE = 0x0300;
    static final int SOL_PACKET = 263;
    static final int PACKET_ADD_MEMBERSHIP = 1;
    static final int PACKET_MR_PROMISC = 1;
    static final int PACKET_IGNORE_OUTGOING = 23;
    static final int PACKET_STATISTICS = 6;
    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_RCVBUFFORCE = 33;
    /**
     * Socket buffer asked for each direction. The default (net.core.rmem_default, about 208 KiB) holds fewer than
     * 100 full frames (each costs its truesize, about 2.3 KiB): a kernel peer sending one window to us, or several
     * connections at once, overflows it between two polls and every lost frame costs a TCP retransmission
     * timeout. 4 MiB holds a 1 MiB window with room to spare.
     */
    static final int SOCKET_BUFFER_BYTES = 4 << 20;
    static final int PACKET_OUTGOING = 4;
    static final int MSG_DONTWAIT = 0x40;
    static final int EAGAIN = 11;
    static final long SIOCGIFINDEX = 0x8933;
    static final long SIOCGIFMTU = 0x8921;
    static final long SIOCGIFHWADDR = 0x8927;
    static final int SOCKADDR_LL_BYTES = 20;
    /** Frames per recvmmsg(2)/sendmmsg(2) at most. */
    public static final int BATCH = 32;

    private static final MethodHandle SOCKET = Native.withErrno("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = Native.withErrno("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = Native.withErrno("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = Native.withErrno("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle RECVFROM = Native.withErrno("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SEND = Native.withErrno("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment callState = arena.allocate(Native.CALL_STATE);
    private final MemorySegment from = arena.allocate(SOCKADDR_LL_BYTES, 8);
    private final MemorySegment fromLength = arena.allocate(JAVA_INT);
    private final MessageBatch rxBatch = new MessageBatch(BATCH, SOCKADDR_LL_BYTES);
    private final MessageBatch txBatch = new MessageBatch(BATCH, 0);
    private final int fd;
    private final int ifindex;
    private final long mac;
    private final int mtu;
    private boolean closed;

    private PacketSocket(int fd, int ifindex, long mac, int mtu) {
        this.fd = fd;
        this.ifindex = ifindex;
        this.mac = mac;
        this.mtu = mtu;
    }

    /**
     * Opens a packet socket on {@code interfaceName} in the calling thread's network namespace.
     *
     * @param promiscuous receive frames for every destination MAC (needed when the stack uses a MAC other
     *                    than the interface's own)
     * @throws IllegalArgumentException for a name Linux would refuse
     * @throws IllegalStateException    when the kernel refuses (not root, no such interface), saying what to do
     */
    public static PacketSocket open(String interfaceName, boolean promiscuous) {
        if (!Native.validInterfaceName(interfaceName)) {
            throw new IllegalArgumentException("'" + interfaceName + "' is not a Linux interface name (1..15 "
                    + "characters, no '/', ':' or spaces)");
        }
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment state = scratch.allocate(Native.CALL_STATE);
            int fd;
            try {
                fd = (int) SOCKET.invokeExact(state, AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, ETH_P_ALL_BE);
            } catch (Throwable t) {
                throw Native.broken("socket", t);
            }
            if (fd < 0) {
                throw new IllegalStateException("socket(AF_PACKET, SOCK_RAW) failed: "
                        + Errors.describe(Native.errno(state)) + "; a raw-socket device needs root (CAP_NET_RAW)");
            }
            try {
                MemorySegment ifreq = scratch.allocate(40, 8);
                Native.ifreqName(ifreq, interfaceName);
                int rc = Native.ioctl(state, fd, SIOCGIFINDEX, ifreq);
                if (rc < 0) {
                    throw new IllegalStateException("no interface '" + interfaceName + "' here: "
                            + Errors.describe(rc) + " (check `ip link` in this network namespace)");
                }
                int ifindex = ifreq.get(JAVA_INT, 16);
                Native.ifreqName(ifreq, interfaceName);
                rc = Native.ioctl(state, fd, SIOCGIFMTU, ifreq);
                int mtu = rc < 0 ? 1500 : ifreq.get(JAVA_INT, 16);
                Native.ifreqName(ifreq, interfaceName);
                rc = Native.ioctl(state, fd, SIOCGIFHWADDR, ifreq);
                long mac = 0;
                if (rc >= 0) {
                    // struct sockaddr at offset 16: sa_family (2 bytes), then the 6 address bytes.
                    for (int i = 0; i < 6; i++) {
                        mac = (mac << 8) | (ifreq.get(ValueLayout.JAVA_BYTE, 18 + i) & 0xFF);
                    }
                }
                MemorySegment sll = scratch.allocate(SOCKADDR_LL_BYTES, 8);
                sll.fill((byte) 0);
                sll.set(ValueLayout.JAVA_SHORT, 0, (short) AF_PACKET);
                sll.set(ValueLayout.JAVA_SHORT, 2, (short) ETH_P_ALL_BE);
                sll.set(JAVA_INT, 4, ifindex);
                int b;
                try {
                    b = (int) BIND.invokeExact(state, fd, sll, SOCKADDR_LL_BYTES);
                } catch (Throwable t) {
                    throw Native.broken("bind", t);
                }
                if (b < 0) {
                    throw new IllegalStateException("bind(AF_PACKET) to '" + interfaceName + "' failed: "
                            + Errors.describe(Native.errno(state)));
                }
                MemorySegment one = scratch.allocate(JAVA_INT);
                one.set(JAVA_INT, 0, 1);
                // Best effort: older kernels lack it, and receive() then skips PACKET_OUTGOING frames itself.
                setsockopt(state, fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, one, 4);
                // Best effort too: the FORCE options need CAP_NET_ADMIN; without it the limit is rmem_max.
                MemorySegment size = scratch.allocate(JAVA_INT);
                size.set(JAVA_INT, 0, SOCKET_BUFFER_BYTES);
                if (setsockopt(state, fd, SOL_SOCKET, SO_RCVBUFFORCE, size, 4) < 0) {
                    setsockopt(state, fd, SOL_SOCKET, SO_RCVBUF, size, 4);
                }
                if (setsockopt(state, fd, SOL_SOCKET, SO_SNDBUFFORCE, size, 4) < 0) {
                    setsockopt(state, fd, SOL_SOCKET, SO_SNDBUF, size, 4);
                }
                if (promiscuous) {
                    MemorySegment mreq = scratch.allocate(16, 8);
                    mreq.fill((byte) 0);
                    mreq.set(JAVA_INT, 0, ifindex);
                    mreq.set(ValueLayout.JAVA_SHORT, 4, (short) PACKET_MR_PROMISC);
                    int p = setsockopt(state, fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq, 16);
                    if (p < 0) {
                        throw new IllegalStateException("cannot make '" + interfaceName + "' promiscuous: "
                                + Errors.describe(p));
                    }
                }
                return new PacketSocket(fd, ifindex, mac, mtu);
            } catch (RuntimeException e) {
                Native.close(state, fd);
                throw e;
            }
        }
    }

    private static int setsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value, int length) {
        try {
            int rc = (int) SETSOCKOPT.invokeExact(state, fd, level, name, value, length);
            return rc < 0 ? -Native.errno(state) : rc;
        } catch (Throwable t) {
            throw Native.broken("setsockopt", t);
        }
    }

    /**
     * Frames the kernel dropped because this socket's receive buffer was full, since the last call
     * ({@code PACKET_STATISTICS}, which resets the kernel's counters on every read); -errno on failure.
     */
    public long takeDrops() {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment stats = scratch.allocate(8, 4); // struct tpacket_stats { tp_packets; tp_drops; }
            MemorySegment length = scratch.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, 8);
            int rc;
            try {
                rc = (int) GETSOCKOPT.invokeExact(callState, fd, SOL_PACKET, PACKET_STATISTICS, stats, length);
            } catch (Throwable t) {
                throw Native.broken("getsockopt", t);
            }
            return rc < 0 ? -Native.errno(callState) : Integer.toUnsignedLong(stats.get(JAVA_INT, 4));
        }
    }

    /** The socket's receive buffer in bytes as the kernel reports it (SO_RCVBUF: twice what was set), or -errno. */
    public int receiveBufferBytes() {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment value = scratch.allocate(JAVA_INT);
            MemorySegment length = scratch.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, 4);
            int rc;
            try {
                rc = (int) GETSOCKOPT.invokeExact(callState, fd, SOL_SOCKET, SO_RCVBUF, value, length);
            } catch (Throwable t) {
                throw Native.broken("getsockopt", t);
            }
            return rc < 0 ? -Native.errno(callState) : value.get(JAVA_INT, 0);
        }
    }

    /** The interface's own MAC address (bits 47..0), 0 when it has none. */
    public long interfaceMac() {
        return mac;
    }

    /** The interface's MTU. */
    public int interfaceMtu() {
        return mtu;
    }

    public int ifindex() {
        return ifindex;
    }

    /** The socket's file descriptor, for poll(2); it stays owned by this object. */
    public int fd() {
        return fd;
    }

    /**
     * Receives one frame into {@code capacity} bytes at native address {@code address}. Returns its length,
     * 0 when none is waiting (or it was one of our own transmissions), or -errno.
     */
    public int receive(long address, int capacity) {
        fromLength.set(JAVA_INT, 0, SOCKADDR_LL_BYTES);
        long n;
        try {
            n = (long) RECVFROM.invokeExact(callState, fd, address, (long) capacity, MSG_DONTWAIT, from, fromLength);
        } catch (Throwable t) {
            throw Native.broken("recvfrom", t);
        }
        if (n < 0) {
            int e = Native.errno(callState);
            return e == EAGAIN ? 0 : -e;
        }
        if ((from.get(ValueLayout.JAVA_BYTE, 10) & 0xFF) == PACKET_OUTGOING) {
            return 0;
        }
        return (int) n;
    }

    /** Sets the buffer of receive slot {@code i} (0..{@value #BATCH}) for {@link #receiveBatch}. */
    public void setReceiveBuffer(int i, long address, int capacity) {
        rxBatch.setBuffer(i, address, capacity);
    }

    /**
     * Receives up to {@code count} frames in one recvmmsg(2), frame {@code i} into the buffer of slot {@code i},
     * its length in {@code lengths[i]} (0 for one of our own transmissions: skip it). Returns how many slots were
     * used (0 when nothing was waiting) or -errno.
     */
    public int receiveBatch(int[] lengths, int count) {
        int n = rxBatch.receive(fd, count, lengths);
        for (int i = 0; i < n; i++) {
            if ((rxBatch.nameByte(i, 10) & 0xFF) == PACKET_OUTGOING) {
                lengths[i] = 0;
            }
        }
        return n;
    }

    /** Sends {@code count} frames in sendmmsg(2) calls (one while none fails); returns how many were sent. */
    public int sendBatch(long[] addresses, int[] lengths, int count) {
        return txBatch.send(fd, addresses, lengths, count);
    }

    /** Sends one frame of {@code length} bytes at native address {@code address}. Returns bytes sent or -errno. */
    public int send(long address, int length) {
        long n;
        try {
            n = (long) SEND.invokeExact(callState, fd, address, (long) length, MSG_DONTWAIT);
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
