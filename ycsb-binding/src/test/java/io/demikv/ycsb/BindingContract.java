package io.demikv.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.Vector;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;
import site.ycsb.StringByteIterator;

/**
 * The binding's behaviour against a real server, written once and run against each server by a subclass:
 * records round-trip field for field, updates show, scans are key-ordered ranges, deletes leave
 * NOT_FOUND, load-phase pipelining keeps every insert, and YCSB's own Client runs end to end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BindingContract {
    static final int RECORDS = 200;
    static final int FIELDS = 10;
    private static final AtomicInteger TABLES = new AtomicInteger();

    private Path dir;
    private ServerProcess server;
    private RedisClient rawClient;
    private StatefulRedisConnection<String, String> rawConnection;
    /** A plain connection for checks behind the binding's back. */
    RedisCommands<String, String> raw;
    private final List<DB> open = new ArrayList<>();

    /** Starts the server under test in {@code dir}, or returns null after printing why it cannot. */
    abstract ServerProcess startServer(Path dir) throws Exception;

    @BeforeAll
    void startServerOnce() throws Exception {
        dir = Files.createTempDirectory("demikv-ycsb-test");
        server = startServer(dir);
        Assumptions.assumeTrue(server != null, "server could not start (reason printed above)");
        rawClient = RedisClient.create(RedisURI.create("127.0.0.1", server.port));
        rawClient.setOptions(io.lettuce.core.ClientOptions.builder()
                .maintNotificationsConfig(io.lettuce.core.MaintNotificationsConfig.disabled()).build());
        rawConnection = rawClient.connect();
        raw = rawConnection.sync();
        String missing = missingCommands();
        if (missing != null) {
            System.out.println("SKIP: " + server.name + " lacks what the binding needs: " + missing);
        }
        Assumptions.assumeTrue(missing == null, () -> server.name + " lacks " + missing);
    }

    @AfterAll
    void stopServer() throws Exception {
        if (rawConnection != null) {
            rawConnection.close();
        }
        if (rawClient != null) {
            rawClient.shutdown();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void closeDbs() throws DBException {
        for (DB db : open) {
            db.cleanup();
        }
        open.clear();
        assertEquals(0, SharedClient.references(), "every cleanup released the shared client");
    }

    /** Tries each command the binding sends; the first that fails is reported. */
    private String missingCommands() {
        String k = "probe:" + System.nanoTime();
        String[][] probes = {
                {"HSET", k, "f", "v"}, {"HGETALL", k}, {"HMGET", k, "f"}, {"ZADD", k + ":z", "0", "a"},
                {"ZRANGEBYLEX", k + ":z", "[a", "+", "LIMIT", "0", "10"}, {"ZREM", k + ":z", "a"}, {"DEL", k},
        };
        for (String[] probe : probes) {
            try {
                raw.dispatch(io.lettuce.core.protocol.CommandType.valueOf(probe[0]),
                        new io.lettuce.core.output.ArrayOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                        args(probe));
            } catch (RuntimeException e) {
                if (!String.valueOf(e.getMessage()).startsWith("WRONGTYPE")) {
                    return probe[0] + " (" + e.getMessage() + ")";
                }
            }
        }
        return null;
    }

    private static io.lettuce.core.protocol.CommandArgs<String, String> args(String[] probe) {
        var a = new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8);
        for (int i = 1; i < probe.length; i++) {
            a.add(probe[i]);
        }
        return a;
    }

    // ---------------------------------------------------------------------------------------------

    Properties props(String... kv) {
        Properties p = new Properties();
        p.setProperty(BindingConfig.HOST, "127.0.0.1");
        p.setProperty(BindingConfig.PORT, String.valueOf(server.port));
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    DB db(String... kv) throws DBException {
        DemikvClient db = new DemikvClient();
        db.setProperties(props(kv));
        db.init();
        open.add(db);
        return db;
    }

    static String table() {
        return "t" + TABLES.incrementAndGet() + "_" + System.nanoTime();
    }

    /** YCSB-style keys of uneven length ("user" + a hashed number), so lexicographic order is not numeric. */
    static List<String> keys(String table, int n) {
        Random r = new Random(42);
        TreeSet<String> unique = new TreeSet<>();
        while (unique.size() < n) {
            unique.add(table + ":user" + (r.nextLong() >>> (1 + r.nextInt(40))));
        }
        List<String> shuffled = new ArrayList<>(unique);
        java.util.Collections.shuffle(shuffled, r);
        return shuffled;
    }

    static Map<String, String> record(String key, int version) {
        Map<String, String> values = new LinkedHashMap<>();
        Random r = new Random(key.hashCode() * 31L + version);
        for (int f = 0; f < FIELDS; f++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 20 + r.nextInt(80); i++) {
                sb.append((char) (' ' + r.nextInt(95)));
            }
            values.put("field" + f, sb.toString());
        }
        return values;
    }

    static Map<String, ByteIterator> ycsb(Map<String, String> values) {
        return StringByteIterator.getByteIteratorMap(values);
    }

    static Map<String, String> strings(Map<String, ByteIterator> values) {
        Map<String, String> out = new HashMap<>();
        values.forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    List<String> load(DB db, String table, int n) {
        List<String> keys = keys(table, n);
        for (String k : keys) {
            assertEquals(Status.OK, db.insert(table, k, ycsb(record(k, 0))), "insert " + k);
        }
        return keys;
    }

    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void loadedRecordsReadBackWithExactFieldValues(int protocol) throws DBException {
        DB db = db(BindingConfig.PROTOCOL, String.valueOf(protocol));
        String table = table();
        List<String> keys = load(db, table, RECORDS);
        for (String k : keys) {
            Map<String, ByteIterator> result = new HashMap<>();
            assertEquals(Status.OK, db.read(table, k, null, result), k);
            assertEquals(record(k, 0), strings(result), k);
        }
        assertEquals(RECORDS, raw.zcard(DemikvClient.INDEX_PREFIX + table), "every insert indexed its key");
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void readWithAFieldSetReturnsOnlyThoseFields(int protocol) throws DBException {
        DB db = db(BindingConfig.PROTOCOL, String.valueOf(protocol));
        String table = table();
        List<String> keys = load(db, table, 20);
        Set<String> wanted = Set.of("field3", "field7");
        for (String k : keys) {
            Map<String, ByteIterator> result = new HashMap<>();
            assertEquals(Status.OK, db.read(table, k, wanted, result));
            Map<String, String> expected = new HashMap<>(record(k, 0));
            expected.keySet().retainAll(wanted);
            assertEquals(expected, strings(result));
        }
    }

    @Test
    void updateIsVisibleAndLeavesOtherFieldsAlone() throws DBException {
        DB db = db();
        String table = table();
        List<String> keys = load(db, table, 50);
        for (String k : keys) {
            Map<String, String> change = Map.of("field1", "new-" + k, "field9", "x");
            assertEquals(Status.OK, db.update(table, k, ycsb(change)));
        }
        for (String k : keys) {
            Map<String, String> expected = new HashMap<>(record(k, 0));
            expected.put("field1", "new-" + k);
            expected.put("field9", "x");
            Map<String, ByteIterator> result = new HashMap<>();
            assertEquals(Status.OK, db.read(table, k, null, result));
            assertEquals(expected, strings(result));
        }
        assertEquals(50, raw.zcard(DemikvClient.INDEX_PREFIX + table), "updates do not touch the index");
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void scanReturnsKeysInLexicographicOrderFromTheStartKey(int protocol) throws DBException {
        DB db = db(BindingConfig.PROTOCOL, String.valueOf(protocol));
        String table = table();
        List<String> keys = load(db, table, RECORDS);
        List<String> sorted = new ArrayList<>(new TreeSet<>(keys));
        Random r = new Random(7);
        for (int trial = 0; trial < 40; trial++) {
            int from = r.nextInt(RECORDS);
            // Half the time start between two keys: the range starts at the next key after it.
            String start = trial % 2 == 0 ? sorted.get(from) : sorted.get(from) + "!";
            int first = trial % 2 == 0 ? from : from + 1;
            int count = 1 + r.nextInt(100);
            Vector<HashMap<String, ByteIterator>> result = new Vector<>();
            assertEquals(Status.OK, db.scan(table, start, count, null, result));
            int expected = Math.min(count, RECORDS - first);
            assertEquals(expected, result.size(), "scan from " + start + " count " + count);
            for (int i = 0; i < expected; i++) {
                assertEquals(record(sorted.get(first + i), 0), strings(result.get(i)),
                        "record " + i + " of the scan from " + start);
            }
        }
    }

    @Test
    void scanWithAFieldSetReturnsOnlyThoseFields() throws DBException {
        DB db = db();
        String table = table();
        List<String> sorted = new ArrayList<>(new TreeSet<>(load(db, table, 30)));
        Vector<HashMap<String, ByteIterator>> result = new Vector<>();
        assertEquals(Status.OK, db.scan(table, sorted.get(5), 10, Set.of("field0"), result));
        assertEquals(10, result.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(Map.of("field0", record(sorted.get(5 + i), 0).get("field0")), strings(result.get(i)));
        }
    }

    @Test
    void deleteThenReadIsNotFoundAndScansSkipTheKey() throws DBException {
        DB db = db();
        String table = table();
        List<String> sorted = new ArrayList<>(new TreeSet<>(load(db, table, 40)));
        String victim = sorted.get(10);
        assertEquals(Status.OK, db.delete(table, victim));
        assertEquals(Status.NOT_FOUND, db.read(table, victim, null, new HashMap<>()));
        assertEquals(Status.NOT_FOUND, db.read(table, victim, Set.of("field0"), new HashMap<>()));
        assertEquals(Status.NOT_FOUND, db.delete(table, victim), "a second delete finds nothing");
        assertEquals(0L, raw.exists(victim));
        assertEquals(39, raw.zcard(DemikvClient.INDEX_PREFIX + table), "the index lost the key too");

        Vector<HashMap<String, ByteIterator>> result = new Vector<>();
        assertEquals(Status.OK, db.scan(table, victim, 3, null, result));
        assertEquals(List.of(record(sorted.get(11), 0), record(sorted.get(12), 0), record(sorted.get(13), 0)),
                result.stream().map(BindingContract::strings).toList());
    }

    @Test
    void readOfAMissingKeyIsNotFound() throws DBException {
        DB db = db();
        assertEquals(Status.NOT_FOUND, db.read(table(), "nobody", null, new HashMap<>()));
        assertEquals(Status.NOT_FOUND, db.read(table(), "nobody", Set.of("field0", "field1"), new HashMap<>()));
    }

    @Test
    void pipelinedLoadBatchesInsertsAndCleanupFlushesTheTail() throws DBException {
        String table = table();
        DemikvClient loader = new DemikvClient();
        loader.setProperties(props(BindingConfig.PIPELINE, "16", "dotransactions", "false"));
        loader.init();
        List<String> keys = keys(table, RECORDS);
        int batched = 0;
        int ok = 0;
        for (String k : keys) {
            Status s = loader.insert(table, k, ycsb(record(k, 0)));
            if (s == Status.BATCHED_OK) {
                batched++;
            } else {
                assertEquals(Status.OK, s);
                ok++;
            }
        }
        assertEquals(RECORDS / 16, ok, "every 16th insert waits for its batch");
        assertEquals(RECORDS - RECORDS / 16, batched);
        loader.cleanup(); // sends and waits for the last 200 % 16 = 8 inserts

        DB db = db();
        for (String k : keys) {
            Map<String, ByteIterator> result = new HashMap<>();
            assertEquals(Status.OK, db.read(table, k, null, result), k);
            assertEquals(record(k, 0), strings(result));
        }
        assertEquals(RECORDS, raw.zcard(DemikvClient.INDEX_PREFIX + table));
    }

    @Test
    void aFailedInsertFailsItsBatchAndATailFailureFailsCleanup() throws DBException {
        String table = table();
        String poisoned = table + ":poisoned";
        raw.set(poisoned, "a string, so HSET fails with WRONGTYPE");
        DemikvClient loader = new DemikvClient();
        loader.setProperties(props(BindingConfig.PIPELINE, "4", "dotransactions", "false"));
        loader.init();
        assertEquals(Status.BATCHED_OK, loader.insert(table, table + ":a", ycsb(record("a", 0))));
        assertEquals(Status.BATCHED_OK, loader.insert(table, poisoned, ycsb(record("p", 0))));
        assertEquals(Status.BATCHED_OK, loader.insert(table, table + ":b", ycsb(record("b", 0))));
        assertEquals(Status.ERROR, loader.insert(table, table + ":c", ycsb(record("c", 0))),
                "the insert that completes a batch reports the batch's failure");
        assertEquals(Status.BATCHED_OK, loader.insert(table, poisoned, ycsb(record("p", 0))));
        assertThrows(DBException.class, loader::cleanup, "the failed tail is not swallowed");
        assertEquals(0, SharedClient.references());
        assertEquals(1L, raw.exists(table + ":c"), "the rest of the batch was written");
    }

    @Test
    void scanPastTheLastKeyIsEmptyAndOk() throws DBException {
        DB db = db();
        String table = table();
        load(db, table, 5);
        Vector<HashMap<String, ByteIterator>> result = new Vector<>();
        assertEquals(Status.OK, db.scan(table, table + ":z", 10, null, result));
        assertTrue(result.isEmpty());
        assertEquals(Status.OK, db.scan(table(), "user1", 10, null, result), "a table never written scans empty");
        assertTrue(result.isEmpty());
    }

    @Test
    void pipelineDoesNotBatchRunPhaseInserts() throws DBException {
        DB db = db(BindingConfig.PIPELINE, "16", "dotransactions", "true");
        String table = table();
        for (String k : keys(table, 20)) {
            assertEquals(Status.OK, db.insert(table, k, ycsb(record(k, 0))));
            assertEquals(Status.OK, db.read(table, k, null, new HashMap<>()), "visible as soon as insert returns");
        }
    }

    @Test
    void indexNoneWritesNoIndexAndScanIsNotImplemented() throws DBException {
        DB db = db(BindingConfig.INDEX, "none");
        String table = table();
        List<String> keys = load(db, table, 10);
        assertEquals(0L, raw.exists(DemikvClient.INDEX_PREFIX + table));
        assertEquals(Status.NOT_IMPLEMENTED, db.scan(table, keys.get(0), 5, null, new Vector<>()));
        assertEquals(Status.OK, db.delete(table, keys.get(0)));
        assertEquals(Status.NOT_FOUND, db.read(table, keys.get(0), null, new HashMap<>()));
    }

    @Test
    void serverErrorsBecomeErrorStatusAndAreCounted() throws DBException {
        DB db = db();
        String table = table();
        String key = table + ":a-string";
        raw.set(key, "not a hash");
        long before = ErrorLog.failures();
        assertEquals(Status.ERROR, db.read(table, key, null, new HashMap<>()));
        assertEquals(Status.ERROR, db.update(table, key, ycsb(Map.of("f", "v"))));
        assertEquals(before + 2, ErrorLog.failures());
        // The connection stays usable after an error reply.
        List<String> keys = load(db, table, 3);
        assertEquals(Status.OK, db.read(table, keys.get(0), null, new HashMap<>()));
    }

    @Test
    void aReplyLateBeyondTheTimeoutIsAnErrorAndTheConnectionRecovers() throws Exception {
        DB db = db(BindingConfig.TIMEOUT, "200");
        String table = table();
        String key = load(db, table, 1).get(0);
        try {
            raw.clientPause(1_000);
        } catch (RuntimeException e) {
            Assumptions.abort(server.name + " has no CLIENT PAUSE: " + e.getMessage());
        }
        long start = System.nanoTime();
        assertEquals(Status.ERROR, db.read(table, key, null, new HashMap<>()));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waited >= 150 && waited < 900, "gave up after redis.timeout, not " + waited + " ms");
        Thread.sleep(1_200);
        Map<String, ByteIterator> result = new HashMap<>();
        assertEquals(Status.OK, db.read(table, key, null, result), "the late reply was discarded");
        assertEquals(record(key, 0), strings(result));
    }

    @Test
    void threadsShareOneClientWithAConnectionEach() throws Exception {
        String table = table();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    DemikvClient db = new DemikvClient();
                    db.setProperties(props());
                    db.init();
                    int n = 0;
                    for (int i = 0; i < 50; i++) {
                        String k = table + ":user" + id + "_" + i;
                        n += db.insert(table, k, ycsb(record(k, 0))) == Status.OK ? 1 : 0;
                    }
                    db.cleanup();
                    return n;
                }));
            }
            for (Future<Integer> f : done) {
                assertEquals(50, f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, SharedClient.references(), "the last cleanup shut the shared client down");
        assertEquals(200, raw.zcard(DemikvClient.INDEX_PREFIX + table));
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void ycsbClientLoadsAndRunsTheShippedWorkloadsEndToEnd() throws Exception {
        String port = String.valueOf(server.port);
        String table = table();
        String[] common = {"-p", "redis.host=127.0.0.1", "-p", "redis.port=" + port, "-p", "table=" + table,
                "-p", "recordcount=" + RECORDS, "-p", "operationcount=500", "-threads", "2"};

        Run load = ycsb("load", "-P", "workloade", common);
        assertEquals(0, load.exit, load.output);
        assertTrue(load.output.contains("[INSERT], Return=OK, " + RECORDS), load.output);
        assertEquals(RECORDS, raw.zcard(DemikvClient.INDEX_PREFIX + table));

        Run scans = ycsb("run", "-P", "workloade", common);
        assertEquals(0, scans.exit, scans.output);
        assertTrue(scans.output.contains("[SCAN], Return=OK"), scans.output);
        assertFalse(scans.output.contains("Return=ERROR"), scans.output);

        Run mixed = ycsb("run", "-P", "workloada", common);
        assertEquals(0, mixed.exit, mixed.output);
        for (String line : List.of("[OVERALL], RunTime(ms)", "[OVERALL], Throughput(ops/sec)",
                "[READ], 50thPercentileLatency(us)", "[READ], 95thPercentileLatency(us)",
                "[READ], 99thPercentileLatency(us)", "[READ], 99.9PercentileLatency(us)",
                "[UPDATE], 99thPercentileLatency(us)", "[READ], Return=OK")) {
            assertTrue(mixed.output.contains(line), line + " missing in:\n" + mixed.output);
        }
        assertFalse(mixed.output.contains("Return=ERROR"), mixed.output);
        assertFalse(mixed.output.contains("Return=NOT_FOUND"), mixed.output);

        Run rmw = ycsb("run", "-P", "workloadf", common);
        assertEquals(0, rmw.exit, rmw.output);
        assertTrue(rmw.output.contains("[READ-MODIFY-WRITE], 99thPercentileLatency(us)"), rmw.output);
    }

    @Test
    void ycsbFailsFastWhenNothingListens() throws Exception {
        Run run = ycsb("run", "-P", "workloadc", "-p", "redis.port=" + ServerProcess.freePort(), "-p",
                "redis.host=127.0.0.1");
        assertEquals(1, run.exit, run.output);
        assertTrue(run.output.contains("cannot use the server at 127.0.0.1:"), run.output);
    }

    record Run(int exit, String output) {
    }

    /** Runs {@link YcsbMain} (and so YCSB's Client, which ends with System.exit) in a child JVM. */
    Run ycsb(String phase, String option, String workload, String... more) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(YcsbMain.class.getName());
        cmd.add("--workloads-dir");
        cmd.add(Path.of("workloads").toAbsolutePath().toString());
        cmd.add(phase);
        cmd.add(option);
        cmd.add(workload);
        cmd.addAll(List.of(more));
        Path out = Files.createTempFile(dir, "ycsb", ".out");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("YCSB did not finish in 120 s:\n" + Files.readString(out));
            }
        } finally {
            p.destroyForcibly();
        }
        String output = Files.readString(out);
        assertNotNull(output);
        return new Run(p.exitValue(), output);
    }
}
