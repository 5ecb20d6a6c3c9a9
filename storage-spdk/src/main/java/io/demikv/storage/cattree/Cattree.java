package io.demikv.storage.cattree;

import io.demikv.libos.AbstractLibOS;
import io.demikv.libos.Errno;
import io.demikv.storage.device.BlockDevice;
import io.demikv.storage.device.SyncIo;
import io.demikv.storage.format.SuperblockState;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Cattree, Demikernel's storage libOS, as an attachment to any libOS: its log queues live in that libOS's
 * queue table and one {@link io.demikv.libos.sched.Poller} of its scheduler drives every log's device, so a
 * single {@code waitNext} returns network and storage completions together (a server runs Catnap or Catnip
 * for clients and Cattree for its log on one thread).
 *
 * <pre>{@code
 * Catnap net = new Catnap();
 * Cattree storage = Cattree.attach(net);
 * BlockDevice disk = UringBlockDevice.open(UringOptions.file(Path.of("data/appendonly.log"), 1L << 30));
 * CattreeLog log = storage.open(disk, LogOptions.defaults());   // recovers; throws on corruption
 * // replay: pop until an empty array
 * long qt = net.pop(log.qd());  ...
 * // append: completes once durable
 * long qt2 = net.push(log.qd(), sga);
 * }</pre>
 *
 * Start-up calls ({@link #attach}, {@link #open}, {@link #create}) block on device I/O (formatting,
 * recovery); everything after runs inside the libOS's wait loop. Libos thread only.
 */
public final class Cattree implements AutoCloseable {
    private final AbstractLibOS libos;
    private final List<CattreeLog> logs = new ArrayList<>();
    private CattreeLog[] active = new CattreeLog[0];
    private final io.demikv.libos.sched.Poller poller = this::poll;
    private boolean closed;

    private Cattree(AbstractLibOS libos) {
        this.libos = libos;
        libos.scheduler().addPoller(poller);
    }

    /** Attaches Cattree to {@code libos}: registers its poller. Start-up, on the libOS thread. */
    public static Cattree attach(AbstractLibOS libos) {
        return new Cattree(libos);
    }

    public AbstractLibOS libos() {
        return libos;
    }

    /**
     * Formats {@code device} as a new, empty store and opens its log. Everything on the device is lost.
     *
     * @throws IllegalArgumentException when the device is too small for the options
     * @throws java.io.UncheckedIOException when the device fails while being formatted
     */
    public CattreeLog create(BlockDevice device, LogOptions options) {
        SuperblockState s = SuperblockIo.newStore(device.capacityBytes(), options.segmentBytes(),
                options.maxRecordBytes());
        SuperblockIo io = new SuperblockIo(device);
        int rc = io.format(s);
        if (rc < 0) {
            throw new java.io.UncheckedIOException(new java.io.IOException("formatting " + device.describe()
                    + " failed: " + Errno.name(rc)));
        }
        try {
            return open(device, options);
        } catch (LogCorruptedException e) {
            throw new IllegalStateException("a freshly formatted log does not open: " + e.getMessage(), e);
        }
    }

    /**
     * Opens the log on {@code device}, recovering it: scans from the head, truncates a torn tail, starts a
     * new epoch (a superblock write) and installs the queue. The log owns the device from here on (closing
     * the queue closes it); on failure the device stays open.
     *
     * @throws LogCorruptedException when the log is corrupt in the middle, has no valid superblock, or cannot
     *                               be read; its message names the device offset and the repair command
     */
    public CattreeLog open(BlockDevice device, LogOptions options) throws LogCorruptedException {
        if (closed) {
            throw new IllegalStateException("Cattree is closed");
        }
        if (device.queueDepth() < 4) {
            throw new IllegalArgumentException("a log needs a device queue depth of at least 4 (writes, a flush and a"
                    + " read in flight): " + device.describe());
        }
        String name = device.describe();
        SuperblockIo sbio = new SuperblockIo(device);
        SuperblockState sb = new SuperblockState();
        int copy = sbio.read(sb);
        if (copy < 0) {
            ScanReport r = new ScanReport(copy == -1 ? ScanReport.Status.NO_SUPERBLOCK : ScanReport.Status.IO_ERROR,
                    0, 0, 0, 0, 0, 0, -1, -1, -1, 0, 0, -1, copy == -1
                    ? "neither copy (byte 0, byte 4096) has the magic, version and checksum of a Cattree superblock"
                    : "reading the superblock failed: " + Errno.name(copy), 0);
            throw new LogCorruptedException(name, r);
        }
        ScanReport scan = new LogScanner(device, sb).scan(null);
        scan = withCopy(scan, copy);
        if (!scan.usable()) {
            throw new LogCorruptedException(name, scan);
        }
        // A device that grew (a larger preallocated file) offers more segments; the new ones hold zeros or
        // bytes of no record of this log that could check, as any free segment.
        long fit = (device.capacityBytes() - sb.dataOffset) / sb.segmentBytes;
        if (fit > sb.segmentCount) {
            sb.segmentCount = (int) Math.min(fit, Integer.MAX_VALUE);
        }
        // A new epoch above every record's, and the tail block rewritten without what lies past the end, both
        // durable before any append. Superblock writes raise the epoch by at most one, and each overwrites
        // the older copy, so when only one copy is valid the lost one had at most this epoch + 1: skip it.
        sb.epoch = Math.max(sb.epoch, scan.maxEpoch()) + (sbio.bothValid() ? 1 : 2);
        sb.generation++;
        SyncIo sync = new SyncIo(device);
        MemorySegment tail = device.allocateDma(4096);
        int rc = truncateTail(sync, sb, tail, scan.endLsn());
        if (rc == 0) {
            rc = sbio.write(sb);
        }
        if (rc == 0) {
            rc = sync.flush();
        }
        if (rc < 0) {
            throw new LogCorruptedException(name, new ScanReport(ScanReport.Status.IO_ERROR, scan.records(),
                    scan.firstSeq(), scan.nextSeq(), scan.headLsn(), scan.endLsn(), scan.endOffset(), -1, -1, -1,
                    sb.epoch, sb.generation, copy, "writing the recovered tail failed: "
                    + Errno.name(rc), scan.maxEpoch()));
        }
        CattreeLog log = new CattreeLog(this, libos, device, name, sb, sbio.current(), options, scan);
        log.writer().stagingBlock(scan.endLsn()).copyFrom(tail);
        int qd = libos.queueTable().install(log);
        if (qd < 0) {
            throw new IllegalStateException("the libOS queue table is full (" + Errno.name(qd) + ")");
        }
        logs.add(log);
        active = logs.toArray(new CattreeLog[0]);
        return log;
    }

    /**
     * Reads the block holding log position {@code end} into {@code block}, zeroes every byte from {@code end}
     * on and writes it back, so the bytes after the end can never be read as a record (a torn record there,
     * or stale bytes behind a truncation). Nothing to do at a segment's end. 0 or -errno.
     */
    static int truncateTail(SyncIo io, SuperblockState sb, MemorySegment block, long end) {
        block.fill((byte) 0);
        int j = sb.chainIndexOf(end);
        if (j < 0) {
            return 0;
        }
        long start = end & -4096L;
        long offset = sb.deviceOffset(start);
        int rc = io.read(block, offset, 4096);
        if (rc < 0) {
            return rc;
        }
        block.asSlice(end - start).fill((byte) 0);
        return io.write(block, offset, 4096, 0);
    }

    private static ScanReport withCopy(ScanReport r, int copy) {
        return new ScanReport(r.status(), r.records(), r.firstSeq(), r.nextSeq(), r.headLsn(), r.endLsn(),
                r.endOffset(), r.badLsn(), r.badOffset(), r.evidenceLsn(), r.epoch(), r.generation(), copy, r.reason(),
                r.maxEpoch());
    }

    void forget(CattreeLog log) {
        logs.remove(log);
        active = logs.toArray(new CattreeLog[0]);
    }

    /** The poller: one duty cycle of every open log. */
    private int poll(long nowNanos) {
        int work = 0;
        for (CattreeLog log : active) {
            work += log.doWork();
        }
        return work;
    }

    /** Logs open now. */
    public List<CattreeLog> logs() {
        return List.copyOf(logs);
    }

    /** Closes every log (through the libOS's table) and detaches the poller. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (CattreeLog log : List.copyOf(logs)) {
            libos.close(log.qd());
        }
        libos.scheduler().removePoller(poller);
    }
}
