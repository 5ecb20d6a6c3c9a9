package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.Harness.NULL;
import static io.demikv.kvstore.command.Harness.OK;
import static io.demikv.kvstore.command.Harness.bulk;
import static io.demikv.kvstore.command.Harness.err;
import static io.demikv.kvstore.command.Harness.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.demikv.kvstore.db.Encoding;
import io.demikv.kvstore.db.Entry;
import io.demikv.kvstore.db.ValueType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * String commands beyond what the differential test against redis-server covers: binary safety, the
 * WRONGTYPE path (only strings exist yet, so a non-string value is planted directly), limits, encodings,
 * and the allocation-free GET.
 */
class StringCommandsTest {
    private final Harness h = new Harness();

    private void plantList(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        Entry e = h.commands.keyspace().db(0).addString(k, 0, k.length, k, 0, 0, Encoding.RAW);
        h.commands.keyspace().db(0).replaceValue(e, new Object(), ValueType.LIST, Encoding.RAW);
    }

    @Test
    void everyStringCommandRefusesAnotherTypeWithWrongtype() {
        plantList("l");
        String wrongtype = err("WRONGTYPE Operation against a key holding the wrong kind of value");
        String[][] commands = {{"GET", "l"}, {"SET", "l", "v", "GET"}, {"GETSET", "l", "v"}, {"GETDEL", "l"},
                {"GETEX", "l"}, {"INCR", "l"}, {"DECRBY", "l", "2"}, {"INCRBYFLOAT", "l", "1"}, {"APPEND", "l", "x"},
                {"STRLEN", "l"}, {"GETRANGE", "l", "0", "1"}, {"SETRANGE", "l", "0", "x"}};
        for (String[] c : commands) {
            assertEquals(wrongtype, h.run(c), String.join(" ", c));
        }
        assertEquals(err("ERR The specified keys must contain string values"), h.run("LCS", "l", "x"));
        assertEquals("*2\r\n" + NULL + NULL, h.run("MGET", "l", "nokey"));
        assertEquals("+list\r\n", h.run("TYPE", "l"));
        assertEquals(OK, h.run("SET", "l", "now a string"));
        assertEquals("+string\r\n", h.run("TYPE", "l"));
    }

    @Test
    void valuesAndKeysAreBinarySafe() {
        byte[] key = {0, 1, 2, (byte) 0xff, '\r', '\n'};
        byte[] value = {(byte) 0x80, 0, '\r', '\n', 'x'};
        h.runBytes("SET".getBytes(StandardCharsets.US_ASCII), key, value);
        byte[] get = {'G', 'E', 'T'};
        String reply = h.runBytes(get, key);
        assertEquals("$5\r\n" + new String(value, StandardCharsets.ISO_8859_1) + "\r\n", reply);
    }

    @Test
    void encodingsFollowRedisRules() {
        h.run("SET", "i", "-12345");
        h.run("SET", "e", "x".repeat(44));
        h.run("SET", "r", "x".repeat(45));
        h.run("SET", "a", "1");
        h.run("APPEND", "a", "2");
        h.run("INCRBYFLOAT", "f", "2.5");
        h.run("INCR", "c");
        assertEquals(bulk("int"), h.run("OBJECT", "ENCODING", "i"));
        assertEquals(bulk("embstr"), h.run("OBJECT", "ENCODING", "e"));
        assertEquals(bulk("raw"), h.run("OBJECT", "ENCODING", "r"));
        assertEquals(bulk("raw"), h.run("OBJECT", "ENCODING", "a"));
        assertEquals(bulk("embstr"), h.run("OBJECT", "ENCODING", "f"));
        assertEquals(bulk("int"), h.run("OBJECT", "ENCODING", "c"));
        assertEquals(integer(Integer.MAX_VALUE), h.run("OBJECT", "REFCOUNT", "c"));
        assertEquals(integer(1), h.run("OBJECT", "REFCOUNT", "i"));
    }

    @Test
    void setrangeAndAppendRespectProtoMaxBulkLen() {
        Harness small = new Harness(TestConfig.with("proto-max-bulk-len", "1mb"));
        assertEquals(err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"),
                small.run("SETRANGE", "k", "1048576", "x"));
        assertEquals(integer(1048576), small.run("SETRANGE", "k", "1048575", "x"));
        assertEquals(err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"), small.run("APPEND", "k", "y"));
        assertEquals(integer(1048576), small.run("STRLEN", "k"));
    }

    @Test
    void objectIdletimeCountsSecondsSinceLastTouchAndNoTouchKeepsIt() {
        h.run("SET", "k", "v");
        h.advanceMillis(5_000);
        assertEquals(integer(5), h.run("OBJECT", "IDLETIME", "k"));
        h.run("CLIENT", "NO-TOUCH", "ON");
        h.run("GET", "k");
        assertEquals(integer(5), h.run("OBJECT", "IDLETIME", "k"));
        h.run("CLIENT", "NO-TOUCH", "OFF");
        h.run("GET", "k");
        assertEquals(integer(0), h.run("OBJECT", "IDLETIME", "k"));
        h.run("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
        assertTrue(h.run("OBJECT", "IDLETIME", "k").startsWith("-ERR An LFU maxmemory policy is selected"));
        assertEquals(integer(0), h.run("OBJECT", "FREQ", "k"));
    }

    @Test
    void getFromAnArgumentSliceAllocatesNothing() {
        h.run("SET", "key:1", "x".repeat(64));
        Args get = Harness.args("GET", "key:1");
        var reply = new DiscardReply();
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        for (int i = 0; i < 200_000; i++) {
            h.commands.execute(h.session, get, reply); // warm up
        }
        long before = bean.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            h.commands.execute(h.session, get, reply);
        }
        long perCall = (bean.getThreadAllocatedBytes(tid) - before) / 100_000;
        assertTrue(perCall == 0, "GET allocated " + perCall + " bytes per call");
    }

    @Test
    void getAllocatesNothingWithTheSystemClockEither() {
        Commands c = new Commands(ServerDirectives.defaults(), ServerClock.system());
        io.demikv.kvstore.server.Session s = new io.demikv.kvstore.server.Session(1, 1, "127.0.0.1:1",
                "127.0.0.1:6379", true, 0);
        c.onConnect(s);
        var reply = new DiscardReply();
        c.execute(s, Harness.args("SET", "key:1", "v"), reply);
        Args get = Harness.args("GET", "key:1");
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        for (int i = 0; i < 200_000; i++) {
            c.execute(s, get, reply);
        }
        long before = bean.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            c.execute(s, get, reply);
        }
        long perCall = (bean.getThreadAllocatedBytes(tid) - before) / 100_000;
        assertTrue(perCall == 0, "GET allocated " + perCall + " bytes per call");
    }

    @Test
    void keysStoredFromArgumentsAreCopiesNotViews() {
        Args set = Harness.args("SET", "k", "v1");
        h.commands.execute(h.session, set, h.reply);
        java.util.Arrays.fill(set.buf(), (byte) 'z'); // the network layer reuses its buffer
        h.reply.take();
        assertEquals(bulk("v1"), h.run("GET", "k"));
    }
}
