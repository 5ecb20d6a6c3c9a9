package io.demikv.libos.catnap;

import io.demikv.libos.Endpoint;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import static io.demikv.libos.catnap.CatnapKit.*;
import static org.junit.jupiter.api.Assertions.*;

@Timeout(30)
class CatnapUdpTest {
    private final Catnap catnap = new Catnap();

    @AfterEach
    void closeLibOs() {
        catnap.close();
    }

    private int udp() {
        int qd = catnap.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
        assertTrue(qd >= 0);
        return qd;
    }

    private int boundUdp() {
        int qd = udp();
        assertEquals(0, catnap.bind(qd, LOOPBACK_ANY_PORT));
        return qd;
    }

    @Test
    void echoesDatagramsBetweenTwoSocketsAndReportsSenders() {
        int server = boundUdp();
        long serverEp = catnap.localEndpoint(server);
        int client = udp(); // unbound: the first sendto binds it to an ephemeral port (udp(7))
        for (int i = 0; i < 50; i++) {
            String msg = "datagram " + i;
            Sga out = sgaOf(catnap, msg);
            QResult sent = expect(catnap, catnap.pushTo(client, out, serverEp), Opcode.PUSH);
            assertEquals(msg.length(), sent.value());
            catnap.sgaFree(out);

            QResult in = expect(catnap, catnap.pop(server), Opcode.POP);
            assertEquals(msg, textOf(in.sga()));
            // The implicit bind is to 0.0.0.0; the datagram comes from 127.0.0.1 at that port.
            assertEquals(Endpoint.of(0x7F00_0001, Endpoint.port(catnap.localEndpoint(client))), in.peer(),
                    "pop reports the sender");
            expect(catnap, catnap.pushTo(server, in.sga(), in.peer()), Opcode.PUSH);
            catnap.sgaFree(in.sga());

            QResult back = expect(catnap, catnap.pop(client), Opcode.POP);
            assertEquals(msg, textOf(back.sga()));
            assertEquals(serverEp, back.peer());
            catnap.sgaFree(back.sga());
        }
        assertEquals(0, catnap.sgasOutstanding());
        assertEquals(0, catnap.buffers().outstanding());
    }

    @Test
    void echoesForAJavaDatagramSocket() throws Exception {
        int server = boundUdp();
        int port = Endpoint.port(catnap.localEndpoint(server));
        try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            peer.setSoTimeout(5000);
            byte[] msg = pattern(1400, 5);
            peer.send(new DatagramPacket(msg, msg.length, InetAddress.getLoopbackAddress(), port));
            QResult in = expect(catnap, catnap.pop(server), Opcode.POP);
            assertArrayEquals(msg, bytesOf(in.sga()));
            assertEquals(Endpoint.of(0x7F00_0001, peer.getLocalPort()), in.peer());
            expect(catnap, catnap.pushTo(server, in.sga(), in.peer()), Opcode.PUSH);
            catnap.sgaFree(in.sga());
            DatagramPacket reply = new DatagramPacket(new byte[2000], 2000);
            peer.receive(reply);
            assertArrayEquals(msg, java.util.Arrays.copyOf(reply.getData(), reply.getLength()));
        }
    }

    @Test
    void pendingPopsReceiveDatagramsInOrderOneEach() {
        int server = boundUdp();
        int client = boundUdp();
        long[] pops = new long[5];
        for (int i = 0; i < pops.length; i++) {
            pops[i] = catnap.pop(server);
        }
        for (int i = 0; i < pops.length; i++) {
            Sga sga = sgaOf(catnap, "d" + i);
            expect(catnap, catnap.pushTo(client, sga, catnap.localEndpoint(server)), Opcode.PUSH);
            catnap.sgaFree(sga);
        }
        for (int i = 0; i < pops.length; i++) {
            QResult r = expect(catnap, pops[i], Opcode.POP);
            assertEquals("d" + i, textOf(r.sga()));
            catnap.sgaFree(r.sga());
        }
    }

    @Test
    void connectedSocketPushesToItsPeerWithoutAnAddress() {
        int server = boundUdp();
        int client = udp();
        QResult c = expect(catnap, catnap.connect(client, catnap.localEndpoint(server)), Opcode.CONNECT);
        assertEquals(catnap.localEndpoint(server), c.peer());
        Sga sga = sgaOf(catnap, "via connect");
        expect(catnap, catnap.push(client, sga), Opcode.PUSH);
        catnap.sgaFree(sga);
        QResult r = expect(catnap, catnap.pop(server), Opcode.POP);
        assertEquals("via connect", textOf(r.sga()));
        assertEquals(catnap.localEndpoint(client), r.peer());
        catnap.sgaFree(r.sga());
    }

    @Test
    void multiSegmentArrayIsSentAsOneDatagram() {
        int server = boundUdp();
        int client = boundUdp();
        Sga sga = catnap.newSga();
        for (String part : new String[] {"head|", "body|", "tail"}) {
            Sga one = sgaOf(catnap, part);
            sga.add(one.segment(0).retain());
            catnap.sgaFree(one);
        }
        QResult sent = expect(catnap, catnap.pushTo(client, sga, catnap.localEndpoint(server)), Opcode.PUSH);
        assertEquals(14, sent.value());
        catnap.sgaFree(sga);
        QResult r = expect(catnap, catnap.pop(server), Opcode.POP);
        assertEquals("head|body|tail", textOf(r.sga()));
        catnap.sgaFree(r.sga());
    }

    @Test
    void zeroLengthDatagramPopsAsAnEmptyArray() throws Exception {
        int server = boundUdp();
        int port = Endpoint.port(catnap.localEndpoint(server));
        try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            peer.send(new DatagramPacket(new byte[0], 0, InetAddress.getLoopbackAddress(), port));
            peer.send(new DatagramPacket("x".getBytes(StandardCharsets.US_ASCII), 1,
                    InetAddress.getLoopbackAddress(), port));
        }
        QResult empty = expect(catnap, catnap.pop(server), Opcode.POP);
        assertEquals(0, empty.sga().length());
        catnap.sgaFree(empty.sga());
        QResult next = expect(catnap, catnap.pop(server), Opcode.POP);
        assertEquals("x", textOf(next.sga()), "an empty datagram is not the end: the socket keeps working");
        catnap.sgaFree(next.sga());
    }

    @Test
    void closingWithAPendingPopCancelsIt() {
        int qd = boundUdp();
        long pop = catnap.pop(qd);
        assertEquals(0, catnap.close(qd));
        QResult r = await(catnap, pop);
        assertEquals(Opcode.FAILED, r.opcode());
        assertEquals(io.demikv.libos.Errno.ECANCELED, r.errno());
    }
}
