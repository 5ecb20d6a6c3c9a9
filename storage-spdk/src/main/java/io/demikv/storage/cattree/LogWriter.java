package io.demikv.storage.cattree;

import io.demikv.libos.AbstractLibOS;
import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.Sga;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.sched.Task;
import io.demikv.libos.sched.TaskList;
import io.demikv.storage.device.BlockDevice;
import io.demikv.storage.format.RecordHeader;
import io.demikv.storage.format.Superblock;
import io.demikv.storage.format.SuperblockState;

import java.lang.foreign.MemorySegment;

/**
 * The append side of a log: frames pushed records into a staging ring, writes them in as few block writes
 * as possible, and completes each push once its bytes are durable (group commit).
 *
 * <h2>Positions</h2>
 * Four log positions (LSNs) only move forward: {@code durable <= written <= submitted <= append}.
 * <ul>
 *   <li><b>append</b>: where the next record is framed. A push copies its payload into the staging ring at
 *       once (staging byte {@code lsn % stagingBytes}, registered with the device), so the caller's
 *       buffer is not read again.</li>
 *   <li><b>submitted</b>: bytes below it have a write in flight or done. Once per scheduler pass
 *       ({@link #issueWrites}) everything between submitted and append becomes one write per segment
 *       (two when the range wraps around the ring). A write covers whole blocks; the partly filled last block
 *       is written again, with the bytes after it, by the next write, but never while an earlier write of
 *       that block is still in flight (two in-flight writes of one block could land in either order).</li>
 *   <li><b>written</b>: the prefix whose writes all completed (writes may complete out of order).</li>
 *   <li><b>durable</b>: the prefix covered by a completed flush that was submitted after those writes
 *       completed. One flush is in flight at a time; while it runs, later writes are submitted and complete,
 *       and the next flush covers them. With {@link Durability#FUA} writes are FUA and durable = written.</li>
 * </ul>
 * A push completes when its end is at most durable (written in {@link Durability#BUFFERED} mode), in order.
 *
 * <h2>Segments</h2>
 * A record that does not fit in the rest of its segment is preceded by a segment-end marker and goes to the
 * start of the next segment; a new segment is added to the chain by a superblock write (FUA) that is
 * ordered before the new segment's data, so no record there counts as written before the superblock that
 * lists its segment is durable. One superblock write is in flight at a time; only the copy that does not
 * hold the newest durable superblock is ever overwritten.
 *
 * <h2>Failures</h2>
 * A failed write or flush (or a short write that makes no progress) fails every pending push with its errno
 * and makes the log read-only: later pushes return that errno at once, until the log is reopened (and
 * recovered). A full log (no free segment) fails only the push that did not fit, with {@code ENOSPC}.
 *
 * <p>Libos thread only.
 */
final class LogWriter {
    static final long KIND_WRITE = 1L << 56;
    static final long KIND_FLUSH = 2L << 56;
    static final long KIND_SUPERBLOCK = 3L << 56;
    static final long KIND_COMPACT = 5L << 56; // 4 is LogReader.KIND_READ
    private static final long BLOCK = 4096;

    private final AbstractLibOS libos;
    private final BlockDevice device;
    private final SuperblockState sb;
    private final Durability durability;
    private final MemorySegment staging;
    private final long stagingBytes;
    /** {@code stagingFrom[b]}: the staging memory from block b to the end, so a write needs no new slice. */
    private final MemorySegment[] stagingFrom;
    /** {@code stagingBlocks[b]}: block b of staging alone, for zeroing without a new slice. */
    private final MemorySegment[] stagingBlocks;
    private final RecordHeader.Checksum checksum;
    private final int maxRecord;
    private final Superblock superblock = new Superblock();
    private final MemorySegment[] superblockBlocks = new MemorySegment[2];
    /** The copy holding the newest durable superblock. */
    private int superblockCopy;
    /** Device commands the writer may have in flight (the rest is for the flush and the reader). */
    private final int writeBudget;

    private long appendLsn;
    private long submittedLsn;
    private long writtenLsn;
    private long durableLsn;
    private long zeroedUpTo;
    private long nextSeq;
    private final int epoch;

    private boolean flushInFlight;
    private long flushTarget;
    /**
     * The slot of the one write {@link #issueWrites} just published while nothing else was in flight, or -1: a
     * flush can be chained to it ({@link BlockDevice#submitFlushAfterLast}) instead of waiting for it.
     */
    private int chainSlot = -1;

    /** A segment roll in progress: old data ends at rollFrom, the new segment starts at rollTo. */
    private long rollFrom = -1;
    private long rollTo = -1;
    /** {@link #ROLL_NONE}, {@link #ROLL_PENDING} or {@link #ROLL_SUPERBLOCK}. */
    private int rollPhase;
    /** The roll needs a superblock write (the chain did not have the next segment yet). */
    private boolean rollNeedsSuperblock;
    private static final int ROLL_NONE = 0;
    /** Framed; the old segment's data is still being submitted. */
    private static final int ROLL_PENDING = 1;
    /** The superblock write that adds the new segment is in flight. */
    private static final int ROLL_SUPERBLOCK = 2;

    // Write slots: a ring in log order.
    private final int slotCount;
    private final long[] slotStart;
    private final long[] slotEnd;
    private final int[] slotPending;
    private final boolean[] slotDone;
    /** Per part (slot * 2 + part): staging offset, device offset, length still to write. */
    private final long[] partStaging;
    private final long[] partDevice;
    private final int[] partLength;
    private int slotHead;
    private int slotsUsed;
    /** The newest data write slot and the block end it covers, for the same-block rule; -1 when none. */
    private int lastDataSlot = -1;
    private long lastDataBlockEnd;

    /** A head move ({@link #compact}) waiting to be written, or null. */
    private Task compactTask;
    /** Its superblock write is in flight. */
    private boolean compactInFlight;
    private long compactHeadLsn;
    private long compactHeadSeq;
    /** Leading chain entries the head move drops (fixed when its superblock is written). */
    private int compactDrop;
    private long compactTimeMillis;
    private long compactions;

    private final TaskList waiting = new TaskList();
    private final TaskList blocked = new TaskList();
    private final TaskList syncs = new TaskList();
    private int failedErrno;
    private long flushes;
    private long writes;

    LogWriter(AbstractLibOS libos, BlockDevice device, SuperblockState sb, int superblockCopy, LogOptions options,
              long end, long nextSeq) {
        this.libos = libos;
        this.device = device;
        this.sb = sb;
        this.durability = options.durability();
        this.maxRecord = sb.maxRecordBytes;
        this.stagingBytes = Math.max(options.stagingBytes(), (2L * RecordHeader.frameBytes(maxRecord) + 16384 + 4095)
                / 4096 * 4096);
        long overflow = (RecordHeader.frameBytes(maxRecord) + BLOCK - 1) / BLOCK * BLOCK;
        this.staging = device.allocateDma(stagingBytes + overflow);
        int blocks = (int) (stagingBytes / BLOCK);
        this.stagingFrom = new MemorySegment[blocks];
        this.stagingBlocks = new MemorySegment[blocks];
        for (int b = 0; b < blocks; b++) {
            stagingFrom[b] = staging.asSlice(b * BLOCK, stagingBytes - b * BLOCK);
            stagingBlocks[b] = staging.asSlice(b * BLOCK, BLOCK);
        }
        this.checksum = new RecordHeader.Checksum(staging, sb.logId);
        MemorySegment sbMem = device.allocateDma(2L * Superblock.BYTES);
        superblockBlocks[0] = sbMem.asSlice(0, Superblock.BYTES);
        superblockBlocks[1] = sbMem.asSlice(Superblock.BYTES, Superblock.BYTES);
        this.superblockCopy = superblockCopy;
        this.writeBudget = Math.max(1, device.queueDepth() - 2);
        this.slotCount = writeBudget;
        slotStart = new long[slotCount];
        slotEnd = new long[slotCount];
        slotPending = new int[slotCount];
        slotDone = new boolean[slotCount];
        partStaging = new long[2 * slotCount];
        partDevice = new long[2 * slotCount];
        partLength = new int[2 * slotCount];
        this.epoch = sb.epoch;
        this.nextSeq = nextSeq;
        appendLsn = submittedLsn = writtenLsn = durableLsn = end;
        zeroedUpTo = (end + BLOCK - 1) & -BLOCK;
        flushTarget = end;
    }

    /** Staging memory where log position {@code lsn}'s block lives; for loading the tail block at open. */
    MemorySegment stagingBlock(long lsn) {
        return stagingBlocks[(int) ((lsn & -BLOCK) % stagingBytes / BLOCK)];
    }

    long appendLsn() {
        return appendLsn;
    }

    long writtenLsn() {
        return writtenLsn;
    }

    long durableLsn() {
        return durableLsn;
    }

    /** Where pushes complete: durable, or written in buffered mode. */
    long acknowledgedLsn() {
        return durability == Durability.BUFFERED ? writtenLsn : durableLsn;
    }

    long nextSeq() {
        return nextSeq;
    }

    int failedErrno() {
        return failedErrno;
    }

    long flushes() {
        return flushes;
    }

    long writes() {
        return writes;
    }

    int pendingPushes() {
        return waiting.size() + blocked.size();
    }

    // ---------------------------------------------------------------- push and sync

    /** Starts an append of {@code sga}; its qtoken or -errno. */
    long push(CattreeLog queue, Sga sga) {
        if (failedErrno != 0) {
            return -failedErrno;
        }
        long len = sga.length();
        if (len > maxRecord) {
            return -Errno.EMSGSIZE;
        }
        Task t = libos.scheduler().acquire(queue, io.demikv.libos.Opcode.PUSH, queue.qd());
        t.sga = sga;
        t.progress = len;
        if (blocked.isEmpty()) {
            int rc = tryFrame(t);
            if (rc > 0) {
                waiting.addLast(t);
            } else if (rc == 0) {
                blocked.addLast(t);
            } else {
                libos.failPush(t, -rc);
            }
        } else {
            blocked.addLast(t);
        }
        return t.qt();
    }

    /** A token that completes when everything appended so far is durable (a flush is issued if needed). */
    long sync(CattreeLog queue) {
        if (failedErrno != 0) {
            return -failedErrno;
        }
        Task t = libos.scheduler().acquire(queue, io.demikv.libos.Opcode.PUSH, queue.qd());
        t.arg = appendLsn;
        syncs.addLast(t);
        return t.qt();
    }

    /** Frames pushes that waited for staging space or a segment, in order; returns how many failed at once. */
    int frameBlocked() {
        int work = 0;
        Task t;
        while (failedErrno == 0 && (t = blocked.peek()) != null) {
            int rc = tryFrame(t);
            if (rc == 0) {
                break;
            }
            blocked.remove(t);
            if (rc > 0) {
                waiting.addLast(t);
            } else {
                libos.failPush(t, -rc);
                work++;
            }
        }
        return work;
    }

    /** 1 when framed, 0 when it must wait (staging space, a roll in progress), -errno when it cannot be. */
    private int tryFrame(Task t) {
        int len = (int) t.progress;
        long frame = RecordHeader.frameBytes(len);
        int j = sb.chainIndexOf(appendLsn);
        long segEnd = j < 0 ? appendLsn : sb.segmentStartLsn(j + 1);
        if (appendLsn + frame > segEnd) {
            if (rollPhase != ROLL_NONE) {
                return 0;
            }
            boolean haveNext = j >= 0 && j + 1 < sb.chainLength;
            int segment = -1;
            if (!haveNext) {
                segment = sb.nextFreeSegment();
                if (segment < 0 || sb.chainLength >= Superblock.MAX_CHAIN) {
                    return -Errno.ENOSPC;
                }
            }
            boolean marker = segEnd - appendLsn >= RecordHeader.HEADER_BYTES;
            if (segEnd + frame - reclaimLsn() > stagingBytes) {
                return 0;
            }
            if (marker) {
                frame(appendLsn, 0, RecordHeader.TYPE_SEGMENT_END, null);
                appendLsn += RecordHeader.HEADER_BYTES;
            }
            rollFrom = appendLsn;
            rollTo = segEnd;
            rollPhase = ROLL_PENDING;
            // With haveNext the chain already lists the segment (a roll whose data never became durable).
            rollNeedsSuperblock = !haveNext;
            if (!haveNext) {
                sb.appendSegment(segment);
            }
            appendLsn = segEnd;
            zeroedUpTo = Math.max(zeroedUpTo, segEnd);
        } else if (appendLsn + frame - reclaimLsn() > stagingBytes) {
            return 0;
        }
        frame(appendLsn, len, RecordHeader.TYPE_DATA, t.sga);
        appendLsn += frame;
        t.arg = appendLsn;
        nextSeq++;
        return 1;
    }

    /** Staging below this block is free: everything before it has been written. */
    private long reclaimLsn() {
        return writtenLsn & -BLOCK;
    }

    /** Writes one record (header, payload from {@code sga}, CRC) at {@code lsn} into staging. */
    private void frame(long lsn, int len, byte type, Sga sga) {
        long frame = RecordHeader.frameBytes(len);
        long end = lsn + frame;
        while (zeroedUpTo < end) {
            stagingBlocks[(int) (zeroedUpTo % stagingBytes / BLOCK)].fill((byte) 0);
            zeroedUpTo += BLOCK;
        }
        long off = lsn % stagingBytes;
        boolean wraps = off + frame > stagingBytes;
        if (wraps) {
            staging.asSlice(stagingBytes, off + frame - stagingBytes).fill((byte) 0);
        }
        RecordHeader.write(staging, off, len, type, epoch, nextSeq, durableMark());
        long p = off + RecordHeader.HEADER_BYTES;
        if (sga != null) {
            for (int i = 0; i < sga.segmentCount(); i++) {
                DemiBuffer b = sga.segment(i);
                MemorySegment.copy(b.memory(), b.offset(), staging, p, b.length());
                p += b.length();
            }
        }
        checksum.seal(off);
        if (wraps) {
            // The record ran into the overflow area past the ring: its tail belongs at the ring's start.
            MemorySegment.copy(staging, stagingBytes, staging, 0, off + frame - stagingBytes);
        }
    }

    /** The durable mark a record framed now carries (see {@link RecordHeader}). */
    private long durableMark() {
        return durableLsn;
    }

    // ---------------------------------------------------------------- device work, once per pass

    /** Submits writes for everything framed and not yet submitted. */
    void issueWrites() {
        chainSlot = -1;
        while (failedErrno == 0) {
            if (rollPhase == ROLL_PENDING && submittedLsn >= rollFrom) {
                if (rollNeedsSuperblock) {
                    if (compactInFlight || !issueSuperblock()) {
                        return;
                    }
                    rollPhase = ROLL_SUPERBLOCK; // the roll ends when its superblock write completes
                    submittedLsn = rollTo;
                } else {
                    submittedLsn = rollTo;
                    rollFrom = rollTo = -1;
                    rollPhase = ROLL_NONE;
                }
                continue;
            }
            if (submittedLsn >= appendLsn) {
                return;
            }
            long start = submittedLsn;
            long blockStart = start & -BLOCK;
            if (blockStart < start && lastDataSlot >= 0 && !slotDone[lastDataSlot] && lastDataBlockEnd > blockStart) {
                return; // the partly filled block is still being written: rewrite it after that write
            }
            int j = sb.chainIndexOf(start);
            long end = Math.min(appendLsn, sb.segmentStartLsn(j + 1));
            if (rollPhase == ROLL_PENDING && start < rollFrom) {
                end = Math.min(end, rollFrom);
            }
            long writeEnd = (end + BLOCK - 1) & -BLOCK;
            long bytes = writeEnd - blockStart;
            long sOff = blockStart % stagingBytes;
            int parts = sOff + bytes > stagingBytes ? 2 : 1;
            if (slotsUsed == slotCount || device.inFlight() + parts > writeBudget) {
                return;
            }
            int slot = (slotHead + slotsUsed) % slotCount;
            slotsUsed++;
            slotStart[slot] = start;
            slotEnd[slot] = end;
            slotDone[slot] = false;
            slotPending[slot] = parts;
            long dev = sb.deviceOffset(blockStart);
            long first = Math.min(bytes, stagingBytes - sOff);
            setPart(slot, 0, sOff, dev, (int) first);
            if (parts == 2) {
                setPart(slot, 1, 0, dev + first, (int) (bytes - first));
            }
            chainSlot = parts == 1 && device.inFlight() == 0 && slotsUsed == 1 ? slot : -1;
            for (int p = 0; p < parts; p++) {
                int rc = submitPart(slot, p);
                if (rc < 0) {
                    fail(-rc);
                    return;
                }
            }
            submittedLsn = end;
            lastDataSlot = slot;
            lastDataBlockEnd = writeEnd;
            writes++;
        }
    }

    private void setPart(int slot, int part, long stagingOff, long deviceOff, int length) {
        int i = slot * 2 + part;
        partStaging[i] = stagingOff;
        partDevice[i] = deviceOff;
        partLength[i] = length;
    }

    private int submitPart(int slot, int part) {
        int i = slot * 2 + part;
        return device.submitWrite(stagingFrom[(int) (partStaging[i] / BLOCK)], partDevice[i], partLength[i],
                durability == Durability.FUA ? BlockDevice.FUA : 0, KIND_WRITE | ((long) part << 16) | slot);
    }

    /** Queues the superblock write of a roll as a slot ordered after the old segment's data. */
    private boolean issueSuperblock() {
        if (slotsUsed == slotCount || device.inFlight() + 1 > writeBudget) {
            return false;
        }
        int slot = (slotHead + slotsUsed) % slotCount;
        slotsUsed++;
        slotStart[slot] = rollTo;
        slotEnd[slot] = rollTo;
        slotDone[slot] = false;
        slotPending[slot] = 1;
        int target = 1 - superblockCopy;
        sb.generation++;
        superblock.wrap(superblockBlocks[target]).write(sb, (short) target);
        long offset = target == 0 ? Superblock.COPY_A : Superblock.COPY_B;
        int rc = device.submitWrite(superblockBlocks[target], offset, Superblock.BYTES, BlockDevice.FUA,
                KIND_SUPERBLOCK | slot);
        if (rc < 0) {
            fail(-rc);
            return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- compaction: moving the head

    /**
     * Starts moving the head of the log to {@code headLsn} (a record start whose sequence is {@code headSeq}):
     * one superblock write (FUA) that records the new head and drops the chain's segments that lie wholly
     * before it, so they can be reused. The token completes (as PUSH, value = the new head) once that
     * superblock is durable; the dropped segments are free from then on, never earlier (a crash before it
     * keeps the old head and every old segment intact). The caller makes sure everything the new head must
     * keep is durable first: {@code headLsn} must be at most {@link #durableLsn}. {@code -EBUSY} while another
     * head move is pending, {@code -EINVAL} for a position outside [head, durable] or misaligned.
     */
    long compact(CattreeLog queue, long headLsn, long headSeq) {
        if (failedErrno != 0) {
            return -failedErrno;
        }
        if (compactTask != null) {
            return -Errno.EBUSY;
        }
        if (headLsn < sb.headLsn || headLsn > durableLsn || headLsn % RecordHeader.ALIGNMENT != 0
                || headSeq < sb.headSeq || headSeq > nextSeq) {
            return -Errno.EINVAL;
        }
        Task t = libos.scheduler().acquire(queue, io.demikv.libos.Opcode.PUSH, queue.qd());
        t.arg = headLsn;
        compactTask = t;
        compactHeadLsn = headLsn;
        compactHeadSeq = headSeq;
        return t.qt();
    }

    /** Issues the pending head move's superblock write when no other superblock write can be in flight. */
    void issueCompaction() {
        if (compactTask == null || compactInFlight || failedErrno != 0 || rollPhase != ROLL_NONE
                || device.inFlight() >= device.queueDepth()) {
            return;
        }
        int drop = (int) Math.min((compactHeadLsn - sb.chainStartLsn) / sb.segmentBytes, sb.chainLength - 1);
        SuperblockState next = sb.copy();
        next.headLsn = compactHeadLsn;
        next.headSeq = compactHeadSeq;
        next.chainLength = sb.chainLength - drop;
        System.arraycopy(sb.chain, drop, next.chain, 0, next.chainLength);
        next.chainStartLsn = sb.chainStartLsn + drop * sb.segmentBytes;
        next.compactionGeneration = sb.compactionGeneration + 1;
        next.compactionSeq = compactHeadSeq;
        next.compactionTimeMillis = System.currentTimeMillis();
        next.generation = sb.generation + 1;
        int target = 1 - superblockCopy;
        superblock.wrap(superblockBlocks[target]).write(next, (short) target);
        long offset = target == 0 ? Superblock.COPY_A : Superblock.COPY_B;
        int rc = device.submitWrite(superblockBlocks[target], offset, Superblock.BYTES, BlockDevice.FUA,
                KIND_COMPACT | target);
        if (rc < 0) {
            fail(-rc);
            return;
        }
        compactDrop = drop;
        compactTimeMillis = next.compactionTimeMillis;
        compactInFlight = true;
    }

    /** The head move's superblock is durable: apply it to the live state (the chain may have grown since). */
    private void compactionDone(int result) {
        compactInFlight = false;
        if (result < 0 || result < Superblock.BYTES) {
            fail(result < 0 ? -result : Errno.EIO);
            return;
        }
        superblockCopy = 1 - superblockCopy;
        sb.generation++;
        int drop = compactDrop;
        System.arraycopy(sb.chain, drop, sb.chain, 0, sb.chainLength - drop);
        sb.chainLength -= drop;
        sb.chainStartLsn += drop * sb.segmentBytes;
        sb.headLsn = compactHeadLsn;
        sb.headSeq = compactHeadSeq;
        sb.compactionGeneration++;
        sb.compactionSeq = compactHeadSeq;
        sb.compactionTimeMillis = compactTimeMillis;
        compactions++;
        Task t = compactTask;
        compactTask = null;
        libos.scheduler().complete(t, null, -1, Endpoint.NONE, compactHeadLsn);
    }

    boolean flushInFlight() {
        return flushInFlight;
    }

    long compactions() {
        return compactions;
    }

    boolean compactionPending() {
        return compactTask != null;
    }

    /** Pushes waiting to be framed (staging full or a segment roll in progress). */
    int blockedPushes() {
        return blocked.size();
    }

    /**
     * Submits a flush when something written is not durable yet and none is in flight. When the only command in
     * flight is the write just published, the flush is chained to it (one round trip instead of two).
     */
    void issueFlush() {
        if (failedErrno != 0 || flushInFlight) {
            return;
        }
        boolean wanted = durability == Durability.FLUSH || (!syncs.isEmpty() && durability == Durability.BUFFERED);
        if (!wanted || device.inFlight() >= device.queueDepth()) {
            return;
        }
        if (chainSlot >= 0 && device.inFlight() == 1 && slotsUsed == 1 && slotPending[chainSlot] == 1) {
            int rc = device.submitFlushAfterLast(KIND_FLUSH);
            if (rc == 0) {
                flushInFlight = true;
                flushTarget = slotEnd[chainSlot];
                chainSlot = -1;
                return;
            }
            chainSlot = -1;
            if (rc != -Errno.EOPNOTSUPP && rc != -Errno.EAGAIN && rc != -Errno.EINVAL) {
                fail(-rc);
                return;
            }
        }
        if (writtenLsn <= durableLsn) {
            return;
        }
        int rc = device.submitFlush(KIND_FLUSH);
        if (rc == -Errno.EAGAIN) {
            return;
        }
        if (rc < 0) {
            fail(-rc);
            return;
        }
        flushInFlight = true;
        flushTarget = writtenLsn;
    }

    /** A device completion for the writer. */
    void onComplete(long token, int result) {
        if (failedErrno != 0) {
            return; // read-only: what was in flight no longer matters
        }
        long kind = token & (0xFFL << 56);
        if (kind == KIND_FLUSH) {
            flushInFlight = false;
            if (result == -Errno.ECANCELED) {
                return; // chained to a write that failed or was short: that write's completion says what follows
            }
            if (result < 0) {
                fail(-result);
                return;
            }
            flushes++;
            durableLsn = Math.max(durableLsn, flushTarget);
            return;
        }
        if (kind == KIND_COMPACT) {
            compactionDone(result);
            return;
        }
        int slot = (int) (token & 0xFFFF);
        if (kind == KIND_SUPERBLOCK) {
            if (result < 0 || result < Superblock.BYTES) {
                fail(result < 0 ? -result : Errno.EIO);
                return;
            }
            superblockCopy = 1 - superblockCopy;
            rollFrom = rollTo = -1;
            rollPhase = ROLL_NONE;
            slotPending[slot] = 0;
            slotDone[slot] = true;
            advance();
            return;
        }
        int part = (int) ((token >>> 16) & 0xFF);
        int i = slot * 2 + part;
        if (result < 0) {
            fail(-result);
            return;
        }
        if (result < partLength[i]) {
            // A short write: continue with the rest (whole blocks; a partial block is written again).
            int whole = (int) (result & -BLOCK);
            if (whole == 0) {
                fail(Errno.EIO);
                return;
            }
            partStaging[i] += whole;
            partDevice[i] += whole;
            partLength[i] -= whole;
            int rc = submitPart(slot, part);
            if (rc < 0) {
                fail(-rc);
            }
            return;
        }
        if (--slotPending[slot] == 0) {
            slotDone[slot] = true;
            advance();
        }
    }

    /** Moves written over the completed prefix of slots. */
    private void advance() {
        while (slotsUsed > 0 && slotDone[slotHead]) {
            writtenLsn = Math.max(writtenLsn, slotEnd[slotHead]);
            if (lastDataSlot == slotHead) {
                lastDataSlot = -1;
            }
            slotHead = (slotHead + 1) % slotCount;
            slotsUsed--;
        }
        if (durability == Durability.FUA) {
            durableLsn = writtenLsn;
        }
    }

    /** Completes pushes and syncs that are now acknowledged; returns how many. */
    int completeReady() {
        int n = 0;
        long acked = acknowledgedLsn();
        Task t;
        while ((t = waiting.peek()) != null && t.arg <= acked) {
            waiting.remove(t);
            libos.completePush(t, t.progress);
            n++;
        }
        while ((t = syncs.peek()) != null && t.arg <= durableLsn) {
            syncs.remove(t);
            libos.scheduler().complete(t, null, -1, Endpoint.NONE, durableLsn);
            n++;
        }
        return n;
    }

    /** Makes the log read-only with {@code errno} and fails everything pending. */
    void fail(int errno) {
        if (failedErrno == 0) {
            failedErrno = errno == 0 ? Errno.EIO : errno;
        }
        failAll(failedErrno);
    }

    /** Fails every pending push and sync with {@code errno}. */
    void failAll(int errno) {
        Task t;
        while ((t = waiting.pollFirst()) != null) {
            libos.failPush(t, errno);
        }
        while ((t = blocked.pollFirst()) != null) {
            libos.failPush(t, errno);
        }
        while ((t = syncs.pollFirst()) != null) {
            libos.failPush(t, errno);
        }
        if (compactTask != null) {
            t = compactTask;
            compactTask = null;
            compactInFlight = false;
            libos.failPush(t, errno);
        }
    }
}
