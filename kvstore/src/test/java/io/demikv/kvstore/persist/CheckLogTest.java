package io.demikv.kvstore.persist;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** demikv-check-log: verify, export as a Redis AOF that Redis itself accepts and loads, fix. */
class CheckLogTest {
    @TempDir
    Path dir;

    /** Runs the tool with {@code input} as its standard input; appends what it printed to {@code out}. */
    static int run(StringBuilder out, String input, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int rc = new CheckLog(ps, ps, new BufferedReader(new StringReader(input))).run(args);
        out.append(bytes.toString(StandardCharsets.UTF_8));
        return rc;
    }

    private static final String[][] DATA = {
            {"SET", "plain", "value"},
            {"SET", "bin", "a\r\nb\u0000c"},
            {"SET", "exp", "v", "EX", "100000"},
            {"INCRBYFLOAT", "float", "1.5"},
            {"HSET", "h", "a", "1", "b", "2"},
            {"RPUSH", "l", "x", "y", "z"},
            {"SADD", "s", "m1", "m2", "3"},
            {"ZADD", "z", "1", "a", "2.5", "b", "-3", "c"},
            {"SELECT", "2"},
            {"SET", "in2", "two"},
            {"LPUSH", "l2", "q"},
            {"SELECT", "0"},
            {"SET", "back0", "zero"},
    };

    private String writeData() throws Exception {
        try (PersistServer s = new PersistServer(dir, "always"); RespClient c = s.client()) {
            for (String[] cmd : DATA) {
                String r = c.call(cmd);
                assertTrue(!r.startsWith("-"), String.join(" ", cmd) + " -> " + r);
            }
            c.call("SET", "big", "B".repeat(700_000)); // more than one record: written as parts
            assertEquals("+Background append only file rewriting started", c.call("BGREWRITEAOF"));
            AppendOnlyLogTest.awaitRewriteDone(c);
            c.call("SET", "after", "rewrite");
            return c.dump();
        }
    }

    @Test
    void aCleanLogIsValidAndPrintsItsCommands() throws Exception {
        writeData();
        StringBuilder out = new StringBuilder();
        assertEquals(0, run(out, "", "--print", dir.toString()), out.toString());
        String o = out.toString();
        assertTrue(o.contains("Log is valid"), o);
        assertTrue(o.contains("SET after rewrite"), o);
        assertTrue(o.contains("compaction: generation 1"), o);
    }

    @Test
    void exportIsAcceptedByRedisCheckAofAndLoadsIntoRedisWithTheSameData() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-server"))
                && Files.isExecutable(Path.of("/usr/bin/redis-check-aof")), "redis-server/redis-check-aof not installed");
        String ours = writeData();
        Path redisDir = Files.createDirectories(dir.resolve("redis"));
        Path aof = redisDir.resolve("appendonly.aof");
        StringBuilder out = new StringBuilder();
        assertEquals(0, run(out, "", "--export-resp", aof.toString(), dir.toString()), out.toString());

        Process check = new ProcessBuilder("/usr/bin/redis-check-aof", aof.toString()).redirectErrorStream(true).start();
        String checkOut = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, check.waitFor(), checkOut);
        assertTrue(checkOut.contains("is valid"), checkOut);

        int port;
        try (ServerSocket ss = new ServerSocket(0)) {
            port = ss.getLocalPort();
        }
        // Redis 7 turns an old-style appendonly.aof in dir into its multi-part layout (appendonlydir + manifest).
        Process redis = new ProcessBuilder("/usr/bin/redis-server", "--port", Integer.toString(port), "--dir",
                redisDir.toString(), "--appendonly", "yes", "--aof-use-rdb-preamble", "no", "--save", "",
                "--bind", "127.0.0.1").redirectErrorStream(true).redirectOutput(redisDir.resolve("log.txt").toFile())
                .start();
        try {
            RespClient c = null;
            for (int i = 0; i < 100 && c == null; i++) {
                try {
                    c = new RespClient(port);
                    if (c.call("PING").startsWith("-LOADING")) {
                        c.close();
                        c = null;
                        Thread.sleep(50);
                    }
                } catch (RuntimeException notYet) {
                    Thread.sleep(50);
                }
            }
            assertTrue(c != null, Files.readString(redisDir.resolve("log.txt")));
            try (RespClient rc = c) {
                assertEquals(ours, rc.dump(), Files.readString(redisDir.resolve("log.txt")));
            }
        } finally {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void fixAsksBeforeTruncatingAndThenTruncates() throws Exception {
        try (PersistServer s = new PersistServer(dir, "always"); RespClient c = s.client()) {
            for (int i = 0; i < 100; i++) {
                c.call("SET", "key" + i, "value" + i);
            }
        }
        Path file = PersistServer.store(dir, null).path();
        long at = AppendOnlyLogTest.findRecordWith(file, "key30");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            f.write('#');
        }
        StringBuilder out = new StringBuilder();
        assertEquals(1, run(out, "n\n", "--fix", dir.toString()), out.toString());
        assertTrue(out.toString().contains("Continue? [y/N]"), out.toString());
        assertTrue(out.toString().contains("Aborted."), out.toString());
        out.setLength(0);
        assertEquals(0, run(out, "y\n", "--fix", file.toString()), out.toString());
        assertTrue(out.toString().contains("Successfully truncated"), out.toString());
        out.setLength(0);
        assertEquals(0, run(out, "", dir.toString()), out.toString());
        assertTrue(out.toString().contains("Log is valid"), out.toString());
    }

    @Test
    void usageAndMissingStores() throws IOException {
        StringBuilder out = new StringBuilder();
        assertEquals(1, run(out, ""));
        assertTrue(out.toString().contains("Usage: demikv-check-log"), out.toString());
        out.setLength(0);
        assertEquals(1, run(out, "", dir.toString()));
        assertTrue(out.toString().contains("no log store"), out.toString());
    }
}
