package io.demikv.kvstore.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Debian's {@code redis-server} started on a free loopback port (no persistence, own temporary directory), the
 * reference the redis-cli output of our server is compared with. {@link #close} kills it.
 */
final class RedisServer implements AutoCloseable {
    private final Process process;
    private final Path dir;
    final int port;

    private RedisServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Started with extra {@code --directive value} arguments, or empty (with a printed note) when not installed. */
    static Optional<RedisServer> startIfInstalled(String... extraArgs) throws IOException, InterruptedException {
        Optional<Path> binary = Processes.find("redis-server");
        if (binary.isEmpty()) {
            System.out.println("NOTE: redis-server is not installed (Debian package redis-server): "
                    + "the differential comparisons are skipped");
            return Optional.empty();
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path dir = Files.createTempDirectory("redis-cli-ref");
        List<String> cmd = new ArrayList<>(List.of(binary.get().toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--daemonize", "no", "--logfile", ""));
        cmd.addAll(List.of(extraArgs));
        Process p = Processes.start(new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()));
        RedisServer r = new RedisServer(p, dir, port);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                new Socket("127.0.0.1", port).close();
                return Optional.of(r);
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    r.close();
                    throw new IOException("redis-server did not start on port " + port + ": "
                            + Files.readString(dir.resolve("redis.log")));
                }
                Thread.sleep(20);
            }
        }
    }

    @Override
    public void close() {
        Processes.kill(process.toHandle());
        Processes.deleteTree(dir);
    }
}
