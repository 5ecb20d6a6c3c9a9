package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.Harness.NULL;
import static io.demikv.kvstore.command.Harness.OK;
import static io.demikv.kvstore.command.Harness.bulk;
import static io.demikv.kvstore.command.Harness.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Expiry on a virtual clock: lazy on access, the bounded active cycle, TTL arithmetic. */
class ExpiryTest {
    private final Harness h = new Harness(TestConfig.with("enable-debug-command", "yes"));

    @Test
    void keyDisappearsOnAccessOnceItsTtlPasses() {
        assertEquals(OK, h.run("SET", "k", "v", "PX", "1500"));
        h.advanceMillis(1499);
        assertEquals(bulk("v"), h.run("GET", "k"));
        h.advanceMillis(1);
        assertEquals(NULL, h.run("GET", "k"));
        assertEquals(integer(0), h.run("EXISTS", "k"));
        assertTrue(h.run("INFO", "stats").contains("expired_keys:1\r\n"));
    }

    @Test
    void lazyExpiryIsLoggedAsDelBeforeTheCommandThatMetIt() {
        h.run("SET", "k", "v", "EX", "10");
        h.log.clear();
        h.advanceMillis(10_000);
        assertEquals(OK, h.run("SET", "k", "v2"));
        assertEquals(java.util.List.of("0 DEL k", "0 SET k v2"), h.log);
    }

    @Test
    void ttlRoundsToTheNearestSecondAndPttlIsExact() {
        h.run("SET", "k", "v", "PX", "10400");
        assertEquals(integer(10), h.run("TTL", "k"));
        assertEquals(integer(10400), h.run("PTTL", "k"));
        h.advanceMillis(900);
        assertEquals(integer(10), h.run("TTL", "k")); // 9500 ms rounds up
        assertEquals(integer(9500), h.run("PTTL", "k"));
        assertEquals(integer(-2), h.run("TTL", "nokey"));
        h.run("SET", "p", "v");
        assertEquals(integer(-1), h.run("TTL", "p"));
    }

    @Test
    void expireTimeReportsAbsoluteUnixTime() {
        long nowMs = Harness.START_UNIX_MICROS / 1000;
        h.run("SET", "k", "v");
        h.run("PEXPIREAT", "k", Long.toString(nowMs + 123_456));
        assertEquals(integer(nowMs + 123_456), h.run("PEXPIRETIME", "k"));
        assertEquals(integer((nowMs + 123_456 + 500) / 1000), h.run("EXPIRETIME", "k"));
    }

    @Test
    void activeCycleDeletesExpiredKeysNobodyTouches() {
        for (int i = 0; i < 1000; i++) {
            h.run("SET", "vol:" + i, "v", "PX", "100");
        }
        for (int i = 0; i < 100; i++) {
            h.run("SET", "keep:" + i, "v");
        }
        h.advanceMillis(200);
        int deleted = 0;
        for (int pass = 0; pass < 50 && h.commands.keyspace().db(0).size() > 100; pass++) {
            h.advanceMillis(100); // one cron period at hz 10
            deleted += h.commands.cron(h.mono.nanoTime());
        }
        assertEquals(100, h.commands.keyspace().db(0).size());
        assertTrue(deleted >= 1000);
        assertEquals(0, h.commands.keyspace().db(0).expiresSize());
    }

    @Test
    void activeCycleIsBoundedPerCall() {
        for (int i = 0; i < 50_000; i++) {
            h.run("SET", "vol:" + i, "v", "PX", "1");
        }
        h.advanceMillis(10);
        h.commands.cron(h.mono.nanoTime());
        int left = h.commands.keyspace().db(0).size();
        // The virtual clock does not move inside the cycle, so the round cap is what stops it.
        assertTrue(left > 0, "one cron call must not sweep 50k keys");
        assertTrue(left < 50_000, "but it must make progress");
    }

    @Test
    void cronRunsAtMostHzTimesPerSecond() {
        h.run("SET", "k", "v", "PX", "1");
        h.advanceMillis(5);
        h.commands.cron(h.mono.nanoTime()); // first call runs
        h.run("SET", "k2", "v", "PX", "1");
        h.advanceMillis(5);
        assertEquals(0, h.commands.cron(h.mono.nanoTime()), "within 100 ms of the last run: no work");
        h.advanceMillis(100);
        assertTrue(h.commands.cron(h.mono.nanoTime()) > 0);
    }

    @Test
    void debugSetActiveExpireZeroStopsTheActiveCycle() {
        assertEquals(OK, h.run("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        h.run("SET", "k", "v", "PX", "1");
        h.advanceMillis(1000);
        h.commands.cron(h.mono.nanoTime());
        assertEquals(1, h.commands.keyspace().db(0).size());
        assertEquals(integer(0), h.run("EXISTS", "k")); // lazy expiry still applies
    }

    @Test
    void expireInThePastDeletesAndLogsDel() {
        h.run("SET", "k", "v");
        h.log.clear();
        assertEquals(integer(1), h.run("EXPIRE", "k", "-5"));
        assertEquals(integer(0), h.run("EXISTS", "k"));
        assertEquals(java.util.List.of("0 DEL k"), h.log);
    }

    @Test
    void randomKeySkipsAndDeletesExpiredKeys() {
        h.run("SET", "gone", "v", "PX", "10");
        h.run("SET", "stays", "v");
        h.advanceMillis(20);
        for (int i = 0; i < 20; i++) {
            assertEquals(bulk("stays"), h.run("RANDOMKEY"));
        }
        assertEquals(integer(1), h.run("DBSIZE"));
    }

    @Test
    void keysAndScanHideExpiredKeys() {
        h.run("SET", "gone", "v", "PX", "10");
        h.run("SET", "stays", "v");
        h.advanceMillis(20);
        assertEquals("*1\r\n" + bulk("stays"), h.run("KEYS", "*"));
        assertEquals("*2\r\n" + bulk("0") + "*1\r\n" + bulk("stays"), h.run("SCAN", "0", "COUNT", "100"));
    }
}
