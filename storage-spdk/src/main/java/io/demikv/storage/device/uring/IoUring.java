package io.demikv.storage.device.uring;

import io.demikv.storage.device.CompletionHandler;
import io.demikv.storage.device.DeviceException;
import io.demikv.storage.ffi.IoUringSys;
import io.demikv.storage.ffi.Posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.demikv.storage.ffi.IoUringSys.*;

/**
 * One io_uring instance mapped into this process: the submission queue (SQ) and its SQE array, the completion
 * queue (CQ), and the index arithmetic between them. SQEs are filled in place and published with a release
 * store of the SQ tail; {@link #submit()} hands them to the kernel with one io_uring_enter(2); CQEs are read
 * with an acquire load of the CQ tail and released with a release store of the CQ head, so completions are
 * reaped without a system call. The SQ index array is set to the identity once, so SQE {@code i} is always
 * array slot {@code i}.
 *
 * <p>Not thread-safe: the device's thread only.
 */
final class IoUring implements AutoCloseable {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final IoUringSys sys;
    private final Posix posix;
    final int fd;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    private final MemorySegment sqes;
    private final int sqEntries;
    private final int sqMask;
    private final int cqMask;
    private final long sqHeadOff;
    private final long sqTailOff;
    private final long cqHeadOff;
    private final long cqTailOff;
    private final long cqesOff;
    private int sqTail;
    private int cqHead;
    /** SQEs published but not yet consumed by io_uring_enter. */
    private int toSubmit;
    private boolean closed;

    IoUring(int entries, IoUringSys sys, Posix posix) {
        this.sys = sys;
        this.posix = posix;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(PARAMS_BYTES, 8);
            int ringFd = sys.setup(entries, p);
            if (ringFd < 0) {
                throw new DeviceException("io_uring_setup(" + entries + ") failed with errno " + -ringFd
                        + (ringFd == -38 ? ": this kernel has no io_uring (Linux 5.6+ needed)"
                        : ringFd == -1 ? ": io_uring is disabled (sysctl kernel.io_uring_disabled=0)"
                        : ringFd == -12 ? ": raise the locked-memory limit (ulimit -l)" : ""), -ringFd);
            }
            this.fd = ringFd;
            this.sqEntries = p.get(ValueLayout.JAVA_INT, P_SQ_ENTRIES);
            int cqEntries = p.get(ValueLayout.JAVA_INT, P_CQ_ENTRIES);
            int features = p.get(ValueLayout.JAVA_INT, P_FEATURES);
            int sqArrayOff = p.get(ValueLayout.JAVA_INT, P_SQ_OFF + SQ_OFF_ARRAY);
            this.sqHeadOff = p.get(ValueLayout.JAVA_INT, P_SQ_OFF + OFF_HEAD);
            this.sqTailOff = p.get(ValueLayout.JAVA_INT, P_SQ_OFF + OFF_TAIL);
            int sqMaskOff = p.get(ValueLayout.JAVA_INT, P_SQ_OFF + OFF_RING_MASK);
            this.cqHeadOff = p.get(ValueLayout.JAVA_INT, P_CQ_OFF + OFF_HEAD);
            this.cqTailOff = p.get(ValueLayout.JAVA_INT, P_CQ_OFF + OFF_TAIL);
            int cqMaskOff = p.get(ValueLayout.JAVA_INT, P_CQ_OFF + OFF_RING_MASK);
            this.cqesOff = p.get(ValueLayout.JAVA_INT, P_CQ_OFF + CQ_OFF_CQES);

            long sqBytes = sqArrayOff + 4L * sqEntries;
            long cqBytes = cqesOff + (long) CQE_BYTES * cqEntries;
            boolean single = (features & IORING_FEAT_SINGLE_MMAP) != 0;
            if (single) {
                sqBytes = cqBytes = Math.max(sqBytes, cqBytes);
            }
            int prot = Posix.PROT_READ | Posix.PROT_WRITE;
            int flags = Posix.MAP_SHARED | Posix.MAP_POPULATE;
            MemorySegment sq = posix.mmap(sqBytes, prot, flags, ringFd, IORING_OFF_SQ_RING);
            MemorySegment cq = sq == null ? null
                    : single ? sq : posix.mmap(cqBytes, prot, flags, ringFd, IORING_OFF_CQ_RING);
            MemorySegment e = cq == null ? null
                    : posix.mmap((long) SQE_BYTES * sqEntries, prot, flags, ringFd, IORING_OFF_SQES);
            if (e == null) {
                int errno = posix.lastErrno();
                posix.close(ringFd);
                throw new DeviceException("mmap of the io_uring rings failed with errno " + errno, errno);
            }
            this.sqRing = sq;
            this.cqRing = cq;
            this.sqes = e;
            this.sqMask = sq.get(ValueLayout.JAVA_INT, sqMaskOff);
            this.cqMask = cq.get(ValueLayout.JAVA_INT, cqMaskOff);
            for (int i = 0; i < sqEntries; i++) {
                sq.set(ValueLayout.JAVA_INT, sqArrayOff + 4L * i, i);
            }
            this.sqTail = (int) INT.getAcquire(sq, sqTailOff);
            this.cqHead = (int) INT.getAcquire(cq, cqHeadOff);
        }
    }

    int entries() {
        return sqEntries;
    }

    /** The next free SQE, zeroed, or {@code null} when the SQ is full. Publish it with {@link #publish()}. */
    MemorySegment nextSqe() {
        int head = (int) INT.getAcquire(sqRing, sqHeadOff);
        if (sqTail - head >= sqEntries) {
            return null;
        }
        MemorySegment sqe = sqes.asSlice((long) (sqTail & sqMask) * SQE_BYTES, SQE_BYTES);
        sqe.fill((byte) 0);
        return sqe;
    }

    /** Makes the SQE returned by {@link #nextSqe()} visible to the kernel. */
    void publish() {
        sqTail++;
        INT.setRelease(sqRing, sqTailOff, sqTail);
        toSubmit++;
    }

    /**
     * Sets {@code IOSQE_IO_LINK} on the newest published SQE, so the next one starts only after it completed in
     * full; false when that SQE was already handed to the kernel (nothing is published and unsubmitted).
     */
    boolean linkNewest() {
        if (toSubmit == 0) {
            return false;
        }
        long off = (long) ((sqTail - 1) & sqMask) * SQE_BYTES + SQE_FLAGS;
        sqes.set(ValueLayout.JAVA_BYTE, off, (byte) (sqes.get(ValueLayout.JAVA_BYTE, off) | IOSQE_IO_LINK));
        return true;
    }

    int pendingSubmissions() {
        return toSubmit;
    }

    /** io_uring_enter for the published SQEs; returns how many the kernel took or -errno. */
    int submit() {
        if (toSubmit == 0) {
            return 0;
        }
        int rc = sys.enter(fd, toSubmit, 0, 0);
        if (rc > 0) {
            toSubmit -= rc;
        }
        return rc == -11 || rc == -16 ? 0 : rc; // EAGAIN, EBUSY: the kernel is short of resources; retry next poll
    }

    /** Blocks until at least {@code min} completions are posted (submitting what is pending). 0 or -errno. */
    int awaitCompletions(int min) {
        int rc = sys.enter(fd, toSubmit, min, IORING_ENTER_GETEVENTS);
        if (rc > 0) {
            toSubmit -= Math.min(rc, toSubmit);
        }
        return rc == -4 ? 0 : Math.min(rc, 0); // EINTR: the caller loops
    }

    /** Reports up to {@code max} CQEs; returns how many. */
    int reap(int max, CompletionHandler handler) {
        int tail = (int) INT.getAcquire(cqRing, cqTailOff);
        int n = 0;
        while (cqHead != tail && n < max) {
            long off = cqesOff + (long) (cqHead & cqMask) * CQE_BYTES;
            long userData = cqRing.get(ValueLayout.JAVA_LONG, off + CQE_USER_DATA);
            int res = cqRing.get(ValueLayout.JAVA_INT, off + CQE_RES);
            cqHead++;
            // Release the slot before calling out, so a handler that submits again finds room.
            INT.setRelease(cqRing, cqHeadOff, cqHead);
            n++;
            handler.onComplete(userData, res);
        }
        return n;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        posix.munmap(sqes);
        if (cqRing != sqRing) {
            posix.munmap(cqRing);
        }
        posix.munmap(sqRing);
        posix.close(fd);
    }
}
