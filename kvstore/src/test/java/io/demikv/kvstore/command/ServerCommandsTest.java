package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.Harness.OK;
import static io.demikv.kvstore.command.Harness.bulk;
import static io.demikv.kvstore.command.Harness.err;
import static io.demikv.kvstore.command.Harness.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.demikv.kvstore.server.Session;
import org.junit.jupiter.api.Test;

/** INFO, CONFIG, MONITOR, SLOWLOG, LATENCY, DEBUG, SHUTDOWN, TIME, COMMAND. */
class ServerCommandsTest {
    private final Harness h = new Harness(TestConfig.with("enable-debug-command", "yes"));

    @Test
    void infoReportsTheRedisVersionWeFollowAndTheDefaultSections() {
        h.run("SET", "a", "1");
        h.run("SET", "b", "2", "EX", "100");
        String info = h.run("INFO");
        assertTrue(info.startsWith("$"), info);
        for (String section : new String[] {"# Server", "# Clients", "# Memory", "# Persistence", "# Stats",
                "# Replication", "# CPU", "# Modules", "# Errorstats", "# Cluster", "# Keyspace"}) {
            assertTrue(info.contains(section + "\r\n"), section);
        }
        assertFalse(info.contains("# Commandstats"));
        assertTrue(info.contains("\r\nredis_version:7.0.15\r\n"));
        assertTrue(info.contains("\r\nrole:master\r\nconnected_slaves:0\r\n"));
        assertTrue(info.contains("\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n"));
        assertTrue(info.contains("\r\nconnected_clients:1\r\n"));
        assertTrue(info.contains("\r\n\r\n# Clients\r\n"), "sections are separated by an empty line");
    }

    @Test
    void infoSectionsAllAndCommandstats() {
        h.run("GET", "x");
        h.run("GET");
        h.run("INCR", "x");
        h.run("SET", "s", "a");
        h.run("INCR", "s");
        String stats = h.run("INFO", "commandstats");
        assertTrue(stats.contains("# Commandstats\r\n"));
        assertTrue(stats.contains("cmdstat_get:calls=1,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0"),
                stats);
        assertTrue(stats.contains("cmdstat_incr:calls=2,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=1"),
                stats);
        assertFalse(stats.contains("# Server"));
        String all = h.run("INFO", "all");
        assertTrue(all.contains("# Commandstats") && all.contains("# Server") && !all.contains("# Modules"));
        assertTrue(h.run("INFO", "everything").contains("# Modules"));
        assertTrue(h.run("INFO", "errorstats").contains("errorstat_ERR:count=2\r\n"));
        assertTrue(h.run("INFO", "server", "keyspace").contains("# Keyspace"));
    }

    @Test
    void configGetMatchesGlobsAcrossSeveralPatternsWithoutDuplicates() {
        String reply = h.run("CONFIG", "GET", "maxmemory*", "maxmemory");
        assertEquals("*6\r\n" + bulk("maxmemory") + bulk("0") + bulk("maxmemory-policy") + bulk("noeviction")
                + bulk("maxmemory-samples") + bulk("5"), reply);
        assertEquals("*0\r\n", h.run("CONFIG", "GET", "nothing-like-this"));
        assertEquals("*2\r\n" + bulk("port") + bulk("6379"), h.run("CONFIG", "GET", "PORT"));
    }

    @Test
    void configSetChangesBehaviourAtOnce() {
        assertEquals(OK, h.run("CONFIG", "SET", "requirepass", "pw", "slowlog-max-len", "5"));
        Session fresh = h.connect(true);
        assertEquals(err("NOAUTH Authentication required."), h.run(fresh, "GET", "k"));
        assertEquals("*2\r\n" + bulk("slowlog-max-len") + bulk("5"), h.run("CONFIG", "GET", "slowlog-max-len"));
        assertEquals(OK, h.run("CONFIG", "SET", "maxmemory", "1gb"));
        assertEquals("*2\r\n" + bulk("maxmemory") + bulk("1073741824"), h.run("CONFIG", "GET", "maxmemory"));
        // all or nothing
        assertEquals(err("ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed "
                + "into an integer"), h.run("CONFIG", "SET", "timeout", "5", "hz", "x"));
        assertEquals("*2\r\n" + bulk("timeout") + bulk("0"), h.run("CONFIG", "GET", "timeout"));
    }

    @Test
    void monitorReceivesEveryExecutedCommandInRedisFormat() {
        Session watcher = h.connect(true);
        assertEquals(OK, h.run(watcher, "MONITOR"));
        h.advanceMillis(1);
        h.run("SET", "k", "a \"quoted\"\nvalue\u0001");
        h.run("SELECT", "2");
        h.run("GET", "k");
        h.run("CONFIG", "GET", "port"); // admin commands are not shown
        h.run("AUTH", "default", "secret-password");
        String out = ((RecordingReply) watcher.reply).take();
        String addr = h.session.addr;
        assertEquals("+1700000000.001000 [0 " + addr + "] \"SET\" \"k\" \"a \\\"quoted\\\"\\nvalue\\x01\"\r\n"
                + "+1700000000.001000 [2 " + addr + "] \"SELECT\" \"2\"\r\n"
                + "+1700000000.001000 [2 " + addr + "] \"GET\" \"k\"\r\n"
                + "+1700000000.001000 [2 " + addr + "] \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n", out);
        assertTrue(watcher.monitor);
        assertTrue(h.run("CLIENT", "LIST").contains("flags=O"));
        // Like a Redis replica, a monitoring client may no longer read or write keys.
        assertEquals(err("ERR Replica can't interact with the keyspace"), h.run(watcher, "GET", "k"));
        assertEquals("+PONG\r\n+1700000000.001000 [0 " + watcher.addr + "] \"PING\"\r\n", h.run(watcher, "PING"));
    }

    @Test
    void slowlogRecordsCommandsAboveTheThreshold() {
        h.run("CONFIG", "SET", "slowlog-log-slower-than", "100000");
        h.run("DEBUG", "SLEEP", "0.2"); // 200 ms on the virtual clock
        h.run("GET", "k");
        assertEquals(integer(1), h.run("SLOWLOG", "LEN"));
        String entry = h.run("SLOWLOG", "GET");
        assertEquals("*1\r\n*6\r\n:0\r\n:1700000000\r\n:200000\r\n*3\r\n" + bulk("DEBUG") + bulk("SLEEP")
                + bulk("0.2") + bulk(h.session.addr) + bulk(""), entry);
        assertEquals(OK, h.run("SLOWLOG", "RESET"));
        assertEquals(integer(0), h.run("SLOWLOG", "LEN"));
        assertEquals(err("ERR count should be greater than or equal to -1"), h.run("SLOWLOG", "GET", "-2"));
    }

    @Test
    void slowlogCutsLongArgumentLists() {
        h.run("CONFIG", "SET", "slowlog-log-slower-than", "0");
        String[] cmd = new String[41];
        cmd[0] = "MSET";
        for (int i = 1; i < 41; i += 2) {
            cmd[i] = "k" + i;
            cmd[i + 1] = i == 1 ? "v".repeat(200) : "v";
        }
        h.run(cmd);
        String entry = h.run("SLOWLOG", "GET", "1");
        assertTrue(entry.contains("*32\r\n"), entry);
        assertTrue(entry.contains(bulk("v".repeat(128) + "... (72 more bytes)")), entry);
        assertTrue(entry.contains(bulk("... (10 more arguments)")), entry);
    }

    @Test
    void latencyMonitorTracksSlowCommandsWhenEnabled() {
        assertEquals("*0\r\n", h.run("LATENCY", "LATEST"));
        h.run("CONFIG", "SET", "latency-monitor-threshold", "100");
        h.run("DEBUG", "SLEEP", "0.25");
        assertEquals("*1\r\n*4\r\n" + bulk("command") + ":1700000000\r\n:250\r\n:250\r\n", h.run("LATENCY", "LATEST"));
        assertEquals(integer(1), h.run("LATENCY", "RESET"));
        assertEquals("*0\r\n", h.run("LATENCY", "LATEST"));
    }

    @Test
    void debugSleepBlocksTheServerThreadAndIsRefusedWhenDisabled() {
        long before = h.mono.nanoTime();
        assertEquals(OK, h.run("DEBUG", "SLEEP", "1.5"));
        assertEquals(1_500_000_000L, h.mono.nanoTime() - before);
        assertEquals(OK, h.run("DEBUG", "SLEEP", "0"));
        Harness strict = new Harness();
        assertEquals(err(ServerCommands.DEBUG_NOT_ALLOWED), strict.run("DEBUG", "SLEEP", "0"));
    }

    @Test
    void debugObjectDescribesTheValue() {
        h.run("SET", "k", "hello");
        String reply = h.run("DEBUG", "OBJECT", "k");
        assertTrue(reply.matches("\\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:5 lru:\\d+ "
                + "lru_seconds_idle:0\r\n"), reply);
        assertEquals(err("ERR no such key"), h.run("DEBUG", "OBJECT", "nokey"));
    }

    @Test
    void shutdownRequestsAStopWithoutReplying() {
        assertFalse(h.commands.shutdownRequested());
        assertEquals("", h.run("SHUTDOWN", "NOSAVE"));
        assertTrue(h.commands.shutdownRequested());
    }

    @Test
    void timeComesFromTheInjectedClock() {
        h.advanceMillis(1234);
        assertEquals("*2\r\n" + bulk("1700000001") + bulk("234000"), h.run("TIME"));
        assertEquals(integer(1700000000), h.run("LASTSAVE"));
    }

    @Test
    void commandCountListAndDocsComeFromTheTable() {
        int count = h.commands.commandCount();
        assertEquals(integer(count), h.run("COMMAND", "COUNT"));
        assertTrue(count >= 60, "count " + count);
        String list = h.run("COMMAND", "LIST");
        assertTrue(list.contains(bulk("config|get")) && list.contains(bulk("getex")));
        assertTrue(h.run("COMMAND").startsWith("*" + count + "\r\n"));
        assertEquals("*2\r\n" + bulk("a") + bulk("c"), h.run("COMMAND", "GETKEYS", "MSET", "a", "b", "c", "d"));
        assertTrue(h.run("COMMAND", "LIST", "FILTERBY", "ACLCAT", "string").contains(bulk("incrbyfloat")));
        assertEquals("*1\r\n" + bulk("getex"), h.run("COMMAND", "LIST", "FILTERBY", "PATTERN", "gete*"));
    }

    @Test
    void functionCommandsDescribeAServerWithoutFunctions() {
        assertEquals("*0\r\n", h.run("FUNCTION", "LIST"));
        assertEquals("*0\r\n", h.run("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "x*"));
        assertEquals(OK, h.run("FUNCTION", "FLUSH", "ASYNC"));
    }
}
