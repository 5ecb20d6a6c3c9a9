package io.demikv.kvstore.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * redis-cli against a server with {@code requirepass}: the NOAUTH path, {@code -a}, {@code --user/--pass},
 * {@code -u} URIs, {@code -3} (HELLO before AUTH), a wrong password, and the modes that give up on NOAUTH.
 * Compared byte for byte with redis-server started with the same password, when installed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisCliAuthTest {
    private static final String WARNING =
            "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n";
    private static final String WRONGPASS = "AUTH failed: WRONGPASS invalid username-password pair or user is disabled.\n";
    private static ServerPair servers;

    @BeforeAll
    static void start() throws Exception {
        servers = ServerPair.start("--requirepass", "s3cret");
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
        servers.flushAll("-a", "s3cret");
    }

    private static Cli.Result result(String out, String err, int exit) {
        return new Cli.Result(out, err, exit);
    }

    @Test
    void refusesCommandsWithoutAPassword() throws Exception {
        assertEquals(result("NOAUTH Authentication required.\n\n", "", 0), servers.cli("GET", "a"));
        assertEquals(result("(error) NOAUTH Authentication required.\n", "", 0), servers.cli("--no-raw", "PING"));
        assertEquals(result("(error) WRONGPASS invalid username-password pair or user is disabled.\n", "", 0),
                servers.cli("--no-raw", "AUTH", "wrong"));
        assertEquals(result("(error) ERR syntax error\n", "", 0), servers.cli("--no-raw", "AUTH", "a", "b", "c"));
        assertEquals(result("OK\n0\nOK\n1\n", "", 0),
                servers.cli(Cli.bytes("AUTH s3cret\nEXISTS nothing\nSET a 1\nGET a\n")));
    }

    @Test
    void authenticatesWithA() throws Exception {
        assertEquals(result("OK\n", WARNING, 0), servers.cli("-a", "s3cret", "SET", "a", "1"));
        assertEquals(result("1\n", "", 0), servers.cli("-a", "s3cret", "--no-auth-warning", "GET", "a"));
        assertEquals(result("\"1\"\n", "", 0), servers.cli("--pass", "s3cret", "--no-auth-warning", "--no-raw", "GET", "a"));
        assertEquals(result("1\n", WARNING, 0), servers.cli("--user", "default", "--pass", "s3cret", "GET", "a"));
        assertEquals(result("1\n", "", 0), servers.cli("-a", "s3cret", "--no-auth-warning", "-3", "GET", "a"));
        assertEquals(result("1# \"maxclients\" => \"10000\"\n", "", 0),
                servers.cli("-a", "s3cret", "--no-auth-warning", "-3", "--no-raw", "CONFIG", "GET", "maxclients"));
        assertEquals(result("OK\n", "", 0), servers.cli("-a", "s3cret", "--no-auth-warning", "-n", "5", "SET", "b", "2"));
        assertEquals(result("1\n", "", 0), servers.cli("-a", "s3cret", "--no-auth-warning", "-n", "5", "DBSIZE"));
    }

    @Test
    void authenticatesWithAUri() throws Exception {
        servers.cli("-a", "s3cret", "--no-auth-warning", "-n", "2", "SET", "u", "in2");
        assertEquals(result("in2\n", WARNING, 0), servers.cli(port -> new String[] {"-u", "redis://default:s3cret@127.0.0.1:" + port + "/2", "GET", "u"}));
        // redis-cli 7.0 sends "AUTH '' s3cret" for an empty user name, which both servers refuse.
        assertEquals(result("NOAUTH Authentication required.\n\n", WARNING + WRONGPASS, 0),
                servers.cli(port -> new String[] {"-u", "redis://:s3cret@127.0.0.1:" + port + "/2", "GET", "u"}));
    }

    @Test
    void reportsAWrongPassword() throws Exception {
        assertEquals(result("NOAUTH Authentication required.\n\n", WARNING + WRONGPASS, 0),
                servers.cli("-a", "wrong", "GET", "a"));
        assertEquals(result("(error) NOAUTH Authentication required.\n", WRONGPASS, 0),
                servers.cli("-a", "wrong", "--no-auth-warning", "--no-raw", "GET", "a"));
        assertEquals(result("NOAUTH Authentication required.\n\n", WRONGPASS, 0),
                servers.cli("--user", "bob", "--pass", "s3cret", "--no-auth-warning", "GET", "a"));
    }

    @Test
    void helloFailsBeforeAuthInResp3() throws Exception {
        assertEquals(result("(error) NOAUTH Authentication required.\n", "HELLO 3 failed: NOAUTH HELLO must be called "
                        + "with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be "
                        + "used to authenticate the client and select the RESP protocol version at the same time\n", 0),
                servers.cli("-3", "--no-raw", "GET", "a"));
    }

    @Test
    void modesStopOnNoauth() throws Exception {
        assertEquals(result("", "ERROR: NOAUTH Authentication required.\n", 1), servers.cli("--stat"));
        assertEquals(result("", "SCAN error: NOAUTH Authentication required.\n", 1), servers.cli("--scan"));
        Cli.Result big = servers.cli("--bigkeys");
        assertEquals(1, big.exit());
        assertEquals("Couldn't determine DBSIZE: NOAUTH Authentication required.\n", big.err());
        // --pipe ends with an ECHO of a random marker, which is refused too: it waits for the marker until its timeout.
        Cli.Result pipe = servers.cli(Cli.bytes("SET a 1\r\n"), "--pipe", "--pipe-timeout", "1");
        assertEquals(result("All data transferred. Waiting for the last reply...\nerrors: 3, replies: 2\n",
                "NOAUTH Authentication required.\nNOAUTH Authentication required.\nNo replies for 1 seconds: exiting.\n",
                1), pipe);
        assertEquals(result("0\n", "", 0), servers.cli("-a", "s3cret", "--no-auth-warning", "DBSIZE"));
    }
}
