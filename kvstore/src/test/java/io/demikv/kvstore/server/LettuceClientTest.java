package io.demikv.kvstore.server;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.protocol.ProtocolVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A real client over the real network path: Lettuce (sync and pipelined async, RESP2 and RESP3) against
 * the NetworkServer on Catnap with the test executor.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LettuceClientTest {
    private static ServerHarness harness;
    private static RedisClient client;

    @BeforeAll
    static void start() {
        harness = new ServerHarness(new MapExecutor());
        client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(harness.port())
                .withTimeout(Duration.ofSeconds(10)).build());
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.shutdown();
        }
        if (harness != null) {
            assertEquals("", harness.stop());
        }
    }

    private static StatefulRedisConnection<String, String> connect(ProtocolVersion protocol) {
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        return client.connect();
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void runsCommandsSynchronously(ProtocolVersion protocol) {
        try (StatefulRedisConnection<String, String> c = connect(protocol)) {
            RedisCommands<String, String> sync = c.sync();
            assertEquals("PONG", sync.ping());
            assertEquals("OK", sync.set("lettuce:" + protocol, "v\r\n\0x"));
            assertEquals("v\r\n\0x", sync.get("lettuce:" + protocol));
            assertNull(sync.get("lettuce:missing"));
            assertEquals("hello", sync.echo("hello"));
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void pipelinesThousandsOfAsyncCommands(ProtocolVersion protocol) throws Exception {
        try (StatefulRedisConnection<String, String> c = connect(protocol)) {
            RedisAsyncCommands<String, String> async = c.async();
            c.setAutoFlushCommands(false);
            List<RedisFuture<?>> futures = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                futures.add(async.set("p" + i, "value" + i));
                futures.add(async.incr("counter:" + protocol));
            }
            c.flushCommands();
            for (RedisFuture<?> f : futures) {
                f.get(10, TimeUnit.SECONDS);
            }
            c.setAutoFlushCommands(true);
            assertEquals("value4999", async.get("p4999").get(10, TimeUnit.SECONDS));
            assertEquals(5001L, async.incr("counter:" + protocol).get(10, TimeUnit.SECONDS));
        }
    }
}
