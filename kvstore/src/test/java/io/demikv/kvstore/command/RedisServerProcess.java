package io.demikv.kvstore.command;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} started on a free loopback port for differential tests, with a tiny RESP
 * client that returns raw reply bytes. {@link #close} always stops the process (destroy, then force). Public
 * for the differential tests of other packages (the network ones in {@code server}).
 */
public final class RedisServerProcess implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/redis-server");

    private final Process process;
    private final Path dir;
    public final int port;

    private RedisServerProcess(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    public static RedisServerProcess start(String... extraArgs) throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path dir = Files.createTempDirectory("redis-diff");
        List<String> cmd = new java.util.ArrayList<>(List.of(BINARY.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--daemonize", "no", "--logfile", ""));
        cmd.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        RedisServerProcess r = new RedisServerProcess(p, dir, port);
        // Belt and braces: should the test JVM exit without @AfterAll, do not leave redis-server behind.
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "stop-redis-" + port));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                new Socket("127.0.0.1", port).close();
                return r;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    r.close();
                    throw new IOException("redis-server did not start on port " + port);
                }
                Thread.sleep(20);
            }
        }
    }

    Client client() throws IOException {
        return new Client(new Socket("127.0.0.1", port));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // temporary directory; best effort
        }
    }

    /** A blocking RESP client returning each reply's raw bytes. */
    static final class Client implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Client(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(10_000);
            this.in = new java.io.BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        byte[] call(byte[]... argv) throws IOException {
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            req.writeBytes(("*" + argv.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (byte[] a : argv) {
                req.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                req.writeBytes(a);
                req.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write(req.toByteArray());
            out.flush();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            readElement(reply);
            return reply.toByteArray();
        }

        private String readLine(ByteArrayOutputStream copy) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int prev = -1;
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                copy.write(c);
                if (prev == '\r' && c == '\n') {
                    byte[] b = line.toByteArray();
                    return new String(b, 0, b.length - 1, StandardCharsets.ISO_8859_1);
                }
                line.write(c);
                prev = c;
            }
        }

        private void readElement(ByteArrayOutputStream copy) throws IOException {
            String line = readLine(copy);
            char type = line.charAt(0);
            String rest = line.substring(1);
            switch (type) {
                case '$', '=', '!' -> {
                    int len = Integer.parseInt(rest);
                    if (len >= 0) {
                        copy.writeBytes(in.readNBytes(len + 2));
                    }
                }
                case '*', '~', '>' -> {
                    int n = Integer.parseInt(rest);
                    for (int i = 0; i < n; i++) {
                        readElement(copy);
                    }
                }
                case '%', '|' -> {
                    int n = Integer.parseInt(rest);
                    for (int i = 0; i < 2 * n; i++) {
                        readElement(copy);
                    }
                }
                default -> { }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
