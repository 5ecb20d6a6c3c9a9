package io.demikv.kvstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.demikv.kvstore.command.Commands;
import io.demikv.kvstore.command.ServerClock;
import io.demikv.kvstore.command.ServerDirectives;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Lettuce (RESP2 and RESP3) against the real {@link Commands}: MULTI/EXEC with WATCH, pub/sub, BLPOP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LettuceTransactionsPubSubTest {
    private static ServerHarness harness;
    private static RedisClient client;

    @BeforeAll
    static void start() {
        harness = new ServerHarness(new Commands(ServerDirectives.defaults(), ServerClock.system()));
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

    private static void protocol(ProtocolVersion p) {
        client.setOptions(ClientOptions.builder().protocolVersion(p).build());
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void multiExecAndWatch(ProtocolVersion p) {
        protocol(p);
        try (StatefulRedisConnection<String, String> a = client.connect();
             StatefulRedisConnection<String, String> b = client.connect()) {
            RedisCommands<String, String> sa = a.sync();
            String k = "tx-" + p;
            sa.multi();
            sa.set(k, "1");
            sa.incr(k);
            sa.get(k);
            TransactionResult r = sa.exec();
            assertEquals(3, r.size());
            assertEquals("2", r.get(2));

            sa.watch(k);
            b.sync().set(k, "other");
            sa.multi();
            sa.set(k, "mine");
            assertTrue(sa.exec().wasDiscarded());
            assertEquals("other", sa.get(k));
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void pubSubAndBlockingPop(ProtocolVersion p) throws Exception {
        protocol(p);
        String ch = "ch-" + p;
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
             StatefulRedisConnection<String, String> pub = client.connect();
             StatefulRedisConnection<String, String> waiter = client.connect()) {
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    got.add(channel + "=" + message);
                }

                @Override
                public void message(String pattern, String channel, String message) {
                    got.add(pattern + ":" + channel + "=" + message);
                }
            });
            sub.sync().subscribe(ch);
            sub.sync().psubscribe("ch-*");
            assertEquals(2L, pub.sync().publish(ch, "hello"));
            assertEquals(ch + "=hello", got.poll(5, TimeUnit.SECONDS));
            assertEquals("ch-*:" + ch + "=hello", got.poll(5, TimeUnit.SECONDS));
            assertEquals(1L, pub.sync().pubsubNumsub(ch).get(ch));

            String list = "bl-" + p;
            CompletableFuture<KeyValue<String, String>> popped =
                    waiter.async().blpop(0, list).toCompletableFuture();
            Thread.sleep(100);
            pub.sync().rpush(list, "v");
            assertEquals(KeyValue.just(list, "v"), popped.get(5, TimeUnit.SECONDS));
        }
    }
}
