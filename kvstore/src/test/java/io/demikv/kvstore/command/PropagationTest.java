package io.demikv.kvstore.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What reaches the {@link CommandLog}: only effective writes, in deterministic (absolute-time) form. */
class PropagationTest {
    private final Harness h = new Harness();
    private final long now = Harness.START_UNIX_MICROS / 1000;

    private List<String> logOf(String... command) {
        h.log.clear();
        h.run(command);
        return List.copyOf(h.log);
    }

    @Test
    void plainWritesAreLoggedAsSent() {
        assertEquals(List.of("0 SET k v"), logOf("SET", "k", "v"));
        assertEquals(List.of("0 MSET a 1 b 2"), logOf("MSET", "a", "1", "b", "2"));
        assertEquals(List.of("0 INCR n"), logOf("INCR", "n"));
        assertEquals(List.of("0 APPEND k x"), logOf("APPEND", "k", "x"));
        assertEquals(List.of("0 DEL k a"), logOf("DEL", "k", "a"));
    }

    @Test
    void readsFailuresAndNoOpsAreNotLogged() {
        h.run("SET", "k", "v");
        assertEquals(List.of(), logOf("GET", "k"));
        assertEquals(List.of(), logOf("SET", "k", "v", "NX"));
        assertEquals(List.of(), logOf("DEL", "nokey"));
        assertEquals(List.of(), logOf("INCR", "k"));
        assertEquals(List.of(), logOf("EXPIRE", "nokey", "10"));
        assertEquals(List.of(), logOf("PERSIST", "k"));
        assertEquals(List.of(), logOf("SET", "k"));
        assertEquals(List.of(), logOf("NOSUCHCOMMAND"));
    }

    @Test
    void relativeExpiriesBecomeAbsolute() {
        assertEquals(List.of("0 SET k v PXAT " + (now + 10_000)), logOf("SET", "k", "v", "EX", "10"));
        assertEquals(List.of("0 SET k v PXAT " + (now + 500)), logOf("SET", "k", "v", "PX", "500"));
        assertEquals(List.of("0 SET k v PXAT " + (now / 1000 + 7) * 1000),
                logOf("SET", "k", "v", "EXAT", Long.toString(now / 1000 + 7)));
        assertEquals(List.of("0 SET k v PXAT 99999999999999"), logOf("SET", "k", "v", "PXAT", "99999999999999"));
        assertEquals(List.of("0 SET k v PXAT " + (now + 3_000)), logOf("SETEX", "k", "3", "v"));
        assertEquals(List.of("0 SET k v PXAT " + (now + 3)), logOf("PSETEX", "k", "3", "v"));
        assertEquals(List.of("0 PEXPIREAT k " + (now + 5_000)), logOf("EXPIRE", "k", "5"));
        assertEquals(List.of("0 PEXPIREAT k " + (now + 5_000) + " XX"), logOf("EXPIRE", "k", "5", "XX"));
        assertEquals(List.of("0 PEXPIREAT k " + (now + 6)), logOf("PEXPIRE", "k", "6"));
        assertEquals(List.of("0 PEXPIREAT k 4102444800000"), logOf("EXPIREAT", "k", "4102444800"));
        assertEquals(List.of("0 PEXPIREAT k 4102444800001"), logOf("PEXPIREAT", "k", "4102444800001"));
        assertEquals(List.of("0 PEXPIREAT k " + (now + 9_000)), logOf("GETEX", "k", "EX", "9"));
        assertEquals(List.of("0 PERSIST k"), logOf("GETEX", "k", "PERSIST"));
    }

    @Test
    void nonDeterministicOrDerivedWritesAreRewritten() {
        h.run("SET", "k", "v");
        assertEquals(List.of("0 SET k w"), logOf("GETSET", "k", "w"));
        assertEquals(List.of("0 DEL k"), logOf("GETDEL", "k"));
        assertEquals(List.of("0 SET f 1.5 KEEPTTL"), logOf("INCRBYFLOAT", "f", "1.5"));
        assertEquals(List.of("0 SET k v"), logOf("SET", "k", "v", "GET"));
    }

    @Test
    void flushIsLoggedEvenWhenEmptyAndTheDatabaseIndexTravels() {
        assertEquals(List.of("0 FLUSHALL"), logOf("FLUSHALL"));
        h.run("SELECT", "3");
        assertEquals(List.of("3 SET k v"), logOf("SET", "k", "v"));
        assertEquals(List.of("3 FLUSHDB ASYNC"), logOf("FLUSHDB", "ASYNC"));
    }

    @Test
    void activeExpiryLogsDelOutsideAnyCommand() {
        h.run("SET", "k", "v", "PX", "1");
        h.log.clear();
        h.advanceMillis(10);
        h.commands.cron(h.mono.nanoTime());
        assertEquals(List.of("0 DEL k"), h.log);
    }

    @Test
    void collectionWritesAreLoggedAsSentWhenDeterministic() {
        assertEquals(List.of("0 HSET h f v"), logOf("HSET", "h", "f", "v"));
        assertEquals(List.of("0 RPUSH l a b"), logOf("RPUSH", "l", "a", "b"));
        assertEquals(List.of("0 SADD s 1 2"), logOf("SADD", "s", "1", "2"));
        assertEquals(List.of("0 ZADD z 1 a"), logOf("ZADD", "z", "1", "a"));
        assertEquals(List.of("0 ZINCRBY z 2 a"), logOf("ZINCRBY", "z", "2", "a"));
        assertEquals(List.of("0 LMOVE l l2 LEFT RIGHT"), logOf("LMOVE", "l", "l2", "LEFT", "RIGHT"));
        assertEquals(List.of("0 SORT l ALPHA STORE dst"), logOf("SORT", "l", "ALPHA", "STORE", "dst"));
        assertEquals(List.of("0 ZUNIONSTORE u 1 z"), logOf("ZUNIONSTORE", "u", "1", "z"));
    }

    @Test
    void collectionNoOpsAndReadsAreNotLogged() {
        h.run("SADD", "s", "a");
        h.run("RPUSH", "l", "a");
        assertEquals(List.of(), logOf("SADD", "s", "a"));
        assertEquals(List.of(), logOf("SREM", "s", "zz"));
        assertEquals(List.of(), logOf("HDEL", "nokey", "f"));
        assertEquals(List.of(), logOf("LTRIM", "l", "0", "-1"));
        assertEquals(List.of(), logOf("LREM", "l", "0", "zz"));
        assertEquals(List.of(), logOf("ZADD", "z", "XX", "1", "a"));
        assertEquals(List.of(), logOf("SORT", "l", "ALPHA"));
        assertEquals(List.of(), logOf("LPUSHX", "nokey", "a"));
        assertEquals(List.of(), logOf("SRANDMEMBER", "s", "3"));
        assertEquals(List.of(), logOf("LPOP", "nokey"));
    }

    @Test
    void randomOrDerivedCollectionWritesAreRewritten() {
        h.run("SADD", "s", "only");
        assertEquals(List.of("0 SREM s only"), logOf("SPOP", "s"));
        h.run("SADD", "s", "a", "b", "c", "d");
        List<String> pops = logOf("SPOP", "s", "2");
        assertEquals(1, pops.size());
        assertEquals(5, pops.get(0).split(" ").length); // 0 SREM s x y
        assertEquals("0 SREM s", pops.get(0).substring(0, 8));
        assertEquals(List.of("0 DEL s"), logOf("SPOP", "s", "10"));
        assertEquals(List.of("0 HSET h f 1.5"), logOf("HINCRBYFLOAT", "h", "f", "1.5"));
        h.run("RPUSH", "l", "a", "b", "c");
        assertEquals(List.of("0 RPOP l 2"), logOf("LMPOP", "2", "nokey", "l", "RIGHT", "COUNT", "2"));
        h.run("ZADD", "z", "1", "a", "2", "b");
        assertEquals(List.of("0 ZPOPMAX z 2"), logOf("ZMPOP", "1", "z", "MAX", "COUNT", "5"));
    }

    @Test
    void manyPoppedMembersAreLoggedInBatches() {
        String[] add = new String[2 + 2500];
        add[0] = "SADD";
        add[1] = "s";
        for (int i = 0; i < 2500; i++) {
            add[2 + i] = "m" + i;
        }
        h.run(add);
        List<String> pops = logOf("SPOP", "s", "2100");
        assertEquals(3, pops.size()); // 1024 + 1024 + 52
        assertEquals(3 + 1024, pops.get(0).split(" ").length); // db, SREM, key, members
        assertEquals(3 + 52, pops.get(2).split(" ").length);
    }
}
