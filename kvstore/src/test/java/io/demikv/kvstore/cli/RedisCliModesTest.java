package io.demikv.kvstore.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * redis-cli's special modes against our server: {@code --latency} (one-shot, streaming and
 * {@code --latency-history}), {@code --stat}, {@code --scan} (with {@code --pattern}; SCAN's COUNT through a
 * scripted cursor loop, since redis-cli 7.0 has no {@code --count}), {@code --bigkeys}, {@code --memkeys},
 * {@code --hotkeys}, {@code --pipe} (100,000 commands, and a stream with errors) and SHUTDOWN. Streaming
 * modes are read as they print and killed once enough is seen. Outputs that do not depend on timing or
 * memory accounting are compared with redis-server's when it is installed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisCliModesTest {
    private static final Pattern LATENCY = Pattern.compile("min: (\\d+), max: (\\d+), avg: (\\d+\\.\\d\\d) \\((\\d+) samples\\)");
    private static ServerPair servers;

    @BeforeAll
    static void start() throws Exception {
        servers = ServerPair.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (servers != null) {
                servers.close();
            }
        } finally {
            Processes.killAll();
        }
    }

    @BeforeEach
    void flush() throws Exception {
        servers.flushAll();
    }

    /** Ports of the servers to exercise: ours first, then redis-server's if running. */
    private static List<Integer> ports() {
        List<Integer> ports = new ArrayList<>(List.of(servers.oursPort()));
        servers.redis.ifPresent(r -> ports.add(r.port));
        return ports;
    }

    /** {@code SET prefix<i> value} for i in [0, n) in the RESP format, as --pipe expects it. */
    private static byte[] setCommands(String prefix, int n, int valueBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            String key = prefix + i;
            String value = valueBytes > 0 ? "v".repeat(valueBytes) : "val" + i;
            out.writeBytes(("*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$" + value.length() + "\r\n" + value
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private static void load(byte[] commands, int expectedReplies) throws Exception {
        Cli.Result r = servers.cli(commands, "--pipe");
        assertEquals(new Cli.Result("All data transferred. Waiting for the last reply...\nLast reply received from server.\n"
                + "errors: 0, replies: " + expectedReplies + "\n", "", 0), r);
    }

    @Test
    void pipesAHundredThousandCommands() throws Exception {
        byte[] commands = setCommands("pipe:", 100_000, 0);
        long t0 = System.nanoTime();
        Cli.Result r = Cli.run(servers.oursPort(), commands, "--pipe");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(new Cli.Result("All data transferred. Waiting for the last reply...\nLast reply received from server.\n"
                + "errors: 0, replies: 100000\n", "", 0), r);
        System.out.println("redis-cli --pipe: 100000 SETs in " + millis + " ms against demikv");
        assertEquals("100000\n", Cli.run(servers.oursPort(), "DBSIZE").out());
        assertEquals("val0\nval54321\nval99999\n", Cli.run(servers.oursPort(), "MGET", "pipe:0", "pipe:54321", "pipe:99999").out());
        if (servers.redis.isPresent()) {
            assertEquals(r, Cli.run(servers.redis.get().port, commands, "--pipe"));
        }
    }

    @Test
    void pipeCountsErrors() throws Exception {
        String stream = "SET a 1\r\nINCR a\r\nFOO\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\nSET a x\r\nINCR a\r\n*1\r\n$4\r\nPING\r\n";
        assertEquals(new Cli.Result("All data transferred. Waiting for the last reply...\nLast reply received from server.\n"
                        + "errors: 2, replies: 7\n",
                        "ERR unknown command 'FOO', with args beginning with: \nERR value is not an integer or out of range\n", 1),
                servers.cli(Cli.bytes(stream), "--pipe"));
        // A protocol error closes the connection: nothing more is answered, and --pipe gives up at its timeout.
        assertEquals(new Cli.Result("All data transferred. Waiting for the last reply...\n",
                        "ERR Protocol error: invalid bulk length\n", 1),
                servers.cli(Cli.bytes("*2\r\n$3\r\nGET\r\n$x\r\n"), "--pipe", "--pipe-timeout", "2"));
    }

    @Test
    void latencyModeSamplesForOneIntervalWhenNotATerminal() throws Exception {
        for (int port : ports()) {
            Cli.Result r = Cli.run(port, "--latency", "-i", "0.5");
            assertEquals(0, r.exit(), r.toString());
            Matcher m = Pattern.compile("(\\d+) (\\d+) (\\d+\\.\\d\\d) (\\d+)\n").matcher(r.out());
            assertTrue(m.matches(), "min max avg samples: " + r.out());
            checkLatency(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Double.parseDouble(m.group(3)),
                    Long.parseLong(m.group(4)), 10, port);
            Cli.Result csv = Cli.run(port, "--latency", "--csv", "-i", "0.3");
            assertTrue(csv.out().matches("\\d+,\\d+,\\d+\\.\\d\\d,\\d+\n"), csv.out());
        }
    }

    private static void checkLatency(long min, long max, double avg, long samples, long minSamples, int port) {
        String what = "min " + min + " max " + max + " avg " + avg + " samples " + samples + " on port " + port;
        assertTrue(min <= avg && avg <= max, what);
        assertTrue(samples >= minSamples, what);
        assertTrue(max < 5_000, what);
    }

    @Test
    void latencyModeStreamsMinMaxAvg() throws Exception {
        try (Cli.Streaming cli = new Cli.Streaming(servers.oursPort(), "--latency", "--no-raw")) {
            String out = cli.await(s -> LATENCY.matcher(s).results().count() >= 5, Duration.ofSeconds(20), "5 samples");
            Matcher m = LATENCY.matcher(out);
            long previous = 0;
            while (m.find()) {
                long n = Long.parseLong(m.group(4));
                assertEquals(previous + 1, n, out);
                previous = n;
                checkLatency(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Double.parseDouble(m.group(3)), n, 1,
                        servers.oursPort());
            }
            assertTrue(cli.alive(), "--latency runs until stopped");
        }
    }

    @Test
    void latencyHistoryPrintsOneLinePerInterval() throws Exception {
        Pattern range = Pattern.compile(LATENCY.pattern() + " -- (\\d+\\.\\d\\d) seconds range\n");
        try (Cli.Streaming cli = new Cli.Streaming(servers.oursPort(), "--latency-history", "-i", "1", "--no-raw")) {
            String out = cli.await(s -> range.matcher(s).find(), Duration.ofSeconds(20), "an interval summary");
            Matcher m = range.matcher(out);
            assertTrue(m.find());
            checkLatency(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Double.parseDouble(m.group(3)),
                    Long.parseLong(m.group(4)), 10, servers.oursPort());
            double seconds = Double.parseDouble(m.group(5));
            assertTrue(seconds >= 1.0 && seconds < 3.0, out);
        }
    }

    @Test
    void statPrintsRollingKeysMemClientsRequests() throws Exception {
        load(setCommands("stat:", 50, 0), 50);
        Pattern line = Pattern.compile("(?m)^(\\d+)\\s+(\\d+(?:\\.\\d+)?[BKMGT])\\s+(\\d+)\\s+(\\d+)\\s+(\\d+) \\(\\+(\\d+)\\)\\s+(\\d+)\\s*$");
        Map<Integer, String> headers = new HashMap<>();
        for (int port : ports()) {
            try (Cli.Streaming cli = new Cli.Streaming(port, "--stat", "-i", "0.2")) {
                String out = cli.await(s -> line.matcher(s).results().count() >= 3, Duration.ofSeconds(20), "3 stat lines");
                String[] lines = out.split("\n");
                headers.put(port, lines[0] + "\n" + lines[1]);
                long previousRequests = -1;
                Matcher m = line.matcher(out);
                while (m.find()) {
                    assertEquals(50, Long.parseLong(m.group(1)), "keys: " + out);
                    assertTrue(Long.parseLong(m.group(3)) >= 1, "clients: " + out);
                    assertEquals(0, Long.parseLong(m.group(4)), "blocked: " + out);
                    long requests = Long.parseLong(m.group(5));
                    if (previousRequests >= 0) {
                        assertTrue(requests > previousRequests, "requests grow (each sample is an INFO): " + out);
                        assertEquals(requests - previousRequests, Long.parseLong(m.group(6)), "the (+n) delta: " + out);
                    }
                    previousRequests = requests;
                    assertTrue(Long.parseLong(m.group(7)) >= 1, "connections: " + out);
                }
            }
        }
        assertEquals("------- data ------ --------------------- load -------------------- - child -\n"
                + "keys       mem      clients blocked requests            connections          ", headers.get(servers.oursPort()));
        servers.redis.ifPresent(r -> assertEquals(headers.get(r.port), headers.get(servers.oursPort())));
    }

    @Test
    void scanListsEveryKeyExactlyOnce() throws Exception {
        load(setCommands("scan:", 1500, 0), 1500);
        load(setCommands("other:", 500, 0), 500);
        Cli.Result all = servers.oursOnly("--scan");
        assertEquals(0, all.exit());
        assertExactlyOnce(all.out(), "scan:", 1500, "other:", 500);
        Cli.Result slow = servers.oursOnly("--scan", "-i", "0.001");
        assertExactlyOnce(slow.out(), "scan:", 1500, "other:", 500);
        List<String> matched = servers.oursOnly("--scan", "--pattern", "scan:1*").out().lines().toList();
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < 1500; i++) {
            if (Integer.toString(i).startsWith("1")) {
                expected.add("scan:" + i);
            }
        }
        assertEquals(expected.size(), matched.size(), "no duplicates");
        assertEquals(expected, new TreeSet<>(matched));
        assertEquals(expected, new TreeSet<>(servers.oursOnly("--scan", "--quoted-pattern", "\"scan:1*\"").out().lines().toList()));
        assertEquals("", servers.oursOnly("--scan", "--pattern", "nothing*").out());
        if (servers.redis.isPresent()) {
            for (String[] args : List.of(new String[] {"--scan"}, new String[] {"--scan", "--pattern", "scan:1*"})) {
                assertEquals(new TreeSet<>(Cli.run(servers.redis.get().port, args).out().lines().toList()),
                        new TreeSet<>(Cli.run(servers.oursPort(), args).out().lines().toList()));
            }
        }
        // redis-cli 7.0.15 has no --count: walk SCAN's cursor with MATCH and COUNT as a script would.
        for (int port : ports()) {
            List<String> keys = new ArrayList<>();
            String cursor = "0";
            int calls = 0;
            do {
                List<String> reply = Cli.run(port, "SCAN", cursor, "MATCH", "scan:*", "COUNT", "50").out().lines().toList();
                cursor = reply.get(0);
                keys.addAll(reply.subList(1, reply.size()));
                calls++;
            } while (!cursor.equals("0") && calls < 5000);
            assertEquals("0", cursor, "the cursor comes back to 0");
            assertTrue(calls > 20, "COUNT 50 over 2000 keys takes many calls: " + calls);
            assertExactlyOnce(String.join("\n", keys) + "\n", "scan:", 1500, "other:", 0);
        }
    }

    private static void assertExactlyOnce(String out, String prefixA, int countA, String prefixB, int countB) {
        List<String> lines = out.lines().toList();
        Set<String> seen = new HashSet<>();
        for (String l : lines) {
            assertTrue(seen.add(l), "listed twice: " + l);
        }
        for (int i = 0; i < countA; i++) {
            assertTrue(seen.contains(prefixA + i), "missing " + prefixA + i);
        }
        for (int i = 0; i < countB; i++) {
            assertTrue(seen.contains(prefixB + i), "missing " + prefixB + i);
        }
        assertEquals(countA + countB, lines.size());
    }

    @Test
    void bigkeysFindsTheBiggestString() throws Exception {
        load(setCommands("small:", 40, 10), 40);
        servers.cli(Cli.bytes("v".repeat(10_000)), "-x", "SET", "the:biggest");
        Cli.Result r = servers.oursOnly("--bigkeys");
        assertEquals(0, r.exit(), r.toString());
        String out = r.out();
        assertTrue(out.startsWith("\n# Scanning the entire keyspace to find biggest keys as well as\n"), out);
        assertTrue(out.contains("] Biggest string found so far '\"the:biggest\"' with 10000 bytes\n"), out);
        String summary = out.substring(out.indexOf("-------- summary -------"));
        assertEquals("-------- summary -------\n\nSampled 41 keys in the keyspace!\n"
                + "Total key length in bytes is 321 (avg len 7.83)\n\n"
                + "Biggest string found '\"the:biggest\"' has 10000 bytes\n\n"
                + "0 lists with 0 items (00.00% of keys, avg size 0.00)\n"
                + "0 hashs with 0 fields (00.00% of keys, avg size 0.00)\n"
                + "41 strings with 10400 bytes (100.00% of keys, avg size 253.66)\n"
                + "0 streams with 0 entries (00.00% of keys, avg size 0.00)\n"
                + "0 sets with 0 members (00.00% of keys, avg size 0.00)\n"
                + "0 zsets with 0 members (00.00% of keys, avg size 0.00)\n", summary);
        if (servers.redis.isPresent()) {
            String theirs = Cli.run(servers.redis.get().port, "--bigkeys").out();
            assertEquals(theirs.substring(theirs.indexOf("-------- summary -------")), summary);
        }
    }

    /** With the collection types our server has (lists, hashes, sets, sorted sets), --bigkeys sizes each by its length. */
    @Test
    void bigkeysAndMemkeysCoverTheCollectionTypes() throws Exception {
        Set<String> commands = new HashSet<>(servers.oursOnly("COMMAND", "LIST").out().lines().toList());
        Map<String, String[]> typed = new java.util.LinkedHashMap<>();
        typed.put("rpush", new String[] {"RPUSH", "the:list", "a", "b", "c", "d", "e"});
        typed.put("hset", new String[] {"HSET", "the:hash", "f1", "v1", "f2", "v2", "f3", "v3"});
        typed.put("sadd", new String[] {"SADD", "the:set", "x", "y", "z"});
        typed.put("zadd", new String[] {"ZADD", "the:zset", "1", "a", "2.5", "b", "3", "c", "4", "d"});
        typed.keySet().removeIf(c -> !commands.contains(c));
        org.junit.jupiter.api.Assumptions.assumeFalse(typed.isEmpty(), "our server has no collection types yet");
        for (String[] cmd : typed.values()) {
            servers.cli(cmd);
            servers.cli(cmd[0], cmd[1].replace("the:", "small:"), cmd[2], cmd[3]);
        }
        servers.cli("SET", "the:string", "hello");
        Cli.Result big = servers.oursOnly("--bigkeys");
        assertEquals(0, big.exit(), big.toString());
        String summary = big.out().substring(big.out().indexOf("-------- summary -------"));
        if (typed.containsKey("rpush")) {
            assertTrue(summary.contains("Biggest   list found '\"the:list\"' has 5 items\n"), summary);
        }
        if (typed.containsKey("hset")) {
            assertTrue(summary.contains("Biggest   hash found '\"the:hash\"' has 3 fields\n"), summary);
        }
        if (typed.containsKey("zadd")) {
            assertTrue(summary.contains("Biggest   zset found '\"the:zset\"' has 4 members\n"), summary);
        }
        Cli.Result mem = servers.oursOnly("--memkeys");
        assertEquals(0, mem.exit(), mem.toString());
        String memSummary = mem.out().substring(mem.out().indexOf("-------- summary -------"));
        if (servers.redis.isPresent()) {
            String theirs = Cli.run(servers.redis.get().port, "--bigkeys").out();
            assertEquals(theirs.substring(theirs.indexOf("-------- summary -------")), summary);
            // MEMORY USAGE is each server's own accounting: compare the shape, not sizes or which small key is biggest.
            String theirMem = Cli.run(servers.redis.get().port, "--memkeys").out();
            assertEquals(memShape(theirMem.substring(theirMem.indexOf("-------- summary -------"))), memShape(memSummary));
        }
    }

    private static String memShape(String summary) {
        return summary.replaceAll("\\d+ bytes", "N bytes").replaceAll("avg size \\d+\\.\\d+", "avg size X")
                .replaceAll("found '\"[^\"]*\"'", "found 'KEY'");
    }

    @Test
    void memkeysFindsTheKeyUsingTheMostMemory() throws Exception {
        load(setCommands("small:", 40, 10), 40);
        servers.cli(Cli.bytes("v".repeat(10_000)), "-x", "SET", "the:biggest");
        Map<Integer, String> summaries = new HashMap<>();
        for (int port : ports()) {
            Cli.Result r = Cli.run(port, "--memkeys");
            assertEquals(0, r.exit(), r.toString());
            String out = r.out();
            assertTrue(out.startsWith("\n# Scanning the entire keyspace to find biggest keys as well as\n"), out);
            Matcher m = Pattern.compile("Biggest string found '\"the:biggest\"' has (\\d+) bytes\n").matcher(out);
            assertTrue(m.find(), out);
            long bytes = Long.parseLong(m.group(1));
            assertTrue(bytes >= 10_000 && bytes < 20_000, "MEMORY USAGE of a 10000-byte string: " + bytes);
            assertTrue(out.contains("\n41 strings with "), out);
            summaries.put(port, out.substring(out.indexOf("-------- summary -------"))
                    .replaceAll("\\d+ bytes", "N bytes").replaceAll("avg size \\d+\\.\\d+", "avg size X"));
        }
        servers.redis.ifPresent(r -> assertEquals(summaries.get(r.port), summaries.get(servers.oursPort())));
    }

    @Test
    void hotkeysNeedsAnLfuPolicy() throws Exception {
        servers.cli("SET", "k", "v");
        Cli.Result r = servers.cli("--hotkeys");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("Error: ERR An LFU maxmemory policy is not selected"), r.toString());
    }

    /** SHUTDOWN through redis-cli stops the server; redis-cli treats the closed connection as success. */
    @Test
    void shutdownStopsTheServer() throws Exception {
        DemikvServer own = DemikvServer.start();
        try {
            assertEquals(new Cli.Result("", "", 0), Cli.run(own.port(), "SHUTDOWN", "NOSAVE"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (own.running() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(own.running(), "the server stopped");
            Cli.Result refused = Cli.run(own.port(), "PING");
            assertEquals(new Cli.Result("", "Could not connect to Redis at 127.0.0.1:" + own.port() + ": Connection refused\n",
                    1), refused);
        } finally {
            assertEquals("", own.stop());
        }
        if (servers.redis.isPresent()) {
            try (RedisServer redis = RedisServer.startIfInstalled().orElseThrow()) {
                assertEquals(new Cli.Result("", "", 0), Cli.run(redis.port, "SHUTDOWN", "NOSAVE"));
            }
        }
    }
}
