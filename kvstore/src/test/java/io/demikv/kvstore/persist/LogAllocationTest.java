package io.demikv.kvstore.persist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logging a write costs no allocation of its own: a SET overwriting a key allocates what the store needs (the new
 * value: an 8-byte array, 24-32 bytes with its header), and the append-only log adds nothing per command (it
 * encodes straight from the query buffer into its reused record buffer, and pushes into pooled buffers). The log
 * is the command sink with {@code appendonly no} too (it starts logging on {@code CONFIG SET appendonly yes}), so
 * both are measured. Copying the arguments for the log, as it used to, cost about 100 bytes more per SET.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LogAllocationTest {
    /** The store's own copy of an 8-byte value, with room for the JVM's object header and alignment. */
    private static final long STORE_BYTES = 48;

    @TempDir
    Path dir;

    @Test
    void theLogAddsNoAllocationPerWriteCommand() throws Exception {
        long withLog = bytesPerSet(dir.resolve("log"), "yes");
        long withoutLog = bytesPerSet(dir.resolve("nolog"), "no");
        assertTrue(withLog <= STORE_BYTES, "a logged SET allocated " + withLog + " bytes on the server thread");
        assertTrue(withoutLog <= STORE_BYTES, "a SET allocated " + withoutLog + " bytes with appendonly no");
    }

    /** The server thread's allocation per SET once warm: the best of several windows. */
    private static long bytesPerSet(Path dir, String appendonly) throws Exception {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            sb.append("*3\r\n$3\r\nSET\r\n$4\r\nk").append(i % 10 + 100).append("\r\n$8\r\nvalue").append(i % 10 + 100)
                    .append("\r\n");
        }
        byte[] batch = sb.toString().getBytes(StandardCharsets.US_ASCII);
        try (PersistServer s = new PersistServer(dir, Map.of("appendonly", appendonly, "appendfsync", "everysec"),
                null); RespClient c = s.client()) {
            s.awaitLoaded();
            Runnable round = () -> {
                try {
                    c.sendRaw(batch);
                    for (int i = 0; i < 100; i++) {
                        assertEquals("+OK", c.reply());
                    }
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            };
            for (int i = 0; i < 3_000; i++) {
                round.run();
            }
            long tid = s.thread().threadId();
            long best = Long.MAX_VALUE;
            for (int window = 0; window < 8; window++) {
                long before = threads.getThreadAllocatedBytes(tid);
                int rounds = 500;
                for (int i = 0; i < rounds; i++) {
                    round.run();
                }
                best = Math.min(best, (threads.getThreadAllocatedBytes(tid) - before) / (rounds * 100L));
            }
            return best;
        }
    }
}
