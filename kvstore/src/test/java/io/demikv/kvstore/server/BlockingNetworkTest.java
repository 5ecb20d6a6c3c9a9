package io.demikv.kvstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.demikv.kvstore.command.Commands;
import io.demikv.kvstore.command.ServerClock;
import io.demikv.kvstore.command.ServerDirectives;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Blocking pops across real connections (Catnap on 127.0.0.1, raw sockets). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockingNetworkTest {
    private ServerHarness harness;

    @AfterEach
    void stop() throws Exception {
        if (harness != null) {
            assertEquals("", harness.stop(), "buffers or arrays not returned to the libOS");
        }
    }

    private void start() {
        harness = new ServerHarness(new Commands(ServerDirectives.defaults(), ServerClock.system()));
        harness.port();
    }

    @Test
    void blpopIsWokenInArrivalOrderAndPipelinedInputRunsAfterwards() throws Exception {
        start();
        try (RawClient first = harness.client(); RawClient second = harness.client();
             RawClient pusher = harness.client()) {
            // The first client pipelines a PING behind its BLPOP: it must wait until the BLPOP is served.
            first.send("*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n");
            Thread.sleep(100);
            second.command("BLPOP", "k", "0");
            Thread.sleep(100);
            assertEquals("", first.readUntilQuiet(200), "still blocked");
            assertEquals(":2\r\n", pusher.command("RPUSH", "k", "a", "b").reply());
            assertEquals("*2\r\n$1\r\nk\r\n$1\r\na\r\n", first.reply());
            assertEquals("+PONG\r\n", first.reply());
            assertEquals("*2\r\n$1\r\nk\r\n$1\r\nb\r\n", second.reply());
        }
    }

    @Test
    void timeoutRepliesNullAndBlmoveMoves() throws Exception {
        start();
        try (RawClient waiter = harness.client(); RawClient other = harness.client()) {
            long t0 = System.nanoTime();
            assertEquals("*-1\r\n", waiter.command("BLPOP", "k", "0.2").reply());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 190 && ms < 2_000, "timed out after " + ms + " ms");

            waiter.command("BLMOVE", "src", "dst", "LEFT", "RIGHT", "5");
            Thread.sleep(100);
            assertEquals(":1\r\n", other.command("LPUSH", "src", "v").reply());
            assertEquals("$1\r\nv\r\n", waiter.reply());
            assertEquals("*1\r\n$1\r\nv\r\n", other.command("LRANGE", "dst", "0", "-1").reply());
        }
    }
}
