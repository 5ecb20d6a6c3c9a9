package io.demikv.ycsb;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis-compatible server in a child process for the tests: Debian's {@code redis-server}, or ours via
 * {@code bin/demikv-server} (as a process, so this module never depends on kvstore). {@link #close()}
 * kills the process and every process it started (a build started by the launch script included).
 */
final class ServerProcess implements AutoCloseable {
    static final Path REDIS_SERVER = Path.of("/usr/bin/redis-server");

    final String name;
    final int port;
    private final Process process;
    private final Path log;

    private ServerProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code redis-server} without persistence; {@code null} (with the reason printed) if it cannot. */
    static ServerProcess redis(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(REDIS_SERVER)) {
            System.out.println("SKIP: " + REDIS_SERVER + " is absent (apt-get install redis-server)");
            return null;
        }
        int port = freePort();
        List<String> cmd = List.of(REDIS_SERVER.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString());
        return start("redis-server", cmd, dir, port, Duration.ofSeconds(20));
    }

    /**
     * Starts ours through {@code bin/demikv-server}, which builds kvstore first when needed (a minute or
     * more on a cold tree); {@code null} (with the reason printed) if it does not answer in time.
     */
    static ServerProcess demikv(Path dir) throws IOException, InterruptedException {
        Path script = repositoryRoot().resolve("bin/demikv-server");
        if (!Files.isExecutable(script)) {
            System.out.println("SKIP: " + script + " is missing");
            return null;
        }
        int port = freePort();
        List<String> cmd = List.of(script.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--dir", dir.toString());
        return start("demikv-server", cmd, dir, port, Duration.ofMinutes(6));
    }

    private static ServerProcess start(String name, List<String> cmd, Path dir, int port, Duration patience)
            throws IOException, InterruptedException {
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Process p = pb.start();
        ServerProcess server = new ServerProcess(name, port, p, log);
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                System.out.println("SKIP: " + name + " exited with " + p.exitValue() + " before answering:\n" + server.tail());
                return null;
            }
            if (server.answersPing()) {
                return server;
            }
            Thread.sleep(200);
        }
        System.out.println("SKIP: " + name + " did not answer PING on port " + port + " within " + patience + ":\n"
                + server.tail());
        server.close();
        return null;
    }

    /** Sends an inline PING and expects {@code +PONG}. */
    private boolean answersPing() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1_000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[16];
            int n = s.getInputStream().read(buf);
            return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The repository root: the parent of this module's folder (Maven runs tests in the module folder). */
    static Path repositoryRoot() {
        Path module = Path.of("").toAbsolutePath();
        return Files.isRegularFile(module.resolve("../pom.xml")) && Files.isDirectory(module.resolve("../bin"))
                ? module.getParent()
                : module;
    }
}
