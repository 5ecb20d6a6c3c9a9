package io.demikv.kvstore.cli;

import io.demikv.config.ConfigLoader;
import io.demikv.config.DirectiveRegistry;
import io.demikv.kvstore.command.Commands;
import io.demikv.kvstore.command.ServerClock;
import io.demikv.kvstore.command.ServerDirectives;
import io.demikv.kvstore.server.NetworkServer;
import io.demikv.kvstore.server.NetworkSettings;
import io.demikv.kvstore.server.NetworkStats;
import io.demikv.libos.AbstractLibOS;
import io.demikv.libos.Endpoint;
import io.demikv.libos.LibOS;
import io.demikv.libos.catnap.Catnap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Our server as {@code bin/demikv-server} wires it (directive registry from Redis-style arguments, the real
 * {@link Commands}, {@link NetworkServer} over Catnap), run in-process on its own thread on 127.0.0.1 and an
 * ephemeral port. {@link #stop()} stops it and reports buffers or arrays that did not go back to the libOS.
 */
final class DemikvServer implements AutoCloseable {
    private final Path dir;
    private final Thread thread;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final CompletableFuture<String> leaks = new CompletableFuture<>();
    private volatile NetworkServer server;

    private DemikvServer(String... directives) throws IOException {
        dir = Files.createTempDirectory("demikv-cli");
        List<String> args = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--dir", dir.toString()));
        args.addAll(List.of(directives));
        DirectiveRegistry registry = new ConfigLoader(ServerDirectives.SCHEMA, Map.of())
                .load(args.toArray(String[]::new)).server();
        thread = new Thread(() -> serve(registry), "demikv-cli-test-server");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts a server with {@code --name value} directive overrides, e.g. {@code "--requirepass", "s3cret"}. */
    static DemikvServer start(String... directives) throws IOException {
        DemikvServer s = new DemikvServer(directives);
        s.port();
        return s;
    }

    private void serve(DirectiveRegistry registry) {
        LibOS libos = new Catnap();
        try {
            NetworkStats stats = new NetworkStats();
            Commands commands = new Commands(registry, ServerClock.system());
            commands.attach(stats);
            NetworkServer s = new NetworkServer(libos, commands, NetworkSettings.from(registry), stats);
            int rc = s.start();
            if (rc != 0) {
                port.completeExceptionally(new IllegalStateException(s.describeStartError(rc)));
                return;
            }
            server = s;
            port.complete(Endpoint.port(s.boundEndpoint()));
            s.run();
            s.close();
            long sgas = ((AbstractLibOS) libos).sgasOutstanding();
            long buffers = libos.buffers().outstanding();
            leaks.complete(sgas == 0 && buffers == 0 ? "" : "leaked " + sgas + " arrays, " + buffers + " buffers");
        } catch (Throwable t) {
            port.completeExceptionally(t);
            leaks.completeExceptionally(t);
        } finally {
            libos.close();
        }
    }

    int port() {
        try {
            return port.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("demikv did not start", e);
        }
    }

    /** Whether the server thread is still serving (false after SHUTDOWN). */
    boolean running() {
        return thread.isAlive();
    }

    /** Stops the server (if SHUTDOWN did not already) and returns a leak report, "" when clean. */
    String stop() throws Exception {
        NetworkServer s = server;
        if (s != null) {
            s.requestStop();
        }
        thread.join(10_000);
        if (thread.isAlive()) {
            throw new IllegalStateException("server thread did not stop");
        }
        Processes.deleteTree(dir);
        return leaks.isDone() ? leaks.get() : "";
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
