package io.demikv.storage.device;

import io.demikv.storage.device.uring.UringBlockDevice;
import io.demikv.storage.device.uring.UringOptions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where io_uring tests put their files and how they get a loop device: the temp directory when its file
 * system takes {@code O_DIRECT}, else the module's build directory; a loop device only when running as root
 * with {@code losetup}. Tests that cannot run say why on standard output and are skipped.
 */
public final class UringTestFiles {
    private UringTestFiles() {
    }

    /** Opens a preallocated file device of {@code size} bytes, or skips the test with the reason. */
    public static UringBlockDevice fileDevice(Path file, long size, int queueDepth) {
        try {
            return UringBlockDevice.open(UringOptions.file(file, size).withQueueDepth(queueDepth));
        } catch (DeviceException e) {
            System.out.println("SKIP io_uring test: " + e.getMessage());
            Assumptions.abort(e.getMessage());
            throw e;
        }
    }

    /** A fresh file path on a file system that accepts O_DIRECT (temp dir, else ./target-uring-tests). */
    public static Path tempFile(String prefix) {
        try {
            for (Path dir : List.of(Path.of(System.getProperty("java.io.tmpdir")), Path.of("target-uring-tests"))) {
                Files.createDirectories(dir);
                Path p = Files.createTempFile(dir, prefix, ".log");
                Files.delete(p);
                try (UringBlockDevice probe = UringBlockDevice.open(UringOptions.file(p, 1 << 16))) {
                    Files.delete(p);
                    if (probe.capacityBytes() > 0) {
                        return p;
                    }
                } catch (DeviceException e) {
                    System.out.println("note: " + dir + " refuses O_DIRECT (" + e.getMessage() + "); trying the next");
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("SKIP io_uring test: no directory accepts O_DIRECT");
        Assumptions.abort("no directory accepts O_DIRECT");
        return null;
    }

    /** A loop device over a new file of {@code size} bytes; skipped (with the reason printed) when impossible. */
    public static LoopDevice loopDevice(long size) {
        String reason = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            reason = "not root (user " + System.getProperty("user.name") + ")";
        } else if (!Files.isExecutable(Path.of("/usr/sbin/losetup")) && !Files.isExecutable(Path.of("/sbin/losetup"))) {
            reason = "losetup is not installed (Debian package mount)";
        }
        if (reason == null) {
            try {
                Path backing = tempFile("loop-backing");
                try (var ch = java.nio.channels.FileChannel.open(backing, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    ch.truncate(size);
                    ch.write(java.nio.ByteBuffer.allocate(1), size - 1);
                }
                String dev = run("losetup", "-f", "--show", backing.toString()).trim();
                if (dev.startsWith("/dev/loop")) {
                    return new LoopDevice(Path.of(dev), backing);
                }
                Files.deleteIfExists(backing);
                reason = "losetup failed: " + dev;
            } catch (IOException e) {
                reason = "losetup failed: " + e.getMessage();
            }
        }
        System.out.println("SKIP loop-device test: " + reason);
        Assumptions.abort(reason);
        return null;
    }

    static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " timed out");
            }
            String out = new String(p.getInputStream().readAllBytes());
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** A loop device and its backing file; close detaches and deletes them. */
    public record LoopDevice(Path device, Path backing) implements AutoCloseable {
        @Override
        public void close() {
            List<String> problems = new ArrayList<>();
            try {
                run("losetup", "-d", device.toString());
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
            try {
                Files.deleteIfExists(backing);
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
            if (!problems.isEmpty()) {
                System.out.println("loop device cleanup: " + problems);
            }
        }
    }
}
