package io.demikv.catnip.net;

import io.demikv.catnip.net.TestNet.Host;
import io.demikv.libos.Endpoint;
import io.demikv.libos.LibOS;
import io.demikv.libos.QResult;
import io.demikv.libos.testkit.LibOsTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ThreeHostTest {
    @RegisterExtension
    final Captures captures = new Captures();

    @Test
    void onlyTheTargetAnswersABroadcastRequestAndEveryPairTalks() {
        try (TestNet net = new TestNet(captures)) {
            Host[] h = {
                    net.host("a", "10.0.0.1", "02:00:00:00:00:01"),
                    net.host("b", "10.0.0.2", "02:00:00:00:00:02"),
                    net.host("c", "10.0.0.3", "02:00:00:00:00:03")};
            int[] servers = new int[3];
            int[] clients = new int[3];
            for (int i = 0; i < 3; i++) {
                servers[i] = h[i].catnip.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
                assertEquals(0, h[i].catnip.bind(servers[i], Endpoint.of(0, 7)));
                clients[i] = h[i].catnip.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
            }
            // c asks for a: b hears the broadcast but must not answer for someone else's address.
            long pop = h[0].catnip.pop(servers[0]);
            h[2].catnip.sgaFree(net.await(h[2], h[2].catnip.pushTo(clients[2], LibOsTestKit.sga(h[2].catnip, "c->a"),
                    Endpoint.of(h[0].ip, 7)), "c->a").sga());
            QResult got = net.await(h[0], pop, "a pops");
            assertEquals("c->a", LibOsTestKit.text(got.sga()));
            h[0].catnip.sgaFree(got.sga());
            assertEquals(1, h[0].catnip.stack().arp().repliesSent());
            assertEquals(0, h[1].catnip.stack().arp().repliesSent());
            assertEquals(-1, h[1].catnip.stack().arp().lookup(h[2].ip, net.clock.nanoTime()),
                    "RFC 826: a bystander learns nothing it did not already know");

            for (int from = 0; from < 3; from++) {
                for (int to = 0; to < 3; to++) {
                    if (from == to) {
                        continue;
                    }
                    String text = from + "->" + to;
                    long p = h[to].catnip.pop(servers[to]);
                    h[from].catnip.sgaFree(net.await(h[from], h[from].catnip.pushTo(clients[from],
                            LibOsTestKit.sga(h[from].catnip, text), Endpoint.of(h[to].ip, 7)), text).sga());
                    QResult r = net.await(h[to], p, "pop " + text);
                    assertEquals(text, LibOsTestKit.text(r.sga()));
                    assertEquals(h[from].catnip.localEndpoint(clients[from]), r.peer());
                    h[to].catnip.sgaFree(r.sga());
                }
            }
            List<Integer> replies = new ArrayList<>();
            h[0].catnip.stack().icmp().echoListener((src, id, seq, n, now) -> replies.add(src));
            h[0].catnip.stack().icmp().ping(h[1].ip, 1, 1, 0, net.clock.nanoTime());
            h[0].catnip.stack().icmp().ping(h[2].ip, 1, 2, 0, net.clock.nanoTime());
            net.runUntil(() -> replies.size() == 2, "two echo replies");
            assertEquals(List.of(h[1].ip, h[2].ip), replies);
        }
    }
}
