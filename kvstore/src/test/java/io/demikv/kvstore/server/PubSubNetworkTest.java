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

/**
 * Pub/sub and transactions across real connections: the {@link Commands} behind a {@link NetworkServer} over
 * Catnap on 127.0.0.1, with raw sockets as clients.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PubSubNetworkTest {
    private ServerHarness harness;

    private void start(java.util.function.Consumer<NetworkSettings> configure) {
        harness = new ServerHarness(new Commands(ServerDirectives.defaults(), ServerClock.system()), configure);
        harness.port();
    }

    @AfterEach
    void stop() throws Exception {
        if (harness != null) {
            assertEquals("", harness.stop(), "buffers or arrays not returned to the libOS");
        }
    }

    @Test
    void publishReachesResp2AndResp3SubscribersAndPatterns() throws Exception {
        start(s -> { });
        try (RawClient two = harness.client(); RawClient three = harness.client(); RawClient pub = harness.client()) {
            assertEquals("*3$9subscribe$4news:1", two.command("SUBSCRIBE", "news").reply().replace("\r\n", ""));
            three.command("HELLO", "3").reply();
            assertEquals(">3$10psubscribe$2n*:1",
                    three.command("PSUBSCRIBE", "n*").reply().replace("\r\n", ""));
            assertEquals(":2\r\n", pub.command("PUBLISH", "news", "hi").reply());
            assertEquals("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n", two.reply());
            assertEquals(">4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n", three.reply());
            // RESP3 subscribers keep running commands; RESP2 ones are restricted.
            assertEquals("+OK\r\n", three.command("SET", "k", "v").reply());
            assertTrue(two.command("GET", "k").reply().startsWith("-ERR Can't execute 'get'"));
            assertEquals(":1\r\n", pub.command("PUBLISH", "nx", "x").reply());
        }
    }

    @Test
    void watchAbortsWhenAnotherConnectionWrites() throws Exception {
        start(s -> { });
        try (RawClient a = harness.client(); RawClient b = harness.client()) {
            assertEquals("+OK\r\n", a.command("WATCH", "k").reply());
            assertEquals("+OK\r\n", b.command("SET", "k", "1").reply());
            assertEquals("+OK\r\n", a.command("MULTI").reply());
            assertEquals("+QUEUED\r\n", a.command("SET", "k", "2").reply());
            assertEquals("*-1\r\n", a.command("EXEC").reply());
            assertEquals("$1\r\n1\r\n", b.command("GET", "k").reply());
        }
    }

    @Test
    void slowSubscriberIsDisconnectedAtTheHardLimit() throws Exception {
        start(s -> {
            s.pubsubOutputLimit.hardBytes = 1L << 20;
            s.pubsubOutputLimit.softBytes = 0;
        });
        try (RawClient slow = harness.client(); RawClient pub = harness.client()) {
            slow.command("SUBSCRIBE", "firehose").reply();
            String payload = "x".repeat(256 * 1024);
            int delivered = 0;
            for (int i = 0; i < 200; i++) {
                String r = pub.command("PUBLISH", "firehose", payload).reply();
                delivered += Integer.parseInt(r.substring(1).strip());
            }
            assertTrue(delivered < 200, "the subscriber was dropped before all 200 messages: " + delivered);
            assertEquals("*2\r\n$8\r\nfirehose\r\n:0\r\n", pub.command("PUBSUB", "NUMSUB", "firehose").reply());
            String got = slow.readToEnd();
            assertTrue(got.length() < 200 * payload.length(), "closed before all output: got " + got.length());
        }
        assertEquals("", harness.stop(), "buffers or arrays not returned to the libOS");
        assertEquals(1, harness.stats.outputBufferLimitDisconnections);
        harness = null;
    }
}
