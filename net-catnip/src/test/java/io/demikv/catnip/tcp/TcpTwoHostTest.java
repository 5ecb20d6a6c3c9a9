package io.demikv.catnip.tcp;

import io.demikv.catnip.net.Captures;
import io.demikv.catnip.tcp.TcpTestNet.Host;
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

import java.io.ByteArrayOutputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpTwoHostTest {
    @RegisterExtension
    final Captures captures = new Captures();
    TcpTestNet net;
    Host a;
    Host b;

    @BeforeEach
    void twoHosts() {
        net = new TcpTestNet(captures);
        a = net.host("a", "10.0.0.1", "02:00:00:00:00:01", TcpTestNet.TCP);
        b = net.host("b", "10.0.0.2", "02:00:00:00:00:02", TcpTestNet.TCP);
    }

    @AfterEach
    void close() {
        net.close();
    }

    /** Connects a's new socket to b's listener on {@code port}; returns {client qd, server qd}. */
    int[] connect(int port) {
        int listener = TcpTestNet.listen(b, port);
        long accept = b.catnip.accept(listener);
        int client = a.catnip.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        QResult c = net.await(a, a.catnip.connect(client, b.endpoint(port)), "connect");
        assertEquals(Opcode.CONNECT, c.opcode(), c.toString());
        QResult acc = net.await(b, accept, "accept");
        assertEquals(Opcode.ACCEPT, acc.opcode(), acc.toString());
        assertEquals(a.catnip.localEndpoint(client), acc.peer(), "accept names the client's address");
        return new int[] {client, acc.newQd(), listener};
    }

    /** Pops from {@code qd} until {@code n} bytes arrived. */
    byte[] receive(Host h, int qd, int n) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (got.size() < n) {
            QResult r = net.await(h, h.catnip.pop(qd), "pop at " + got.size() + " of " + n);
            assertEquals(Opcode.POP, r.opcode(), r.toString());
            assertTrue(r.sga().length() > 0, "no end of stream before " + n + " bytes");
            got.writeBytes(LibOsTestKit.bytes(r.sga()));
            h.catnip.sgaFree(r.sga());
        }
        return got.toByteArray();
    }

    void send(Host h, int qd, byte[] data) {
        QResult r = net.await(h, h.catnip.push(qd, LibOsTestKit.sga(h.catnip, data)), "push");
        assertEquals(Opcode.PUSH, r.opcode(), r.toString());
        assertEquals(data.length, r.value());
        h.catnip.sgaFree(r.sga());
    }

    void expectEof(Host h, int qd) {
        QResult r = net.await(h, h.catnip.pop(qd), "pop for EOF");
        assertEquals(Opcode.POP, r.opcode(), r.toString());
        assertEquals(0, r.sga().length(), "end of stream");
        h.catnip.sgaFree(r.sga());
    }

    @Test
    void connectsEchoesAndClosesThroughTimeWait() {
        int[] q = connect(7);
        byte[] data = new byte[100_000];
        new Random(7).nextBytes(data);
        send(a, q[0], data);
        assertArrayEquals(data, receive(b, q[1], data.length));
        send(b, q[1], data);
        assertArrayEquals(data, receive(a, q[0], data.length));

        assertEquals(0, a.catnip.close(q[0]));
        expectEof(b, q[1]);
        assertEquals(0, b.catnip.close(q[1]));
        assertEquals(0, b.catnip.close(q[2]));
        ControlBlock client = a.tcp().connections().size() == 1 ? onlyConnection(a) : null;
        net.runUntil(() -> b.tcp().connections().size() == 0, "server side gone after LAST-ACK");
        assertEquals(TcpState.TIME_WAIT, client.state(), "the side that closed first waits");
        net.runUntil(() -> a.tcp().connections().size() == 0, "TIME-WAIT over");
        LibOsTestKit.assertNoLeaks(a.catnip);
        LibOsTestKit.assertNoLeaks(b.catnip);
    }

    static ControlBlock onlyConnection(Host h) {
        ControlBlock[] one = new ControlBlock[1];
        h.tcp().connections().forEach(c -> one[0] = c);
        return one[0];
    }

    @Test
    void connectToAClosedPortIsRefused() {
        int client = a.catnip.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        QResult r = net.await(a, a.catnip.connect(client, b.endpoint(9)), "connect");
        assertEquals(Opcode.FAILED, r.opcode());
        assertEquals(Errno.ECONNREFUSED, r.errno());
        assertEquals(1, b.tcp().resetsSent());
    }

    @Test
    void connectToASilentHostTimesOutAfterTheSynRetries() {
        int client = a.catnip.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        b.catnip.close(); // b is gone: nobody answers, but ARP must resolve: use a static-free silent peer
        long start = net.clock.nanoTime();
        QResult r = net.await(a, a.catnip.connect(client, b.endpoint(9)), "connect");
        assertEquals(Errno.ETIMEDOUT, r.errno(), r.toString());
        long waited = net.clock.nanoTime() - start;
        assertTrue(waited > 60 * TcpConfig.S, "1+2+4+...+64 s of backoff: " + waited / 1_000_000 + " ms");
    }

    @Test
    void pushesLargerThanTheSendBufferAndManyPushesArriveInOrder() {
        int[] q = connect(8);
        Random random = new Random(3);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        long[] pushes = new long[40];
        Sga[] sgas = new Sga[40];
        for (int i = 0; i < pushes.length; i++) {
            byte[] chunk = new byte[i % 3 == 0 ? 3 : 5000 + random.nextInt(60_000)];
            random.nextBytes(chunk);
            all.writeBytes(chunk);
            sgas[i] = LibOsTestKit.sga(a.catnip, chunk);
            pushes[i] = a.catnip.push(q[0], sgas[i]);
            assertTrue(pushes[i] > 0);
        }
        byte[] got = receive(b, q[1], all.size());
        assertArrayEquals(all.toByteArray(), got);
        for (int i = 0; i < pushes.length; i++) {
            QResult r = net.await(a, pushes[i], "push " + i);
            assertEquals(Opcode.PUSH, r.opcode());
            a.catnip.sgaFree(sgas[i]);
        }
    }
}
