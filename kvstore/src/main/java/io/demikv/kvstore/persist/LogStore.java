package io.demikv.kvstore.persist;

import io.demikv.config.DirectiveRegistry;
import io.demikv.storage.cattree.Cattree;
import io.demikv.storage.cattree.CattreeLog;
import io.demikv.storage.cattree.Durability;
import io.demikv.storage.cattree.LogCorruptedException;
import io.demikv.storage.cattree.LogOptions;
import io.demikv.storage.cattree.ScanReport;
import io.demikv.storage.device.BlockDevice;
import io.demikv.storage.device.uring.UringBlockDevice;
import io.demikv.storage.device.uring.UringOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.UnaryOperator;

/**
 * Where the log lives and how it is opened: one preallocated Cattree store file,
 * {@code <dir>/<appenddirname>/<appendfilename>.cattree} (by default {@code ./data/appendonlydir/appendonly.aof.cattree}),
 * of {@code aof-store-size} bytes (grown, never shrunk, when the directive grows), opened with io_uring over
 * O_DIRECT. A file that was never formatted (a crash while it was being created) is formatted again. Tests pass
 * a device decorator (fault injection). Start-up thread.
 */
public final class LogStore {
    /** The store's file name suffix after {@code appendfilename}. */
    public static final String SUFFIX = ".cattree";

    private final Path directory;
    private final Path path;
    private final long sizeBytes;
    private final UnaryOperator<BlockDevice> decorator;

    public LogStore(Path directory, Path path, long sizeBytes, UnaryOperator<BlockDevice> decorator) {
        this.directory = directory;
        this.path = path;
        this.sizeBytes = (sizeBytes + 4095) / 4096 * 4096;
        this.decorator = decorator == null ? UnaryOperator.identity() : decorator;
    }

    /** The store the server's directives name. */
    public static LogStore fromConfig(DirectiveRegistry config) {
        return fromConfig(config, null);
    }

    public static LogStore fromConfig(DirectiveRegistry config, UnaryOperator<BlockDevice> decorator) {
        Path dir = Path.of(config.getString("dir"));
        Path sub = dir.resolve(config.getString("appenddirname"));
        return new LogStore(dir, sub.resolve(config.getString("appendfilename") + SUFFIX),
                config.getLong("aof-store-size"), decorator);
    }

    /** The data directory ({@code dir}), which {@code demikv-check-log} takes. */
    public Path directory() {
        return directory;
    }

    public Path path() {
        return path;
    }

    public boolean exists() {
        return Files.exists(path);
    }

    /** The options a store of {@code size} bytes is created and opened with. */
    static LogOptions options(long size) {
        long seg = Math.max(256L << 10, Math.min(64L << 20, size / 16 / 4096 * 4096));
        int maxRecord = (int) Math.min(1 << 20, seg / 2);
        return LogOptions.defaults().withDurability(Durability.BUFFERED).withSegmentBytes(seg)
                .withMaxRecordBytes(maxRecord);
    }

    /**
     * Opens (recovering) or creates the store's log in {@code cattree}.
     *
     * @throws LogCorruptedException corrupt in the middle, or a device read error
     * @throws io.demikv.storage.device.DeviceException the file cannot be opened or preallocated
     */
    public CattreeLog open(Cattree cattree) throws LogCorruptedException {
        try {
            Files.createDirectories(path.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + path.getParent() + ": " + e.getMessage(), e);
        }
        boolean fresh = !Files.exists(path) || neverFormatted();
        BlockDevice device = decorator.apply(UringBlockDevice.open(UringOptions.file(path, sizeBytes)
                .withRegisteredBytes(UringOptions.DEFAULT_REGISTERED_BYTES + (8L << 20))));
        LogOptions options = options(sizeBytes);
        try {
            return fresh ? cattree.create(device, options) : cattree.open(device, options);
        } catch (LogCorruptedException e) {
            device.close();
            throw e;
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
    }

    /** True when both superblock copies are still zero: created, never formatted. */
    private boolean neverFormatted() {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(8192);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // fill
            }
            b.flip();
            while (b.hasRemaining()) {
                if (b.get() != 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** For messages: whether a scan report is a plain crash artifact. */
    static boolean repairable(ScanReport r) {
        return r.usable();
    }
}
