package io.demikv.kvstore.server;

import io.demikv.config.DirectiveSchema;
import io.demikv.config.DirectiveType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up and shut-down: configuration errors, the start-up line, stopping on request and on SHUTDOWN. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerLauncherTest {
    private static final DirectiveSchema SCHEMA = DirectiveSchema.builder()
            .add("port", DirectiveType.integer(0, 65535), "6379")
            .add("bind", DirectiveType.text(), "127.0.0.1")
            .add("requirepass", DirectiveType.text(), "")
            .add("protected-mode", DirectiveType.yesNo(), "yes")
            .add("maxclients", DirectiveType.integer(1, Integer.MAX_VALUE), "10000")
            .add("dir", DirectiveType.text(), "./data")
            .build();

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private ServerLauncher launcher(Map<String, String> env, MapExecutor executor) {
        return new ServerLauncher(SCHEMA, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), (r, stats) -> executor);
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rejectsAnUnknownOptionWithOneLineAndStatusOne() {
        int status = launcher(Map.of(), new MapExecutor()).run(new String[] {"--no-such-thing", "1"}, false);
        assertEquals(1, status);
        assertTrue(errText().startsWith("config error: argument --no-such-thing"), errText());
        assertEquals(1, errText().lines().count());
    }

    @Test
    void helpAndVersionPrintAndExitZeroWithoutStarting() {
        assertEquals(0, launcher(Map.of(), new MapExecutor()).run(new String[] {"--help"}, false));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.startsWith("Usage: demikv-server [config.yaml]"), help);
        assertTrue(help.contains("--appendfsync always|everysec|no"), help);
        out.reset();
        assertEquals(0, launcher(Map.of(), new MapExecutor()).run(new String[] {"-v"}, false));
        assertEquals("demikv " + ServerLauncher.VERSION, out.toString(StandardCharsets.UTF_8).strip());
        assertEquals("", errText());
    }

    @Test
    void rejectsAnOutOfRangePort() {
        int status = launcher(Map.of(), new MapExecutor()).run(new String[] {"--port", "70000"}, false);
        assertEquals(1, status);
        assertTrue(errText().contains("--port") && errText().contains("65535"), errText());
    }

    @Test
    void rejectsAMissingConfigFile() {
        int status = launcher(Map.of(), new MapExecutor()).run(new String[] {tmp.resolve("nope.yaml").toString()}, false);
        assertEquals(1, status);
        assertTrue(errText().contains("nope.yaml"), errText());
        assertEquals(1, errText().lines().count());
    }

    @Test
    void rejectsABindAddressItCannotUse() {
        int status = launcher(Map.of(), new MapExecutor())
                .run(new String[] {"--bind", "::1", "--dir", tmp.toString()}, false);
        assertEquals(1, status);
        assertTrue(errText().startsWith("config error: bind: '::1' is not an IPv4 address"), errText());
    }

    @Test
    void rejectsAnUnknownLibOS() {
        int status = launcher(Map.of("LIBOS", "nosuch"), new MapExecutor())
                .run(new String[] {"--dir", tmp.toString()}, false);
        assertEquals(1, status);
        assertEquals(1, errText().lines().count(), errText());
    }

    @Test
    void reportsAPortInUse() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            int status = launcher(Map.of(), new MapExecutor()).run(new String[] {"--port",
                    Integer.toString(taken.getLocalPort()), "--dir", tmp.toString()}, false);
            assertEquals(1, status);
            assertTrue(errText().contains("address already in use"), errText());
        }
    }

    @Test
    void logsOneReadyLineServesAndStopsCleanly() throws Exception {
        MapExecutor executor = new MapExecutor();
        ServerLauncher launcher = launcher(Map.of(), executor);
        Path dir = tmp.resolve("data");
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(
                () -> launcher.run(new String[] {"--port", "0", "--dir", dir.toString(), "--libos", "catnap"}, false));
        String line = awaitLine();
        Matcher m = Pattern.compile("demikv \\S+ ready: listening on 127\\.0\\.0\\.1:(\\d+) over catnap, data dir "
                + Pattern.quote(dir.toString()) + ", pid \\d+").matcher(line);
        assertTrue(m.matches(), line);
        assertTrue(Files.isDirectory(dir), "the data directory was created");
        try (RawClient c = new RawClient(Integer.parseInt(m.group(1)))) {
            assertEquals("+PONG\r\n", c.send("PING\r\n").reply());
        }
        launcher.stop();
        assertEquals(0, status.get(10, TimeUnit.SECONDS));
        assertEquals("", errText());
    }

    @Test
    void stopsOnShutdown() throws Exception {
        ServerLauncher launcher = launcher(Map.of(), new MapExecutor());
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(
                () -> launcher.run(new String[] {"--port", "0", "--dir", tmp.toString()}, false));
        String line = awaitLine();
        int port = Integer.parseInt(line.replaceAll(".*:(\\d+) over.*", "$1"));
        try (RawClient c = new RawClient(port)) {
            c.send("SHUTDOWN\r\n");
            assertEquals(0, status.get(10, TimeUnit.SECONDS));
        }
    }

    private String awaitLine() throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            String text = out.toString(StandardCharsets.UTF_8);
            if (text.contains("\n")) {
                return text.lines().findFirst().orElseThrow();
            }
            if (!errText().isEmpty()) {
                throw new AssertionError("start-up failed: " + errText());
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no start-up line");
    }
}
