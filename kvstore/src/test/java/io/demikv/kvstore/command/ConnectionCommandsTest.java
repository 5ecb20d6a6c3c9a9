package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.Harness.NULL;
import static io.demikv.kvstore.command.Harness.OK;
import static io.demikv.kvstore.command.Harness.bulk;
import static io.demikv.kvstore.command.Harness.err;
import static io.demikv.kvstore.command.Harness.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.demikv.kvstore.server.Session;
import org.junit.jupiter.api.Test;

/** PING, ECHO, QUIT, HELLO, AUTH, SELECT, CLIENT, and the connection-level checks. */
class ConnectionCommandsTest {
    @Test
    void requirepassGatesEverythingButNoAuthCommands() {
        Harness h = new Harness(TestConfig.with("requirepass", "s3cret"));
        assertEquals(err("NOAUTH Authentication required."), h.run("GET", "k"));
        assertEquals(err("NOAUTH Authentication required."), h.run("PING"));
        // Unknown commands and arity errors are reported before authentication, as in Redis 7.
        assertEquals(err("ERR wrong number of arguments for 'get' command"), h.run("GET"));
        assertEquals(err("WRONGPASS invalid username-password pair or user is disabled."), h.run("AUTH", "nope"));
        assertEquals(err("WRONGPASS invalid username-password pair or user is disabled."),
                h.run("AUTH", "bob", "s3cret"));
        assertEquals(OK, h.run("AUTH", "s3cret"));
        assertEquals(NULL, h.run("GET", "k"));
        Session other = h.connect(true);
        assertEquals(OK, h.run(other, "AUTH", "default", "s3cret"));
        assertEquals("+PONG\r\n", h.run(other, "PING"));
        assertEquals(OK, h.run(h.connect(true), "QUIT"));
    }

    @Test
    void authWithoutAConfiguredPasswordIsAnError() {
        Harness h = new Harness();
        assertEquals(err("ERR AUTH <password> called without any password configured for the default user. "
                + "Are you sure your configuration is correct?"), h.run("AUTH", "x"));
        assertEquals(OK, h.run("AUTH", "default", "anything"));
        assertEquals(err("ERR syntax error"), h.run("AUTH", "a", "b", "c"));
    }

    @Test
    void helloSwitchesToResp3AndRepliesWithAMap() {
        Harness h = new Harness();
        String reply = h.run("HELLO", "3");
        assertEquals("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n"
                + "$2\r\nid\r\n:" + h.session.id + "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n"
                + "$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n", reply);
        assertEquals(3, h.session.protocol);
        assertEquals("_\r\n", h.run("GET", "nokey"));
        assertTrue(h.run("HELLO", "2").startsWith("*14\r\n"));
        assertEquals(NULL, h.run("GET", "nokey"));
        assertEquals(err("NOPROTO unsupported protocol version"), h.run("HELLO", "4"));
        assertEquals(err("ERR Protocol version is not an integer or out of range"), h.run("HELLO", "x"));
    }

    @Test
    void helloCanAuthenticateAndNameTheClient() {
        Harness h = new Harness(TestConfig.with("requirepass", "pw"));
        assertEquals(err(ConnectionCommands.HELLO_NOAUTH), h.run("HELLO", "3"));
        assertEquals(2, h.session.protocol);
        assertEquals(err("WRONGPASS invalid username-password pair or user is disabled."),
                h.run("HELLO", "3", "AUTH", "default", "bad"));
        assertTrue(h.run("HELLO", "3", "AUTH", "default", "pw", "SETNAME", "app").startsWith("%7\r\n"));
        assertTrue(h.session.authenticated);
        assertEquals("app", h.session.name);
        assertEquals(err("ERR Syntax error in HELLO option 'bogus'"), h.run("HELLO", "3", "bogus"));
    }

    @Test
    void protectedModeRefusesRemoteClientsOnlyWithoutAPassword() {
        Harness h = new Harness();
        Session remote = new Session(99, 9, "10.0.0.5:4000", "10.0.0.1:6379", false, 0);
        assertEquals(Commands.DENIED, h.commands.onConnect(remote));
        assertTrue(Commands.DENIED.startsWith("DENIED Redis is running in protected mode because protected mode "
                + "is enabled and no password is set for the default user."));
        Harness withPassword = new Harness(TestConfig.with("requirepass", "pw"));
        assertNull(withPassword.commands.onConnect(remote));
        assertFalse(remote.authenticated);
        Harness unprotected = new Harness(TestConfig.with("protected-mode", "no"));
        assertNull(unprotected.commands.onConnect(
                new Session(100, 10, "10.0.0.6:4000", "10.0.0.1:6379", false, 0)));
    }

    @Test
    void maxclientsRefusesTheConnectionBeyondTheLimit() {
        Harness h = new Harness(TestConfig.with("maxclients", "2"));
        h.connect(true);
        Session third = new Session(50, 5, "127.0.0.1:1", "127.0.0.1:6379", true, 0);
        assertEquals("ERR max number of clients reached", h.commands.onConnect(third));
        assertTrue(h.run("INFO", "stats").contains("rejected_connections:1\r\n"));
    }

    @Test
    void selectChangesTheDatabaseOfThisSessionOnly() {
        Harness h = new Harness();
        assertEquals(OK, h.run("SELECT", "5"));
        h.run("SET", "k", "five");
        Session other = h.connect(true);
        assertEquals(NULL, h.run(other, "GET", "k"));
        assertEquals(bulk("five"), h.run("GET", "k"));
        assertEquals(err("ERR DB index is out of range"), h.run("SELECT", "16"));
        assertEquals(err("ERR value is not an integer or out of range"), h.run("SELECT", "x"));
    }

    @Test
    void clientNameIdListAndInfo() {
        Harness h = new Harness();
        assertEquals(integer(h.session.id), h.run("CLIENT", "ID"));
        assertEquals(OK, h.run("CLIENT", "SETNAME", "worker-1"));
        assertEquals(bulk("worker-1"), h.run("CLIENT", "GETNAME"));
        assertEquals(err("ERR Client names cannot contain spaces, newlines or special characters."),
                h.run("CLIENT", "SETNAME", "a b"));
        assertEquals(err("ERR Client names cannot contain spaces, newlines or special characters."),
                h.run("CLIENT", "SETNAME", "caf\u00e9"));
        String info = h.run("CLIENT", "INFO");
        assertTrue(info.contains("id=" + h.session.id + " addr=" + h.session.addr + " laddr=127.0.0.1:6379 fd="),
                info);
        assertTrue(info.contains(" name=worker-1 "), info);
        assertTrue(info.contains(" flags=N db=0 "), info);
        assertTrue(info.contains(" cmd=client|info user=default redir=-1 resp=2\n"), info);
        h.connect(true);
        String list = h.run("CLIENT", "LIST");
        assertEquals(2, list.split(" laddr=").length - 1, list);
        assertEquals(OK, h.run("CLIENT", "SETINFO", "LIB-NAME", "lettuce"));
        assertEquals(OK, h.run("CLIENT", "SETINFO", "lib-ver", "7.2.3"));
        assertTrue(h.run("CLIENT", "INFO").contains(" lib-name=lettuce lib-ver=7.2.3\n"));
        assertEquals(err("ERR Unrecognized option 'foo'"), h.run("CLIENT", "SETINFO", "foo", "x"));
    }

    @Test
    void clientKillMarksTheTargetAndTheOldFormRepliesOk() {
        Harness h = new Harness();
        Session victim = h.connect(true);
        assertEquals(integer(1), h.run("CLIENT", "KILL", "ID", Long.toString(victim.id)));
        assertTrue(victim.killed);
        Session second = h.connect(true);
        assertEquals(OK, h.run("CLIENT", "KILL", second.addr));
        assertTrue(second.killed);
        assertEquals(err("ERR No such client"), h.run("CLIENT", "KILL", "1.2.3.4:5"));
        // SKIPME defaults to yes in the new form: we do not kill ourselves.
        assertEquals(integer(0), h.run("CLIENT", "KILL", "ADDR", h.session.addr));
        assertEquals(integer(1), h.run("CLIENT", "KILL", "ADDR", h.session.addr, "SKIPME", "no"));
        assertTrue(h.session.closeAfterReply);
    }

    @Test
    void clientReplyOffAndSkipSuppressReplies() {
        Harness h = new Harness();
        assertEquals("", h.run("CLIENT", "REPLY", "OFF"));
        assertEquals("", h.run("SET", "k", "v"));
        assertEquals(OK, h.run("CLIENT", "REPLY", "ON"));
        assertEquals("", h.run("CLIENT", "REPLY", "SKIP"));
        assertEquals("", h.run("GET", "k"));
        assertEquals(bulk("v"), h.run("GET", "k"));
    }

    @Test
    void quitRepliesOkAndClosesAfterTheReply() {
        Harness h = new Harness();
        assertEquals(OK, h.run("QUIT"));
        assertTrue(h.session.closeAfterReply);
    }

    @Test
    void unknownCommandArgumentsAreCutAsRedisCutsThem() {
        Harness h = new Harness();
        String longArg = "x".repeat(200);
        assertEquals(err("ERR unknown command 'foo', with args beginning with: '" + "x".repeat(128) + "' "),
                h.run("foo", longArg, "second"));
        assertEquals(err("ERR unknown command '" + "y".repeat(128) + "', with args beginning with: "),
                h.run("y".repeat(300)));
        assertEquals(err("ERR unknown command 'foo', with args beginning with: 'a  b' "), h.run("foo", "a\r\nb"));
        assertEquals(err("ERR unknown subcommand 'nope'. Try CLIENT HELP."), h.run("client", "nope"));
    }
}
