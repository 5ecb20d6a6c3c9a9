package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.Harness.OK;
import static io.demikv.kvstore.command.Harness.bulk;
import static io.demikv.kvstore.command.Harness.err;
import static io.demikv.kvstore.command.Harness.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.demikv.kvstore.server.Session;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MULTI/EXEC/DISCARD/WATCH/UNWATCH with Redis 7.0's replies, WATCH across clients, and atomic propagation. */
class TransactionCommandsTest {
    private static final String QUEUED = "+QUEUED\r\n";
    private static final String NULL_ARRAY = "*-1\r\n";
    private static final String EXECABORT = err("EXECABORT Transaction discarded because of previous errors.");

    private final Harness h = new Harness();

    @Test
    void queuesAndExecutesInOrderWithPerCommandErrors() {
        assertEquals(OK, h.run("MULTI"));
        assertEquals(QUEUED, h.run("SET", "a", "x"));
        assertEquals(QUEUED, h.run("INCR", "a"));
        assertEquals(QUEUED, h.run("GET", "a"));
        assertEquals("*3\r\n" + OK + err("ERR value is not an integer or out of range") + bulk("x"),
                h.run("EXEC"));
        assertEquals(err("ERR EXEC without MULTI"), h.run("EXEC"));
    }

    @Test
    void emptyTransactionAndDiscard() {
        h.run("MULTI");
        assertEquals("*0\r\n", h.run("EXEC"));
        h.run("MULTI");
        h.run("SET", "a", "1");
        assertEquals(OK, h.run("DISCARD"));
        assertEquals(Harness.NULL, h.run("GET", "a"));
        assertEquals(err("ERR DISCARD without MULTI"), h.run("DISCARD"));
    }

    @Test
    void nestingAndWatchInsideMultiAreErrorsThatDoNotAbort() {
        h.run("MULTI");
        assertEquals(err("ERR MULTI calls can not be nested"), h.run("MULTI"));
        assertEquals(err("ERR WATCH inside MULTI is not allowed"), h.run("WATCH", "a"));
        h.run("SET", "a", "1");
        assertEquals("*1\r\n" + OK, h.run("EXEC"));
    }

    @Test
    void queueTimeErrorsAbortWithExecabort() {
        h.run("MULTI");
        assertEquals(err("ERR unknown command 'NOSUCH', with args beginning with: "), h.run("NOSUCH"));
        h.run("SET", "a", "1");
        assertEquals(EXECABORT, h.run("EXEC"));
        assertEquals(Harness.NULL, h.run("GET", "a"));

        h.run("MULTI");
        assertEquals(err("ERR wrong number of arguments for 'get' command"), h.run("GET"));
        assertEquals(EXECABORT, h.run("EXEC"));

        h.run("MULTI");
        assertEquals(err("ERR wrong number of arguments for 'discard' command"), h.run("DISCARD", "x"));
        assertEquals(EXECABORT, h.run("EXEC"));

        h.run("MULTI");
        assertEquals(err("ERR Command not allowed inside a transaction"), h.run("SAVE"));
        assertEquals(EXECABORT, h.run("EXEC"));
        assertEquals(err("ERR EXEC without MULTI"), h.run("EXEC"));
    }

    @Test
    void watchAbortsWhenAnotherClientWrites() {
        Session other = h.connect(true);
        h.run("SET", "k", "1");
        assertEquals(OK, h.run("WATCH", "k"));
        h.run(other, "INCR", "k");
        h.run("MULTI");
        h.run("SET", "k", "mine");
        assertEquals(NULL_ARRAY, h.run("EXEC"));
        assertEquals(bulk("2"), h.run("GET", "k"));
        // The EXEC unwatched everything: the next transaction runs.
        h.run("MULTI");
        h.run("SET", "k", "mine");
        assertEquals("*1\r\n" + OK, h.run("EXEC"));
    }

    @Test
    void watchAbortsOnOwnWriteAndOnWriteBetweenMultiAndExec() {
        Session other = h.connect(true);
        h.run("WATCH", "k");
        h.run("SET", "k", "1");
        h.run("MULTI");
        assertEquals(NULL_ARRAY, h.run("EXEC"));

        h.run("WATCH", "k");
        h.run("MULTI");
        h.run("GET", "k");
        h.run(other, "DEL", "k");
        assertEquals(NULL_ARRAY, h.run("EXEC"));
    }

    @Test
    void untouchedOrReadOrNoOpKeysDoNotAbort() {
        Session other = h.connect(true);
        h.run("WATCH", "k", "j");
        h.run(other, "GET", "k");
        h.run(other, "SET", "x", "1");
        h.run(other, "DEL", "k"); // nothing deleted: no change
        h.run(other, "SELECT", "1");
        h.run(other, "SET", "k", "1"); // another database
        h.run(other, "SINTERSTORE", "d", "k"); // k only read
        h.run("MULTI");
        h.run("PING");
        assertEquals("*1\r\n+PONG\r\n", h.run("EXEC"));
    }

    @Test
    void unwatchAndDiscardForgetWatchedKeys() {
        Session other = h.connect(true);
        h.run("WATCH", "k");
        assertEquals(OK, h.run("UNWATCH"));
        h.run(other, "SET", "k", "1");
        h.run("MULTI");
        assertEquals("*0\r\n", h.run("EXEC"));

        h.run("WATCH", "k");
        h.run("MULTI");
        h.run("DISCARD");
        h.run(other, "SET", "k", "2");
        h.run("MULTI");
        assertEquals("*0\r\n", h.run("EXEC"));

        h.run("WATCH", "k");
        h.run(other, "SET", "k", "3");
        h.run("UNWATCH"); // also clears the dirty flag
        h.run("MULTI");
        assertEquals("*0\r\n", h.run("EXEC"));
    }

    @Test
    void watchedKeyThatExpiresBeforeExecAborts() {
        h.run("SET", "k", "v", "PX", "100");
        h.run("WATCH", "k");
        h.advanceMillis(200);
        h.run("MULTI");
        assertEquals(NULL_ARRAY, h.run("EXEC"));
    }

    @Test
    void watchedKeyAlreadyExpiredAtWatchTimeDoesNotAbortWhenDeleted() {
        h.commands.execute(h.session, Harness.args("DEBUG", "SET-ACTIVE-EXPIRE", "0"), h.reply);
        h.reply.take();
        h.run("SET", "k", "v", "PX", "100");
        h.advanceMillis(200);
        h.run("WATCH", "k");
        Session other = h.connect(true);
        assertEquals(integer(0), h.run(other, "EXISTS", "k")); // deletes it by expiry
        h.run("MULTI");
        assertEquals("*0\r\n", h.run("EXEC"));
    }

    @Test
    void watchedKeyDeletedByActiveExpiryAborts() {
        h.run("SET", "k", "v", "PX", "100");
        h.run("WATCH", "k");
        h.advanceMillis(200);
        h.commands.cron(h.mono.nanoTime());
        h.run("MULTI");
        assertEquals(NULL_ARRAY, h.run("EXEC"));
    }

    @Test
    void flushAndSwapdbAbortOnlyWatchersOfExistingKeys() {
        Session other = h.connect(true);
        h.run("SET", "k", "1");
        h.run("WATCH", "k");
        h.run(other, "FLUSHALL");
        h.run("MULTI");
        assertEquals(NULL_ARRAY, h.run("EXEC"));

        h.run("WATCH", "absent");
        h.run(other, "FLUSHDB");
        h.run("MULTI");
        assertEquals("*0\r\n", h.run("EXEC"));
    }

    @Test
    void swapdbBringingAWatchedKeyAborts() {
        Session other = h.connect(true);
        h.run(other, "SELECT", "1");
        h.run(other, "SET", "k", "in1");
        h.run("WATCH", "k");
        h.run(other, "SWAPDB", "0", "1");
        h.run("MULTI");
        assertEquals(NULL_ARRAY, h.run("EXEC"));
    }

    @Test
    void execAbortIsNullInResp3() {
        Session other = h.connect(true);
        h.run("HELLO", "3");
        h.run("WATCH", "k");
        h.run(other, "SET", "k", "1");
        h.run("MULTI");
        assertEquals("_\r\n", h.run("EXEC"));
    }

    @Test
    void transactionWritesArePropagatedAtomically() {
        h.run("MULTI");
        h.run("SET", "a", "1");
        h.run("GET", "a");
        h.run("EXPIRE", "a", "10");
        h.log.clear();
        h.run("EXEC");
        long now = Harness.START_UNIX_MICROS / 1000;
        assertEquals(List.of("0 MULTI", "0 SET a 1", "0 PEXPIREAT a " + (now + 10_000), "0 EXEC"), h.log);

        h.run("MULTI");
        h.run("INCR", "n");
        h.run("GET", "n");
        h.log.clear();
        h.run("EXEC");
        assertEquals(List.of("0 INCR n"), h.log); // one record needs no wrapping

        h.run("MULTI");
        h.run("GET", "n");
        h.log.clear();
        h.run("EXEC");
        assertEquals(List.of(), h.log);
    }

    @Test
    void aTransactionOutsideDatabaseZeroSelectsItsDatabaseInsideTheWrapper() {
        h.run("SELECT", "3");
        h.run("MULTI");
        h.run("SET", "a", "1");
        h.run("SET", "b", "2");
        h.log.clear();
        h.run("EXEC");
        assertEquals(List.of("3 MULTI", "3 SELECT 3", "3 SET a 1", "3 SET b 2", "3 EXEC"), h.log);
        // Replayed with the session reset to database 0 before every record, as a record boundary does.
        Harness replica = new Harness();
        for (Harness.Record r : h.records) {
            replica.session.db = 0;
            if (r.db() != 0 && !Harness.join(r.argv()).startsWith("SELECT")) {
                replica.commands.execute(replica.session, Harness.args("SELECT", Integer.toString(r.db())),
                        replica.reply);
            }
            replica.commands.execute(replica.session, Harness.args(r.argv()), replica.reply);
        }
        replica.reply.take();
        replica.run("SELECT", "3");
        assertEquals(bulk("1"), replica.run("GET", "a"));
        assertEquals(bulk("2"), replica.run("GET", "b"));
    }

    @Test
    void replayingAPropagatedTransactionRestoresTheData() {
        h.run("MULTI");
        h.run("SET", "a", "1");
        h.run("LPUSH", "l", "x", "y");
        h.run("EXEC");
        Harness replica = new Harness();
        for (Harness.Record r : h.records) {
            replica.commands.execute(replica.session, Harness.args(r.argv()), replica.reply);
        }
        replica.reply.take();
        assertEquals(bulk("1"), replica.run("GET", "a"));
        assertEquals(integer(2), replica.run("LLEN", "l"));
    }

    @Test
    void disconnectForgetsTheClientsWatches() {
        Session other = h.connect(true);
        h.run(other, "WATCH", "k");
        h.commands.onDisconnect(other);
        h.run("SET", "k", "1"); // must not touch a dead client
        assertEquals(OK, h.run("SET", "k", "2"));
    }
}
