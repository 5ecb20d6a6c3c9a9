package io.demikv.storage.cattree;

import io.demikv.libos.AbstractLibOS;
import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.Opcode;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.sched.Task;
import io.demikv.libos.sched.TaskList;
import io.demikv.storage.device.BlockDevice;
import io.demikv.storage.format.RecordHeader;
import io.demikv.storage.format.SuperblockState;

import java.lang.foreign.MemorySegment;

/**
 * The read side of a log: serves pops in order from a read position, one record per pop, through a window
 * of whole blocks read asynchronously (one read in flight). Only acknowledged records are visible (below the
 * writer's durable position, or written position in buffered mode); a pop at that end completes at once with
 * an empty array (end of log). A record that fails its checksum or sequence check fails the pop with
 * {@code EIO} and the position stays, so the caller sees the damage instead of skipping it.
 *
 * <p>Libos thread only.
 */
final class LogReader {
    static final long KIND_READ = 4L << 56;
    private static final long BLOCK = 4096;

    private final AbstractLibOS libos;
    private final BlockDevice device;
    private final SuperblockState sb;
    private final MemorySegment window;
    private final RecordHeader.Checksum checksum;
    private final int maxRecord;
    private final TaskList pops = new TaskList();

    private long readLsn;
    /** The sequence the record at readLsn must carry, or -1 after a seek to a position of unknown sequence. */
    private long expectSeq;
    private long lastSeq = -1;
    private long lastLsn = -1;

    private long winLsn = -1;
    private long winValid = -1;
    private boolean readInFlight;
    private long pendingLsn;
    private long pendingValid;
    private int pendingLength;

    LogReader(AbstractLibOS libos, BlockDevice device, SuperblockState sb, int bufferBytes, long startLsn,
              long startSeq) {
        this.libos = libos;
        this.device = device;
        this.sb = sb;
        this.maxRecord = sb.maxRecordBytes;
        long bytes = Math.max(bufferBytes, (RecordHeader.frameBytes(maxRecord) + 2 * BLOCK + BLOCK - 1) & -BLOCK);
        this.window = device.allocateDma(bytes);
        this.checksum = new RecordHeader.Checksum(window, sb.logId);
        this.readLsn = startLsn;
        this.expectSeq = startSeq;
    }

    long readLsn() {
        return readLsn;
    }

    long lastSeq() {
        return lastSeq;
    }

    long lastLsn() {
        return lastLsn;
    }

    boolean hasPendingPops() {
        return !pops.isEmpty();
    }

    /** Moves the read position; {@code seq} is the record's sequence there, or -1 when unknown. */
    void seek(long lsn, long seq) {
        readLsn = lsn;
        expectSeq = seq;
    }

    long pop(CattreeLog queue, long readable) {
        Task t = libos.scheduler().acquire(queue, Opcode.POP, queue.qd());
        pops.addLast(t);
        pump(readable);
        return t.qt();
    }

    /** Serves waiting pops as far as the window allows, issuing a read when it does not; returns pops done. */
    int pump(long readable) {
        int n = 0;
        Task t;
        while (!readInFlight && (t = pops.peek()) != null) {
            if (readLsn >= readable) {
                pops.remove(t);
                DemiBuffer empty = libos.buffers().allocate(0);
                libos.scheduler().complete(t, libos.wrap(empty), -1, Endpoint.NONE, 0);
                n++;
                continue;
            }
            int j = sb.chainIndexOf(readLsn);
            long segEnd = sb.segmentStartLsn(j + 1);
            if (segEnd - readLsn < RecordHeader.HEADER_BYTES) {
                readLsn = segEnd;
                continue;
            }
            long off = have(readLsn, RecordHeader.HEADER_BYTES);
            if (off < 0) {
                issueRead(readable);
                break;
            }
            int length = RecordHeader.length(window, off);
            if (RecordHeader.magic(window, off) != RecordHeader.MAGIC || length < 0 || length > maxRecord
                    || readLsn + RecordHeader.HEADER_BYTES + length > segEnd) {
                fail(t, Errno.EIO);
                n++;
                continue;
            }
            off = have(readLsn, RecordHeader.HEADER_BYTES + length);
            if (off < 0) {
                issueRead(readable);
                break;
            }
            long seq = RecordHeader.seq(window, off);
            if (!checksum.isValid(off, maxRecord) || (expectSeq >= 0 && seq != expectSeq)) {
                fail(t, Errno.EIO);
                n++;
                continue;
            }
            if (RecordHeader.type(window, off) == RecordHeader.TYPE_SEGMENT_END) {
                readLsn = segEnd;
                continue;
            }
            pops.remove(t);
            DemiBuffer b = libos.buffers().allocate(length);
            if (b == null) {
                libos.scheduler().fail(t, Errno.ENOMEM);
                n++;
                continue;
            }
            MemorySegment.copy(window, off + RecordHeader.HEADER_BYTES, b.memory(), b.offset(), length);
            lastSeq = seq;
            lastLsn = readLsn;
            expectSeq = seq + 1;
            readLsn += RecordHeader.frameBytes(length);
            libos.scheduler().complete(t, libos.wrap(b), -1, Endpoint.NONE, length);
            n++;
        }
        return n;
    }

    private void fail(Task t, int errno) {
        pops.remove(t);
        libos.scheduler().fail(t, errno);
    }

    /** The window offset of log bytes [lsn, lsn + len), or -1 when the window does not hold them (validly). */
    private long have(long lsn, long len) {
        if (winLsn >= 0 && lsn >= winLsn && lsn + len <= winValid) {
            return lsn - winLsn;
        }
        return -1;
    }

    private void issueRead(long readable) {
        int j = sb.chainIndexOf(readLsn);
        long segEnd = sb.segmentStartLsn(j + 1);
        long start = readLsn & -BLOCK;
        long end = Math.min(Math.min(segEnd, start + window.byteSize()), (readable + BLOCK - 1) & -BLOCK);
        int len = (int) Math.max(BLOCK, end - start);
        int rc = device.submitRead(window, sb.deviceOffset(start), len, KIND_READ);
        if (rc == -Errno.EAGAIN) {
            return; // the device is full: try again next pass
        }
        if (rc < 0) {
            Task t = pops.peek();
            fail(t, -rc);
            return;
        }
        readInFlight = true;
        winLsn = -1;
        pendingLsn = start;
        pendingLength = len;
        pendingValid = Math.min(readable, start + len);
    }

    /** A device completion for the reader. */
    void onComplete(int result) {
        readInFlight = false;
        if (result < 0) {
            Task t = pops.peek();
            if (t != null) {
                fail(t, -result);
            }
            return;
        }
        winLsn = pendingLsn;
        winValid = Math.min(pendingValid, pendingLsn + Math.min(result, pendingLength));
    }

    /** Fails every waiting pop (at close). */
    void cancelAll(int errno) {
        Task t;
        while ((t = pops.pollFirst()) != null) {
            libos.scheduler().fail(t, errno);
        }
    }
}
