package io.demikv.catnip.interop;

import io.demikv.catnip.net.Captures;
import io.demikv.catnip.net.TestNet;
import io.demikv.libos.Endpoint;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import io.demikv.libos.memory.DemiBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Found with {@code redis-benchmark -P 16 -t set} against the server on Catnip: a pipeline of 16 SETs is 1712
 * bytes, two segments that arrive back to back. Serving the waiting pop at the first segment made the server run
 * two passes and push two replies per batch; Catnap's read gets both at once. Now pops are served once per
 * receive burst ({@code TcpLayer.deliverReadable}), so segments that arrive together complete one pop. Two hosts
 * on the in-memory link, virtual clock.
 */
class ReceiveBurstTest {
    @RegisterExtension
    final Captures captures = new Captures();

    @Test
    void segmentsArrivingInOneBurstCompleteOnePop() {
        try (TestNet net = new TestNet(captures)) {
            TestNet.Host client = net.host("client", "10.0.0.1", "02:00:00:00:00:01");
            TestNet.Host server = net.host("server", "10.0.0.2", "02:00:00:00:00:02");
            int listener = server.catnip.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
            assertEquals(0, server.catnip.bind(listener, Endpoint.parse("0.0.0.0:6379")));
            assertEquals(0, server.catnip.listen(listener, 4));
            long accept = server.catnip.accept(listener);
            int qd = client.catnip.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
            net.await(client, client.catnip.connect(qd, Endpoint.parse("10.0.0.2:6379")), "connect");
            QResult accepted = net.await(server, accept, "accept");
            int conn = accepted.newQd();
            net.runFor(100_000_000L); // the handshake's last ACK and anything else settle
            long pop = server.catnip.pop(conn);

            // One push of 2000 bytes leaves as two segments (MSS 1460) within the initial window, at once.
            Sga request = client.catnip.sgaAlloc(2000);
            DemiBuffer b = request.segment(0);
            for (int i = 0; i < 2000; i++) {
                b.memory().set(ValueLayout.JAVA_BYTE, b.offset() + i, (byte) i);
            }
            long push = client.catnip.push(qd, request);
            assertTrue(push > 0);
            client.catnip.poll(); // the client's next pass hands both queued frames to its device together
            server.catnip.poll(); // one receive burst holding both segments

            assertTrue(TestNet.done(server, pop), "the pop completed in the burst");
            QResult r = net.await(server, pop, "pop");
            assertEquals(Opcode.POP, r.opcode(), r.toString());
            assertEquals(2000, r.sga().length(), "both segments in one pop");
            byte[] got = new byte[2000];
            r.sga().copyTo(got, 0);
            for (int i = 0; i < 2000; i++) {
                assertEquals((byte) i, got[i], "byte " + i);
            }
            server.catnip.sgaFree(r.sga());
            QResult pushed = net.await(client, push, "push");
            client.catnip.sgaFree(pushed.sga());
        }
    }
}
