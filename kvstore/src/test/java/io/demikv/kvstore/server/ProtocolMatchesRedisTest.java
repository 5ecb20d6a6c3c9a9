package io.demikv.kvstore.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Differential test against the real thing: the same raw bytes (well-formed, malformed, split, oversized)
 * sent to Debian's {@code redis-server} 7.0 and to our server give byte-identical replies, and both close the
 * connection (or keep it) alike. Uses only PING and ECHO, which the test executor answers as Redis does.
 * Skipped when {@code redis-server} is not installed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProtocolMatchesRedisTest {
    private static final Path REDIS = Path.of("/usr/bin/redis-server");
    private static Process redis;
    private static int redisPort;
    private static ServerHarness ours;

    @BeforeAll
    static void startBoth() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(REDIS), "redis-server is not installed");
        try (ServerSocket probe = new ServerSocket(0)) {
            redisPort = probe.getLocalPort();
        }
        redis = new ProcessBuilder(REDIS.toString(), "--port", Integer.toString(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (Socket s = new Socket("127.0.0.1", redisPort)) {
                break;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("redis-server did not start on port " + redisPort);
                }
                Thread.sleep(20);
            }
        }
        ours = new ServerHarness(new MapExecutor());
        ours.port();
    }

    @AfterAll
    static void stopBoth() throws Exception {
        if (redis != null) {
            redis.destroy();
            redis.waitFor(5, TimeUnit.SECONDS);
        }
        if (ours != null) {
            assertEquals("", ours.stop());
        }
    }

    static List<String> inputs() {
        return List.of(
                "PING\r\n",
                "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n",
                "*0\r\n*-5\r\n\r\n  \r\nPING\r\n",
                "*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n",
                "*1\r\n$4\r\nPING\r\n*x\r\n",
                "*3000000000\r\n",
                "*2147483648\r\n",
                "*01\r\n",
                "*1\r\n$-1\r\n",
                "*1\r\n$abc\r\n",
                "*1\r\n$536870913\r\n",
                "*2\r\n$4\r\nECHO\r\n:1\r\n",
                "*1\r\n\r\n\r\n",
                "*1\r\n\u00e9\r\n",
                "PING\r\nECHO \"abc\r\n",
                "ECHO 'a'b\r\n",
                "ECHO \"a\"b\r\n",
                "ECHO \"\\x41\\x4g\\n\\q\"\r\n",
                "ECHO 'it\\'s'\r\n",
                "ECHO a\0b\r\nPING\r\n",
                "ECHO a\0b\r\n" + "y".repeat(70_000),
                "*1\0\r\n$4\r\nPING\r\n",
                "*2\r\n$4\r\nECHO\r\n$3\r\n\0\0\0\r\n",
                "ECHO\t\u000bx\r\n",
                "PING \"\"\n",
                "A".repeat(70_000),
                "*" + "1".repeat(70_000),
                "*1\r\n$" + "1".repeat(70_000),
                "ECHO " + "z".repeat(70_000) + "\r\n");
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("inputs")
    void repliesAndClosesExactlyAsRedis(String input) throws Exception {
        assertEquals(exchange(redisPort, input), exchange(ours.port(), input), "input " + printable(input));
    }

    private static String exchange(int port, String input) throws IOException {
        try (RawClient c = new RawClient(port)) {
            c.send(input);
            String got = c.readUntilQuiet(300);
            return got.length() > 300 ? got.substring(0, 150) + "..." + got.length() + " bytes" : got;
        }
    }

    private static String printable(String s) {
        String head = s.length() > 60 ? s.substring(0, 60) + "...(" + s.length() + " bytes)" : s;
        return head.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
    }
}
