package io.demikv.kvstore.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MULTI/EXEC (wrapped in MULTI ... EXEC records, also outside database 0) and served blocking pops (logged as
 * their plain forms) survive a restart through the real append-only log.
 */
class TransactionPersistenceTest {
    @TempDir
    Path dir;

    @Test
    void transactionsAndBlockingPopsSurviveARestart() throws Exception {
        String before;
        try (PersistServer s = new PersistServer(dir, "always"); RespClient c = s.client(); RespClient w = s.client()) {
            c.call("SELECT", "4");
            c.call("MULTI");
            c.call("SET", "a", "1");
            c.call("RPUSH", "l", "x", "y", "z");
            c.call("SELECT", "5");
            c.call("INCR", "n");
            c.call("EXEC");
            c.call("SELECT", "0");
            w.send("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
            Thread.sleep(100);
            c.call("RPUSH", "src", "v1", "v2");
            assertEquals("v1", w.reply());
            w.call("BLPOP", "src", "0");
            before = c.dump();
        }
        try (PersistServer s = new PersistServer(dir, "always"); RespClient c = s.client()) {
            s.awaitLoaded();
            assertEquals(before, c.dump());
        }
        assertEquals(true, before.contains("4:a +string 1"), before);
        assertEquals(true, before.contains("5:n +string 1"), before);
        assertEquals(true, before.contains("0:dst +list [v1]"), before);
        assertEquals(false, before.contains("0:src"), before);
    }
}
