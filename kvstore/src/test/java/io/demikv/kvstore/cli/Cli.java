package io.demikv.kvstore.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs Debian's {@code redis-cli} (7.0.15) as a child process, always bounded in time and killed afterwards.
 * stdout is a pipe, so redis-cli uses its raw output format unless {@code --no-raw} is given, exactly as in a
 * shell script. Output is decoded as ISO-8859-1, so comparisons are byte-exact.
 */
final class Cli {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Cli() {
    }

    /** What one run printed and its exit status. */
    record Result(String out, String err, int exit) {
        /** stdout and stderr with the listed ports replaced by {@code PORT} and connection ids by {@code ID}. */
        Result normalized(int... ports) {
            return new Result(normalize(out, ports), normalize(err, ports), exit);
        }
    }

    /** The redis-cli binary; skips the test (with a printed reason) when redis-tools is not installed. */
    static Path binary() {
        return Processes.require("redis-cli", "redis-tools");
    }

    static List<String> command(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), "-h", "127.0.0.1", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** {@code redis-cli -h 127.0.0.1 -p port args...} with empty stdin. */
    static Result run(int port, String... args) throws Exception {
        return run(port, new byte[0], args);
    }

    /** {@code redis-cli -h 127.0.0.1 -p port args...} with {@code stdin} fed in and closed. */
    static Result run(int port, byte[] stdin, String... args) throws Exception {
        return exec(command(port, args), stdin, TIMEOUT);
    }

    /** Runs any command line with {@code stdin}; fails the test if it has not ended within {@code timeout}. */
    static Result exec(List<String> cmd, byte[] stdin, Duration timeout) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("REDISCLI_HISTFILE", "/dev/null");
        pb.environment().put("REDISCLI_RCFILE", "/dev/null");
        Process p = Processes.start(pb);
        try {
            CompletableFuture<byte[]> out = drain(p.getInputStream());
            CompletableFuture<byte[]> err = drain(p.getErrorStream());
            // Own threads, not the common pool: with 2 cores it has one worker, which the drains would occupy.
            Thread.ofVirtual().name("redis-cli-stdin").start(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin);
                } catch (IOException ignored) {
                    // the process may end before reading all of its input (that is for the test to judge)
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("timed out after " + timeout + ": " + String.join(" ", cmd));
            }
            return new Result(text(out.get(10, TimeUnit.SECONDS)), text(err.get(10, TimeUnit.SECONDS)), p.exitValue());
        } finally {
            Processes.kill(p.toHandle());
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread.ofVirtual().name("redis-cli-output").start(() -> {
            try (in) {
                f.complete(in.readAllBytes());
            } catch (IOException e) {
                f.complete(new byte[0]);
            }
        });
        return f;
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Replaces what legitimately differs between two servers in redis-cli output: the ports (in prompts,
     * addresses, {@code laddr=}) and connection ids ({@code "id" => (integer) 7}, {@code id=7}, HELLO's RESP2 id).
     */
    static String normalize(String s, int... ports) {
        for (int port : ports) {
            s = s.replaceAll("(?<![0-9])" + port + "(?![0-9])", "PORT");
        }
        s = s.replaceAll("(\"id\" => \\(integer\\) )\\d+", "$1ID");
        s = s.replaceAll("(?m)^(id[ \\n])\\d+$", "$1ID");
        s = s.replaceAll("(\"id\"\\n\\s*\\d+\\) \\(integer\\) )\\d+", "$1ID");
        s = s.replaceAll("(\"id\":)\\d+", "$1ID");
        s = s.replaceAll("\\bid=\\d+", "id=ID");
        return s;
    }

    /**
     * A long-running redis-cli (a streaming mode such as {@code --stat} or MONITOR) with line-buffered stdout
     * ({@code stdbuf -oL}), read as it comes. {@link #close} kills it.
     */
    static final class Streaming implements AutoCloseable {
        private final Process process;
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        private final List<String> command;

        Streaming(int port, String... args) throws IOException {
            command = new ArrayList<>();
            Processes.find("stdbuf").ifPresent(stdbuf -> command.addAll(List.of(stdbuf.toString(), "-oL")));
            command.addAll(command(port, args));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("REDISCLI_HISTFILE", "/dev/null");
            process = Processes.start(pb);
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (InputStream in = process.getInputStream()) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        synchronized (seen) {
                            seen.write(buf, 0, n);
                            seen.notifyAll();
                        }
                    }
                } catch (IOException ignored) {
                    // killed
                }
            }, "redis-cli-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** Everything printed so far. */
        String output() {
            synchronized (seen) {
                return text(seen.toByteArray());
            }
        }

        /** Waits until the output so far satisfies {@code done}; fails the test (showing the output) on timeout. */
        String await(Predicate<String> done, Duration timeout, String what) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (seen) {
                while (true) {
                    String s = text(seen.toByteArray());
                    if (done.test(s)) {
                        return s;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        fail("redis-cli did not print " + what + " within " + timeout + " ("
                                + String.join(" ", command) + "); it printed:\n" + s);
                    }
                    seen.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        }

        boolean alive() {
            return process.isAlive();
        }

        @Override
        public void close() {
            Processes.kill(process.toHandle());
        }
    }
}
