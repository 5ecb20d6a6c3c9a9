package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.Harness.NULL;
import static io.demikv.kvstore.command.Harness.OK;
import static io.demikv.kvstore.command.Harness.bulk;
import static io.demikv.kvstore.command.Harness.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.demikv.kvstore.server.Session;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CLIENT PAUSE on a virtual clock, where timing is exact: held commands, the deadline, expiry standing still,
 * and what the differential test cannot ask redis-server 7.0.15 (it loops for ever in RANDOMKEY, and crashes
 * on CLIENT UNBLOCK of a paused client, where newer versions answer as we do). Redis's own behaviour for the
 * rest is checked by {@code ClientStateMatchesRedisTest}.
 */
class ClientPauseTest {
    private final Harness h = new Harness();

    private void cron() {
        h.commands.cron(h.mono.nanoTime());
    }

    private static String take(Session s) {
        return ((RecordingReply) s.reply).take();
    }

    @Test
    void heldWriteRunsWhenTheDeadlinePassesAndNotBefore() {
        Session writer = h.connect(true);
        assertEquals(OK, h.run("CLIENT", "PAUSE", "1000", "WRITE"));
        assertEquals("", h.run(writer, "SET", "k", "v"));
        assertTrue(writer.blocked, "its further input waits too");
        assertEquals(NULL, h.run("GET", "k"), "reads go on");
        h.advanceMillis(1000);
        cron();
        assertEquals("", take(writer), "held until the deadline has passed");
        h.advanceMillis(1);
        cron();
        assertEquals(OK, take(writer));
        assertFalse(writer.blocked);
        assertEquals(bulk("v"), h.run("GET", "k"));
    }

    @Test
    void allModeHoldsReadsButAnswersQuitAndErrorsAtOnce() {
        Session other = h.connect(true);
        h.run("CLIENT", "PAUSE", "500");
        assertEquals("", h.run(other, "PING"));
        Session third = h.connect(true);
        assertEquals(Harness.err("ERR wrong number of arguments for 'get' command"), h.run(third, "GET"));
        assertEquals(OK, h.run(third, "QUIT"));
        h.advanceMillis(501);
        cron();
        assertEquals("+PONG\r\n", take(other));
    }

    @Test
    void clientUnblockCannotFreeAPausedClient() {
        Session waiter = h.connect(true);
        h.run("CLIENT", "PAUSE", "100000", "WRITE");
        assertEquals("", h.run(waiter, "BLPOP", "list", "0"));
        assertEquals(integer(0), h.run("CLIENT", "UNBLOCK", Long.toString(waiter.id), "ERROR"));
        assertEquals(OK, h.run("CLIENT", "UNPAUSE"));
        assertEquals("", take(waiter), "now it waits for the key");
        assertTrue(waiter.blocked);
        assertEquals(integer(1), h.run("CLIENT", "UNBLOCK", Long.toString(waiter.id), "ERROR"));
        assertEquals(Harness.err("UNBLOCKED client unblocked via CLIENT UNBLOCK"), take(waiter));
    }

    @Test
    void aHeldCommandKeepsTheReplySkipItConsumed() {
        Session c = h.connect(true);
        h.run("CLIENT", "PAUSE", "100000", "WRITE");
        assertEquals("", h.run(c, "CLIENT", "REPLY", "SKIP"));
        assertEquals("", h.run(c, "SET", "k", "v"));
        h.run("CLIENT", "UNPAUSE");
        assertEquals("", take(c), "the SET's reply is still skipped");
        assertEquals(bulk("v"), h.run(c, "GET", "k"));
    }

    @Test
    void aClientThatLeavesWhileHeldLosesItsCommand() {
        Session c = h.connect(true);
        h.run("CLIENT", "PAUSE", "100000", "WRITE");
        h.run(c, "SET", "k", "v");
        assertTrue(h.run("INFO", "clients").contains("blocked_clients:1\r\n"));
        h.commands.onDisconnect(c);
        assertTrue(h.run("INFO", "clients").contains("blocked_clients:0\r\n"));
        h.run("CLIENT", "UNPAUSE");
        assertEquals(NULL, h.run("GET", "k"));
    }

    @Test
    void nothingExpiresOrIsLoggedWhilePaused() {
        h.run("MULTI");
        for (int i = 0; i < 100; i++) {
            h.run("SET", "vol:" + i, "v", "PX", "100");
        }
        h.run("CLIENT", "PAUSE", "100000", "WRITE");
        h.run("EXEC");
        h.log.clear();
        for (int pass = 0; pass < 20; pass++) {
            h.advanceMillis(100);
            cron();
        }
        assertEquals(NULL, h.run("GET", "vol:1"), "logically expired");
        assertEquals(integer(100), h.run("DBSIZE"), "but still there");
        assertEquals(List.of(), h.log, "no DEL reached the log");
        assertTrue(h.run("INFO", "stats").contains("expired_keys:0\r\n"));

        h.run("CLIENT", "UNPAUSE");
        for (int pass = 0; pass < 20 && h.commands.keyspace().db(0).size() > 0; pass++) {
            h.advanceMillis(100);
            cron();
        }
        assertEquals(integer(0), h.run("DBSIZE"));
        assertEquals(100, h.log.size(), "one DEL per key: " + h.log);
    }

    @Test
    void aWriteInsideThePausingTransactionStillDeletesTheExpiredKeyItReplaces() {
        h.run("SET", "k", "old", "PX", "10");
        h.advanceMillis(20);
        h.log.clear();
        h.run("MULTI");
        h.run("CLIENT", "PAUSE", "100000", "WRITE");
        h.run("GET", "k");
        h.run("SET", "k", "new");
        assertEquals("*3\r\n+OK\r\n$-1\r\n+OK\r\n", h.run("EXEC"));
        assertEquals(List.of("0 MULTI", "0 DEL k", "0 SET k new", "0 EXEC"), h.log, "the GET left it in place");
        assertEquals(integer(1), h.run("DBSIZE"));
        assertEquals(bulk("new"), h.run("GET", "k"));
    }

    @Test
    void randomkeySettlesForAnExpiredKeyWhenAllAreExpiredAndKept() {
        h.run("MULTI");
        h.run("SET", "k", "v", "PX", "10");
        h.run("CLIENT", "PAUSE", "100000", "WRITE");
        h.run("EXEC");
        h.advanceMillis(20);
        assertEquals(bulk("k"), h.run("RANDOMKEY"), "Redis 7.0.15 loops for ever here");
        h.run("CLIENT", "UNPAUSE");
        assertEquals(NULL, h.run("RANDOMKEY"));
    }
}
