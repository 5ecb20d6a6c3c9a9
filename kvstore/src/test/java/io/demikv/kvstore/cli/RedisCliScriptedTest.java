package io.demikv.kvstore.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scripted redis-cli sessions (commands on the command line, commands on stdin, {@code -n}, {@code --raw} and
 * {@code --no-raw}, {@code -3}, {@code -x}, {@code -e}, {@code --csv}, {@code --json}, delimiters, quoted
 * input) against our server. Every invocation also runs against Debian's redis-server when it is installed and
 * must print the same bytes (ports and connection ids normalized); the expected texts below are what redis-cli
 * 7.0.15 prints against redis-server 7.0.15.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisCliScriptedTest {
    private static ServerPair servers;

    @BeforeAll
    static void start() throws Exception {
        // The reference has EVAL renamed away, so it answers --eval as a server without scripting does.
        servers = ServerPair.start(java.util.List.of(), java.util.List.of("--rename-command", "EVAL", ""));
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

    private static Cli.Result ok(String out) {
        return new Cli.Result(out, "", 0);
    }

    @Test
    void runsCommandsGivenOnTheCommandLine() throws Exception {
        assertEquals(ok("OK\n"), servers.cli("SET", "k", "v"));
        assertEquals(ok("v\n"), servers.cli("GET", "k"));
        assertEquals(ok("\n"), servers.cli("GET", "missing"));
        assertEquals(ok("1\n"), servers.cli("INCR", "n"));
        assertEquals(ok("ERR value is not an integer or out of range\n\n"), servers.cli("INCR", "k"));
        assertEquals(ok("ERR wrong number of arguments for 'set' command\n\n"), servers.cli("SET"));
        assertEquals(ok("ERR unknown command 'FOO', with args beginning with: 'bar' \n\n"), servers.cli("FOO", "bar"));
        assertEquals(ok("OK\n"), servers.cli("SET", "with space", "a \"quoted\"\nvalue"));
        assertEquals(ok("a \"quoted\"\nvalue\n"), servers.cli("GET", "with space"));
        assertEquals(ok("v\n\n1\n"), servers.cli("MGET", "k", "missing", "n"));
        assertEquals(ok("2\n"), servers.cli("EXISTS", "k", "n"));
        assertEquals(ok("string\n"), servers.cli("TYPE", "k"));
        assertEquals(ok("-1\n"), servers.cli("TTL", "k"));
    }

    @Test
    void formatsRepliesWithNoRawAsInATerminal() throws Exception {
        servers.cli("SET", "k", "v");
        servers.cli("INCR", "n");
        assertEquals(ok("\"v\"\n"), servers.cli("--no-raw", "GET", "k"));
        assertEquals(ok("(nil)\n"), servers.cli("--no-raw", "GET", "missing"));
        assertEquals(ok("(integer) 2\n"), servers.cli("--no-raw", "INCR", "n"));
        assertEquals(ok("(error) ERR value is not an integer or out of range\n"), servers.cli("--no-raw", "INCR", "k"));
        assertEquals(ok("1) \"v\"\n2) (nil)\n3) \"2\"\n"), servers.cli("--no-raw", "MGET", "k", "missing", "n"));
        assertEquals(ok("(empty array)\n"), servers.cli("--no-raw", "KEYS", "nothing*"));
        assertEquals(ok("1) \"0\"\n2) (empty array)\n"), servers.cli("--no-raw", "SCAN", "0", "MATCH", "nothing*"));
        assertEquals(ok("PONG\n"), servers.cli("--no-raw", "PING"));
        assertEquals(ok("\"a\\x00b\\r\\n\\xff\"\n"), servers.cli("--no-raw", "--quoted-input", "ECHO", "\"a\\x00b\\r\\n\\xff\""));
        // --raw forces the raw format whatever stdout is.
        assertEquals(ok("v\n"), servers.cli("--raw", "GET", "k"));
        assertEquals(ok("ERR value is not an integer or out of range\n\n"), servers.cli("--raw", "INCR", "k"));
    }

    @Test
    void readsCommandsFromStdin() throws Exception {
        String script = "SET a 1\nGET a\nINCR a\nFOO\nSET b \"x y\"\nGET b\nMGET a b c\n";
        assertEquals(ok("OK\n1\n2\nERR unknown command 'FOO', with args beginning with: \n\nOK\nx y\n2\nx y\n\n"),
                servers.cli(Cli.bytes(script)));
        servers.flushAll();
        assertEquals(ok("OK\n\"1\"\n(integer) 2\n(error) ERR unknown command 'FOO', with args beginning with: \n"
                + "OK\n\"x y\"\n1) \"2\"\n2) \"x y\"\n3) (nil)\n"), servers.cli(Cli.bytes(script), "--no-raw"));
        // -x: the last argument comes from stdin, verbatim.
        assertEquals(ok("OK\n"), servers.cli(Cli.bytes("from\nstdin"), "-x", "SET", "xs"));
        assertEquals(ok("from\nstdin\n"), servers.cli("GET", "xs"));
    }

    @Test
    void selectsTheDatabaseWithN() throws Exception {
        assertEquals(ok("OK\n"), servers.cli("-n", "3", "SET", "x", "in3"));
        assertEquals(ok("in3\n"), servers.cli("-n", "3", "GET", "x"));
        assertEquals(ok("1\n"), servers.cli("-n", "3", "DBSIZE"));
        assertEquals(ok("\n"), servers.cli("GET", "x"));
        assertEquals(ok("0\n"), servers.cli("-n", "0", "DBSIZE"));
        assertEquals(ok("OK\n1\n"), servers.cli(Cli.bytes("SELECT 3\nDBSIZE\n")));
        assertEquals(new Cli.Result("\n", "SELECT 16 failed: ERR DB index is out of range\n", 0),
                servers.cli("-n", "16", "GET", "x"));
    }

    @Test
    void speaksResp3WithMinus3() throws Exception {
        assertEquals(ok("1# \"server\" => \"redis\"\n2# \"version\" => \"7.0.15\"\n3# \"proto\" => (integer) 3\n"
                        + "4# \"id\" => (integer) ID\n5# \"mode\" => \"standalone\"\n6# \"role\" => \"master\"\n"
                        + "7# \"modules\" => (empty array)\n"),
                servers.cli("-3", "--no-raw", "HELLO", "3"));
        assertEquals(ok("server redis\nversion 7.0.15\nproto 3\nid ID\nmode standalone\nrole master\nmodules \n"),
                servers.cli("-3", "HELLO", "3"));
        assertEquals(ok("1# \"maxclients\" => \"10000\"\n"), servers.cli("-3", "--no-raw", "CONFIG", "GET", "maxclients"));
        assertEquals(ok("(nil)\n"), servers.cli("-3", "--no-raw", "GET", "missing"));
        assertEquals(ok("\"1.5\"\n"), servers.cli("-3", "--no-raw", "INCRBYFLOAT", "f", "1.5"));
        // Sets (~) and nested maps (#), as in COMMAND INFO's flags and key specs.
        String info = servers.cli("-3", "--no-raw", "COMMAND", "INFO", "get").out();
        assertTrue(info.startsWith("1)  1) \"get\"\n    2) (integer) 2\n    3) 1~ readonly\n       2~ fast\n"), info);
        assertTrue(info.contains("    9) 1~ 1# \"flags\" => \n"), info);
        assertTrue(info.endsWith("   10) (empty set)\n"), info);
        // A container command's subcommands are an array in Redis 7.0 (and an empty set for the others).
        String config = servers.oursOnly("-3", "--no-raw", "COMMAND", "INFO", "config").out();
        assertTrue(config.contains("   10) 1)  1) \"config|"), config);
        servers.cli("-3", "--no-raw", "COMMAND", "INFO", "get", "set", "incr", "ttl", "getex");
        servers.cli("-3", "--no-raw", "COMMAND", "DOCS", "set", "getex", "lcs");
        servers.cli("-3", "SET", "lcs1", "ohmytext");
        servers.cli("-3", "SET", "lcs2", "mynewtext");
        servers.cli("-3", "--no-raw", "LCS", "lcs1", "lcs2", "IDX", "MINMATCHLEN", "2", "WITHMATCHLEN");
        assertEquals(ok("1# \"matches\" => (empty array)\n2# \"len\" => (integer) 0\n"),
                servers.cli("-3", "--no-raw", "LCS", "missing1", "missing2", "IDX"));
        // Without -3 the same map arrives flattened.
        assertEquals(ok("1) \"maxclients\"\n2) \"10000\"\n"), servers.cli("--no-raw", "CONFIG", "GET", "maxclients"));
    }

    /**
     * RESP3 doubles print as {@code (double) 1.5}. No command of ours returns a double before sorted sets exist;
     * this test runs (against redis-server as well) once ZADD is in our command table.
     */
    @Test
    void printsResp3DoublesAsRedisDoes() throws Exception {
        String commands = servers.oursOnly("COMMAND", "LIST").out();
        Assumptions.assumeTrue(commands.lines().anyMatch("zadd"::equals),
                "our server has no sorted sets yet, so no command returns a RESP3 double");
        assertEquals(ok("(integer) 2\n"), servers.cli("-3", "--no-raw", "ZADD", "z", "1.5", "a", "-2", "b"));
        assertEquals(ok("(double) 1.5\n"), servers.cli("-3", "--no-raw", "ZSCORE", "z", "a"));
        assertEquals(ok("\"1.5\"\n"), servers.cli("--no-raw", "ZSCORE", "z", "a"));
        servers.cli("-3", "--no-raw", "ZINCRBY", "z", "0.25", "b");
        servers.cli("-3", "--no-raw", "ZRANGE", "z", "0", "-1", "WITHSCORES");
        servers.cli("-3", "ZRANGE", "z", "0", "-1", "WITHSCORES");
        servers.cli("-3", "--no-raw", "ZADD", "z", "INCR", "inf", "a");
    }

    @Test
    void printsCsvJsonAndCustomDelimiters() throws Exception {
        servers.cli("--quoted-input", "MSET", "a", "1", "b", "\"two words\"", "bin", "\"x\\x00y\\n\"");
        assertEquals(ok("\"1\",\"two words\",NULL\n"), servers.cli("--csv", "MGET", "a", "b", "missing"));
        assertEquals(ok("[\"1\",\"two words\",null]\n"), servers.cli("--json", "MGET", "a", "b", "missing"));
        assertEquals(ok("\"x\\u0000y\\n\"\n"), servers.cli("--json", "GET", "bin"));
        assertEquals(ok("\"x\\\\x00y\\\\n\"\n"), servers.cli("--quoted-json", "GET", "bin"));
        assertEquals(ok("{\"server\":\"redis\",\"version\":\"7.0.15\",\"proto\":3,\"id\":ID,\"mode\":\"standalone\","
                + "\"role\":\"master\",\"modules\":[]}\n"), servers.cli("--json", "HELLO", "3"));
        assertEquals(ok("1|two words|;"), servers.cli("-d", "|", "-D", ";", "MGET", "a", "b", "missing"));
        assertEquals(ok("OK\n"), servers.cli("--quoted-input", "SET", "\"q\\x00k\"", "\"v\\tv\""));
        assertEquals(ok("\"v\\tv\"\n"), servers.cli("--no-raw", "--quoted-input", "GET", "\"q\\x00k\""));
    }

    @Test
    void exitsWithStatusOneOnErrorsWithE() throws Exception {
        servers.cli("SET", "k", "v");
        assertEquals(ok("v\n"), servers.cli("-e", "GET", "k"));
        assertEquals(new Cli.Result("", "ERR value is not an integer or out of range\n", 1), servers.cli("-e", "INCR", "k"));
    }

    @Test
    void repeatsCommandsWithR() throws Exception {
        assertEquals(ok("1\n2\n3\n4\n5\n"), servers.cli("-r", "5", "INCR", "counter"));
        assertEquals(ok("(integer) 6\n(integer) 7\n"), servers.cli("-r", "2", "--no-raw", "INCR", "counter"));
        long t0 = System.nanoTime();
        assertEquals(ok("1) \"7\"\n2) (nil)\n1) \"7\"\n2) (nil)\n1) \"7\"\n2) (nil)\n"),
                servers.cli("-r", "3", "-i", "0.1", "--no-raw", "MGET", "counter", "missing"));
        assertTrue(System.nanoTime() - t0 >= 200_000_000L, "-i 0.1 waits between repetitions");
        assertEquals(ok("PONG\n".repeat(2000)), servers.cli("-r", "2000", "PING"));
    }

    /** There is no scripting: {@code --eval} gets the error Redis gives for an unknown command. */
    @Test
    void evalGetsTheUnknownCommandError() throws Exception {
        java.nio.file.Path script = java.nio.file.Files.createTempFile("cli", ".lua");
        try {
            java.nio.file.Files.writeString(script, "return redis.call('GET', KEYS[1])\n");
            Cli.Result r = servers.cli("--eval", script.toString(), "k1", ",", "arg1");
            assertEquals(ok("ERR unknown command 'EVAL', with args beginning with: "
                    + "'return redis.call('GET', KEYS[1]) ' '1' 'k1' 'arg1' \n\n"), r);
            assertEquals(ok("(error) ERR unknown command 'EVAL', with args beginning with: 'return 1' '0' \n"),
                    servers.cli("--no-raw", "EVAL", "return 1", "0"));
        } finally {
            java.nio.file.Files.deleteIfExists(script);
        }
    }
}
