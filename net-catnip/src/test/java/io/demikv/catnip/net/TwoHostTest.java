package io.demikv.catnip.net;

import io.demikv.catnip.arp.ArpLayer;
import io.demikv.catnip.net.TestNet.Host;
import io.demikv.config.InetStackConfig;
import io.demikv.config.Ipv4Address;
import io.demikv.config.MacAddress;
import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import io.demikv.libos.testkit.LibOsTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TwoHostTest {
    static final String IP_A = "10.0.0.1";
    static final String IP_B = "10.0.0.2";
    static final String MAC_A = "02:00:00:00:00:01";
    static final String MAC_B = "02:00:00:00:00:02";

    @RegisterExtension
    final Captures captures = new Captures();
    TestNet net;
    Host a;
    Host b;

    @BeforeEach
    void twoHosts() {
        net = new TestNet(captures);
        a = net.host("a", IP_A, MAC_A);
        b = net.host("b", IP_B, MAC_B);
    }

    @AfterEach
    void close() {
        net.close();
    }

    static long ep(String ip, int port) {
        return Endpoint.of(Ipv4Address.parse(ip).value(), port);
    }

    int udp(Host h, String bindTo) {
        int qd = h.catnip.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
        assertTrue(qd >= 0, "socket: " + Errno.name(qd));
        if (bindTo != null) {
            assertEquals(0, h.catnip.bind(qd, Endpoint.parse(bindTo)));
        }
        return qd;
    }

    @Test
    void resolvesThePeerWithOneRequestAndLearnsBothWays() {
        int qd = udp(a, null);
        QResult r = net.await(a, a.catnip.pushTo(qd, LibOsTestKit.sga(a.catnip, "x"), ep(IP_B, 9)), "push");
        assertEquals(Opcode.PUSH, r.opcode(), r.toString());
        a.catnip.sgaFree(r.sga());
        assertEquals(1, a.catnip.stack().arp().requestsSent());
        assertEquals(1, b.catnip.stack().arp().repliesSent());
        assertEquals(b.mac, a.catnip.stack().arp().lookup(b.ip, net.clock.nanoTime()));
        // RFC 826: the target of a request adds the sender.
        assertEquals(a.mac, b.catnip.stack().arp().lookup(a.ip, net.clock.nanoTime()));
        assertEquals(1, b.catnip.stack().udp().noSocket(), "nobody listens on port 9");
    }

    @Test
    void answersPingsWithTheSameIdentifierSequenceAndData() {
        List<int[]> replies = new ArrayList<>();
        a.catnip.stack().icmp().echoListener((src, id, seq, n, now) -> replies.add(new int[] {src, id, seq, n}));
        for (int seq = 1; seq <= 3; seq++) {
            a.catnip.stack().icmp().ping(b.ip, 0x4242, seq, 56, net.clock.nanoTime());
            int want = seq;
            net.runUntil(() -> replies.size() == want, "echo reply " + want);
        }
        assertEquals(3, b.catnip.stack().icmp().echoRequests());
        for (int i = 0; i < 3; i++) {
            assertEquals(b.ip, replies.get(i)[0]);
            assertEquals(0x4242, replies.get(i)[1]);
            assertEquals(i + 1, replies.get(i)[2]);
            assertEquals(56, replies.get(i)[3]);
        }
    }

    @Test
    void echoesUdpBothWaysWithPeerAddresses() {
        int server = udp(b, "0.0.0.0:7");
        int client = udp(a, "10.0.0.1:0");
        long local = a.catnip.localEndpoint(client);
        assertTrue(Endpoint.port(local) >= 49152, "ephemeral port " + Endpoint.port(local));

        long pop = b.catnip.pop(server);
        QResult pushed = net.await(a, a.catnip.pushTo(client, LibOsTestKit.sga(a.catnip, "ping"), ep(IP_B, 7)), "push");
        a.catnip.sgaFree(pushed.sga());
        QResult got = net.await(b, pop, "server pop");
        assertEquals("ping", LibOsTestKit.text(got.sga()));
        assertEquals(local, got.peer());

        long back = a.catnip.pop(client);
        QResult echoed = net.await(b, b.catnip.pushTo(server, got.sga(), got.peer()), "echo push");
        b.catnip.sgaFree(echoed.sga());
        QResult reply = net.await(a, back, "client pop");
        assertEquals("ping", LibOsTestKit.text(reply.sga()));
        assertEquals(ep(IP_B, 7), reply.peer());
        a.catnip.sgaFree(reply.sga());

        // The other way round: b's client to a's server.
        int server2 = udp(a, "10.0.0.1:5000");
        int client2 = udp(b, null);
        long pop2 = a.catnip.pop(server2);
        QResult p2 = net.await(b, b.catnip.pushTo(client2, LibOsTestKit.sga(b.catnip, "pong"), ep(IP_A, 5000)), "push 2");
        b.catnip.sgaFree(p2.sga());
        QResult g2 = net.await(a, pop2, "pop 2");
        assertEquals("pong", LibOsTestKit.text(g2.sga()));
        assertEquals(b.catnip.localEndpoint(client2), g2.peer());
        a.catnip.sgaFree(g2.sga());
        assertEquals(0, a.catnip.stack().udp().badChecksum() + b.catnip.stack().udp().badChecksum());
    }

    @Test
    void carriesMultiSegmentAndMaximumSizeDatagrams() {
        int server = udp(b, "0.0.0.0:7");
        int client = udp(a, null);
        Sga two = LibOsTestKit.sga(a.catnip, "head-");
        Sga tail = LibOsTestKit.sga(a.catnip, "tail");
        two.add(tail.segment(0).retain());
        a.catnip.sgaFree(tail);
        long pop = b.catnip.pop(server);
        a.catnip.sgaFree(net.await(a, a.catnip.pushTo(client, two, ep(IP_B, 7)), "push").sga());
        QResult got = net.await(b, pop, "pop");
        assertEquals("head-tail", LibOsTestKit.text(got.sga()));
        b.catnip.sgaFree(got.sga());

        int max = a.catnip.stack().udp().maxDatagram();
        assertEquals(1500 - 28, max);
        byte[] big = new byte[max];
        new java.util.Random(1).nextBytes(big);
        pop = b.catnip.pop(server);
        a.catnip.sgaFree(net.await(a, a.catnip.pushTo(client, LibOsTestKit.sga(a.catnip, big), ep(IP_B, 7)), "push max").sga());
        got = net.await(b, pop, "pop max");
        org.junit.jupiter.api.Assertions.assertArrayEquals(big, LibOsTestKit.bytes(got.sga()));
        b.catnip.sgaFree(got.sga());

        Sga tooBig = LibOsTestKit.sga(a.catnip, new byte[max + 1]);
        QResult failed = net.await(a, a.catnip.pushTo(client, tooBig, ep(IP_B, 7)), "push too big");
        assertEquals(Errno.EMSGSIZE, failed.errno(), failed.toString());
        a.catnip.sgaFree(tooBig);
    }

    @Test
    void retriesArpThenFailsThePushWithEhostunreach() {
        int qd = udp(a, null);
        long start = net.clock.nanoTime();
        QResult r = net.await(a, a.catnip.pushTo(qd, LibOsTestKit.sga(a.catnip, "lost"), ep("10.0.0.99", 9)), "push");
        assertEquals(Opcode.FAILED, r.opcode());
        assertEquals(Errno.EHOSTUNREACH, r.errno());
        ArpLayer arp = a.catnip.stack().arp();
        assertEquals(1 + TestNet.CONFIG.arpRequestRetries(), arp.requestsSent(), "first request plus retries");
        assertEquals(1, arp.failed());
        long waited = net.clock.nanoTime() - start;
        assertEquals((1 + TestNet.CONFIG.arpRequestRetries()) * TestNet.CONFIG.arpRequestTimeout().toNanos(), waited,
                "one timeout per request, on the virtual clock");
        assertEquals(0, arp.pendingResolutions());
    }

    @Test
    void queuesPushesWhileResolvingAndReleasesThemInOrder() {
        int server = udp(b, "0.0.0.0:7");
        int client = udp(a, null);
        long[] pushes = new long[5];
        for (int i = 0; i < 5; i++) {
            pushes[i] = a.catnip.pushTo(client, LibOsTestKit.sga(a.catnip, "m" + i), ep(IP_B, 7));
        }
        assertEquals(1, a.catnip.stack().arp().pendingResolutions());
        for (int i = 0; i < 5; i++) {
            a.catnip.sgaFree(net.await(a, pushes[i], "push " + i).sga());
        }
        assertEquals(1, a.catnip.stack().arp().requestsSent(), "one request for five packets");
        for (int i = 0; i < 5; i++) {
            QResult got = net.await(b, b.catnip.pop(server), "pop " + i);
            assertEquals("m" + i, LibOsTestKit.text(got.sga()));
            b.catnip.sgaFree(got.sga());
        }
    }

    @Test
    void learnedEntriesExpireAfterTheirTtlAndAreResolvedAgain() {
        int qd = udp(a, null);
        a.catnip.sgaFree(net.await(a, a.catnip.pushTo(qd, LibOsTestKit.sga(a.catnip, "1"), ep(IP_B, 9)), "push 1").sga());
        assertEquals(1, a.catnip.stack().arp().requestsSent());
        net.runFor(TestNet.CONFIG.arpTtl().toNanos() - 1_000_000_000L);
        assertTrue(a.catnip.stack().arp().lookup(b.ip, net.clock.nanoTime()) >= 0, "still fresh before the TTL");
        net.runFor(2_000_000_000L);
        assertEquals(-1, a.catnip.stack().arp().lookup(b.ip, net.clock.nanoTime()), "expired after the TTL");
        a.catnip.sgaFree(net.await(a, a.catnip.pushTo(qd, LibOsTestKit.sga(a.catnip, "2"), ep(IP_B, 9)), "push 2").sga());
        assertEquals(2, a.catnip.stack().arp().requestsSent());
    }

    @Test
    void staticEntriesSkipArpAndNeverExpire() {
        InetStackConfig withTable = new InetStackConfig(1500, 1460,
                Map.of(Ipv4Address.parse("10.0.0.3"), MacAddress.parse("02:00:00:00:00:03")),
                Duration.ofSeconds(1), Duration.ofMillis(20), 3, false, false, false);
        Host c = net.host("c", "10.0.0.4", "02:00:00:00:00:04", withTable, null, 0);
        Host d = net.host("d", "10.0.0.3", "02:00:00:00:00:03");
        int server = udp(d, "0.0.0.0:7");
        int client = udp(c, null);
        net.runFor(5_000_000_000L);
        long pop = d.catnip.pop(server);
        c.catnip.sgaFree(net.await(c, c.catnip.pushTo(client, LibOsTestKit.sga(c.catnip, "s"), ep("10.0.0.3", 7)), "push").sga());
        d.catnip.sgaFree(net.await(d, pop, "pop").sga());
        assertEquals(0, c.catnip.stack().arp().requestsSent());
        assertTrue(c.catnip.stack().arp().cache().isStatic(d.ip));
    }

    @Test
    void gratuitousArpOnStartUpdatesPeersThatKnewTheAddress() {
        int qd = udp(b, null);
        b.catnip.sgaFree(net.await(b, b.catnip.pushTo(qd, LibOsTestKit.sga(b.catnip, "hi"), ep(IP_A, 9)), "push").sga());
        assertEquals(a.mac, b.catnip.stack().arp().lookup(a.ip, net.clock.nanoTime()));
        // A "restarts" with a new NIC: same address, new MAC; its start-up announcement must update b.
        a.catnip.close();
        Host a2 = net.host("a2", IP_A, "02:00:00:00:00:a1");
        net.runFor(1_000_000);
        assertEquals(a2.mac, b.catnip.stack().arp().lookup(a.ip, net.clock.nanoTime()));
    }

    @Test
    void refusesOtherFamiliesAndProtocols() {
        assertTrue(a.catnip.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0) >= 0, "TCP exists (tests in catnip.tcp)");
        assertEquals(-Errno.EPROTONOSUPPORT, a.catnip.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 17));
        assertEquals(-Errno.EAFNOSUPPORT, a.catnip.socket(10, LibOS.SOCK_DGRAM, 0));
        assertEquals(-Errno.EPROTONOSUPPORT, a.catnip.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 6));
    }

    @Test
    void bindFollowsSocketRules() {
        int one = udp(a, null);
        assertEquals(0, a.catnip.bind(one, Endpoint.parse("0.0.0.0:7000")));
        assertEquals(-Errno.EINVAL, a.catnip.bind(one, Endpoint.parse("0.0.0.0:7001")), "already bound");
        int two = udp(a, null);
        assertEquals(-Errno.EADDRINUSE, a.catnip.bind(two, Endpoint.parse("10.0.0.1:7000")));
        assertEquals(-Errno.EADDRNOTAVAIL, a.catnip.bind(two, Endpoint.parse("10.0.0.9:7002")));
        assertEquals(0, a.catnip.bind(two, Endpoint.parse("10.0.0.1:0")));
        int port = Endpoint.port(a.catnip.localEndpoint(two));
        assertTrue(port >= 49152 && port <= 65535, "ephemeral " + port);
        assertEquals(0, a.catnip.close(one));
        int three = udp(a, null);
        assertEquals(0, a.catnip.bind(three, Endpoint.parse("0.0.0.0:7000")), "a closed socket frees its port");
        assertEquals(-Errno.EDESTADDRREQ, a.catnip.push(three, LibOsTestKit.sga(a.catnip, "x")));
    }

    @Test
    void connectedSocketPushesWithoutAddressAndFiltersOtherSenders() {
        int server = udp(b, "0.0.0.0:7");
        int client = udp(a, null);
        QResult c = net.await(a, a.catnip.connect(client, ep(IP_B, 7)), "connect");
        assertEquals(Opcode.CONNECT, c.opcode());
        long pop = b.catnip.pop(server);
        a.catnip.sgaFree(net.await(a, a.catnip.push(client, LibOsTestKit.sga(a.catnip, "c")), "push").sga());
        QResult got = net.await(b, pop, "pop");
        b.catnip.sgaFree(got.sga());
        // A datagram from another port of b is not for a connected socket.
        int other = udp(b, "0.0.0.0:8");
        b.catnip.sgaFree(net.await(b, b.catnip.pushTo(other, LibOsTestKit.sga(b.catnip, "x"), a.catnip.localEndpoint(client)), "stray").sga());
        net.runFor(1_000_000);
        long reply = a.catnip.pop(client);
        b.catnip.sgaFree(net.await(b, b.catnip.pushTo(server, LibOsTestKit.sga(b.catnip, "r"), got.peer()), "reply").sga());
        QResult r = net.await(a, reply, "client pop");
        assertEquals("r", LibOsTestKit.text(r.sga()));
        a.catnip.sgaFree(r.sga());
    }

    @Test
    void closeCancelsPendingPopsAndPushes() {
        int server = udp(b, "0.0.0.0:7");
        long pop = b.catnip.pop(server);
        int client = udp(a, null);
        Sga data = LibOsTestKit.sga(a.catnip, "never");
        long push = a.catnip.pushTo(client, data, ep("10.0.0.77", 7));
        assertEquals(0, b.catnip.close(server));
        assertEquals(0, a.catnip.close(client));
        QResult r = net.await(b, pop, "pop");
        assertEquals(Errno.ECANCELED, r.errno());
        QResult p = net.await(a, push, "push");
        assertEquals(Errno.ECANCELED, p.errno());
        assertEquals(0, a.catnip.sgaFree(data), "the array is free to release once its push finished");
        net.runFor(1_000_000_000L);
    }

    @Test
    void leavesNoBuffersBehindAfterAnExchange() {
        int server = udp(b, "0.0.0.0:7");
        int client = udp(a, null);
        for (int i = 0; i < 20; i++) {
            long pop = b.catnip.pop(server);
            a.catnip.sgaFree(net.await(a, a.catnip.pushTo(client, LibOsTestKit.sga(a.catnip, "n" + i), ep(IP_B, 7)), "push").sga());
            b.catnip.sgaFree(net.await(b, pop, "pop").sga());
        }
        a.catnip.stack().icmp().ping(b.ip, 1, 1, 8, net.clock.nanoTime());
        net.runFor(1_000_000);
        a.catnip.close(client);
        b.catnip.close(server);
        LibOsTestKit.assertNoLeaks(a.catnip);
        LibOsTestKit.assertNoLeaks(b.catnip);
    }
}
