package io.demikv.kvstore.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event loop over Catnap on 127.0.0.1, driven by raw java.net sockets and the test executor. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetworkServerTest {
    private ServerHarness harness;

    private ServerHarness start(MapExecutor executor, java.util.function.Consumer<NetworkSettings> configure) {
        harness = new ServerHarness(executor, configure);
        harness.port();
        return harness;
    }

    private ServerHarness start() {
        return start(new MapExecutor(), s -> { });
    }

    @AfterEach
    void stopAndCheckLeaks() throws Exception {
        if (harness != null) {
            assertEquals("", harness.stop(), "buffers or arrays not returned to the libOS");
        }
    }

    @Test
    void answersInlineAndMultibulkCommands() throws Exception {
        start();
        try (RawClient c = harness.client()) {
            assertEquals("+PONG\r\n", c.send("PING\r\n").reply());
            assertEquals("+OK\r\n", c.command("SET", "k", "v\r\n1").reply());
            assertEquals("$4\r\nv\r\n1\r\n", c.command("GET", "k").reply());
            assertEquals("$-1\r\n", c.send("get missing\r\n").reply());
            assertEquals("$3\r\na b\r\n", c.send("echo \"a b\"\n").reply());
        }
    }

    @Test
    void pipelinesAThousandCommandsInOneWrite() throws Exception {
        start();
        try (RawClient c = harness.client()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                sb.append("*3\r\n$3\r\nSET\r\n$").append(("k" + i).length()).append("\r\nk").append(i)
                        .append("\r\n$1\r\nv\r\n");
                sb.append("*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n");
            }
            c.send(sb.toString());
            for (int i = 0; i < 1000; i++) {
                assertEquals("+OK\r\n", c.reply());
                assertEquals(":" + (i + 1) + "\r\n", c.reply());
            }
        }
    }

    @Test
    void parsesARequestSentOneByteAtATime() throws Exception {
        start();
        try (RawClient c = harness.client()) {
            byte[] req = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\nGET key\r\n".getBytes(StandardCharsets.US_ASCII);
            for (byte b : req) {
                c.send(new byte[] {b});
            }
            assertEquals("+OK\r\n", c.reply());
            assertEquals("$5\r\nvalue\r\n", c.reply());
        }
    }

    @Test
    void closesOnlyTheOffendingConnectionAfterAProtocolError() throws Exception {
        start();
        try (RawClient good = harness.client(); RawClient bad = harness.client()) {
            assertEquals("+PONG\r\n", good.send("PING\r\n").reply());
            bad.send("*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$x\r\n*1\r\n$4\r\nPING\r\n");
            assertEquals("+PONG\r\n-ERR Protocol error: invalid bulk length\r\n", bad.readToEnd());
            assertEquals("+PONG\r\n", good.send("PING\r\n").reply());
        }
    }

    @Test
    void refusesAnOversizedInlineRequestAndCloses() throws Exception {
        start();
        try (RawClient bad = harness.client(); RawClient good = harness.client()) {
            bad.send("A".repeat(70_000));
            assertEquals("-ERR Protocol error: too big inline request\r\n", bad.readToEnd());
            assertEquals("+PONG\r\n", good.send("PING\r\n").reply());
        }
    }

    @Test
    void refusesUnbalancedQuotesAndCloses() throws Exception {
        start();
        try (RawClient bad = harness.client()) {
            bad.send("set \"k v\r\n");
            assertEquals("-ERR Protocol error: unbalanced quotes in request\r\n", bad.readToEnd());
        }
    }

    @Test
    void closesAClientPastTheQueryBufferLimitWithoutAReply() throws Exception {
        start(new MapExecutor(), s -> s.limits.queryBufferLimit = 1024 * 1024);
        try (RawClient bad = harness.client(); RawClient good = harness.client()) {
            bad.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n");
            try {
                bad.send(new byte[2 * 1024 * 1024]);
            } catch (java.io.IOException reset) {
                // the server may close while we are still writing
            }
            assertEquals("", bad.readToEnd());
            assertEquals("+PONG\r\n", good.send("PING\r\n").reply());
        }
        assertEquals(1, harness.stats.queryBufferLimitDisconnections);
    }

    @Test
    void appliesUnauthenticatedLimitsWhenAPasswordIsRequired() throws Exception {
        MapExecutor executor = new MapExecutor();
        executor.password = "s3cret";
        start(executor, s -> s.passwordRequired = true);
        try (RawClient c = harness.client()) {
            assertEquals("-NOAUTH Authentication required.\r\n", c.command("GET", "k").reply());
            c.send("*11\r\n");
            assertEquals("-ERR Protocol error: unauthenticated multibulk length\r\n", c.readToEnd());
        }
        try (RawClient c = harness.client()) {
            c.send("*2\r\n$3\r\nGET\r\n$16385\r\n");
            assertEquals("-ERR Protocol error: unauthenticated bulk length\r\n", c.readToEnd());
        }
        try (RawClient c = harness.client()) {
            assertEquals("+OK\r\n", c.command("AUTH", "s3cret").reply());
            // After AUTH the normal limits apply: an argument over 16 KB and more than 10 arguments.
            assertEquals("+OK\r\n", c.command("SET", "k", "x".repeat(20_000)).reply());
            assertEquals(":1\r\n", c.command("DEL", "k", "a", "b", "c", "d", "e", "f", "g", "h", "i").reply());
        }
    }

    @Test
    void closesAfterTheReplyOnQuit() throws Exception {
        start();
        try (RawClient c = harness.client()) {
            c.send("PING\r\nQUIT\r\nPING\r\n");
            assertEquals("+PONG\r\n+OK\r\n", c.readToEnd());
        }
    }

    @Test
    void finishesRepliesWhenTheClientHalfCloses() throws Exception {
        start();
        try (RawClient c = harness.client()) {
            c.send("PING\r\nECHO hello\r\n");
            c.socket.shutdownOutput();
            assertEquals("+PONG\r\n$5\r\nhello\r\n", c.readToEnd());
        }
    }

    @Test
    void aClientThatDoesNotReadDoesNotBlockOthers() throws Exception {
        start();
        try (RawClient stalled = harness.client(); RawClient other = harness.client()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 64; i++) {
                sb.append("BIG 1000000\r\n"); // 64 MB of replies it never reads
            }
            stalled.send(sb.toString());
            // Executing the 64 commands takes a pass of its own (a loop runs commands to completion, as
            // Redis does); once it is done, the unread 64 MB must not slow anyone else down.
            assertEquals("+PONG\r\n", other.send("PING\r\n").reply());
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                assertEquals("+PONG\r\n", other.send("PING\r\n").reply());
                assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "a PING took over a second");
            }
            // The stalled client's replies are still all there, in order, when it finally reads.
            for (int i = 0; i < 64; i++) {
                assertEquals("$1000000", stalled.line());
                byte[] body = stalled.readBytes(1_000_002);
                assertEquals('x', body[999_999]);
            }
        }
    }

    @Test
    void closesAClientWhoseUnreadOutputReachesTheHardLimit() throws Exception {
        start(new MapExecutor(), s -> s.normalOutputLimit.hardBytes = 4L << 20);
        try (RawClient stalled = harness.client(); RawClient other = harness.client()) {
            stalled.send("BIG 1000000\r\n".repeat(32));
            String got = stalled.readToEnd();
            assertTrue(got.length() < 32 * 1_000_000, "closed before all replies: got " + got.length());
            assertEquals("+PONG\r\n", other.send("PING\r\n").reply());
        }
        harness.stop();
        assertEquals(1, harness.stats.outputBufferLimitDisconnections);
    }

    @Test
    void closesAPubsubClientThatStaysOverTheSoftLimit() throws Exception {
        start(new MapExecutor(), s -> {
            s.pubsubOutputLimit.hardBytes = 0;
            s.pubsubOutputLimit.softBytes = 1L << 20;
            s.pubsubOutputLimit.softSeconds = 1;
        });
        try (RawClient subscriber = harness.client()) {
            subscriber.send("SUBSCRIBE news\r\n" + "BIG 1000000\r\n".repeat(16));
            Thread.sleep(2_500);
            String got = subscriber.readToEnd();
            assertTrue(got.startsWith("*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n"), "subscribed first");
            assertTrue(got.length() < 16 * 1_000_000, "closed before all output: got " + got.length());
        }
    }

    @Test
    void readsOutputLimitsInRedisConfFormat() {
        NetworkSettings s = new NetworkSettings();
        s.parseOutputLimits("normal 10mb 5mb 30 replica 256mb 64mb 60 pubsub 1gb 100mb 5");
        assertEquals(10L << 20, s.normalOutputLimit.hardBytes);
        assertEquals(5L << 20, s.normalOutputLimit.softBytes);
        assertEquals(30, s.normalOutputLimit.softSeconds);
        assertEquals(1L << 30, s.pubsubOutputLimit.hardBytes);
        assertEquals(5, s.pubsubOutputLimit.softSeconds);
        s.parseOutputLimits("normal 1 2");
        assertEquals(10L << 20, s.normalOutputLimit.hardBytes, "a malformed value changes nothing");
    }

    @Test
    void servesManyConnectionsAtOnce() throws Exception {
        start();
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                clients.add(harness.client());
            }
            for (int i = 0; i < clients.size(); i++) {
                clients.get(i).command("SET", "key" + i, "value" + i);
            }
            for (int i = 0; i < clients.size(); i++) {
                assertEquals("+OK\r\n", clients.get(i).reply());
                assertEquals("$" + ("value" + i).length() + "\r\nvalue" + i + "\r\n",
                        clients.get(i).command("GET", "key" + i).reply());
            }
        } finally {
            for (RawClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void refusesClientsBeyondMaxclients() throws Exception {
        start(new MapExecutor(), s -> s.maxClients = 2);
        try (RawClient a = harness.client(); RawClient b = harness.client()) {
            assertEquals("+PONG\r\n", a.send("PING\r\n").reply());
            assertEquals("+PONG\r\n", b.send("PING\r\n").reply());
            try (RawClient c = harness.client()) {
                assertEquals("-ERR max number of clients reached\r\n", c.readToEnd());
            }
        }
        assertEquals(1, harness.stats.rejectedConnections);
    }

    /** A local IPv4 address that is not loopback, or null. */
    private static java.net.InetAddress nonLoopbackAddress() throws java.net.SocketException {
        for (java.net.NetworkInterface nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (java.net.InetAddress a : java.util.Collections.list(nif.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address) {
                    return a;
                }
            }
        }
        return null;
    }

    @Test
    void deniesNonLoopbackClientsInProtectedModeWithoutPassword() throws Exception {
        java.net.InetAddress external = nonLoopbackAddress();
        org.junit.jupiter.api.Assumptions.assumeTrue(external != null, "no non-loopback IPv4 address here");
        start(new MapExecutor(), s -> s.bind = io.demikv.libos.Endpoint.of(0, 0));
        try (java.net.Socket s = new java.net.Socket(external, harness.port())) {
            s.setSoTimeout(10_000);
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals("-" + NetworkServer.PROTECTED_MODE_DENIED + "\r\n", reply);
        }
        try (RawClient local = harness.client()) {
            assertEquals("+PONG\r\n", local.send("PING\r\n").reply());
        }
        assertEquals(1, harness.stats.rejectedConnections);
    }

    @Test
    void servesNonLoopbackClientsWhenAPasswordIsSet() throws Exception {
        java.net.InetAddress external = nonLoopbackAddress();
        org.junit.jupiter.api.Assumptions.assumeTrue(external != null, "no non-loopback IPv4 address here");
        start(new MapExecutor(), s -> {
            s.bind = io.demikv.libos.Endpoint.of(0, 0);
            s.passwordRequired = true;
        });
        try (java.net.Socket s = new java.net.Socket(external, harness.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] reply = new byte[34];
            assertEquals(34, s.getInputStream().readNBytes(reply, 0, 34));
            assertEquals("-NOAUTH Authentication required.\r\n", new String(reply, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void sendsTheExecutorsRefusalAndCloses() throws Exception {
        MapExecutor executor = new MapExecutor();
        executor.refuseWith = "ERR go away";
        start(executor, s -> { });
        try (RawClient c = harness.client()) {
            assertEquals("-ERR go away\r\n", c.readToEnd());
        }
    }

    @Test
    void closesAClientKilledByAnotherClient() throws Exception {
        MapExecutor executor = new MapExecutor();
        start(executor, s -> { });
        try (RawClient victim = harness.client(); RawClient killer = harness.client()) {
            String id = victim.send("ID\r\n").reply().substring(1).trim();
            assertEquals("+OK\r\n", killer.command("KILL", id).reply());
            assertTrue(victim.closedByServer(), "the killed client is disconnected");
            assertEquals("+PONG\r\n", killer.send("PING\r\n").reply());
        }
    }

    @Test
    void holdsABlockedClientsCommandsUntilItIsUnblocked() throws Exception {
        start();
        try (RawClient blocked = harness.client(); RawClient other = harness.client()) {
            String id = blocked.send("ID\r\n").reply().substring(1).trim();
            assertEquals("+OK\r\n", blocked.send("BLOCK\r\n").reply());
            blocked.send("PING\r\n");
            blocked.socket.setSoTimeout(300);
            try {
                blocked.reply();
                throw new AssertionError("a blocked client's command ran");
            } catch (java.net.SocketTimeoutException expected) {
                blocked.socket.setSoTimeout(10_000);
            }
            assertEquals("+OK\r\n", other.command("UNBLOCK", id).reply());
            assertEquals("+PONG\r\n", blocked.reply());
        }
    }

    @Test
    void closesIdleClientsAfterTheTimeoutButNotBlockedOnes() throws Exception {
        start(new MapExecutor(), s -> s.idleTimeoutMillis = 300);
        try (RawClient idle = harness.client(); RawClient blocked = harness.client()) {
            assertEquals("+PONG\r\n", idle.send("PING\r\n").reply());
            assertEquals("+OK\r\n", blocked.send("BLOCK\r\n").reply());
            long t0 = System.nanoTime();
            assertTrue(idle.closedByServer(), "the idle client is closed");
            assertTrue(System.nanoTime() - t0 > 200_000_000L, "not before the timeout");
            blocked.socket.setSoTimeout(200);
            assertEquals(false, blocked.closedByServer(), "a blocked client stays");
        }
    }

    @Test
    void stopsWhenTheExecutorRequestsShutdown() throws Exception {
        start();
        try (RawClient c = harness.client()) {
            c.send("SHUTDOWN\r\n");
            assertTrue(harness.awaitExit(5_000), "the loop ended");
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void answersInRespThreeAfterHello() throws Exception {
        start();
        try (RawClient c = harness.client()) {
            assertEquals("%2\r\n$6\r\nserver\r\n$4\r\ntest\r\n$5\r\nproto\r\n:3\r\n", c.send("HELLO 3\r\n").reply());
            assertEquals("_\r\n", c.send("GET nothing\r\n").reply());
        }
    }

    @Test
    void keepsConnectionAccountingUpToDate() throws Exception {
        MapExecutor executor = new MapExecutor();
        start(executor, s -> { });
        try (RawClient c = harness.client()) {
            assertEquals("+PONG\r\n", c.send("PING\r\n").reply());
        }
        try (RawClient c = harness.client()) {
            assertEquals("+PONG\r\n", c.send("PING\r\n").reply());
        }
        harness.stop();
        assertEquals(2, harness.stats.totalConnectionsReceived);
        assertEquals(0, harness.stats.connectedClients);
        assertEquals(2, executor.disconnected.size());
        assertEquals(12, harness.stats.netInputBytes);
        assertEquals(14, harness.stats.netOutputBytes);
    }
}
