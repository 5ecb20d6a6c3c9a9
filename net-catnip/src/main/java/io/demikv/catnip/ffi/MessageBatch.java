package io.demikv.catnip.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Many frames in one system call: recvmmsg(2) and sendmmsg(2) over an array of {@code struct mmsghdr}, one
 * single-buffer {@code iovec} per message, and optionally a source address per message. The arrays are allocated
 * once, with every header already pointing at its iovec and address slot. For receiving, each slot's buffer is
 * set once ({@link #setBuffer}) and stays until the caller hands that buffer out, so a poll that finds nothing
 * writes nothing; for sending, a call writes the frames' addresses and lengths. Linux x86-64/aarch64 layouts:
 * <pre>
 * struct mmsghdr (64 bytes)                       struct iovec (16 bytes)
 *   0 msg_name       void *                         0 iov_base  void *
 *   8 msg_namelen    socklen_t (+4 padding)         8 iov_len   size_t
 *  16 msg_iov        struct iovec *
 *  24 msg_iovlen     size_t
 *  32 msg_control    void *
 *  40 msg_controllen size_t
 *  48 msg_flags      int (+4 padding)
 *  56 msg_len        unsigned int (+4 padding): bytes received or sent for this message
 * </pre>
 * Calls return a count or a negated errno. One thread (the libOS's) only.
 */
public final class MessageBatch implements AutoCloseable {
    static final int MMSGHDR_BYTES = 64;
    static final int NAME = 0;
    static final int NAMELEN = 8;
    static final int IOV = 16;
    static final int IOVLEN = 24;
    static final int MSG_LEN = 56;
    static final int IOVEC_BYTES = 16;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int EAGAIN = 11;

    private static final MethodHandle RECVMMSG = Native.withErrno("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SENDMMSG = Native.withErrno("sendmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState = arena.allocate(Native.CALL_STATE);
    private final MemorySegment headers;
    private final MemorySegment iovecs;
    private final MemorySegment names;
    private final int capacity;
    private final int nameBytes;
    private boolean closed;

    /**
     * @param capacity  messages per call at most
     * @param nameBytes room for each message's source address on receive (e.g. 20 for a {@code sockaddr_ll}),
     *                  0 for none
     */
    public MessageBatch(int capacity, int nameBytes) {
        if (capacity <= 0 || nameBytes < 0) {
            throw new IllegalArgumentException("capacity " + capacity + ", name bytes " + nameBytes);
        }
        this.capacity = capacity;
        this.nameBytes = nameBytes;
        this.headers = arena.allocate((long) capacity * MMSGHDR_BYTES, 8);
        this.iovecs = arena.allocate((long) capacity * IOVEC_BYTES, 8);
        this.names = nameBytes == 0 ? MemorySegment.NULL : arena.allocate((long) capacity * slot(nameBytes), 8);
        headers.fill((byte) 0);
        for (int i = 0; i < capacity; i++) {
            long h = (long) i * MMSGHDR_BYTES;
            headers.set(JAVA_LONG, h + IOV, iovecs.address() + (long) i * IOVEC_BYTES);
            headers.set(JAVA_LONG, h + IOVLEN, 1);
            if (nameBytes > 0) {
                headers.set(JAVA_LONG, h + NAME, names.address() + i * slot(nameBytes));
                headers.set(JAVA_INT, h + NAMELEN, nameBytes);
            }
        }
    }

    private static long slot(int nameBytes) {
        return (nameBytes + 7) & ~7L;
    }

    public int capacity() {
        return capacity;
    }

    /** Sets the buffer receive slot {@code i} fills: {@code bytes} bytes at native address {@code address}. */
    public void setBuffer(int i, long address, int bytes) {
        iovecs.set(JAVA_LONG, (long) i * IOVEC_BYTES, address);
        iovecs.set(JAVA_LONG, (long) i * IOVEC_BYTES + 8, bytes);
    }

    /**
     * Receives up to {@code count} messages without blocking into the buffers of slots {@code 0..count)} (see
     * {@link #setBuffer}), in order; sets {@code lengths[i]} for each. Returns how many arrived (0 when none was
     * waiting) or -errno.
     */
    public int receive(int fd, int count, int[] lengths) {
        int n = Math.min(count, capacity);
        int rc;
        try {
            rc = (int) RECVMMSG.invokeExact(callState, fd, headers, n, MSG_DONTWAIT, MemorySegment.NULL);
        } catch (Throwable t) {
            throw Native.broken("recvmmsg", t);
        }
        if (rc < 0) {
            int e = Native.errno(callState);
            return e == EAGAIN ? 0 : -e;
        }
        for (int i = 0; i < rc; i++) {
            long h = (long) i * MMSGHDR_BYTES;
            lengths[i] = headers.get(JAVA_INT, h + MSG_LEN);
            if (nameBytes > 0) {
                headers.set(JAVA_INT, h + NAMELEN, nameBytes); // the kernel wrote the address's length there
            }
        }
        return rc;
    }

    /** Byte {@code offset} of the source address of received message {@code i}. */
    public byte nameByte(int i, int offset) {
        return names.get(JAVA_BYTE, i * slot(nameBytes) + offset);
    }

    /**
     * Sends {@code count} messages without blocking, message {@code i} being {@code lengths[i]} bytes at
     * {@code addresses[i]}, to the socket's bound or connected peer (a batch made with no address room). A message the kernel refuses is skipped
     * (dropped, as a full NIC queue drops) and the rest are still tried. Returns how many were sent.
     */
    public int send(int fd, long[] addresses, int[] lengths, int count) {
        int sent = 0;
        int from = 0;
        while (from < count) {
            int n = Math.min(count - from, capacity);
            for (int i = 0; i < n; i++) {
                iovecs.set(JAVA_LONG, (long) i * IOVEC_BYTES, addresses[from + i]);
                iovecs.set(JAVA_LONG, (long) i * IOVEC_BYTES + 8, lengths[from + i]);
            }
            int rc;
            try {
                rc = (int) SENDMMSG.invokeExact(callState, fd, headers, n, MSG_DONTWAIT | MSG_NOSIGNAL);
            } catch (Throwable t) {
                throw Native.broken("sendmmsg", t);
            }
            if (rc <= 0) {
                from++; // the first message failed: drop it, go on with the next
            } else {
                sent += rc;
                from += rc;
            }
        }
        return sent;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
    }
}
