package io.demikv.catnip.net;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JUnit extension that gives each test a capture folder under {@code net-catnip/target*}{@code /pcap/} (the
 * {@code catnip.pcap.dir} property the build sets), keeps the pcap files of a failing test there (printing
 * their paths and the seeds the test registered), and deletes those of a passing one. It runs before the
 * test class's {@code @BeforeEach} and after its {@code @AfterEach} methods, so captures opened and closed there
 * are covered. Register with
 * {@code @RegisterExtension final Captures captures = new Captures();} and hand it to {@link TestNet}.
 */
public final class Captures implements BeforeEachCallback, AfterEachCallback {
    private final List<Path> files = new ArrayList<>();
    private final List<Runnable> flushes = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private Path folder;

    /** The root folder for captures. */
    public static Path root() {
        String dir = System.getProperty("catnip.pcap.dir");
        return dir != null ? Path.of(dir) : Path.of("target", "pcap");
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        String method = context.getRequiredTestMethod().getName();
        String display = context.getDisplayName();
        String name = context.getRequiredTestClass().getSimpleName() + "." + method
                + (display.equals(method + "()") ? "" : "-" + display.replaceAll("[^A-Za-z0-9_.-]+", "_"));
        folder = root().resolve(name.length() > 120 ? name.substring(0, 120) : name);
        files.clear();
        flushes.clear();
        notes.clear();
    }

    /** Where the capture of {@code host} goes for the running test. */
    public Path file(String host, Runnable flush) {
        Path f = (folder != null ? folder : root().resolve("unnamed")).resolve(host + ".pcap");
        files.add(f);
        flushes.add(flush);
        return f;
    }

    /** Adds a line to print if the test fails (a seed, a setting). */
    public void note(String line) {
        notes.add(line);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (Runnable r : flushes) {
            try {
                r.run();
            } catch (RuntimeException ignored) {
                // already closed: its bytes are on disk
            }
        }
        if (context.getExecutionException().isPresent()) {
            System.out.println("[captures] " + context.getDisplayName() + " failed; " + String.join("; ", notes));
            for (Path f : files) {
                System.out.println("[captures]   kept " + f.toAbsolutePath());
            }
            return;
        }
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // a leftover capture is harmless
            }
        }
        try {
            if (folder != null && Files.isDirectory(folder)) {
                try (var s = Files.list(folder)) {
                    if (s.findAny().isEmpty()) {
                        Files.delete(folder);
                    }
                }
            }
        } catch (IOException ignored) {
            // as above
        }
    }
}
