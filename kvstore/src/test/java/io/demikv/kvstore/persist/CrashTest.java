package io.demikv.kvstore.persist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The durability contract under {@code kill -9}: the real server ({@code ServerMain} in a child JVM) with
 * {@code appendfsync always}; writer threads record every acknowledged write; the server is killed at a random
 * moment (sometimes during a log rewrite), restarted, and must hold every acknowledged write and nothing that
 * was never sent. Rounds accumulate data, so each round re-checks all earlier ones. {@code -Dcrash.rounds=N}
 * (default 5) sets the rounds; {@code bench/scripts/crash-test} runs 100.
 */
class CrashTest {
    private static final int WRITERS = 4;

    @TempDir
    Path dir;

    /** What one writer had acknowledged when the server died. */
    private static final class Writer {
        final int id;
        final int round;
        final AtomicLong acked = new AtomicLong(-1);
        final AtomicLong incrs = new AtomicLong();
        volatile long sent = -1;

        Writer(int round, int id) {
            this.round = round;
            this.id = id;
        }

        String key(long seq) {
            return "r" + round + "w" + id + ":" + seq;
        }

        String counter() {
            return "r" + round + "w" + id + ":count";
        }

        String set() {
            return "r" + round + "w" + id + ":set";
        }
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
        int rounds = Integer.getInteger("crash.rounds", 5);
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random rnd = new Random(seed);
        List<Writer> all = new ArrayList<>();
        long totalAcked = 0;
        long rewrites = 0;
        long t0 = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            int port = freePort();
            Process p = start(port);
            try (RespClient c = await(p, port)) {
                verify(c, all, round, seed);
                List<Writer> now = new ArrayList<>();
                AtomicBoolean dead = new AtomicBoolean();
                List<Thread> threads = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    Writer wr = new Writer(round, w);
                    now.add(wr);
                    Thread t = new Thread(() -> write(port, wr, dead));
                    t.start();
                    threads.add(t);
                }
                long killAfter = 100 + rnd.nextInt(900);
                if (rnd.nextInt(3) == 0) {
                    Thread.sleep(killAfter / 2);
                    String r = c.call("BGREWRITEAOF");
                    if (r.startsWith("+Background")) {
                        rewrites++;
                    }
                    Thread.sleep(rnd.nextInt(Math.max(1, (int) killAfter / 2)));
                } else {
                    Thread.sleep(killAfter);
                }
                p.destroyForcibly(); // SIGKILL
                p.waitFor(10, TimeUnit.SECONDS);
                dead.set(true);
                for (Thread t : threads) {
                    t.join(10_000);
                }
                for (Writer wr : now) {
                    totalAcked += wr.acked.get() + 1 + wr.incrs.get();
                }
                all.addAll(now);
            } finally {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        int port = freePort();
        Process p = start(port);
        try (RespClient c = await(p, port)) {
            verify(c, all, rounds, seed);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("crash test: %d rounds (kill -9 each, %d during a requested rewrite), %d acknowledged"
                + " writes, all present after every restart, nothing unsent appeared; %.1f s, seed %d%n", rounds,
                rewrites, totalAcked, secs, seed);
    }

    private static void write(int port, Writer w, AtomicBoolean dead) {
        try (RespClient c = new RespClient(port)) {
            for (long seq = 0; ; seq++) {
                w.sent = seq;
                String r = c.call("SET", w.key(seq), "v" + seq);
                if (!r.equals("+OK")) {
                    throw new AssertionError("SET answered " + r);
                }
                w.acked.set(seq);
                if (seq % 3 == 0) {
                    w.sent = -2; // an INCR in flight
                    r = c.call("INCR", w.counter());
                    if (!r.startsWith(":")) {
                        throw new AssertionError("INCR answered " + r);
                    }
                    w.incrs.incrementAndGet();
                }
                if (seq % 7 == 0) {
                    c.call("SADD", w.set(), "m" + seq);
                }
            }
        } catch (RuntimeException e) {
            if (!dead.get() && !(e.getCause() instanceof IOException) && !(e instanceof java.io.UncheckedIOException)) {
                throw e;
            }
        }
    }

    private static void verify(RespClient c, List<Writer> all, int round, long seed) {
        for (Writer w : all) {
            long acked = w.acked.get();
            for (long from = 0; from <= acked; from += 500) {
                long to = Math.min(acked, from + 499);
                String[] args = new String[(int) (to - from + 2)];
                args[0] = "MGET";
                for (long s = from; s <= to; s++) {
                    args[(int) (s - from + 1)] = w.key(s);
                }
                String r = c.call(args);
                String[] vals = r.substring(1, r.length() - 1).split(", ");
                for (long s = from; s <= to; s++) {
                    assertEquals("v" + s, vals[(int) (s - from)], "round " + round + ": acknowledged write "
                            + w.key(s) + " lost (seed " + seed + ")");
                }
            }
            // Only the one write in flight when the server died may exist beyond the acknowledged ones.
            assertEquals("(nil)", c.call("GET", w.key(acked + 2)), "a write that was never sent appeared");
            String count = c.call("GET", w.counter());
            long n = count.equals("(nil)") ? 0 : Long.parseLong(count);
            assertTrue(n >= w.incrs.get() && n <= w.incrs.get() + 1, "counter " + w.counter() + " = " + n
                    + ", acknowledged increments " + w.incrs.get() + " (seed " + seed + ")");
        }
    }

    private Process start(int port) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "io.demikv.kvstore.server.ServerMain",
                "--port", Integer.toString(port), "--dir", dir.toString(), "--appendonly", "yes",
                "--appendfsync", "always", "--aof-store-size", "64mb", "--auto-aof-rewrite-min-size", "4mb");
        pb.redirectErrorStream(true);
        File log = dir.resolve("server.log").toFile();
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        return pb.start();
    }

    private RespClient await(Process p, int port) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (!p.isAlive()) {
                throw new AssertionError("server exited with " + p.exitValue() + ":\n"
                        + Files.readString(dir.resolve("server.log")));
            }
            try {
                RespClient c = new RespClient(port);
                String r = c.call("PING");
                if (r.equals("+PONG")) {
                    return c;
                }
                c.close();
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("server did not start:\n" + Files.readString(dir.resolve("server.log")));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
