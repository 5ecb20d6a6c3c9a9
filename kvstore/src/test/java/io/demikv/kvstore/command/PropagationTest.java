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
}
