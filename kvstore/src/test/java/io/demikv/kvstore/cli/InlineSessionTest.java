package io.demikv.kvstore.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Inline commands as a human sends them: through {@code nc} (CRLF line endings, all at once) and through a
 * telnet-like socket session (bare {@code \n}, one line at a time, one line typed a byte at a time), with
 * Redis's quoting rules, errors and QUIT. Compared byte for byte with redis-server when it is installed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InlineSessionTest {
    private static ServerPair servers;

    @BeforeAll
    static void start() throws Exception {
        servers = ServerPair.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (servers != null) {
                servers.close();
            }
        } finally {
            Processes.killAll();
        }
    }

    @BeforeEach
    void flush() throws Exception {
        servers.flushAll();
    }

    private static List<Integer> ports() {
        List<Integer> ports = new ArrayList<>(List.of(servers.oursPort()));
        servers.redis.ifPresent(r -> ports.add(r.port));
        return ports;
    }

    /** {@code printf '...' | nc -q1 127.0.0.1 PORT}: what comes back, on each server. */
    private static List<String> nc(String input) throws Exception {
        String nc = Processes.require("nc", "netcat-openbsd").toString();
        List<String> outputs = new ArrayList<>();
        for (int port : ports()) {
            Cli.Result r = Cli.exec(List.of(nc, "-q1", "127.0.0.1", Integer.toString(port)), Cli.bytes(input),
                    Duration.ofSeconds(30));
            assertEquals("", r.err());
            outputs.add(r.out());
        }
        return outputs;
    }

    private static void assertSame(List<String> outputs) {
        if (outputs.size() == 2) {
            assertEquals(outputs.get(1), outputs.get(0), "redis-server (expected) and ours");
        }
    }

    @Test
    void ncSessionWithInlineCommands() throws Exception {
        List<String> out = nc("PING\r\nSET a \"b c\"\r\nGET a\r\n");
        assertEquals("+PONG\r\n+OK\r\n$3\r\nb c\r\n", out.get(0));
        assertSame(out);
        out = nc("SET q \"x\\ty\\x41\\n\"\r\nGET q\r\nSTRLEN q\r\n\r\nECHO 'it\\'s'\r\nINCR a\r\nFOO\r\n  get   a  \r\n"
                + "MGET a q nope\r\nSET \"a\r\nPING\r\n");
        assertEquals("+OK\r\n$5\r\nx\tyA\n\r\n:5\r\n$4\r\nit's\r\n-ERR value is not an integer or out of range\r\n"
                + "-ERR unknown command 'FOO', with args beginning with: \r\n$3\r\nb c\r\n"
                + "*3\r\n$3\r\nb c\r\n$5\r\nx\tyA\n\r\n$-1\r\n-ERR Protocol error: unbalanced quotes in request\r\n",
                out.get(0));
        assertSame(out);
    }

    @Test
    void telnetLikeSessionWithBareNewlines() throws Exception {
        String[] lines = {"PING", "SET greeting \"hello world\"", "GET greeting", "  incr   counter  ", "INCR counter",
            "ECHO 'single quoted'", "SET x \"a\\x41\\tb\"", "STRLEN x", "MGET greeting nope", "FOO bar", "SET",
            "SELECT 1", "GET greeting", "DBSIZE", "SELECT 0", "EXISTS greeting x counter", "TTL greeting",
            "SET e 1 EX 100", "TTL e", "HELLO 3", "GET nope", "CONFIG GET maxclients", "HELLO 2", "QUIT"};
        List<String> transcripts = new ArrayList<>();
        for (int port : ports()) {
            StringBuilder t = new StringBuilder();
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                for (String line : lines) {
                    out.write(Cli.bytes(line + "\n"));
                    out.flush();
                    t.append("> ").append(line).append('\n').append(readReply(in));
                }
                // The empty line gets no reply; after QUIT's +OK the server closes the connection.
                s.setSoTimeout(5_000);
                t.append("after QUIT: ").append(in.read()).append('\n');
            }
            transcripts.add(Cli.normalize(t.toString().replaceAll(":\\d+\r\n\\$4\r\nmode", ":ID\r\n\\$4\r\nmode")
                    .replaceAll("\\$2\r\nid\r\n:\\d+", "\\$2\r\nid\r\n:ID")));
        }
        String ours = transcripts.get(0);
        assertEquals(true, ours.startsWith("> PING\n+PONG\r\n> SET greeting \"hello world\"\n+OK\r\n"
                + "> GET greeting\n$11\r\nhello world\r\n>   incr   counter  \n:1\r\n> INCR counter\n:2\r\n"
                + "> ECHO 'single quoted'\n$13\r\nsingle quoted\r\n> SET x \"a\\x41\\tb\"\n+OK\r\n> STRLEN x\n:4\r\n"), ours);
        assertEquals(true, ours.endsWith("> QUIT\n+OK\r\nafter QUIT: -1\n"), ours);
        assertSame(transcripts);
    }

    /** A line typed slowly arrives in many segments; a lone \r\n or \n between commands is ignored. */
    @Test
    void lineTypedAByteAtATime() throws Exception {
        List<String> replies = new ArrayList<>();
        for (int port : ports()) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setTcpNoDelay(true);
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                for (byte b : Cli.bytes("SET typed \"one by one\"\r\n\n\r\nGET typed\nECHO \"x y\" 'z'\nPING\r\n")) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(2);
                }
                InputStream in = s.getInputStream();
                replies.add(readReply(in) + readReply(in) + readReply(in) + readReply(in));
            }
        }
        assertEquals("+OK\r\n$10\r\none by one\r\n-ERR wrong number of arguments for 'echo' command\r\n+PONG\r\n",
                replies.get(0));
        assertSame(replies);
    }

    /** One complete RESP2/RESP3 reply, raw. */
    private static String readReply(InputStream in) throws IOException {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        try {
            readElement(in, copy);
        } catch (SocketTimeoutException e) {
            copy.writeBytes(Cli.bytes("<no reply>\n"));
        }
        return Cli.text(copy.toByteArray());
    }

    private static void readElement(InputStream in, ByteArrayOutputStream copy) throws IOException {
        String line = readLine(in, copy);
        if (line == null) {
            copy.writeBytes(Cli.bytes("<closed>\n"));
            return;
        }
        String rest = line.substring(1);
        switch (line.charAt(0)) {
            case '$', '=', '!' -> {
                int len = Integer.parseInt(rest);
                if (len >= 0) {
                    copy.writeBytes(in.readNBytes(len + 2));
                }
            }
            case '*', '~', '>' -> {
                for (int i = Integer.parseInt(rest); i > 0; i--) {
                    readElement(in, copy);
                }
            }
            case '%', '|' -> {
                for (int i = 2 * Integer.parseInt(rest); i > 0; i--) {
                    readElement(in, copy);
                }
            }
            default -> { }
        }
    }

    private static String readLine(InputStream in, ByteArrayOutputStream copy) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            copy.write(c);
            if (prev == '\r' && c == '\n') {
                byte[] b = line.toByteArray();
                return Cli.text(java.util.Arrays.copyOf(b, b.length - 1));
            }
            line.write(c);
            prev = c;
        }
    }
}
