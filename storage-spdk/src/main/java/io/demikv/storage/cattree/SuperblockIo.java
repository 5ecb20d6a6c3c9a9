package io.demikv.storage.cattree;

import io.demikv.storage.device.BlockDevice;
import io.demikv.storage.device.SyncIo;
import io.demikv.storage.format.RecordHeader;
import io.demikv.storage.format.Superblock;
import io.demikv.storage.format.SuperblockState;

import java.lang.foreign.MemorySegment;
import java.security.SecureRandom;

/**
 * Reads, writes and formats a store's double-buffered {@link Superblock} with blocking I/O: for opening,
 * creating and checking a log (start-up and offline tools, the device's thread). A write goes to the copy
 * that does not hold the newest valid one, with the generation one higher, as a FUA write.
 */
public final class SuperblockIo {
    private final SyncIo io;
    private final MemorySegment blocks;
    private final Superblock a = new Superblock();
    private final Superblock b = new Superblock();
    /** The copy holding the newest valid superblock (0 = A, 1 = B), or -1. */
    private int current = -1;
    private boolean bothValid;

    public SuperblockIo(BlockDevice device) {
        this.io = new SyncIo(device);
        this.blocks = device.allocateDma(2L * Superblock.BYTES);
        a.wrap(blocks.asSlice(0, Superblock.BYTES));
        b.wrap(blocks.asSlice(Superblock.BYTES, Superblock.BYTES));
    }

    /**
     * Reads both copies; fills {@code out} from the newer valid one. Returns which copy won (0 or 1), -1 when
     * neither is valid, or -errno when the device failed.
     */
    public int read(SuperblockState out) {
        int rc = io.read(blocks, Superblock.COPY_A, 2 * Superblock.BYTES);
        if (rc < 0) {
            return rc;
        }
        current = Superblock.newer(a, b);
        bothValid = a.isValid() && b.isValid();
        if (current >= 0) {
            (current == 0 ? a : b).read(out);
        }
        return current;
    }

    /** Writes {@code s} (its generation already advanced by the caller) to the older copy, FUA. 0 or -errno. */
    public int write(SuperblockState s) {
        int target = current == 0 ? 1 : 0;
        Superblock sb = target == 0 ? a : b;
        sb.write(s, (short) target);
        int rc = io.write(sb.memory(), target == 0 ? Superblock.COPY_A : Superblock.COPY_B, Superblock.BYTES,
                BlockDevice.FUA);
        if (rc == 0) {
            current = target;
        }
        return rc;
    }

    /** True when the last read found both copies valid (so no newer superblock write was lost). */
    public boolean bothValid() {
        return bothValid;
    }

    /** The copy that holds the newest valid superblock after the last read or write, or -1. */
    public int current() {
        return current;
    }

    /**
     * A fresh store over the whole device: a random log id, epoch 0, one segment in the chain (segment 0),
     * log and sequence starting at 0 and 1.
     *
     * @throws IllegalArgumentException when the device is too small for two segments of {@code segmentBytes}
     */
    public static SuperblockState newStore(long capacity, long segmentBytes, int maxRecordBytes) {
        long data = capacity - Superblock.DEFAULT_DATA_OFFSET;
        if (segmentBytes == 0) {
            segmentBytes = Math.min(LogOptions.DEFAULT_SEGMENT, Math.max(64 << 10, data / 4 / 4096 * 4096));
        }
        long count = data / segmentBytes;
        if (count < 2) {
            throw new IllegalArgumentException("device of " + capacity + " bytes is too small for two segments of "
                    + segmentBytes + " bytes");
        }
        if (maxRecordBytes > segmentBytes - RecordHeader.HEADER_BYTES - 4096) {
            throw new IllegalArgumentException("maxRecordBytes " + maxRecordBytes + " does not fit a segment of "
                    + segmentBytes + " bytes");
        }
        SuperblockState s = new SuperblockState();
        s.generation = 1;
        long id;
        do {
            id = new SecureRandom().nextLong();
        } while (id == 0);
        s.logId = id;
        s.segmentBytes = segmentBytes;
        s.segmentCount = (int) Math.min(count, Integer.MAX_VALUE);
        s.dataOffset = Superblock.DEFAULT_DATA_OFFSET;
        s.appendSegment(0);
        s.chainStartLsn = 0;
        s.headLsn = 0;
        s.headSeq = 1;
        s.epoch = 0;
        s.maxRecordBytes = maxRecordBytes;
        s.createdTimeMillis = System.currentTimeMillis();
        return s;
    }

    /**
     * Formats the device: zeroes the first block of segment 0 (so no old record can look like the log's
     * start) and writes both superblock copies, then flushes. 0 or -errno.
     */
    public int format(SuperblockState s) {
        MemorySegment zero = blocks.asSlice(0, Superblock.BYTES);
        zero.fill((byte) 0);
        int rc = io.write(zero, s.dataOffset, Superblock.BYTES, 0);
        if (rc < 0) {
            return rc;
        }
        current = 1;
        rc = write(s); // copy A
        if (rc < 0) {
            return rc;
        }
        s.generation++;
        rc = write(s); // copy B
        return rc < 0 ? rc : io.flush();
    }
}
