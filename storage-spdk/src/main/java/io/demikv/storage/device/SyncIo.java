package io.demikv.storage.device;

import io.demikv.libos.Errno;

import java.lang.foreign.MemorySegment;

/**
 * Blocking reads, writes and flushes on a {@link BlockDevice}, by submitting one command and polling until
 * it completes: for start-up (format, recovery) and offline tools, never for the hot path. Requires that the
 * device has nothing else in flight. Short transfers are continued until done. The device's thread only.
 */
public final class SyncIo {
    private static final long TOKEN = 0x5F5F_5F5FL;
    private final BlockDevice device;
    private int result;
    private boolean done;
    private final CompletionHandler handler = (token, res) -> {
        if (token == TOKEN) {
            result = res;
            done = true;
        }
    };

    public SyncIo(BlockDevice device) {
        this.device = device;
    }

    public BlockDevice device() {
        return device;
    }

    /** Reads {@code length} bytes at {@code offset} into {@code buffer}; 0 or -errno. */
    public int read(MemorySegment buffer, long offset, int length) {
        int doneBytes = 0;
        while (doneBytes < length) {
            int rc = device.submitRead(buffer.asSlice(doneBytes), offset + doneBytes, length - doneBytes, TOKEN);
            rc = rc < 0 ? rc : await();
            if (rc < 0) {
                return rc;
            }
            int whole = rc / device.blockSize() * device.blockSize();
            if (whole == 0) {
                return -Errno.EIO;
            }
            doneBytes += whole;
        }
        return 0;
    }

    /** Writes {@code length} bytes of {@code buffer} at {@code offset}; 0 or -errno. */
    public int write(MemorySegment buffer, long offset, int length, int flags) {
        int doneBytes = 0;
        while (doneBytes < length) {
            int rc = device.submitWrite(buffer.asSlice(doneBytes), offset + doneBytes, length - doneBytes, flags,
                    TOKEN);
            rc = rc < 0 ? rc : await();
            if (rc < 0) {
                return rc;
            }
            int whole = rc / device.blockSize() * device.blockSize();
            if (whole == 0) {
                return -Errno.EIO;
            }
            doneBytes += whole;
        }
        return 0;
    }

    /** Flushes the device's write cache; 0 or -errno. */
    public int flush() {
        int rc = device.submitFlush(TOKEN);
        return rc < 0 ? rc : Math.min(0, await());
    }

    private int await() {
        done = false;
        long spins = 0;
        while (!done) {
            int rc = device.pollCompletions(16, handler);
            if (rc < 0) {
                return rc;
            }
            if (!done && ++spins > 1000) {
                Thread.onSpinWait();
            }
        }
        return result;
    }
}
