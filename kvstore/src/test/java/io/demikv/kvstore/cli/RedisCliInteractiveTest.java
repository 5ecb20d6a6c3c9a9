package io.demikv.kvstore.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interactive redis-cli in a real terminal (a tmux pane): the command hints it builds from our
 * {@code COMMAND DOCS} (typing {@code SET } shows {@code key value [NX|XX] ...}), {@code HELP}, a session's
 * rendering (prompts with the database, RESP3 maps, errors, nil), reconnecting after the server closed the
 * connection, and the help fallback before AUTH. Each screen is compared with the same typing against
 * redis-server 7.0.15 when it is installed. Skipped, with a printed reason, without tmux.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisCliInteractiveTest {
    private static final Pattern PROMPT_LINE = Pattern.compile("(?m)^(?:127\\.0\\.0\\.1:\\d+(?:\\[\\d+])?|not connected)>");
    private static final AtomicInteger SESSIONS = new AtomicInteger();
    private static Tmux tmux;
    private static ServerPair servers;

    @BeforeAll
    static void start() throws Exception {
        Cli.binary();
        tmux = new Tmux();
        servers = ServerPair.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (tmux != null) {
                tmux.close();
            }
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

    /** Ends the test's redis-cli sessions and waits until both servers saw them go. */
    @AfterEach
    void closeSessions() throws Exception {
        tmux.killSessions();
        for (int port : ports()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Cli.run(port, "INFO", "clients").out()
                    .contains("connected_clients:1\r\n")) {
                assertTrue(System.nanoTime() < deadline, "the sessions' connections closed on port " + port);
                Thread.sleep(20);
            }
        }
    }

    /** Starts interactive redis-cli on {@code port} in a new pane; returns the session name once the prompt shows. */
    private static String open(int port, String... extraArgs) throws Exception {
        String name = "cli" + SESSIONS.incrementAndGet();
        List<String> cmd = Cli.command(port, extraArgs);
        tmux.start(name, cmd);
        String prompt = "127.0.0.1:" + port + ">";
        tmux.await(name, s -> s.endsWith(prompt), Duration.ofSeconds(20), "the prompt " + prompt);
        return name;
    }

    private static String prompt(int port) {
        return "127.0.0.1:" + port + "> ";
    }

    private static long docsCalls() throws Exception {
        Matcher m = Pattern.compile("cmdstat_command\\|docs:calls=(\\d+)")
                .matcher(Cli.run(servers.oursPort(), "INFO", "commandstats").out());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static Set<String> commandList(int port) throws Exception {
        Set<String> names = new TreeSet<>();
        for (String n : Cli.run(port, "COMMAND", "LIST").out().split("\n")) {
            if (!n.isEmpty()) {
                names.add(n.replace('|', ' '));
            }
        }
        return names;
    }

    @Test
    void showsHintsBuiltFromCommandDocs() throws Exception {
        long before = docsCalls();
        int port = servers.oursPort();
        String s = open(port);
        assertEquals(before + 1, docsCalls(), "interactive redis-cli asked for COMMAND DOCS once");
        String p = prompt(port);
        assertEquals("SET key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT "
                + "unix-time-milliseconds|KEEPTTL]", tmux.typeAndRead(s, p, "SET "));
        assertEquals("set key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT "
                + "unix-time-milliseconds|KEEPTTL]", tmux.typeAndRead(s, p, "set "));
        assertEquals("SET k v [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT "
                + "unix-time-milliseconds|KEEPTTL]", tmux.typeAndRead(s, p, "SET k v "));
        assertEquals("GETEX key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|PERSIST]",
                tmux.typeAndRead(s, p, "GETEX "));
        assertEquals("EXPIRE key seconds [NX|XX|GT|LT]", tmux.typeAndRead(s, p, "EXPIRE "));
        assertEquals("SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]", tmux.typeAndRead(s, p, "SCAN "));
        assertEquals("CONFIG SET parameter value [parameter value ...]", tmux.typeAndRead(s, p, "CONFIG SET "));
        assertEquals("DBSIZE", tmux.typeAndRead(s, p, "DBSIZE "));
        if (servers.redis.isPresent()) {
            // A command Redis has and we do not: Redis's docs give it a hint, ours none - the hints are from the server.
            Set<String> theirCommands = commandList(servers.redis.get().port);
            Set<String> missing = new TreeSet<>(theirCommands);
            missing.removeAll(commandList(port));
            // Containers (ACL, XINFO, ...) have no hint of their own.
            missing.removeIf(c -> c.contains(" ") || theirCommands.stream().anyMatch(t -> t.startsWith(c + " ")));
            String theirs = open(servers.redis.get().port);
            int tried = 0;
            for (String name : missing) {
                String cmd = name.toUpperCase(Locale.ROOT);
                String hint = tmux.typeAndRead(theirs, prompt(servers.redis.get().port), cmd + " ");
                if (hint.length() > cmd.length() + 1) {
                    assertEquals(cmd, tmux.typeAndRead(s, p, cmd + " "),
                            "no hint for " + cmd + ", which our COMMAND DOCS lacks (redis-server's gives: " + hint + ")");
                    break;
                }
                if (++tried == 20) {
                    break;
                }
            }
        }
    }

    /** Typing each of our commands (and subcommands) followed by a space shows the hint Redis 7.0.15's docs give. */
    @Test
    void hintsMatchRedisForEveryCommand() throws Exception {
        Assumptions.assumeTrue(servers.redis.isPresent(), "redis-server is not installed: nothing to compare hints with");
        int ourPort = servers.oursPort();
        int theirPort = servers.redis.get().port;
        Set<String> ours = commandList(ourPort);
        Set<String> theirs = commandList(theirPort);
        String a = open(ourPort);
        String b = open(theirPort);
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        for (String cmd : ours) {
            if (!theirs.contains(cmd)) {
                String oursHint = tmux.typeAndRead(a, prompt(ourPort), cmd + " ");
                System.out.println("hint for '" + cmd + "' (not in Redis 7.0.15): " + oursHint);
                assertTrue(oursHint.length() > cmd.length(), "our docs give " + cmd + " a hint");
                continue;
            }
            // Type into both terminals first, then read both: the second is usually done by the time it is read.
            tmux.retype(a, cmd + " ");
            tmux.retype(b, cmd + " ");
            String oursHint = tmux.readTyped(a, prompt(ourPort), cmd + " ");
            String theirHint = tmux.readTyped(b, prompt(theirPort), cmd + " ");
            compared++;
            if (!theirHint.equals(oursHint)) {
                mismatches.add("'" + cmd + " '\n  redis: " + theirHint + "\n  ours:  " + oursHint);
            }
        }
        assertEquals("", String.join("\n", mismatches), mismatches.size() + " of " + compared + " hints differ");
        assertTrue(compared > 50, "compared " + compared);
    }

    @Test
    void helpShowsTheDocs() throws Exception {
        String expected = "  SET key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT "
                + "unix-time-milliseconds|KEEPTTL]\n  summary: Set the string value of a key\n  since: 1.0.0\n  group: string";
        List<String> screens = new ArrayList<>();
        for (int port : ports()) {
            String s = open(port);
            String screen = run(s, port, "HELP SET", "HELP @string");
            assertTrue(screen.contains("> HELP SET\n\n" + expected + "\n\n127.0.0.1:" + port + "> HELP @string\n"), screen);
            assertTrue(screen.contains("\n\n  LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]\n"
                    + "  summary: Find longest common substring\n  since: 7.0.0\n\n"), screen);
            screens.add(Cli.normalize(screen, servers.ports()));
        }
        assertSameScreens(screens);
    }

    @Test
    void sessionRendersLikeRedis() throws Exception {
        List<String> screens = new ArrayList<>();
        for (int port : ports()) {
            String s = open(port);
            String screen = run(s, port, "SELECT 2", "SET k v", "GET k", "INCR k", "MGET k nope", "SCAN 0",
                    "HELLO 3", "CONFIG GET maxclients", "INCRBYFLOAT f 1.25", "GET nope", "COMMAND INFO get", "SELECT 0",
                    "DEL nothing", "HELLO 2", "CONFIG GET maxclients", "FOO bar", "SET", "SELECT 16",
                    "AUTH x", "PING", "ECHO \"a\\x00b\"", "LCS k k IDX");
            screens.add(Cli.normalize(screen, servers.ports()));
        }
        String ours = screens.get(0);
        assertTrue(ours.contains("127.0.0.1:PORT> SELECT 2\nOK\n127.0.0.1:PORT[2]> SET k v\nOK\n"
                + "127.0.0.1:PORT[2]> GET k\n\"v\"\n127.0.0.1:PORT[2]> INCR k\n"
                + "(error) ERR value is not an integer or out of range\n"), ours);
        assertTrue(ours.contains("> CONFIG GET maxclients\n1# \"maxclients\" => \"10000\"\n"), ours);
        assertTrue(ours.contains("> GET nope\n(nil)\n"), ours);
        assertTrue(ours.contains("> HELLO 2\n 1) \"server\"\n 2) \"redis\"\n"), ours);
        assertTrue(ours.contains("> CONFIG GET maxclients\n1) \"maxclients\"\n2) \"10000\"\n"), ours);
        assertSameScreens(screens);
    }

    @Test
    void reconnectsAfterTheServerClosedTheConnection() throws Exception {
        List<String> screens = new ArrayList<>();
        for (int port : ports()) {
            Cli.run(port, "-n", "1", "SET", "in1", "x");
            Cli.run(port, "MSET", "a", "1", "b", "2");
            String s = open(port);
            String screen = run(s, port, "SELECT 1", "DBSIZE", "CLIENT KILL TYPE normal SKIPME no", "GET in1", "DBSIZE",
                    "GET in1", "SELECT 1", "GET in1");
            // redis-cli 7.0 reconnects without SELECTing again, although its prompt still says [1]: db 0 (2 keys).
            String p = "127.0.0.1:" + port + "[1]> ";
            assertTrue(screen.contains(p + "DBSIZE\n(integer) 1\n" + p + "CLIENT KILL TYPE normal SKIPME no\n(integer) 1\n"
                    + p + "GET in1\nError: Server closed the connection\nnot connected> DBSIZE\n(integer) 2\n"
                    + p + "GET in1\n(nil)\n" + p + "SELECT 1\nOK\n" + p + "GET in1\n\"x\"\n"), screen);
            screens.add(Cli.normalize(screen, servers.ports()));
        }
        assertSameScreens(screens);
    }

    /** Before AUTH, COMMAND DOCS is refused: redis-cli falls back to its built-in help, which knows every command. */
    @Test
    void fallsBackToBuiltInHelpBeforeAuth() throws Exception {
        try (ServerPair secured = ServerPair.start("--requirepass", "s3cret")) {
            List<Integer> ports = new ArrayList<>(List.of(secured.oursPort()));
            secured.redis.ifPresent(r -> ports.add(r.port));
            List<String> screens = new ArrayList<>();
            for (int port : ports) {
                String s = open(port);
                String screen = run(s, port, "GET a", "AUTH wrong", "AUTH s3cret", "GET a");
                assertTrue(screen.endsWith("> GET a\n(error) NOAUTH Authentication required.\n127.0.0.1:" + port
                        + "> AUTH wrong\n(error) WRONGPASS invalid username-password pair or user is disabled.\n127.0.0.1:"
                        + port + "> AUTH s3cret\nOK\n127.0.0.1:" + port + "> GET a\n(nil)\n127.0.0.1:" + port + ">"), screen);
                assertEquals("LPUSH key element [element ...]", tmux.typeAndRead(s, prompt(port), "LPUSH "));
                screens.add(Cli.normalize(screen, secured.ports()));
            }
            assertSameScreens(screens);
        }
    }

    private static List<Integer> ports() {
        List<Integer> ports = new ArrayList<>(List.of(servers.oursPort()));
        servers.redis.ifPresent(r -> ports.add(r.port));
        return ports;
    }

    /** Types each line and Enter, waiting for the next prompt each time; returns the screen. */
    private static String run(String session, int port, String... lines) throws Exception {
        for (String line : lines) {
            int prompts = (int) PROMPT_LINE.matcher(tmux.screen(session)).results().count();
            tmux.type(session, line);
            tmux.press(session, "Enter");
            tmux.await(session, screen -> PROMPT_LINE.matcher(screen).results().count() > prompts
                    && PROMPT_LINE.matcher(screen.substring(screen.lastIndexOf('\n') + 1)).lookingAt()
                    && screen.substring(screen.lastIndexOf('\n') + 1).endsWith(">"),
                    Duration.ofSeconds(20), "the prompt after " + line);
        }
        return tmux.screen(session);
    }

    private static void assertSameScreens(List<String> screens) {
        if (screens.size() == 2) {
            assertEquals(screens.get(1), screens.get(0), "the same typing against redis-server (expected) and ours");
        }
    }
}
