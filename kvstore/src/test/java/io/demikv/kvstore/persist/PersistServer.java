package io.demikv.kvstore.persist;

import io.demikv.config.DirectiveRegistry;
import io.demikv.kvstore.command.Commands;
import io.demikv.kvstore.command.ServerClock;
import io.demikv.kvstore.command.ServerDirectives;
import io.demikv.kvstore.server.NetworkServer;
import io.demikv.kvstore.server.NetworkSettings;
import io.demikv.kvstore.server.NetworkStats;
import io.demikv.libos.Endpoint;
import io.demikv.libos.catnap.Catnap;
import io.demikv.storage.device.BlockDevice;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Test helper: a whole server (Catnap, Commands, the append-only log, NetworkServer) on its own thread, on an
 * ephemeral port, with its log store in {@code dir} (optionally behind a device decorator for fault
 * injection). {@link #startError()} holds the message when the log refused to open.
 */
final class PersistServer implements AutoCloseable {
    static final long STORE = 16L << 20;

    private final Thread thread;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    private volatile NetworkServer server;
    volatile AppendOnlyLog aof;
    volatile String startError;

    PersistServer(Path dir, Map<String, String> directives, UnaryOperator<BlockDevice> decorator) {
        thread = new Thread(() -> serve(dir, directives, decorator), "demikv-persist-test-server");
        thread.setDaemon(true);
        thread.start();
    }

    PersistServer(Path dir, String fsync) {
        this(dir, Map.of("appendonly", "yes", "appendfsync", fsync), null);
    }

    static LogStore store(Path dir, UnaryOperator<BlockDevice> decorator) {
        return new LogStore(dir, dir.resolve("appendonlydir").resolve("appendonly.aof" + LogStore.SUFFIX), STORE,
                decorator);
    }

    private void serve(Path dir, Map<String, String> directives, UnaryOperator<BlockDevice> decorator) {
        Catnap libos = new Catnap();
        try {
            DirectiveRegistry reg = ServerDirectives.defaults();
            reg.trySet("dir", dir.toString());
            reg.trySet("hz", "100");
            directives.forEach((k, v) -> {
                String problem = reg.trySet(k, v);
                if (problem != null) {
                    throw new IllegalArgumentException(k + ": " + problem);
                }
            });
            Commands commands = new Commands(reg, ServerClock.system());
            NetworkStats stats = new NetworkStats();
            commands.attach(stats);
            AppendOnlyLog log;
            try {
                log = AppendOnlyLog.open(libos, commands, reg, store(dir, decorator), err);
            } catch (IllegalStateException e) {
                startError = e.getMessage();
                port.completeExceptionally(e);
                return;
            }
            aof = log;
            NetworkSettings settings = new NetworkSettings();
            settings.bind = Endpoint.of(0x7F00_0001, 0);
            settings.waitNanos = 10_000_000L;
            NetworkServer s = new NetworkServer(libos, commands, settings, stats);
            s.durabilityGate(log);
            int rc = s.start();
            if (rc != 0) {
                port.completeExceptionally(new IllegalStateException(s.describeStartError(rc)));
                return;
            }
            server = s;
            port.complete(Endpoint.port(s.boundEndpoint()));
            s.run();
            s.close();
            log.close();
        } catch (Throwable t) {
            port.completeExceptionally(t);
            t.printStackTrace();
        } finally {
            libos.close();
            done.complete(null);
        }
    }

    int port() {
        try {
            return port.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("server did not start: " + (startError != null ? startError : e), e);
        }
    }

    /** The server's thread (its allocation can be measured). */
    Thread thread() {
        return thread;
    }

    RespClient client() {
        return new RespClient(port());
    }

    /** What the server printed on its error stream. */
    String stderr() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    /** Waits until the log finished loading. */
    void awaitLoaded() throws InterruptedException {
        port();
        for (int i = 0; i < 3000 && aof.loading(); i++) {
            Thread.sleep(10);
        }
    }

    @Override
    public void close() throws Exception {
        NetworkServer s = server;
        if (s != null) {
            s.requestStop();
        }
        done.get(30, TimeUnit.SECONDS);
    }
}
