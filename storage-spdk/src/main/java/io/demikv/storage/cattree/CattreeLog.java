package io.demikv.storage.cattree;

import io.demikv.libos.AbstractLibOS;
import io.demikv.libos.Errno;
import io.demikv.libos.IoQueue;
import io.demikv.libos.Sga;
import io.demikv.libos.sched.Operator;
import io.demikv.libos.sched.Task;
import io.demikv.storage.device.BlockDevice;
import io.demikv.storage.device.CompletionHandler;
import io.demikv.storage.format.RecordHeader;
import io.demikv.storage.format.SuperblockState;

/**
 * One open log: a PDPIX queue in its libOS's queue table ({@link #qd()}), on one {@link BlockDevice} that it
 * owns. Use it through the libOS like any queue:
 * <ul>
 *   <li>{@code libos.push(qd, sga)} appends the array's bytes as one record; the push completes (as PUSH, value
 *       = bytes) when the record is durable (see {@link Durability} for the modes), in append order. Pushes
 *       framed in one scheduler pass share one write and one flush. Records are 1 byte to the store's maximum
 *       ({@code -EMSGSIZE} beyond). After a device error every pending push fails with its errno and later
 *       pushes return it at once ({@link #failure()}): the log is read-only until reopened.</li>
 *   <li>{@code libos.pop(qd)} reads the next record from the read position (the head, the end, or where
 *       {@link #seek} put it); the popped array holds the payload and the caller frees it. At the end of the
 *       acknowledged log a pop completes with an empty array.</li>
 *   <li>{@code libos.close(qd)} cancels pending operations ({@code ECANCELED}), waits for the device's
 *       commands in flight and closes the device.</li>
 * </ul>
 * Positions are log positions (LSN: bytes since the log began, never reused); sequence numbers count
 * records from 1. Made by {@link Cattree#open}/{@link Cattree#create}; libos thread only.
 */
public final class CattreeLog extends IoQueue implements Operator {
    /** How long a pass naps while only a flush is in flight and the libOS cannot sleep on the device's fd. */
    static final long FLUSH_NAP_NANOS = 10_000;
    private final Cattree owner;
    private final AbstractLibOS libos;
    private final BlockDevice device;
    private final String name;
    private final SuperblockState sb;
    private final LogOptions options;
    private final ScanReport recovery;
    private final LogWriter writer;
    private final LogReader reader;
    private final CompletionHandler onDevice = this::onDeviceCompletion;
    private boolean closed;
    private long deviceErrors;
    /** The device's completion fd when the libOS watches it while it blocks ({@link AbstractLibOS#addWakeFd}). */
    private final int wakeFd;

    CattreeLog(Cattree owner, AbstractLibOS libos, BlockDevice device, String name, SuperblockState sb,
               int superblockCopy, LogOptions options, ScanReport recovery) {
        this.owner = owner;
        this.libos = libos;
        this.device = device;
        this.name = name;
        this.sb = sb;
        this.options = options;
        this.recovery = recovery;
        this.writer = new LogWriter(libos, device, sb, superblockCopy, options, recovery.endLsn(), recovery.nextSeq());
        this.reader = new LogReader(libos, device, sb, options.readBufferBytes(),
                options.readFromEnd() ? recovery.endLsn() : sb.headLsn,
                options.readFromEnd() ? recovery.nextSeq() : sb.headSeq);
        int fd = device.completionFd();
        this.wakeFd = fd >= 0 && libos.addWakeFd(fd) ? fd : -1;
    }

    /** True when a wait sleeps until the device completes something instead of polling it. */
    public boolean sleepsOnDevice() {
        return wakeFd >= 0;
    }

    LogWriter writer() {
        return writer;
    }

    @Override
    public String kind() {
        return "log";
    }

    /** What the open found: how the log ended, how many records it holds, whether a torn tail was cut. */
    public ScanReport recovery() {
        return recovery;
    }

    /** The device, for descriptions and statistics (do not submit to it). */
    public BlockDevice device() {
        return device;
    }

    /** The name given at open (the path of a file or device). */
    public String name() {
        return name;
    }

    public Durability durability() {
        return options.durability();
    }

    /** The errno that made the log read-only, or 0 while it accepts pushes. */
    public int failure() {
        return writer.failedErrno();
    }

    /** The sequence number the next pushed record gets. */
    public long nextSeq() {
        return writer.nextSeq();
    }

    /** Where the next record will be appended (after records framed but not yet durable). */
    public long appendPosition() {
        return writer.appendLsn();
    }

    /** The end of what pushes have been acknowledged for (durable; written in buffered mode). */
    public long acknowledgedPosition() {
        return writer.acknowledgedLsn();
    }

    /** The end of the log known to be on stable storage. */
    public long durablePosition() {
        return writer.durableLsn();
    }

    /** Where the log starts (records before it were compacted away). */
    public long headPosition() {
        return sb.headLsn;
    }

    /** The sequence number of the record at {@link #headPosition()}. */
    public long headSeq() {
        return sb.headSeq;
    }

    /** Bytes of the log from its head to where the next record goes (what a compaction could shrink). */
    public long sizeBytes() {
        return writer.appendLsn() - sb.headLsn;
    }

    /** Bytes of the store's segments the log's chain holds now. */
    public long chainBytes() {
        return (long) sb.chainLength * sb.segmentBytes;
    }

    /** Bytes of all segments of the store: the most the chain can hold. */
    public long capacityBytes() {
        return (long) sb.segmentCount * sb.segmentBytes;
    }

    /** The size of one segment, the unit the log grows and is trimmed by. */
    public long segmentBytes() {
        return sb.segmentBytes;
    }

    /** The largest record payload the store takes (fixed when it was created). */
    public int maxRecordBytes() {
        return sb.maxRecordBytes;
    }

    /** Head moves ({@link #compact}) completed since the store was created. */
    public long compactionGeneration() {
        return sb.compactionGeneration;
    }

    /** Pushes accepted but not yet framed (waiting for staging space or a segment roll): while any exist,
     * {@link #appendPosition()} and {@link #nextSeq()} do not yet account for them. */
    public int blockedPushes() {
        return writer.blockedPushes();
    }

    /**
     * Moves the head of the log to {@code position}, a record start whose sequence number is {@code seq}
     * (values of {@link #appendPosition()} and {@link #nextSeq()} read together while {@link #blockedPushes()}
     * was 0, or of a record popped): records before it are dropped from the log and segments that lie wholly
     * before it become free. This is the compaction step of a log rewrite: the application first appends,
     * after {@code position}, records that make everything before it redundant, waits until they are durable,
     * then calls this.
     *
     * <p>Atomic: one superblock write (FUA, to the older copy) holds the new head and the shortened chain. A
     * crash before it completes leaves the old head with every old segment intact (freed segments are reused
     * only after completion); after it, the log starts at the new head. The token completes as PUSH (value =
     * the new head) when that superblock is durable. Only one head move at a time ({@code -EBUSY}); it waits
     * for a segment roll's superblock write and vice versa.
     *
     * @return a qtoken, {@code -EINVAL} when {@code position} is misaligned, before the head or beyond
     *         {@link #durablePosition()} (everything up to the new head must already be durable), {@code -EBUSY},
     *         or the errno of a failed log
     */
    public long compact(long position, long seq) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (reader.hasPendingPops() && reader.readLsn() < position) {
            return -Errno.EBUSY;
        }
        long qt = writer.compact(this, position, seq);
        if (qt >= 0 && reader.readLsn() < position) {
            reader.seek(position, seq);
        }
        return qt;
    }

    /** The next pop's position. */
    public long readPosition() {
        return reader.readLsn();
    }

    /** The sequence number of the record the last successful pop returned, or -1. */
    public long lastPoppedSeq() {
        return reader.lastSeq();
    }

    /** The position of the record the last successful pop returned, or -1. */
    public long lastPoppedPosition() {
        return reader.lastLsn();
    }

    /** Flushes completed so far (group commits). */
    public long flushes() {
        return writer.flushes();
    }

    /** Write commands issued so far. */
    public long writes() {
        return writer.writes();
    }

    /**
     * Moves the read position to {@code position}, which must be the start of a record (a value from
     * {@link #lastPoppedPosition}, {@link #headPosition}, {@link #acknowledgedPosition} or recorded at push
     * time from {@link #appendPosition}). 0, {@code -EINVAL} outside the log or misaligned, {@code -EBUSY}
     * while pops are pending. A position that is not a record start makes the next pop fail with
     * {@code EIO}.
     */
    public int seek(long position) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (reader.hasPendingPops()) {
            return -Errno.EBUSY;
        }
        if (position < sb.headLsn || position > writer.appendLsn() || position % RecordHeader.ALIGNMENT != 0) {
            return -Errno.EINVAL;
        }
        long seq = position == sb.headLsn ? sb.headSeq : position == writer.appendLsn() ? writer.nextSeq() : -1;
        reader.seek(position, seq);
        return 0;
    }

    /** Moves the read position to the head of the log. */
    public int seekToHead() {
        return seek(sb.headLsn);
    }

    /**
     * A token that completes (as PUSH, value = the durable position) once everything appended before this
     * call is durable, issuing a flush if one is needed: for {@link Durability#BUFFERED} logs (Redis's
     * {@code everysec}). -errno when the log has failed.
     */
    public long sync() {
        if (closed) {
            return -Errno.EBADF;
        }
        return writer.sync(this);
    }

    @Override
    public long push(Sga sga) {
        if (closed) {
            return -Errno.EBADF;
        }
        return writer.push(this, sga);
    }

    @Override
    public long pop(int maxBytes) {
        if (closed) {
            return -Errno.EBADF;
        }
        return reader.pop(this, writer.acknowledgedLsn());
    }

    /** Log tasks are completed by the poller, never run from the run queue. */
    @Override
    public void poll(Task task, long nowNanos) {
        libos.scheduler().park(task);
    }

    /** One duty cycle: reap device completions, frame waiting pushes, issue writes and a flush, serve pops. */
    int doWork() {
        if (closed) {
            return 0;
        }
        int work = 0;
        int rc = device.pollCompletions(device.queueDepth(), onDevice);
        if (rc < 0) {
            writer.fail(-rc);
        } else {
            work += rc;
        }
        work += writer.frameBlocked();
        writer.issueWrites();
        writer.issueFlush();
        writer.issueCompaction();
        work += writer.completeReady();
        work += reader.pump(writer.acknowledgedLsn());
        device.submit();
        if (device.inFlight() > 0) {
            if (wakeFd >= 0) {
                // The device signals its completion fd, which the libOS watches when it blocks: let the wait sleep
                // at once. Spinning would only delay the completion: io_uring finishes a flush (and an O_DSYNC
                // write) in a kernel worker that inherits this thread's CPU affinity, so a server pinned to one CPU
                // would hold it off for a scheduler tick.
                libos.blockWhenIdle();
            } else if (options.spinWhileInFlight()) {
                // No fd to sleep on: keep the wait polling. While only a flush is in flight, give the CPU away
                // briefly (a short sleep, not a yield: a sleeper is woken ahead of other runnable tasks).
                if (writer.flushInFlight() && device.inFlight() == 1) {
                    java.util.concurrent.locks.LockSupport.parkNanos(FLUSH_NAP_NANOS);
                }
                work++;
            } else {
                libos.keepPolling(); // no event announces the completions: the wait must come back to poll
            }
        }
        return work;
    }

    private void onDeviceCompletion(long token, int result) {
        if (result < 0) {
            deviceErrors++;
        }
        if ((token & (0xFFL << 56)) == LogReader.KIND_READ) {
            reader.onComplete(result);
        } else {
            writer.onComplete(token, result);
        }
    }

    /** Completions that reported an error so far. */
    public long deviceErrors() {
        return deviceErrors;
    }

    @Override
    public int close() {
        if (closed) {
            return -Errno.EBADF;
        }
        closed = true;
        writer.failAll(Errno.ECANCELED);
        reader.cancelAll(Errno.ECANCELED);
        owner.forget(this);
        if (wakeFd >= 0) {
            libos.removeWakeFd(wakeFd);
        }
        device.close();
        return 0;
    }

    @Override
    public String toString() {
        return "log " + name + " on " + device.describe() + " (" + options.durability() + ", next seq " + nextSeq()
                + ", append " + appendPosition() + ", durable " + durablePosition() + ")";
    }
}
