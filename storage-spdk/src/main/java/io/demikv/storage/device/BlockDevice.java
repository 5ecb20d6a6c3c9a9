package io.demikv.storage.device;

import io.demikv.libos.Errno;
import java.lang.foreign.MemorySegment;

/**
 * A block device as one submission/completion queue pair, shaped like SPDK's NVMe driver
 * ({@code spdk_nvme_ns_cmd_write/read/flush} on an I/O qpair, then
 * {@code spdk_nvme_qpair_process_completions}): commands are submitted with a caller-chosen {@code token}
 * and complete later, in any order, when the owner calls {@link #pollCompletions}. Nothing completes by
 * itself and no callback runs on another thread.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>Offsets and lengths are multiples of {@link #blockSize()}; buffers come from {@link #allocateDma}
 *       (aligned, pinned or registered as the backend needs) and must not be changed while a write that
 *       reads them is in flight.</li>
 *   <li>At most {@link #queueDepth()} commands are in flight; a submit beyond that returns
 *       {@code -EAGAIN} and submits nothing.</li>
 *   <li>Submits may be batched: a backend may hold submitted commands until {@link #pollCompletions} (or
 *       {@link #submit()}) rings its doorbell, so the caller submits a whole pass of work at once.</li>
 *   <li>A completion's {@code result} is the byte count (which may be short: the caller resubmits the rest)
 *       or a negated errno ({@code -EIO}, {@code -ENOSPC}).</li>
 *   <li>{@link #submitFlush} makes every write that <em>completed before the flush was submitted</em>
 *       durable (NVMe FLUSH, {@code fdatasync}); a write with {@link #FUA} is durable when it completes.</li>
 * </ul>
 * Owned by one thread (the libOS thread that polls it); {@link #close()} from that thread too.
 */
public interface BlockDevice extends AutoCloseable {
    /** Write flag: force unit access, the data is durable when the write completes (NVMe FUA, RWF_DSYNC). */
    int FUA = 1;

    /** The I/O unit: offsets, lengths and buffer addresses are multiples of it. */
    int blockSize();

    /** Usable bytes, a multiple of {@link #blockSize()}. */
    long capacityBytes();

    /** The most commands in flight at once. */
    int queueDepth();

    /** Commands submitted and not yet reported by {@link #pollCompletions}. */
    int inFlight();

    /**
     * Memory the device can transfer to and from, aligned to {@link #blockSize()} (at least 4096), zeroed,
     * valid until {@link #close()}. Start-up only: may allocate and register memory.
     */
    MemorySegment allocateDma(long bytes);

    /** Starts writing {@code length} bytes of {@code buffer} at {@code offset}; 0 or -errno. */
    int submitWrite(MemorySegment buffer, long offset, int length, int flags, long token);

    /** Starts reading {@code length} bytes at {@code offset} into {@code buffer}; 0 or -errno. */
    int submitRead(MemorySegment buffer, long offset, int length, long token);

    /** Starts a flush of the device's volatile write cache; 0 or -errno. */
    int submitFlush(long token);

    /**
     * Starts a flush chained after the last command submitted, which must not have been handed to the device
     * yet ({@link #submit()} not called since): the device starts the flush only once that command completed
     * in full, saving the round trip of waiting for it. If that command fails or is short, the flush completes
     * with {@code -ECANCELED} and flushed nothing. Returns 0, {@code -EOPNOTSUPP} where the device cannot chain
     * (the caller then flushes after the completion), or -errno.
     */
    default int submitFlushAfterLast(long token) {
        return -Errno.EOPNOTSUPP;
    }

    /** Hands submitted commands to the device now (a doorbell); returns how many, or -errno. */
    int submit();

    /**
     * Submits what is pending, then reports up to {@code max} completed commands to {@code handler}, oldest
     * first where the backend knows the order. Returns how many it reported, or -errno when the device
     * itself failed.
     */
    int pollCompletions(int max, CompletionHandler handler);

    /**
     * A file descriptor that becomes readable whenever the device posts a completion (io_uring's registered
     * eventfd), so a libOS can sleep in epoll until I/O completes instead of polling; -1 when the device has
     * none (SPDK and in-memory devices are polled).
     */
    default int completionFd() {
        return -1;
    }

    /** True when writes can carry {@link #FUA}. */
    boolean supportsFua();

    /** A one-line description for logs ("io_uring O_DIRECT /data/log (file, 256 MiB, qd 64)"). */
    String describe();

    /** Waits for commands in flight (they are reported to nobody), then releases the device and its memory. */
    @Override
    void close();
}
