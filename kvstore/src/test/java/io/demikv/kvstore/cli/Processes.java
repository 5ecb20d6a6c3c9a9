package io.demikv.kvstore.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Every external process these tests start (redis-cli, redis-server, nc, tmux) is registered here and killed,
 * with its descendants, by {@link #killAll()} in each class's teardown; a JVM shutdown hook does the same if
 * the test JVM ends early. Also finds the external tools and skips with a printed reason when one is missing.
 */
final class Processes {
    private static final Set<ProcessHandle> STARTED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Processes::killAll, "kill-cli-test-processes"));
    }

    private Processes() {
    }

    /** Starts {@code pb} and registers the process for teardown. */
    static Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        STARTED.add(p.toHandle());
        return p;
    }

    /** Registers a process this test did not start as a child (tmux's daemonized server). */
    static void register(long pid) {
        ProcessHandle.of(pid).ifPresent(STARTED::add);
    }

    /** Kills one process tree now: SIGTERM, then SIGKILL after a grace period. */
    static void kill(ProcessHandle p) {
        List<ProcessHandle> tree = Stream.concat(p.descendants(), Stream.of(p)).toList();
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        STARTED.remove(p);
    }

    /** Kills every registered process that is still alive. */
    static void killAll() {
        for (ProcessHandle p : List.copyOf(STARTED)) {
            if (p.isAlive()) {
                kill(p);
            }
            STARTED.remove(p);
        }
    }

    /** The executable {@code name} on the PATH (or in /usr/bin), if any. */
    static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
        for (String d : path.split(File.pathSeparator)) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The tool's path; skips the calling test (with a printed reason) when it is not installed. */
    static Path require(String name, String debianPackage) {
        Optional<Path> p = find(name);
        if (p.isEmpty()) {
            String reason = name + " is not installed (Debian package " + debianPackage + "): skipping";
            System.out.println("SKIPPED: " + reason);
            org.junit.jupiter.api.Assumptions.abort(reason);
        }
        return p.get();
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; best effort
        }
    }
}
