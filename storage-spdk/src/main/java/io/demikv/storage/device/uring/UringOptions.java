package io.demikv.storage.device.uring;

import java.nio.file.Path;

/**
 * How to open a {@link UringBlockDevice}. Immutable; any thread.
 *
 * @param path            a regular file or a block device ({@code /dev/nvme0n1}, {@code /dev/loop0})
 * @param sizeBytes       for a regular file: the size to preallocate (fallocate and zero-fill, so a durable
 *                        write never also has to allocate or convert an extent); a file already at least this
 *                        large is left as it is; 0 uses the file's current size. Ignored for block devices
 * @param create          create the file when it does not exist
 * @param queueDepth      commands in flight at most (io_uring SQ entries, rounded up to a power of two)
 * @param registeredBytes DMA memory registered with the ring ({@code IORING_REGISTER_BUFFERS}), from which
 *                        {@code allocateDma} serves; allocations beyond it work unregistered
 */
public record UringOptions(Path path, long sizeBytes, boolean create, int queueDepth, long registeredBytes) {
    public static final int DEFAULT_QUEUE_DEPTH = 64;
    public static final long DEFAULT_REGISTERED_BYTES = 16L << 20;

    public UringOptions {
        if (path == null) {
            throw new IllegalArgumentException("path is required");
        }
        if (sizeBytes < 0 || sizeBytes % 4096 != 0) {
            throw new IllegalArgumentException("sizeBytes must be a non-negative multiple of 4096: " + sizeBytes);
        }
        if (queueDepth < 1 || queueDepth > 4096) {
            throw new IllegalArgumentException("queueDepth must be in 1..4096: " + queueDepth);
        }
        if (registeredBytes < 0 || registeredBytes % 4096 != 0) {
            throw new IllegalArgumentException("registeredBytes must be a multiple of 4096: " + registeredBytes);
        }
    }

    /** A file of {@code sizeBytes}, created when missing, with the default queue depth and registered memory. */
    public static UringOptions file(Path path, long sizeBytes) {
        return new UringOptions(path, sizeBytes, true, DEFAULT_QUEUE_DEPTH, DEFAULT_REGISTERED_BYTES);
    }

    /** An existing block device. */
    public static UringOptions blockDevice(Path path) {
        return new UringOptions(path, 0, false, DEFAULT_QUEUE_DEPTH, DEFAULT_REGISTERED_BYTES);
    }

    public UringOptions withQueueDepth(int depth) {
        return new UringOptions(path, sizeBytes, create, depth, registeredBytes);
    }

    public UringOptions withRegisteredBytes(long bytes) {
        return new UringOptions(path, sizeBytes, create, queueDepth, bytes);
    }
}
