package io.demikv.storage.device.uring;

import io.demikv.libos.Errno;
import io.demikv.storage.device.BlockDevice;
import io.demikv.storage.device.CompletionHandler;
import io.demikv.storage.device.DeviceException;
import io.demikv.storage.ffi.IoUringSys;
import io.demikv.storage.ffi.Posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static io.demikv.storage.ffi.IoUringSys.*;

/**
 * The block device that runs on any Linux 5.6+ machine: io_uring over a file or block device opened with
 * {@code O_DIRECT} (no page cache: a completed write is in the device, a flush makes it durable).
 *
 * <ul>
 *   <li>Writes and reads use {@code IORING_OP_WRITE_FIXED/READ_FIXED} on memory registered with the ring
 *       ({@code IORING_REGISTER_BUFFERS}: the kernel pins it once instead of per I/O), plain
 *       {@code WRITE/READ} for memory outside it; the fd is a registered (fixed) file.</li>
 *   <li>{@link #FUA} becomes {@code RWF_DSYNC} on the write (the kernel issues a FUA write, or a write and a
 *       flush on devices without FUA); a flush is {@code IORING_OP_FSYNC} with
 *       {@code IORING_FSYNC_DATASYNC}.</li>
 *   <li>Submits are batched: they publish SQEs and {@link #pollCompletions} (or {@link #submit}) makes one
 *       io_uring_enter(2) for all of them; completions are reaped from the shared CQ without a system
 *       call.</li>
 *   <li>A regular file is preallocated to {@link UringOptions#sizeBytes()} with fallocate(2) and then
 *       zero-filled: on ext4/xfs an fallocated extent is "unwritten", and the first write to it converts it
 *       with a journal commit, which makes that durable write cost about 2.5x a plain overwrite.</li>
 * </ul>
 * Opened at start-up (throws {@link DeviceException} with what to fix); afterwards owned by the libOS thread.
 */
public final class UringBlockDevice implements BlockDevice {
    private static final int BLOCK = 4096;
    private static final int ZERO_CHUNK = 1 << 20;

    private final Posix posix = new Posix();
    private final IoUringSys sys = new IoUringSys();
    private final String path;
    private final boolean blockDevice;
    private final int fd;
    private long capacity;
    private final IoUring ring;
    private final int eventFd;
    private final boolean workersOnAnyCpu;
    /**
     * io_uring's async workers (which run flushes) inherit the submitting thread's CPU affinity: a server pinned to
     * one CPU would share it with them. {@code -Ddemikv.uring.workers=any} (the default) lets them run on any CPU
     * ({@code IORING_REGISTER_IOWQ_AFF}); {@code inherit} keeps the kernel's behaviour.
     */
    static final boolean WORKERS_ON_ANY_CPU = !"inherit".equals(System.getProperty("demikv.uring.workers", "any"));
    private final int queueDepth;
    private final boolean fixedFile;
    private final MemorySegment registered;
    private final boolean buffersRegistered;
    private long registeredUsed;
    private final List<MemorySegment> extraMappings = new ArrayList<>();
    /** The caller's handler during one {@link #pollCompletions}; {@link #counting} forwards to it. */
    private CompletionHandler downstream;
    private final CompletionHandler counting = this::onCompletion;
    private int inFlight;
    private boolean closed;

    private UringBlockDevice(UringOptions o) {
        this.path = o.path().toString();
        int flags = Posix.O_RDWR | Posix.O_DIRECT | Posix.O_CLOEXEC | (o.create() ? Posix.O_CREAT : 0);
        int f = posix.open(path, flags, 0644);
        if (f == -Errno.EINVAL) {
            throw fail("the file system of " + path + " refuses O_DIRECT (tmpfs does): put the log on a disk file"
                    + " system (ext4, xfs) or a block device", Errno.EINVAL);
        }
        if (f < 0) {
            throw fail("cannot open " + path + " with O_DIRECT: " + Errno.name(f)
                    + (f == -Errno.ENOENT ? " (the file or its directory does not exist)" : "")
                    + (f == -Errno.EPERM || f == -13 ? " (permission denied)" : ""), -f);
        }
        this.fd = f;
        int sector = posix.logicalSectorSize(f);
        this.blockDevice = sector > 0;
        try {
            if (blockDevice && sector > BLOCK) {
                throw fail(path + " has " + sector + "-byte sectors; Cattree writes 4096-byte blocks", Errno.EINVAL);
            }
            long size = posix.size(f);
            if (size < 0) {
                throw fail("cannot size " + path + ": " + Errno.name((int) size), (int) -size);
            }
            this.ring = new IoUring(Integer.highestOneBit(Math.max(1, o.queueDepth() * 2 - 1)), sys, posix);
        } catch (RuntimeException e) {
            posix.close(f);
            closeNative();
            throw e;
        }
        this.queueDepth = Math.min(o.queueDepth(), ring.entries());
        this.fixedFile = registerFile();
        this.eventFd = registerEventFd();
        this.workersOnAnyCpu = WORKERS_ON_ANY_CPU && releaseWorkers();
        MemorySegment reg = o.registeredBytes() > 0 ? mapAnonymous(o.registeredBytes()) : null;
        boolean regOk = reg != null && registerBuffer(reg);
        this.registered = reg;
        this.buffersRegistered = regOk;
        long size = posix.size(f);
        if (!blockDevice && o.sizeBytes() > size) {
            this.capacity = o.sizeBytes();
            try {
                preallocate(size, o.sizeBytes());
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            size = o.sizeBytes();
        }
        this.capacity = size / BLOCK * BLOCK;
    }

    /** Opens the device.
     *
     * @throws DeviceException when the path cannot be opened with O_DIRECT, io_uring is unavailable, or the
     *                         file cannot be preallocated; the message says what to do */
    public static UringBlockDevice open(UringOptions options) {
        return new UringBlockDevice(options);
    }

    private DeviceException fail(String message, int errno) {
        return new DeviceException("io_uring device: " + message, errno);
    }

    /** An eventfd the ring signals per completion ({@link #completionFd()}), or -1 if the kernel refuses. */
    private int registerEventFd() {
        int efd = posix.eventfd();
        if (efd < 0) {
            return -1;
        }
        if (!registerFd(IORING_REGISTER_EVENTFD, efd)) {
            posix.close(efd);
            return -1;
        }
        return efd;
    }

    /**
     * Lets the ring's async workers run on every online CPU (see {@link #WORKERS_ON_ANY_CPU}); false when the list
     * of online CPUs cannot be read or the kernel refuses (older than 5.14, or a cpuset that excludes some).
     */
    private boolean releaseWorkers() {
        String online;
        try {
            online = java.nio.file.Files.readString(java.nio.file.Path.of("/sys/devices/system/cpu/online")).strip();
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
        java.util.BitSet cpus = new java.util.BitSet();
        try {
            for (String range : online.split(",")) {
                String[] ends = range.split("-");
                int lo = Integer.parseInt(ends[0].strip());
                int hi = ends.length > 1 ? Integer.parseInt(ends[1].strip()) : lo;
                cpus.set(lo, hi + 1);
            }
        } catch (NumberFormatException e) {
            return false;
        }
        long[] words = cpus.toLongArray();
        if (words.length == 0) {
            return false;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mask = a.allocate(8L * words.length, 8);
            MemorySegment.copy(words, 0, mask, ValueLayout.JAVA_LONG, 0, words.length);
            return sys.register(ring.fd, IORING_REGISTER_IOWQ_AFF, mask, 8 * words.length) >= 0;
        }
    }

    @Override
    public int completionFd() {
        return closed ? -1 : eventFd;
    }

    private boolean registerFile() {
        return registerFd(IORING_REGISTER_FILES, fd);
    }

    /** io_uring_register(2) of one file descriptor ({@code opcode} takes an array of ints); true when accepted. */
    private boolean registerFd(int opcode, int descriptor) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(ValueLayout.JAVA_INT);
            fds.set(ValueLayout.JAVA_INT, 0, descriptor);
            return sys.register(ring.fd, opcode, fds, 1) >= 0;
        }
    }

    private boolean registerBuffer(MemorySegment memory) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iov = a.allocate(16, 8);
            iov.set(ValueLayout.JAVA_LONG, 0, memory.address());
            iov.set(ValueLayout.JAVA_LONG, 8, memory.byteSize());
            return sys.register(ring.fd, IORING_REGISTER_BUFFERS, iov, 1) >= 0;
        }
    }

    private MemorySegment mapAnonymous(long bytes) {
        MemorySegment m = posix.mmap(bytes, Posix.PROT_READ | Posix.PROT_WRITE,
                Posix.MAP_PRIVATE | Posix.MAP_ANONYMOUS | Posix.MAP_POPULATE, -1, 0);
        if (m == null) {
            throw fail("cannot map " + bytes + " bytes of I/O memory: errno " + posix.lastErrno(), posix.lastErrno());
        }
        return m;
    }

    /** fallocate, then write zeros over [from, to) through the ring, then fdatasync. */
    private void preallocate(long from, long to) {
        int rc = posix.fallocate(fd, from, to - from);
        if (rc < 0 && rc != -Errno.EOPNOTSUPP) {
            throw fail("cannot preallocate " + path + " to " + to + " bytes: " + Errno.name(rc)
                    + (rc == -Errno.ENOSPC ? " (the file system is full)" : ""), -rc);
        }
        MemorySegment zeros = mapAnonymous(ZERO_CHUNK);
        try {
            long start = from / BLOCK * BLOCK;
            long next = start;
            int[] failed = {0};
            CompletionHandler h = (token, res) -> {
                if (res < 0 && failed[0] == 0) {
                    failed[0] = res;
                }
            };
            while (next < to || inFlight > 0) {
                while (next < to && inFlight < queueDepth) {
                    int len = (int) Math.min(ZERO_CHUNK, to - next);
                    int sub = submitWrite(zeros, next, len, 0, next);
                    if (sub < 0) {
                        throw fail("zero-filling " + path + " failed: " + Errno.name(sub), -sub);
                    }
                    next += len;
                }
                ring.awaitCompletions(1);
                pollCompletions(queueDepth, h);
            }
            if (failed[0] < 0) {
                throw fail("zero-filling " + path + " failed: " + Errno.name(failed[0]), -failed[0]);
            }
            rc = posix.fdatasync(fd);
            if (rc < 0) {
                throw fail("fdatasync of " + path + " failed: " + Errno.name(rc), -rc);
            }
        } finally {
            posix.munmap(zeros);
        }
    }

    @Override
    public int blockSize() {
        return BLOCK;
    }

    @Override
    public long capacityBytes() {
        return capacity;
    }

    @Override
    public int queueDepth() {
        return queueDepth;
    }

    @Override
    public int inFlight() {
        return inFlight;
    }

    /** True when the path is a block device rather than a file. */
    public boolean isBlockDevice() {
        return blockDevice;
    }

    /** True when I/O memory is registered with the ring (fixed buffers). */
    public boolean buffersRegistered() {
        return buffersRegistered;
    }

    @Override
    public MemorySegment allocateDma(long bytes) {
        long rounded = (bytes + BLOCK - 1) / BLOCK * BLOCK;
        if (registered != null && registeredUsed + rounded <= registered.byteSize()) {
            MemorySegment s = registered.asSlice(registeredUsed, rounded);
            registeredUsed += rounded;
            return s;
        }
        MemorySegment m = mapAnonymous(rounded);
        extraMappings.add(m);
        return m;
    }

    private boolean isRegistered(MemorySegment buffer, int length) {
        if (!buffersRegistered) {
            return false;
        }
        long a = buffer.address() - registered.address();
        return a >= 0 && a + length <= registered.byteSize();
    }

    @Override
    public int submitWrite(MemorySegment buffer, long offset, int length, int flags, long token) {
        boolean fixed = isRegistered(buffer, length);
        return rw(fixed ? IORING_OP_WRITE_FIXED : IORING_OP_WRITE, buffer, offset, length,
                (flags & FUA) != 0 ? RWF_DSYNC : 0, token);
    }

    @Override
    public int submitRead(MemorySegment buffer, long offset, int length, long token) {
        boolean fixed = isRegistered(buffer, length);
        return rw(fixed ? IORING_OP_READ_FIXED : IORING_OP_READ, buffer, offset, length, 0, token);
    }

    private int rw(int opcode, MemorySegment buffer, long offset, int length, int rwFlags, long token) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (length <= 0 || length % BLOCK != 0 || offset % BLOCK != 0 || buffer.address() % BLOCK != 0
                || length > buffer.byteSize() || offset + length > capacity || offset < 0) {
            return -Errno.EINVAL;
        }
        MemorySegment sqe = reserve();
        if (sqe == null) {
            return -Errno.EAGAIN;
        }
        sqe.set(ValueLayout.JAVA_BYTE, SQE_OPCODE, (byte) opcode);
        fillFile(sqe);
        sqe.set(ValueLayout.JAVA_LONG, SQE_OFF, offset);
        sqe.set(ValueLayout.JAVA_LONG, SQE_ADDR, buffer.address());
        sqe.set(ValueLayout.JAVA_INT, SQE_LEN, length);
        sqe.set(ValueLayout.JAVA_INT, SQE_OP_FLAGS, rwFlags);
        sqe.set(ValueLayout.JAVA_LONG, SQE_USER_DATA, token);
        // buf_index 0: the single registered region (ignored by the non-fixed opcodes).
        ring.publish();
        inFlight++;
        return 0;
    }

    @Override
    public int submitFlush(long token) {
        return flush(token, false);
    }

    @Override
    public int submitFlushAfterLast(long token) {
        return flush(token, true);
    }

    private int flush(long token, boolean afterLast) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (afterLast && ring.pendingSubmissions() == 0) {
            return -Errno.EINVAL;
        }
        MemorySegment sqe = reserve();
        if (sqe == null) {
            return -Errno.EAGAIN;
        }
        if (afterLast) {
            ring.linkNewest();
        }
        sqe.set(ValueLayout.JAVA_BYTE, SQE_OPCODE, (byte) IORING_OP_FSYNC);
        fillFile(sqe);
        sqe.set(ValueLayout.JAVA_INT, SQE_OP_FLAGS, IORING_FSYNC_DATASYNC);
        sqe.set(ValueLayout.JAVA_LONG, SQE_USER_DATA, token);
        ring.publish();
        inFlight++;
        return 0;
    }

    private MemorySegment reserve() {
        if (inFlight >= queueDepth) {
            return null;
        }
        return ring.nextSqe();
    }

    private void fillFile(MemorySegment sqe) {
        if (fixedFile) {
            sqe.set(ValueLayout.JAVA_BYTE, SQE_FLAGS, (byte) IOSQE_FIXED_FILE);
            sqe.set(ValueLayout.JAVA_INT, SQE_FD, 0);
        } else {
            sqe.set(ValueLayout.JAVA_INT, SQE_FD, fd);
        }
    }

    @Override
    public int submit() {
        return closed ? -Errno.EBADF : ring.submit();
    }

    @Override
    public int pollCompletions(int max, CompletionHandler handler) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (ring.pendingSubmissions() > 0) {
            int rc = ring.submit();
            if (rc < 0) {
                return rc;
            }
        }
        if (inFlight == 0) {
            return 0;
        }
        downstream = handler;
        try {
            return ring.reap(max, counting);
        } finally {
            downstream = null;
        }
    }

    private void onCompletion(long token, int result) {
        inFlight--;
        downstream.onComplete(token, result);
    }

    @Override
    public boolean supportsFua() {
        return true;
    }

    @Override
    public String describe() {
        return "io_uring O_DIRECT " + path + " (" + (blockDevice ? "block device" : "file") + ", "
                + (capacity >> 20) + " MiB, qd " + queueDepth
                + (buffersRegistered ? ", registered buffers" : "") + (fixedFile ? ", fixed file" : "")
                + (workersOnAnyCpu ? ", workers on any CPU" : "") + ")";
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        while (inFlight > 0) {
            ring.awaitCompletions(1);
            ring.reap(queueDepth, (token, res) -> inFlight--);
        }
        closed = true;
        ring.close();
        if (eventFd >= 0) {
            posix.close(eventFd);
        }
        posix.close(fd);
        if (registered != null) {
            posix.munmap(registered);
        }
        for (MemorySegment m : extraMappings) {
            posix.munmap(m);
        }
        closeNative();
    }

    private void closeNative() {
        posix.close();
        sys.close();
    }
}
