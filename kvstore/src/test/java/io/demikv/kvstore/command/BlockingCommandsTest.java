package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.Harness.OK;
import static io.demikv.kvstore.command.Harness.bulk;
import static io.demikv.kvstore.command.Harness.err;
import static io.demikv.kvstore.command.Harness.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.demikv.kvstore.server.Session;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Blocking pops between sessions of one {@link Commands}: wake-ups in FIFO order, timeouts, MULTI, propagation. */
class BlockingCommandsTest {
    private final Harness h = new Harness();
    private final Session a = h.connect(true);
    private final Session b = h.connect(true);

    private static String take(Session s) {
        return ((RecordingReply) s.reply).take();
    }

    private static String pair(String k, String v) {
        return "*2\r\n" + bulk(k) + bulk(v);
    }

    private void cron() {
        h.commands.cron(h.mono.nanoTime());
    }

    @Test
    void blpopIsWokenByAPushFromAnotherClientInArrivalOrder() {
        assertEquals("", h.run(a, "BLPOP", "k", "0"));
        assertTrue(a.blocked);
        assertEquals("", h.run(b, "BLPOP", "other", "k", "0"));
        h.log.clear();
        assertEquals(integer(3), h.run("LPUSH", "k", "x", "y", "z"));
        assertEquals(pair("k", "z"), take(a));
        assertEquals(pair("k", "y"), take(b));
        assertFalse(a.blocked);
        assertFalse(b.blocked);
        assertEquals("*1\r\n" + bulk("x"), h.run("LRANGE", "k", "0", "-1"));
        assertEquals(List.of("0 LPUSH k x y z", "0 LPOP k", "0 LPOP k"), h.log);
    }

    @Test
    void dataPresentServesAtOnceLikeThePlainPop() {
        h.run("RPUSH", "k", "1", "2");
        h.log.clear();
        assertEquals(pair("k", "2"), h.run("BRPOP", "none", "k", "5"));
        assertEquals(List.of("0 RPOP k"), h.log);
        h.run("SET", "s", "v");
        assertEquals(err("WRONGTYPE Operation against a key holding the wrong kind of value"),
                h.run("BLPOP", "none", "s", "0"));
    }

    @Test
    void timeoutRepliesNullAfterTheDeadline() {
        assertEquals("", h.run(a, "BLPOP", "k", "0.5"));
        h.advanceMillis(400);
        cron();
        assertEquals("", take(a));
        assertTrue(a.blocked);
        h.advanceMillis(200);
        cron();
        assertEquals("*-1\r\n", take(a));
        assertFalse(a.blocked);
        h.run("LPUSH", "k", "x"); // nobody waits any more
        assertEquals(integer(1), h.run("LLEN", "k"));

        h.run(b, "HELLO", "3");
        take(b);
        h.run(b, "BZPOPMIN", "z", "0.01");
        h.advanceMillis(20);
        cron();
        assertEquals("_\r\n", take(b));
    }

    @Test
    void timeoutArgumentErrors() {
        assertEquals(err("ERR timeout is not a float or out of range"), h.run("BLPOP", "k", "abc"));
        assertEquals(err("ERR timeout is not a float or out of range"), h.run("BLPOP", "k", " 1"));
        assertEquals(err("ERR timeout is not a float or out of range"), h.run("BLPOP", "k", "nan"));
        assertEquals(err("ERR timeout is negative"), h.run("BLPOP", "k", "-1"));
        assertEquals(err("ERR timeout is negative"), h.run("BZPOPMAX", "k", "-0.5"));
        // Redis 7.0 converts to long long without a range check: an overflow reads as negative.
        assertEquals(err("ERR timeout is negative"), h.run("BRPOP", "k", "inf"));
        assertEquals(err("ERR timeout is negative"), h.run("BLMOVE", "a", "b", "LEFT", "LEFT", "1e300"));
        assertEquals(err("ERR syntax error"), h.run("BLMOVE", "a", "b", "UP", "LEFT", "0"));
        assertEquals(err("ERR numkeys should be greater than 0"), h.run("BLMPOP", "0", "0", "k", "LEFT"));
        assertEquals(err("ERR syntax error"), h.run("BLMPOP", "0", "2", "k", "LEFT"));
        assertEquals(err("ERR syntax error"), h.run("BZMPOP", "0", "1", "k", "LEFT"));
        assertEquals(err("ERR count should be greater than 0"), h.run("BZMPOP", "0", "1", "k", "MIN", "COUNT", "0"));
        assertFalse(h.session.blocked);
    }

    @Test
    void blmoveAndBrpoplpushMoveWhenWokenAndAreLoggedAsTheirPlainForms() {
        assertEquals("", h.run(a, "BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"));
        assertEquals("", h.run(b, "BRPOPLPUSH", "src", "dst2", "0"));
        h.log.clear();
        h.run("RPUSH", "src", "1", "2");
        assertEquals(bulk("2"), take(a));
        assertEquals(bulk("1"), take(b));
        assertEquals(List.of("0 RPUSH src 1 2", "0 LMOVE src dst RIGHT LEFT", "0 RPOPLPUSH src dst2"), h.log);
        assertEquals("*1\r\n" + bulk("2"), h.run("LRANGE", "dst", "0", "-1"));
        assertEquals(integer(0), h.run("EXISTS", "src"));
    }

    @Test
    void aMoveChainsToClientsBlockedOnItsDestination() {
        h.run(a, "BLPOP", "dst", "0");
        h.run(b, "BLMOVE", "src", "dst", "LEFT", "LEFT", "0");
        h.run("LPUSH", "src", "v");
        assertEquals(bulk("v"), take(b));
        assertEquals(pair("dst", "v"), take(a));
    }

    @Test
    void sortedSetsAndMultiPopForms() {
        h.run(a, "BZPOPMIN", "z", "0");
        h.run(b, "BZMPOP", "0", "2", "y", "z", "MAX", "COUNT", "5");
        h.log.clear();
        h.run("ZADD", "z", "1", "a", "2", "b", "3", "c");
        assertEquals("*3\r\n" + bulk("z") + bulk("a") + bulk("1"), take(a));
        assertEquals("*2\r\n" + bulk("z") + "*2\r\n*2\r\n" + bulk("c") + bulk("3") + "*2\r\n" + bulk("b")
                + bulk("2"), take(b));
        assertEquals(List.of("0 ZADD z 1 a 2 b 3 c", "0 ZPOPMIN z", "0 ZPOPMAX z 2"), h.log);

        h.run(a, "BLMPOP", "0", "1", "l", "RIGHT", "COUNT", "2");
        h.run("RPUSH", "l", "1", "2", "3");
        assertEquals("*2\r\n" + bulk("l") + "*2\r\n" + bulk("3") + bulk("2"), take(a));
    }

    @Test
    void insideMultiNothingBlocks() {
        h.run("MULTI");
        h.run("BLPOP", "k", "0");
        h.run("BLMOVE", "k", "d", "LEFT", "LEFT", "0");
        h.run("BRPOPLPUSH", "k", "d", "0");
        h.run("BZPOPMIN", "z", "0");
        h.run("BLMPOP", "0", "1", "k", "LEFT");
        assertEquals("*5\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n*-1\r\n", h.run("EXEC"));
        assertFalse(h.session.blocked);
    }

    @Test
    void aTransactionWakesBlockedClientsOnlyAfterExec() {
        h.run(a, "BLPOP", "k", "0");
        h.run(b, "MULTI");
        h.run(b, "LPUSH", "k", "x");
        h.run(b, "LPOP", "k");
        assertEquals("*2\r\n" + integer(1) + bulk("x"), h.run(b, "EXEC"));
        assertTrue(a.blocked, "the key was gone again when the EXEC ended");
        h.run(b, "MULTI");
        h.run(b, "LPUSH", "k", "1");
        h.run(b, "LPUSH", "k", "2");
        h.run(b, "EXEC");
        assertEquals(pair("k", "2"), take(a));
    }

    @Test
    void aKeyOfAnotherTypeKeepsTheClientBlocked() {
        h.run(a, "BLPOP", "k", "0");
        h.run("ZADD", "k", "1", "m");
        assertEquals("", take(a));
        assertTrue(a.blocked);
        h.run("DEL", "k");
        h.run("RPUSH", "k", "v");
        assertEquals(pair("k", "v"), take(a));
    }

    @Test
    void clientUnblockEndsTheWaitAsTimeoutOrError() {
        h.run(a, "BLPOP", "k", "0");
        assertEquals(integer(1), h.run("CLIENT", "UNBLOCK", Long.toString(a.id)));
        assertEquals("*-1\r\n", take(a));
        assertFalse(a.blocked);
        assertEquals(integer(0), h.run("CLIENT", "UNBLOCK", Long.toString(a.id)));
        h.run(a, "BLMOVE", "k", "d", "LEFT", "LEFT", "0");
        assertEquals(integer(1), h.run("CLIENT", "UNBLOCK", Long.toString(a.id), "ERROR"));
        assertEquals(err("UNBLOCKED client unblocked via CLIENT UNBLOCK"), take(a));
        h.run("LPUSH", "k", "v");
        assertEquals("", take(a));
        assertEquals(err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"),
                h.run("CLIENT", "UNBLOCK", "1", "foo"));
        assertEquals(err("ERR value is not an integer or out of range"), h.run("CLIENT", "UNBLOCK", "x"));
        assertEquals(err("ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP."),
                h.run("CLIENT", "UNBLOCK", "1", "2", "3"));
    }

    @Test
    void swapdbBringingAListWakesItsWaiters() {
        h.run(a, "BLPOP", "k", "0");
        h.run("SELECT", "1");
        h.run("RPUSH", "k", "v");
        assertEquals("", take(a));
        h.run("SWAPDB", "0", "1");
        assertEquals(pair("k", "v"), take(a));
        assertEquals(integer(0), h.run("EXISTS", "k"));
    }

    @Test
    void aDisconnectedClientWaitsNoMore() {
        h.run(a, "BLPOP", "k", "0");
        h.commands.onDisconnect(a);
        h.run("LPUSH", "k", "v");
        assertEquals(integer(1), h.run("LLEN", "k"));
        assertEquals("", take(a));
        assertEquals(OK, h.run("SET", "x", "y"));
    }
}
