package io.demikv.kvstore.cli;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Our server and, when installed, Debian's redis-server 7.0.15 with the same directives, for running one
 * redis-cli invocation against both and comparing what it prints (after {@link Cli#normalize}).
 */
final class ServerPair implements AutoCloseable {
    final DemikvServer ours;
    final Optional<RedisServer> redis;

    private ServerPair(DemikvServer ours, Optional<RedisServer> redis) {
        this.ours = ours;
        this.redis = redis;
    }

    /** Both servers with the same {@code --directive value} pairs; {@code redisOnly} goes to redis-server alone. */
    static ServerPair start(List<String> directives, List<String> redisOnly) throws Exception {
        Cli.binary();
        DemikvServer ours = DemikvServer.start(directives.toArray(String[]::new));
        try {
            List<String> r = new java.util.ArrayList<>(directives);
            r.addAll(redisOnly);
            return new ServerPair(ours, RedisServer.startIfInstalled(r.toArray(String[]::new)));
        } catch (Exception | Error e) {
            ours.stop();
            throw e;
        }
    }

    static ServerPair start(String... directives) throws Exception {
        return start(List.of(directives), List.of());
    }

    int oursPort() {
        return ours.port();
    }

    /** The ports to normalize away. */
    int[] ports() {
        return redis.map(r -> new int[] {ours.port(), r.port}).orElse(new int[] {ours.port()});
    }

    /** Runs redis-cli with these arguments against both; asserts identical (normalized) output; returns ours. */
    Cli.Result cli(String... args) throws Exception {
        return cli(new byte[0], args);
    }

    /** As {@link #cli(String...)}, with {@code stdin} fed to both runs. */
    Cli.Result cli(byte[] stdin, String... args) throws Exception {
        Cli.Result ourResult = Cli.run(ours.port(), stdin, args).normalized(ports());
        if (redis.isPresent()) {
            Cli.Result theirs = Cli.run(redis.get().port, stdin, args).normalized(ports());
            assertEquals(theirs, ourResult, "redis-cli " + String.join(" ", args) + " against redis-server vs ours");
        }
        return ourResult;
    }

    /** Runs redis-cli with arguments that name the server's port (as {@code -u} URIs do) against both. */
    Cli.Result cli(java.util.function.IntFunction<String[]> argsForPort) throws Exception {
        Cli.Result ourResult = Cli.run(ours.port(), argsForPort.apply(ours.port())).normalized(ports());
        if (redis.isPresent()) {
            String[] args = argsForPort.apply(redis.get().port);
            Cli.Result theirs = Cli.run(redis.get().port, args).normalized(ports());
            assertEquals(theirs, ourResult, "redis-cli " + String.join(" ", args) + " against redis-server vs ours");
        }
        return ourResult;
    }

    /** Runs redis-cli against our server only (for output that legitimately differs), not normalized. */
    Cli.Result oursOnly(String... args) throws Exception {
        return Cli.run(ours.port(), new byte[0], args);
    }

    /** Empties both keyspaces (all databases); {@code authArgs} such as {@code -a secret} go first. */
    void flushAll(String... authArgs) throws Exception {
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(authArgs),
                java.util.stream.Stream.of("--no-auth-warning", "FLUSHALL")).toArray(String[]::new);
        assertEquals("OK\n", Cli.run(ours.port(), args).out());
        if (redis.isPresent()) {
            assertEquals("OK\n", Cli.run(redis.get().port, args).out());
        }
    }

    /** Stops both; fails if our server leaked libOS buffers. */
    @Override
    public void close() throws Exception {
        try {
            redis.ifPresent(RedisServer::close);
        } finally {
            assertEquals("", ours.stop(), "buffers and arrays returned to the libOS");
        }
    }
}
