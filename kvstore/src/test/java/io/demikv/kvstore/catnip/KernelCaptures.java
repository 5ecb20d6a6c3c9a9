package io.demikv.kvstore.catnip;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A JUnit extension that runs {@code tcpdump -w} on the kernel's end of the link (inside its namespace) during each
 * test and keeps the file, printing its path, only when the test fails: under {@code kvstore/<build dir>/pcap/}
 * (next to {@code test-classes}, so parallel builds with their own {@code -Dbuild.dir} do not mix). Headers and
 * the first 256 bytes of each frame. Does nothing without tcpdump or while {@link #where} says null.
 */
final class KernelCaptures implements BeforeEachCallback, AfterEachCallback {
    /** {namespace, interface} of the kernel's end, or null when there is no link (skipped tests). */
    private final Supplier<String[]> where;
    private Process tcpdump;
    private Path file;

    KernelCaptures(Supplier<String[]> where) {
        this.where = where;
    }

    static Path root() {
        try {
            Path classes = Path.of(KernelCaptures.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return classes.getParent().resolve("pcap");
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("target", "pcap");
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        String[] w = where.get();
        if (w == null || !Files.isExecutable(Path.of("/usr/bin/tcpdump")) && !Files.isExecutable(Path.of("/usr/sbin/tcpdump"))) {
            return;
        }
        file = root().resolve(context.getRequiredTestClass().getSimpleName() + "."
                + context.getRequiredTestMethod().getName()).resolve("kernel-" + w[1] + ".pcap");
        Files.createDirectories(file.getParent());
        tcpdump = new ProcessBuilder("ip", "netns", "exec", w[0], "tcpdump", "-i", w[1], "-U", "-s", "256", "-w",
                file.toString()).redirectErrorStream(true).redirectOutput(file.resolveSibling("tcpdump.log").toFile())
                .start();
        // tcpdump says "listening on" when it is ready; without it the first packets may be missed.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Path log = file.resolveSibling("tcpdump.log");
        while (System.nanoTime() < end && tcpdump.isAlive()
                && !(Files.exists(log) && Files.readString(log).contains("listening on"))) {
            Thread.sleep(20);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException, InterruptedException {
        if (tcpdump == null) {
            return;
        }
        tcpdump.destroy(); // SIGTERM: tcpdump flushes and exits
        if (!tcpdump.waitFor(5, TimeUnit.SECONDS)) {
            tcpdump.destroyForcibly();
        }
        tcpdump = null;
        if (context.getExecutionException().isPresent()) {
            System.out.println("[captures] " + context.getDisplayName() + " failed; kept " + file.toAbsolutePath());
            return;
        }
        Files.deleteIfExists(file);
        Files.deleteIfExists(file.resolveSibling("tcpdump.log"));
        try {
            Files.deleteIfExists(file.getParent());
        } catch (IOException ignored) {
            // not empty: something else was kept there
        }
    }
}
