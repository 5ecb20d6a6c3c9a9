package io.demikv.storage.check;

import io.demikv.libos.Errno;
import io.demikv.storage.cattree.LogScanner;
import io.demikv.storage.cattree.ScanReport;
import io.demikv.storage.cattree.SuperblockIo;
import io.demikv.storage.device.BlockDevice;
import io.demikv.storage.device.SyncIo;
import io.demikv.storage.format.RecordHeader;
import io.demikv.storage.format.SuperblockState;

import java.lang.foreign.MemorySegment;

/**
 * What {@code bin/demikv-check-log} needs, without a libOS: verify a log offline (every record's checksum,
 * sequence and epoch; how it ends), visit every record (to print it or export it as RESP), and truncate it
 * at a record's device offset (the {@code --fix} for corruption in the middle, which drops every record from
 * that offset on). Works on any {@link BlockDevice}; the caller opens and closes it. Blocking; one thread.
 *
 * <pre>{@code
 * try (BlockDevice dev = UringBlockDevice.open(UringOptions.file(path, 0).withQueueDepth(4))) {
 *     LogCheck.Result r = LogCheck.verify(dev, null);
 *     System.out.println(LogCheck.describe(r));
 *     if (r.report().status() == ScanReport.Status.CORRUPT && fix) {
 *         LogCheck.truncate(dev, r.report().badOffset());
 *     }
 * }
 * }</pre>
 */
public final class LogCheck {
    private LogCheck() {
    }

    /** A verification: the superblock that won (null when none is valid) and the scan. */
    public record Result(SuperblockState superblock, ScanReport report) {
    }

    /** Reads the superblock and scans the whole log, calling {@code visitor} (may be null) for every good record. */
    public static Result verify(BlockDevice device, LogScanner.RecordVisitor visitor) {
        SuperblockState sb = new SuperblockState();
        SuperblockIo io = new SuperblockIo(device);
        int copy = io.read(sb);
        if (copy < 0) {
            ScanReport.Status status = copy == -1 ? ScanReport.Status.NO_SUPERBLOCK : ScanReport.Status.IO_ERROR;
            return new Result(null, new ScanReport(status, 0, 0, 0, 0, 0, 0, -1, -1, -1, 0, 0, -1,
                    copy == -1 ? "no valid superblock at byte 0 or 4096" : "read failed: " + Errno.name(copy), 0));
        }
        ScanReport r = new LogScanner(device, sb).scan(visitor);
        return new Result(sb, new ScanReport(r.status(), r.records(), r.firstSeq(), r.nextSeq(), r.headLsn(), r.endLsn(),
                r.endOffset(), r.badLsn(), r.badOffset(), r.evidenceLsn(), r.epoch(), r.generation(), copy, r.reason(),
                r.maxEpoch()));
    }

    /**
     * Truncates the log at device offset {@code offset}, which must be where a good record starts, the first bad
     * record, or the end (what {@link #verify} reports). Zeroes the rest of that segment, drops later segments
     * from the chain and starts a new epoch, so nothing after the offset can ever be read as a record. Returns
     * 0, {@code -EINVAL} when the offset is not such a position, or -errno from the device.
     */
    public static int truncate(BlockDevice device, long offset) {
        Result before = verify(device, null);
        SuperblockState sb = before.superblock();
        if (sb == null) {
            return -Errno.EINVAL;
        }
        long lsn = sb.lsnOf(offset);
        if (lsn < sb.headLsn || lsn % RecordHeader.ALIGNMENT != 0) {
            return -Errno.EINVAL;
        }
        ScanReport r = before.report();
        boolean allowed = lsn == r.endLsn() || lsn == r.badLsn() || isRecordStart(device, sb, lsn, r.endLsn());
        if (!allowed) {
            return -Errno.EINVAL;
        }
        int j = sb.chainIndexOf(lsn);
        long segEnd = sb.segmentStartLsn(j + 1);
        SyncIo io = new SyncIo(device);
        MemorySegment zeros = device.allocateDma(1 << 20);
        // The block holding the offset keeps what precedes it.
        long blockStart = lsn & -4096L;
        int rc = io.read(zeros, sb.deviceOffset(blockStart), 4096);
        if (rc < 0) {
            return rc;
        }
        zeros.asSlice(lsn - blockStart, 4096 - (lsn - blockStart)).fill((byte) 0);
        rc = io.write(zeros, sb.deviceOffset(blockStart), 4096, 0);
        zeros.fill((byte) 0);
        for (long p = blockStart + 4096; rc == 0 && p < segEnd; p += 1 << 20) {
            int n = (int) Math.min(1 << 20, segEnd - p);
            rc = io.write(zeros, sb.deviceOffset(p), n, 0);
        }
        if (rc < 0) {
            return rc;
        }
        sb.chainLength = j + 1;
        sb.epoch = Math.max(sb.epoch, r.maxEpoch()) + 2;
        sb.generation++;
        SuperblockIo sbio = new SuperblockIo(device);
        SuperblockState ignored = new SuperblockState();
        sbio.read(ignored);
        rc = sbio.write(sb);
        return rc < 0 ? rc : io.flush();
    }

    /** True when a good record starts at {@code lsn} (a scan from the head reaches it). */
    private static boolean isRecordStart(BlockDevice device, SuperblockState sb, long lsn, long end) {
        if (lsn > end) {
            return false;
        }
        boolean[] found = {false};
        new LogScanner(device, sb).scan((seq, at, off, payload) -> {
            if (at == lsn) {
                found[0] = true;
            }
        });
        return found[0];
    }

    /** A few lines for people: the store, how the log ends, and what to do. */
    public static String describe(Result r) {
        ScanReport s = r.report();
        StringBuilder b = new StringBuilder();
        if (r.superblock() != null) {
            SuperblockState sb = r.superblock();
            b.append(String.format("store: log id %016x, generation %d, epoch %d, %d segments of %d bytes (%d in the"
                            + " log), max record %d bytes, superblock copy %s%n", sb.logId, sb.generation, sb.epoch,
                    sb.segmentCount, sb.segmentBytes, sb.chainLength, sb.maxRecordBytes, s.superblockCopy() == 0 ? "A" : "B"));
            b.append(String.format("compaction: generation %d, first kept seq %d%n", sb.compactionGeneration,
                    sb.compactionSeq));
        }
        b.append(String.format("log: %s, %d records (seq %d..%d), head at log position %d, end at %d (byte offset %d)%n",
                s.status(), s.records(), s.firstSeq(), s.nextSeq() - 1, s.headLsn(), s.endLsn(), s.endOffset()));
        switch (s.status()) {
            case TORN_TAIL -> b.append("torn tail at byte offset ").append(s.badOffset())
                    .append(": the server truncates it when it starts (or: demikv-check-log --fix)\n");
            case CORRUPT -> b.append("CORRUPT at byte offset ").append(s.badOffset()).append(": ").append(s.reason())
                    .append("\nrepair: demikv-check-log --fix truncates the log there, losing every record from that"
                            + " offset on\n");
            case NO_SUPERBLOCK, IO_ERROR -> b.append(s.reason()).append('\n');
            default -> {
            }
        }
        return b.toString();
    }
}
