package io.demikv.ycsb;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.protocol.ProtocolVersion;

/**
 * The one Lettuce {@link RedisClient} (event loops, timers) that every YCSB thread's connection shares,
 * reference counted: the first {@link #acquire} creates it, the last {@link #release} shuts it down.
 * Thread-safe; YCSB calls {@code init()}/{@code cleanup()} from its client threads concurrently.
 */
final class SharedClient {
    private static final Object LOCK = new Object();
    private static RedisClient client;
    private static int references;

    private SharedClient() {
    }

    /** Returns the shared client, creating it from {@code config} if no thread holds it. */
    static RedisClient acquire(BindingConfig config) {
        synchronized (LOCK) {
            if (client == null) {
                RedisClient created = RedisClient.create();
                created.setOptions(ClientOptions.builder()
                        .protocolVersion(config.protocol() == 2 ? ProtocolVersion.RESP2 : ProtocolVersion.RESP3)
                        // A benchmark must see a dead server as errors, not as commands parked until a reconnect.
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        // No per-command timer in Lettuce (a timer task per command on the hot path): each
                        // operation bounds its own wait by redis.timeout and cancels what it gave up on.
                        .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
                        // Lettuce 7 asks every server for Redis Enterprise maintenance push messages during
                        // the handshake (one more round trip, and an INFO log line when refused): not needed.
                        .maintNotificationsConfig(MaintNotificationsConfig.disabled())
                        .build());
                client = created;
            }
            references++;
            return client;
        }
    }

    /** Drops one reference; the last one shuts the client down and returns {@code true}. */
    static boolean release() {
        RedisClient last;
        synchronized (LOCK) {
            if (references == 0) {
                return false;
            }
            if (--references > 0) {
                return false;
            }
            last = client;
            client = null;
        }
        last.shutdown(0, 2, TimeUnit.SECONDS);
        return true;
    }

    /** How many YCSB threads hold the client now (tests check that cleanup releases it). */
    static int references() {
        synchronized (LOCK) {
            return references;
        }
    }

    /** The address of one connection, with the timeout and password from {@code config}. */
    static RedisURI uri(BindingConfig config) {
        RedisURI.Builder b = RedisURI.builder()
                .withHost(config.host())
                .withPort(config.port())
                .withTimeout(Duration.ofMillis(config.timeoutMillis()));
        if (config.password() != null) {
            b.withPassword(config.password().toCharArray());
        }
        return b.build();
    }
}
