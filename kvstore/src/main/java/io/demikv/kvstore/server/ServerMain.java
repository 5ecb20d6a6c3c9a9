package io.demikv.kvstore.server;

import io.demikv.kvstore.command.Commands;
import io.demikv.kvstore.command.ServerClock;
import io.demikv.kvstore.command.ServerDirectives;
import io.demikv.kvstore.persist.AppendOnlyLog;
import io.demikv.kvstore.persist.LogStore;
import io.demikv.libos.AbstractLibOS;

/**
 * The {@code main} of {@code bin/demikv-server}: {@code demikv-server [config.yaml] [--port N] [--bind ADDR]
 * [--requirepass X] [--dir D] [--libos catnap] ...} (every redis.conf directive in
 * {@link ServerDirectives} works as {@code --name value}; {@code LIBOS} and {@code CONFIG_PATH} are read from
 * the environment). Wires configuration → libOS → {@link NetworkServer} → {@link Commands}; see
 * {@link ServerLauncher}. Exits 0 after SIGTERM, SIGINT or SHUTDOWN, 1 after a start-up error.
 */
public final class ServerMain {
    private ServerMain() {
    }

    public static void main(String[] args) {
        ServerLauncher launcher = new ServerLauncher(ServerDirectives.SCHEMA, System.getenv(), System.out, System.err,
                (registry, stats) -> {
                    Commands commands = new Commands(registry, ServerClock.system());
                    commands.attach(stats);
                    return commands;
                }).persistence((registry, libos, executor) -> AppendOnlyLog.open((AbstractLibOS) libos,
                        (Commands) executor, registry, LogStore.fromConfig(registry), System.err));
        System.exit(launcher.run(args, true));
    }
}
