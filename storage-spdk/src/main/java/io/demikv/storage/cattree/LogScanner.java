package io.demikv.storage.cattree;

import io.demikv.libos.Errno;
import io.demikv.storage.device.BlockDevice;
import io.demikv.storage.device.SyncIo;
import io.demikv.storage.format.RecordHeader;
import io.demikv.storage.format.SuperblockState;

import java.lang.foreign.MemorySegment;

/**
 * Reads a log from its head and decides where it ends and whether it is sound: the recovery scan of
 * {@link Cattree#open} and the verifier of {@code demikv-check-log}. Blocking reads through a window of
 * whole blocks.
 *
 * <h2>Rules</h2>
 * A record at the expected position is <em>good</em> when it checks ({@link RecordHeader.Checksum#isValid}),
 * carries the expected sequence number, and its epoch is neither older than the previous good record's
 * nor newer than the superblock's plus one (the newest superblock copy may have been lost; see
 * {@link Cattree#open} for why one is enough). A segment-end marker, or fewer than 32 bytes left in a segment, moves
 * the scan to the next segment of the chain. At the first position that holds no good record the log ends;
 * then the rest of the chain is searched (at every 8-byte position) for a later good-looking record
 * (checks, same or newer epoch, sequence at least the expected one) whose durable mark lies beyond that
 * position: such a record proves the bad bytes had been durable, so the log is {@link ScanReport.Status#CORRUPT
 * corrupt} there. Without such proof the end is a crash artifact: all zeros or older data is
 * {@link ScanReport.Status#CLEAN}, anything else a {@link ScanReport.Status#TORN_TAIL} to truncate.
 *
 * <p>The proof can only miss damage to records written in the last moments before a crash (after the
 * newest durable mark that survives): those are truncated like a torn write, as they would be had the crash
 * come a little earlier. Start-up and tool thread; not for the hot path.
 */
public final class LogScanner {
    /** Called for every good data record, in order; {@code payload} is valid only during the call. */
    @FunctionalInterface
    public interface RecordVisitor {
        void record(long seq, long lsn, long deviceOffset, MemorySegment payload);
    }

    private final SyncIo io;
    private final SuperblockState sb;
    private final MemorySegment window;
    private final RecordHeader.Checksum checksum;
    private final int maxPayload;
    private long winLsn = -1;
    private int winLen;
    private int ioError;
    private int maxEpoch;

    /** A scanner over the log described by {@code sb} (as read from the device's superblock). */
    public LogScanner(BlockDevice device, SuperblockState sb) {
        this.io = new SyncIo(device);
        this.sb = sb;
        this.maxPayload = sb.maxRecordBytes;
        int bytes = (int) Math.min(sb.segmentBytes, Math.max(1 << 20,
                RecordHeader.frameBytes(maxPayload) + 2L * device.blockSize()) + device.blockSize());
        bytes = (bytes + 4095) / 4096 * 4096;
        this.window = device.allocateDma(bytes);
        this.checksum = new RecordHeader.Checksum(window, sb.logId);
    }

    /**
     * Makes log bytes {@code [lsn, lsn + len)} (inside one segment) readable in the window; returns their
     * offset there, or -1 after a device error.
     */
    private long ensure(long lsn, long len) {
        if (winLsn >= 0 && lsn >= winLsn && lsn + len <= winLsn + winLen) {
            return lsn - winLsn;
        }
        int j = sb.chainIndexOf(lsn);
        long segEnd = sb.segmentStartLsn(j + 1);
        long start = lsn & -4096L;
        int n = (int) Math.min(window.byteSize(), segEnd - start);
        if (lsn + len > start + n) {
            throw new IllegalStateException("window of " + window.byteSize() + " bytes cannot hold " + len + " at " + lsn);
        }
        int rc = io.read(window, sb.deviceOffset(start), n);
        if (rc < 0) {
            ioError = rc;
            winLsn = -1;
            return -1;
        }
        winLsn = start;
        winLen = n;
        return lsn - winLsn;
    }

    /** The device offset of log position {@code lsn}, also for the position just past the chain. */
    private long offsetOf(long lsn) {
        if (lsn >= sb.chainEndLsn()) {
            return sb.dataOffset + (long) (sb.chain[sb.chainLength - 1] + 1) * sb.segmentBytes;
        }
        return sb.deviceOffset(lsn);
    }

    /** Scans the whole log, calling {@code visitor} (may be null) for each good record. */
    public ScanReport scan(RecordVisitor visitor) {
        long pos = sb.headLsn;
        long seq = sb.headSeq;
        int lastEpoch = Integer.MIN_VALUE;
        long records = 0;
        long chainEnd = sb.chainEndLsn();
        while (true) {
            int j = sb.chainIndexOf(pos);
            if (j < 0) {
                return report(ScanReport.Status.CLEAN, records, seq, pos, -1, -1, "");
            }
            long segEnd = sb.segmentStartLsn(j + 1);
            if (segEnd - pos < RecordHeader.HEADER_BYTES) {
                if (segEnd >= chainEnd) {
                    return report(ScanReport.Status.CLEAN, records, seq, pos, -1, -1, "");
                }
                pos = segEnd;
                continue;
            }
            long off = ensure(pos, RecordHeader.HEADER_BYTES);
            if (off < 0) {
                return ioFailure(records, seq, pos);
            }
            boolean good = false;
            int length = RecordHeader.length(window, off);
            if (RecordHeader.magic(window, off) == RecordHeader.MAGIC && length >= 0 && length <= maxPayload
                    && pos + RecordHeader.HEADER_BYTES + (long) length <= segEnd) {
                off = ensure(pos, RecordHeader.HEADER_BYTES + (long) length);
                if (off < 0) {
                    return ioFailure(records, seq, pos);
                }
                int epoch = RecordHeader.epoch(window, off);
                good = checksum.isValid(off, maxPayload) && RecordHeader.seq(window, off) == seq
                        && epoch >= lastEpoch && epoch <= sb.epoch + 1;
                if (good) {
                    lastEpoch = epoch;
                    maxEpoch = Math.max(maxEpoch, epoch);
                }
            }
            if (!good) {
                return classifyEnd(pos, seq, lastEpoch, records);
            }
            if (RecordHeader.type(window, off) == RecordHeader.TYPE_SEGMENT_END) {
                if (segEnd >= chainEnd) {
                    // The roll to a new segment never became durable: the log ends at the marker.
                    return report(ScanReport.Status.CLEAN, records, seq, pos, -1, -1, "");
                }
                pos = segEnd;
                continue;
            }
            if (visitor != null) {
                visitor.record(seq, pos, sb.deviceOffset(pos),
                        window.asSlice(off + RecordHeader.HEADER_BYTES, length));
            }
            records++;
            seq++;
            pos += RecordHeader.frameBytes(length);
        }
    }

    /** The log ends at {@code bad}: corrupt if a later record proves it was durable, else clean or torn. */
    private ScanReport classifyEnd(long bad, long seq, int lastEpoch, long records) {
        long off = ensure(bad, RecordHeader.HEADER_BYTES);
        if (off < 0) {
            return ioFailure(records, seq, bad);
        }
        boolean zero = RecordHeader.isZero(window, off);
        long chainEnd = sb.chainEndLsn();
        long q = bad + RecordHeader.ALIGNMENT;
        while (q < chainEnd) {
            int j = sb.chainIndexOf(q);
            long segEnd = sb.segmentStartLsn(j + 1);
            if (segEnd - q < RecordHeader.HEADER_BYTES) {
                q = segEnd;
                continue;
            }
            long o = ensure(q, RecordHeader.HEADER_BYTES);
            if (o < 0) {
                return ioFailure(records, seq, bad);
            }
            if (RecordHeader.magic(window, o) == RecordHeader.MAGIC
                    && RecordHeader.version(window, o) == RecordHeader.VERSION) {
                int length = RecordHeader.length(window, o);
                if (length >= 0 && length <= maxPayload && q + RecordHeader.HEADER_BYTES + (long) length <= segEnd) {
                    o = ensure(q, RecordHeader.HEADER_BYTES + (long) length);
                    if (o < 0) {
                        return ioFailure(records, seq, bad);
                    }
                    int epoch = RecordHeader.epoch(window, o);
                    boolean checks = checksum.isValid(o, maxPayload);
                    if (checks) {
                        maxEpoch = Math.max(maxEpoch, epoch);
                    }
                    if (checks && epoch >= lastEpoch && epoch <= sb.epoch + 1
                            && RecordHeader.seq(window, o) >= seq && RecordHeader.durableMark(window, o) > bad) {
                        return report(ScanReport.Status.CORRUPT, records, seq, bad, bad, q,
                                "the record at this offset fails its checksum or sequence check, but the record at"
                                        + " byte offset " + sb.deviceOffset(q) + " (seq " + RecordHeader.seq(window, o)
                                        + ") was written after it had been made durable");
                    }
                }
            }
            q += RecordHeader.ALIGNMENT;
        }
        if (zero) {
            return report(ScanReport.Status.CLEAN, records, seq, bad, -1, -1, "");
        }
        return report(ScanReport.Status.TORN_TAIL, records, seq, bad, bad, -1,
                "a record that was being written when the log stopped is incomplete; open truncates it");
    }

    private ScanReport ioFailure(long records, long seq, long pos) {
        return report(ScanReport.Status.IO_ERROR, records, seq, pos, -1, -1,
                "device read failed with " + Errno.name(ioError) + " near byte offset " + offsetOf(pos));
    }

    private ScanReport report(ScanReport.Status status, long records, long nextSeq, long end, long bad, long evidence,
                              String reason) {
        return new ScanReport(status, records, sb.headSeq, nextSeq, sb.headLsn, end, offsetOf(end), bad,
                bad >= 0 ? offsetOf(bad) : -1, evidence, sb.epoch, sb.generation, -1, reason,
                Math.max(maxEpoch, sb.epoch));
    }
}
