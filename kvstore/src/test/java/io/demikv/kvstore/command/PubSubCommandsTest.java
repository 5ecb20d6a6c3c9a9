package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.Harness.OK;
import static io.demikv.kvstore.command.Harness.bulk;
import static io.demikv.kvstore.command.Harness.err;
import static io.demikv.kvstore.command.Harness.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.demikv.kvstore.server.Session;
import org.junit.jupiter.api.Test;

/** Pub/sub between sessions of one {@link Commands}: RESP2 subscriber mode, RESP3 pushes, patterns, PUBSUB. */
class PubSubCommandsTest {
    private final Harness h = new Harness();

    private static String take(Session s) {
        return ((RecordingReply) s.reply).take();
    }

    private static String confirm(String kind, String name, int count) {
        return "*3\r\n" + bulk(kind) + (name == null ? "$-1\r\n" : bulk(name)) + integer(count);
    }

    @Test
    void publishReachesEverySubscriberInItsProtocol() {
        Session a = h.connect(true);
        Session b = h.connect(true);
        h.run(b, "HELLO", "3");
        assertEquals(confirm("subscribe", "news", 1) + confirm("subscribe", "other", 2),
                h.run(a, "SUBSCRIBE", "news", "other"));
        assertEquals(">3\r\n" + bulk("subscribe") + bulk("news") + integer(1), h.run(b, "SUBSCRIBE", "news"));
        assertTrue(a.pubsub);
        assertEquals(integer(2), h.run("PUBLISH", "news", "hello"));
        assertEquals("*3\r\n" + bulk("message") + bulk("news") + bulk("hello"), take(a));
        assertEquals(">3\r\n" + bulk("message") + bulk("news") + bulk("hello"), take(b));
        assertEquals(integer(0), h.run("PUBLISH", "nobody", "x"));
        assertEquals("", take(a));
    }

    @Test
    void patternSubscriptionsGetPmessage() {
        Session a = h.connect(true);
        assertEquals(confirm("psubscribe", "n*", 1), h.run(a, "PSUBSCRIBE", "n*"));
        h.run(a, "SUBSCRIBE", "news");
        assertEquals(integer(2), h.run("PUBLISH", "news", "x"));
        assertEquals("*3\r\n" + bulk("message") + bulk("news") + bulk("x")
                + "*4\r\n" + bulk("pmessage") + bulk("n*") + bulk("news") + bulk("x"), take(a));
        assertEquals(integer(1), h.run("PUBLISH", "nope", "y"));
        take(a);
        assertEquals(integer(0), h.run("PUBLISH", "other", "y"));
        assertEquals(confirm("punsubscribe", "n*", 1), h.run(a, "PUNSUBSCRIBE"));
        assertEquals(confirm("punsubscribe", null, 1), h.run(a, "PUNSUBSCRIBE"));
        assertEquals(integer(0), h.run("PUBLISH", "nope", "y"));
    }

    @Test
    void resp2SubscriberModeAllowsOnlySomeCommands() {
        Session a = h.connect(true);
        h.run(a, "SUBSCRIBE", "c");
        assertEquals(err("ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
                + "are allowed in this context"), h.run(a, "GET", "k"));
        assertEquals(err("ERR Can't execute 'config|get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
                + "RESET are allowed in this context"), h.run(a, "CONFIG", "GET", "x"));
        assertEquals("*2\r\n" + bulk("pong") + bulk(""), h.run(a, "PING"));
        assertEquals("*2\r\n" + bulk("pong") + bulk("hi"), h.run(a, "PING", "hi"));
        assertEquals(confirm("unsubscribe", "c", 0), h.run(a, "UNSUBSCRIBE"));
        assertFalse(a.pubsub);
        assertEquals("+PONG\r\n", h.run(a, "PING"));
        assertEquals(Harness.NULL, h.run(a, "GET", "k"));
        assertEquals(confirm("unsubscribe", null, 0), h.run(a, "UNSUBSCRIBE"));
    }

    @Test
    void resp3SubscribersMayRunAnyCommand() {
        Session a = h.connect(true);
        h.run(a, "HELLO", "3");
        h.run(a, "SUBSCRIBE", "c");
        assertEquals(OK, h.run(a, "SET", "k", "v"));
        assertEquals("+PONG\r\n", h.run(a, "PING"));
        assertEquals(">3\r\n" + bulk("unsubscribe") + bulk("c") + integer(0), h.run(a, "UNSUBSCRIBE", "c"));
    }

    @Test
    void pubsubIntrospection() {
        Session a = h.connect(true);
        Session b = h.connect(true);
        h.run(a, "SUBSCRIBE", "news", "sport");
        h.run(b, "SUBSCRIBE", "news");
        h.run(b, "PSUBSCRIBE", "x*", "y*");
        h.run(a, "PSUBSCRIBE", "x*");
        assertEquals("*2\r\n" + bulk("news") + bulk("sport"),
                h.run("PUBSUB", "CHANNELS").replace(bulk("sport") + bulk("news"), bulk("news") + bulk("sport")));
        assertEquals("*1\r\n" + bulk("sport"), h.run("PUBSUB", "CHANNELS", "s*"));
        assertEquals("*6\r\n" + bulk("news") + integer(2) + bulk("sport") + integer(1) + bulk("none") + integer(0),
                h.run("PUBSUB", "NUMSUB", "news", "sport", "none"));
        assertEquals("*0\r\n", h.run("PUBSUB", "NUMSUB"));
        assertEquals(integer(2), h.run("PUBSUB", "NUMPAT"));
        assertEquals(err("ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP."),
                h.run("PUBSUB", "CHANNELS", "a", "b"));
        assertEquals(err("ERR wrong number of arguments for 'pubsub|numpat' command"), h.run("PUBSUB", "NUMPAT", "x"));
        h.commands.onDisconnect(b);
        assertEquals("*4\r\n" + bulk("news") + integer(1) + bulk("sport") + integer(1),
                h.run("PUBSUB", "NUMSUB", "news", "sport"));
        assertEquals(integer(1), h.run("PUBSUB", "NUMPAT"));
        assertEquals(integer(1), h.run("PUBLISH", "xx", "m")); // a through x*; b is gone
    }

    @Test
    void subscribeArityAndSubscriberInsideMulti() {
        assertEquals(err("ERR wrong number of arguments for 'subscribe' command"), h.run("SUBSCRIBE"));
        assertEquals(err("ERR wrong number of arguments for 'psubscribe' command"), h.run("PSUBSCRIBE"));
        h.run("MULTI");
        assertEquals("+QUEUED\r\n", h.run("SUBSCRIBE", "c"));
        assertEquals("*1\r\n" + confirm("subscribe", "c", 1), h.run("EXEC"));
        assertTrue(h.session.pubsub);
    }
}
