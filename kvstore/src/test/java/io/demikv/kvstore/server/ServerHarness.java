package io.demikv.kvstore.server;

import io.demikv.kvstore.command.CommandExecutor;
import io.demikv.libos.AbstractLibOS;
import io.demikv.libos.Endpoint;
import io.demikv.libos.LibOS;
import io.demikv.libos.catnap.Catnap;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Test helper: a {@link NetworkServer} over Catnap on 127.0.0.1 with an ephemeral port, run on its own
 * thread (which then owns the libOS and the executor). {@link #close()} stops it and checks that every
 * buffer and array went back to the libOS.
 */
final class ServerHarness implements AutoCloseable {
    final NetworkSettings settings = new NetworkSettings();
    final NetworkStats stats = new NetworkStats();
    final CommandExecutor executor;
    private final Thread thread;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final CompletableFuture<String> leaks = new CompletableFuture<>();
    private volatile NetworkServer server;

    ServerHarness(CommandExecutor executor, Consumer<NetworkSettings> configure) {
        this.executor = executor;
        settings.bind = Endpoint.of(0x7F00_0001, 0);
        configure.accept(settings);
        thread = new Thread(this::serve, "demikv-test-server");
        thread.setDaemon(true);
        thread.start();
    }

    ServerHarness(CommandExecutor executor) {
        this(executor, s -> { });
    }

    private void serve() {
        LibOS libos = new Catnap();
        try {
            NetworkServer s = new NetworkServer(libos, executor, settings, stats);
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
            throw new IllegalStateException("server did not start", e);
        }
    }

    NetworkServer server() {
        port();
        return server;
    }

    /** The server thread, for measuring what it allocates. */
    Thread thread() {
        return thread;
    }

    RawClient client() {
        return new RawClient(port());
    }

    /** Waits for the server thread to end by itself (SHUTDOWN). */
    boolean awaitExit(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    /** Stops the server and returns a leak report ("" when clean). */
    String stop() throws Exception {
        NetworkServer s = server;
        if (s != null) {
            s.requestStop();
        }
        thread.join(10_000);
        if (thread.isAlive()) {
            throw new IllegalStateException("server thread did not stop");
        }
        return leaks.isDone() ? leaks.get() : "";
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
