package io.demikv.kvstore.catnip;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code demikv-server --libos catnip} (its {@code ServerMain}, in a child JVM inside a namespace of its own, Catnip
 * on a raw socket at one end of a veth pair, configured by a YAML file with our address, MAC and a static ARP
 * entry) against real clients on the Linux kernel's TCP in another namespace: {@code redis-cli} (SET/GET, a 10 MB
 * value, {@code --pipe} with 1000 commands), {@code redis-benchmark} with 50 connections, and Lettuce (a 10 MB
 * binary value, 1000 pipelined commands, 50 connections at once), then SHUTDOWN: the process exits 0.
 *
 * <p>Root only (namespaces, raw sockets), with {@code redis-cli}, {@code redis-benchmark} and {@code ethtool};
 * otherwise skipped with the reason printed. A capture of the kernel's interface is kept for each failing test
 * (path printed) and the server's output is printed at the end. The namespaces (and the veth pair in them) are
 * deleted afterwards and the server is killed if it still runs; every step is bounded in time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CatnipServerInteropTest {
    static final String KERNEL_IP = "10.216.1.1";
    static final String STACK_IP = "10.216.1.2";
    static final String KERNEL_MAC = "02:00:00:d8:00:01";
    static final String STACK_MAC = "02:00:00:d8:00:02";
    static final int PORT = 6379;
    static final int TEN_MB = 10 << 20;

    private final String suffix = Long.toString(ProcessHandle.current().pid() % 100_000);
    private final String kernelNs = "kvk" + suffix;
    private final String stackNs = "kvs" + suffix;
    private final List<String> namespaces = new ArrayList<>();
    private final StringBuffer serverOutput = new StringBuffer();
    private String skipped;
    private Path dir;
    private Process server;
    private ExecutorService kernelThreads;
    private RedisClient lettuce;
    /** Held so the level sticks: Lettuce logs one INFO line per connection through java.util.logging. */
    private final java.util.logging.Logger lettuceLog = java.util.logging.Logger.getLogger("io.lettuce.core");

    @RegisterExtension
    final KernelCaptures captures = new KernelCaptures(() -> skipped == null ? new String[] {kernelNs, kernelNs} : null);

    @BeforeAll
    void startServer() throws Exception {
        lettuceLog.setLevel(java.util.logging.Level.WARNING);
        skipped = unavailableReason();
        if (skipped == null) {
            try {
                link();
            } catch (RuntimeException e) {
                skipped = "cannot make the namespaces and the veth pair here: " + e.getMessage();
            }
        }
        if (skipped != null) {
            System.out.println("[interop] CatnipServerInteropTest skipped: " + skipped);
            return;
        }
        dir = Files.createTempDirectory("demikv-catnip");
        Path yaml = dir.resolve("catnip.yaml");
        Files.writeString(yaml, """
                # Written by CatnipServerInteropTest: Catnip on a raw socket, the kernel at %s.
                demikernel:
                  local_ipv4_addr: "%s"
                  local_link_addr: "%s"
                raw_socket:
                  linux_interface_name: "%s"
                catnip:
                  device: raw_socket
                inetstack_config:
                  mtu: 1500
                  arp_table:
                    "%s": "%s"
                tcp_socket_options:
                  nodelay: true
                libos:
                  name: catnip
                server:
                  bind: "%s"
                  port: %d
                  protected-mode: "no"
                """.formatted(KERNEL_IP, STACK_IP, STACK_MAC, stackNs, KERNEL_IP, KERNEL_MAC, STACK_IP, PORT));
        List<String> command = List.of("ip", "netns", "exec", stackNs,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.demikv.kvstore.server.ServerMain",
                yaml.toString(), "--dir", dir.resolve("data").toString());
        server = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream()))) {
                for (String line; (line = r.readLine()) != null; ) {
                    serverOutput.append(line).append('\n');
                    if (line.contains(" ready: listening on ")) {
                        ready.complete(true);
                    }
                }
            } catch (IOException ignored) {
                // the server ended
            }
            ready.complete(false);
        });
        assertTrue(ready.get(60, TimeUnit.SECONDS), "the server did not start:\n" + serverOutput);
        assertTrue(serverOutput.toString().contains("over catnip"), serverOutput.toString());
        kernelThreads = Executors.newCachedThreadPool(KernelNamespace.threads(kernelNs));
        lettuce = inKernel(() -> RedisClient.create(RedisURI.builder().withHost(STACK_IP).withPort(PORT)
                .withTimeout(Duration.ofSeconds(30)).build()));
    }

    private static String unavailableReason() throws IOException {
        if (!Files.readString(Path.of("/proc/self/status")).lines()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"))) {
            return "not root: the test makes network namespaces, a veth pair and a raw socket";
        }
        for (String tool : new String[] {"ip", "ethtool", "redis-cli", "redis-benchmark"}) {
            if (Arrays.stream(new String[] {"/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/"})
                    .noneMatch(d -> Files.isExecutable(Path.of(d + tool)))) {
                return tool + " is not installed";
            }
        }
        return null;
    }

    private void link() {
        for (String ns : new String[] {kernelNs, stackNs}) {
            run("ip", "netns", "add", ns);
            namespaces.add(ns);
            run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        // The interfaces are named after their namespaces.
        run("ip", "link", "add", kernelNs, "netns", kernelNs, "type", "veth", "peer", "name", stackNs, "netns", stackNs);
        run("ip", "-n", kernelNs, "link", "set", kernelNs, "address", KERNEL_MAC);
        run("ip", "-n", kernelNs, "addr", "add", KERNEL_IP + "/24", "dev", kernelNs);
        run("ip", "-n", kernelNs, "link", "set", kernelNs, "up");
        run("ip", "-n", stackNs, "link", "set", stackNs, "up");
        // Full checksums and no 64 KB GSO frames from the kernel (DESIGN.md, runtime facts).
        run("ip", "netns", "exec", kernelNs, "ethtool", "-K", kernelNs, "tx", "off", "tso", "off", "gso", "off");
    }

    @AfterAll
    void stopServer() throws Exception {
        try {
            if (lettuce != null) {
                lettuce.shutdown(Duration.ZERO, Duration.ofSeconds(5));
            }
            if (kernelThreads != null) {
                kernelThreads.shutdownNow();
            }
            if (server != null && server.isAlive()) {
                server.destroy();
                if (!server.waitFor(10, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                    server.waitFor(5, TimeUnit.SECONDS);
                }
            }
            if (server != null) {
                System.out.print(serverOutput.toString().lines().map(l -> "[server] " + l + "\n")
                        .reduce("", String::concat));
            }
        } finally {
            for (int i = namespaces.size() - 1; i >= 0; i--) {
                try {
                    run("ip", "netns", "delete", namespaces.get(i));
                } catch (RuntimeException e) {
                    System.out.println("[interop] cleanup: " + e.getMessage());
                }
            }
            if (dir != null) {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
                }
            }
        }
    }

    @BeforeEach
    void skipWhenUnavailable() {
        assumeTrue(skipped == null, skipped);
        assertTrue(server.isAlive(), "the server died:\n" + serverOutput);
    }

    /** Runs a command (bounded to 30 s); throws with its output unless it exits 0. */
    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + ": timed out");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code redis-cli -h STACK_IP -p PORT args...} in the kernel's namespace; stdin/stdout from/to files if given. */
    private String cli(Path stdin, Path stdout, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", kernelNs, "redis-cli", "-h", STACK_IP,
                "-p", Integer.toString(PORT)));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        }
        if (stdout != null) {
            pb.redirectOutput(stdout.toFile());
        }
        Process p = pb.start();
        CompletableFuture<byte[]> out = stdout != null ? CompletableFuture.completedFuture(new byte[0])
                : CompletableFuture.supplyAsync(() -> {
                    try {
                        return p.getInputStream().readAllBytes();
                    } catch (IOException e) {
                        return new byte[0];
                    }
                });
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("redis-cli " + String.join(" ", args) + " did not finish in 60 s");
        }
        String text = new String(out.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "redis-cli " + String.join(" ", args) + ": " + text);
        return text;
    }

    /** Runs {@code action} on a thread inside the kernel's namespace (where Lettuce's sockets must be made). */
    private <T> T inKernel(Callable<T> action) throws Exception {
        return kernelThreads.submit(action).get(100, TimeUnit.SECONDS);
    }

    @Test
    @Order(1)
    void redisCliSetsAndGets() throws Exception {
        assertEquals("PONG\n", cli(null, null, "PING"));
        assertEquals("OK\n", cli(null, null, "SET", "greeting", "hello from the kernel"));
        assertEquals("hello from the kernel\n", cli(null, null, "GET", "greeting"));
        assertEquals("\n", cli(null, null, "GET", "missing"));
    }

    @Test
    @Order(2)
    void redisCliStoresAndReadsBackATenMegabyteValue() throws Exception {
        Random random = new Random(42);
        byte[] value = new byte[TEN_MB];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('a' + random.nextInt(26)); // printable: redis-cli prints it raw, as it was sent
        }
        Path in = dir.resolve("big.txt");
        Path out = dir.resolve("big.out");
        Files.write(in, value);
        assertEquals("OK\n", cli(in, null, "-x", "SET", "big"));
        assertEquals(TEN_MB + "\n", cli(null, null, "STRLEN", "big"));
        cli(null, out, "GET", "big");
        byte[] got = Files.readAllBytes(out);
        assertEquals(TEN_MB + 1, got.length, "the value and redis-cli's newline");
        assertTrue(Arrays.equals(value, 0, TEN_MB, got, 0, TEN_MB), "GET returns the 10 MB byte for byte");
    }

    @Test
    @Order(3)
    void lettuceStoresAndReadsBackATenMegabyteBinaryValue() throws Exception {
        byte[] value = new byte[TEN_MB];
        new Random(43).nextBytes(value);
        byte[] got = inKernel(() -> {
            try (StatefulRedisConnection<byte[], byte[]> c = lettuce.connect(ByteArrayCodec.INSTANCE)) {
                RedisCommands<byte[], byte[]> sync = c.sync();
                assertEquals("OK", sync.set("binary".getBytes(), value));
                return sync.get("binary".getBytes());
            }
        });
        assertArrayEquals(value, got);
    }

    @Test
    @Order(4)
    void redisCliPipesAThousandCommands() throws Exception {
        StringBuilder resp = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            String key = "pipe:" + i;
            String val = "value-" + i;
            resp.append("*3\r\n$3\r\nSET\r\n$").append(key.length()).append("\r\n").append(key).append("\r\n$")
                    .append(val.length()).append("\r\n").append(val).append("\r\n");
        }
        Path in = dir.resolve("pipe.resp");
        Files.writeString(in, resp);
        String out = cli(in, null, "--pipe");
        assertTrue(out.contains("errors: 0, replies: 1000"), out);
        assertEquals("value-0\n", cli(null, null, "GET", "pipe:0"));
        assertEquals("value-999\n", cli(null, null, "GET", "pipe:999"));
    }

    @Test
    @Order(5)
    void lettucePipelinesAThousandCommands() throws Exception {
        List<Object> replies = inKernel(() -> {
            try (StatefulRedisConnection<String, String> c = lettuce.connect()) {
                c.setAutoFlushCommands(false);
                RedisAsyncCommands<String, String> async = c.async();
                List<RedisFuture<?>> futures = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    futures.add(async.set("lettuce:" + i, "v" + i));
                    futures.add(async.incr("lettuce:counter"));
                }
                c.flushCommands();
                List<Object> all = new ArrayList<>();
                for (RedisFuture<?> f : futures) {
                    all.add(f.get(30, TimeUnit.SECONDS));
                }
                c.setAutoFlushCommands(true);
                all.add(c.sync().get("lettuce:499"));
                return all;
            }
        });
        assertEquals(1001, replies.size());
        assertEquals("OK", replies.get(0));
        assertEquals(500L, replies.get(999), "the 500th INCR");
        assertEquals("v499", replies.get(1000));
    }

    @Test
    @Order(6)
    void fiftyLettuceConnectionsAtOnce() throws Exception {
        int connections = 50;
        List<StatefulRedisConnection<String, String>> open = inKernel(() -> {
            List<StatefulRedisConnection<String, String>> all = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                all.add(lettuce.connect());
            }
            return all;
        });
        try {
            List<Future<Integer>> work = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                RedisCommands<String, String> sync = open.get(i).sync();
                int id = i;
                work.add(kernelThreads.submit(() -> {
                    for (int j = 0; j < 100; j++) {
                        String key = "conn:" + id + ":" + j;
                        assertEquals("OK", sync.set(key, "v" + j));
                        assertEquals("v" + j, sync.get(key));
                    }
                    return id;
                }));
            }
            for (Future<Integer> f : work) {
                f.get(100, TimeUnit.SECONDS);
            }
            String clients = inKernel(() -> open.get(0).sync().info("clients"));
            assertTrue(clients.contains("connected_clients:" + connections), clients);
        } finally {
            inKernel(() -> {
                open.forEach(StatefulRedisConnection::close);
                return null;
            });
        }
    }

    @Test
    @Order(7)
    void redisBenchmarkWithFiftyConnections() throws Exception {
        String out = run("ip", "netns", "exec", kernelNs, "redis-benchmark", "-h", STACK_IP, "-p",
                Integer.toString(PORT), "-c", "50", "-n", "20000", "-t", "set,get", "-d", "64", "-q");
        // lines() splits at \r too, which ends each progress line; keep the summaries ("SET: 13089.00 requests ...").
        String summary = out.lines().filter(l -> l.contains("requests per second"))
                .reduce("", (a, b) -> a + " " + b.strip());
        System.out.println("[interop] redis-benchmark -c 50 against Catnip:" + summary);
        assertTrue(out.contains("SET: ") && out.contains("GET: ") && out.contains("requests per second"), out);
    }

    @Test
    @Order(100)
    void shutdownEndsTheServerCleanly() throws Exception {
        cli(null, null, "SHUTDOWN", "NOSAVE");
        assertTrue(server.waitFor(15, TimeUnit.SECONDS), "the server did not exit after SHUTDOWN:\n" + serverOutput);
        assertEquals(0, server.exitValue(), serverOutput.toString());
        assertTrue(!serverOutput.toString().contains("Exception"), serverOutput.toString());
    }
}
