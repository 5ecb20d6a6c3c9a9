package io.demikv.catnip.net;

import io.demikv.catnip.ethernet.EthernetLayer;
import io.demikv.libos.Endpoint;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frames the application produces between two waits leave together: pushes on several connections queue their
 * segments in the Ethernet layer, and the next pass hands them to the device in one transmit call.
 */
final class TransmitBatchTest {
    final Captures captures = new Captures();

    @Test
    void pushesBetweenTwoWaitsLeaveInOneDeviceCall() {
        try (TestNet net = new TestNet(captures)) {
            TestNet.Host client = net.host("client", "10.0.0.1", "02:00:00:00:00:01");
            TestNet.Host server = net.host("server", "10.0.0.2", "02:00:00:00:00:02");
            int listener = server.catnip.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
            assertEquals(0, server.catnip.bind(listener, Endpoint.parse("0.0.0.0:6379")));
            assertEquals(0, server.catnip.listen(listener, 16));
            int connections = 5;
            int[] served = new int[connections];
            int[] clients = new int[connections];
            for (int i = 0; i < connections; i++) {
                long accept = server.catnip.accept(listener);
                clients[i] = client.catnip.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
                net.await(client, client.catnip.connect(clients[i], Endpoint.parse("10.0.0.2:6379")), "connect");
                served[i] = net.await(server, accept, "accept").newQd();
            }
            net.runFor(100_000_000L); // the handshakes' last ACKs settle
            long[] pops = new long[connections];
            for (int i = 0; i < connections; i++) {
                pops[i] = client.catnip.pop(clients[i]);
            }
            EthernetLayer eth = server.catnip.stack().ethernet();
            long flushes = eth.flushes();
            long transmitted = eth.transmitted();

            // A server's loop: one reply per connection, pushed one after the other, then it waits again.
            long[] pushes = new long[connections];
            for (int i = 0; i < connections; i++) {
                Sga reply = server.catnip.sgaAlloc(5);
                reply.segment(0).memory().set(ValueLayout.JAVA_BYTE, reply.segment(0).offset(), (byte) ('a' + i));
                pushes[i] = server.catnip.push(served[i], reply);
            }
            assertEquals(connections, eth.queued(), "the segments wait for the next pass");
            assertEquals(transmitted, eth.transmitted(), "nothing went to the device inside push");
            server.catnip.poll();

            assertEquals(0, eth.queued());
            assertEquals(flushes + 1, eth.flushes(), "one device call for the five segments");
            assertEquals(transmitted + connections, eth.transmitted());
            for (int i = 0; i < connections; i++) {
                QResult r = net.await(client, pops[i], "reply " + i);
                assertEquals(Opcode.POP, r.opcode());
                assertEquals((byte) ('a' + i), r.sga().segment(0).memory().get(ValueLayout.JAVA_BYTE,
                        r.sga().segment(0).offset()));
                client.catnip.sgaFree(r.sga());
                QResult pushed = net.await(server, pushes[i], "push " + i);
                server.catnip.sgaFree(pushed.sga());
            }
            assertTrue(server.catnip.stack().ethernet().transmitDropped() == 0);
        }
    }
}
