package io.demikv.kvstore.server;

import io.demikv.config.Config;
import io.demikv.config.ConfigException;
import io.demikv.config.ConfigLoader;
import io.demikv.config.DirectiveRegistry;
import io.demikv.config.DirectiveSchema;
import io.demikv.config.WaitPolicyConfig;
import io.demikv.kvstore.command.CommandExecutor;
import io.demikv.libos.Endpoint;
import io.demikv.libos.LibOS;
import io.demikv.libos.LibOsFactory;
import io.demikv.libos.LibOsOptions;
import io.demikv.libos.WaitPolicy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Start-up and shut-down of one server instance, kept apart from {@link ServerMain} so tests can run it
 * with their own executor and environment: configuration ({@link ConfigLoader}: YAML file, {@code LIBOS},
 * {@code --name value} arguments) → data directory → libOS ({@link LibOsFactory}, catnap by default) →
 * {@link CommandExecutor} (made by the given factory from the directive registry and the {@link NetworkStats})
 * → {@link NetworkServer},
 * which runs until SIGTERM/SIGINT or SHUTDOWN.
 *
 * <p>Every start-up problem ends in one line on {@code err} and exit status 1. Runs on the main thread;
 * the event loop runs on the calling thread too.
 */
public final class ServerLauncher {
    /** The version printed at start-up. */
    public static final String VERSION = "0.1.0";

    private final DirectiveSchema schema;
    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;
    private final BiFunction<DirectiveRegistry, NetworkStats, CommandExecutor> executorFactory;
    private volatile NetworkServer server;
    private PersistenceFactory persistence;

    /**
     * Opens the durable log of a server once its libOS and executor exist (start-up, blocking): returns the
     * gate the network server routes log completions to, closed (when {@link AutoCloseable}) after the server
     * stops. Throws {@link IllegalStateException} with a one-line message to refuse to start (exit status 1).
     */
    @FunctionalInterface
    public interface PersistenceFactory {
        DurabilityGate open(DirectiveRegistry config, LibOS libos, CommandExecutor executor);
    }

    /** Sets the durable log's factory (none: no log). Before {@link #run}. */
    public ServerLauncher persistence(PersistenceFactory factory) {
        this.persistence = factory;
        return this;
    }

    /**
     * @param schema          the server's directives ({@code ServerDirectives.SCHEMA})
     * @param environment     the environment ({@code LIBOS}, {@code CONFIG_PATH})
     * @param out             where the start-up line goes
     * @param err             where errors go
     * @param executorFactory makes the command side from the loaded directive registry and the network
     *                        counters (which the command side reports in INFO)
     */
    public ServerLauncher(DirectiveSchema schema, Map<String, String> environment, PrintStream out, PrintStream err,
                          BiFunction<DirectiveRegistry, NetworkStats, CommandExecutor> executorFactory) {
        this.schema = schema;
        this.environment = environment;
        this.out = out;
        this.err = err;
        this.executorFactory = executorFactory;
    }

    /** What {@code --help} prints. */
    static String usage() {
        return """
                Usage: demikv-server [config.yaml] [--<directive> <value> ...]
                       demikv-server -v | --version
                       demikv-server -h | --help

                With no arguments: Redis clients on 127.0.0.1:6379 over Catnap (kernel sockets), data in ./data.
                Every redis.conf directive the server knows is an option, as with redis-server:
                  --port 7000 --bind 0.0.0.0 --requirepass s3cret --dir /var/lib/demikv --maxclients 10000
                  --appendonly yes --appendfsync always|everysec|no
                  --libos catnap|catnip      the libOS (also the LIBOS environment variable)
                config.yaml (examples in config/examples; CONFIG_PATH names it too) holds the libOS's sections and,
                under server:, the same directives. Options override the file. See docs/server.md.
                """;
    }

    /** The running server once {@link #run} has started it (for tests), else null. */
    public NetworkServer server() {
        return server;
    }

    /** Asks a running server to stop (any thread). */
    public void stop() {
        NetworkServer s = server;
        if (s != null) {
            s.requestStop();
        }
    }

    /**
     * Loads the configuration, starts the server and serves until it is stopped.
     *
     * @param args {@code [config.yaml] [--directive value]... [--libos name]}
     * @param installSignalHandlers whether SIGTERM and SIGINT should stop the server (the real process)
     * @return the process exit status: 0 after a clean stop, 1 after a start-up error
     */
    public int run(String[] args, boolean installSignalHandlers) {
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            out.print(usage());
            return 0;
        }
        if (args.length == 1 && (args[0].equals("-v") || args[0].equals("--version"))) {
            out.println("demikv " + VERSION);
            return 0;
        }
        Config config;
        NetworkSettings settings;
        Path dir;
        try {
            config = new ConfigLoader(schema, environment).load(args);
            settings = NetworkSettings.from(config.server());
            dir = Path.of(config.server().getString("dir"));
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("config error: " + e.getMessage());
            return 1;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException | RuntimeException e) {
            err.println("demikv: cannot create the data directory " + dir + ": " + e.getMessage());
            return 1;
        }
        String libosName = config.libos().name().configName();
        LibOS libos;
        try {
            libos = LibOsFactory.create(libosName, new LibOsOptions(
                    config.file().map(Path::toString).orElse(null), waitPolicy(config.libos().waitPolicy()), -1, -1));
        } catch (IllegalArgumentException | IllegalStateException | UnsatisfiedLinkError e) {
            err.println("demikv: cannot start the " + libosName + " libOS: " + e.getMessage());
            return 1;
        }
        try {
            NetworkStats stats = new NetworkStats();
            CommandExecutor executor;
            try {
                executor = executorFactory.apply(config.server(), stats);
            } catch (ConfigException e) {
                err.println(e.getMessage());
                return 1;
            } catch (IllegalArgumentException | IllegalStateException e) {
                err.println("demikv: cannot start: " + e.getMessage());
                return 1;
            }
            DurabilityGate gate = DurabilityGate.NONE;
            if (persistence != null) {
                try {
                    gate = persistence.open(config.server(), libos, executor);
                } catch (IllegalStateException | java.io.UncheckedIOException e) {
                    err.println(e.getMessage());
                    return 1;
                }
            }
            NetworkServer s = new NetworkServer(libos, executor, settings, stats);
            s.durabilityGate(gate);
            int rc = s.start();
            if (rc != 0) {
                err.println("demikv: " + s.describeStartError(rc));
                s.close();
                closeGate(gate);
                return 1;
            }
            server = s;
            if (installSignalHandlers) {
                installSignalHandlers(s);
            }
            out.println("demikv " + VERSION + " ready: listening on " + Endpoint.toString(s.boundEndpoint()) + " over "
                    + libos.name() + ", data dir " + dir + ", pid " + ProcessHandle.current().pid());
            out.flush();
            s.run();
            s.close();
            closeGate(gate);
            return gate.fatal() != null ? 1 : 0;
        } finally {
            server = null;
            libos.close();
        }
    }

    private void closeGate(DurabilityGate gate) {
        if (gate instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                err.println("demikv: closing the log failed: " + e);
            }
        }
    }

    private static WaitPolicy waitPolicy(WaitPolicyConfig c) {
        return new WaitPolicy(c.spinPolls(), c.yieldPolls(), c.minPark().toNanos(), c.maxPark().toNanos());
    }

    /**
     * SIGTERM and SIGINT set the server's stop flag; the loop sees it within one wait (100 ms at most). SIGINT
     * is first reset to its default disposition, so a server started in the background still obeys it.
     */
    @SuppressWarnings("sunapi")
    private static void installSignalHandlers(NetworkServer s) {
        io.demikv.kvstore.server.ffi.SignalDisposition.resetToDefault(io.demikv.kvstore.server.ffi.SignalDisposition.SIGINT);
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> s.requestStop());
            } catch (IllegalArgumentException e) {
                // the JVM reserves the signal (e.g. -Xrs): the default action stays
            }
        }
    }
}
