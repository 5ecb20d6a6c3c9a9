package io.demikv.libos.catnap;

import io.demikv.libos.Endpoint;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static io.demikv.libos.catnap.CatnapKit.*;
import static org.junit.jupiter.api.Assertions.*;

@Timeout(30)
class CatnapTcpEchoTest {
    private final Catnap catnap = new Catnap();

    @AfterEach
    void closeLibOs() {
        catnap.close();
    }

    @Test
    void echoesBetweenTwoSocketsOfOneLibOs() {
        int listener = listener(catnap);
        long local = catnap.localEndpoint(listener);
        assertEquals(0x7F00_0001, Endpoint.ipv4(local));
        assertNotEquals(0, Endpoint.port(local), "port 0 binds an ephemeral port");

        int client = catnap.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        long cqt = catnap.connect(client, local);
        QResult accepted = expect(catnap, catnap.accept(listener), Opcode.ACCEPT);
        QResult connected = expect(catnap, cqt, Opcode.CONNECT);
        int server = accepted.newQd();
        assertEquals(catnap.localEndpoint(client), accepted.peer(), "accept reports the client's address");
        assertEquals(local, connected.peer());
        assertEquals(local, catnap.remoteEndpoint(client));

        for (int i = 0; i < 100; i++) {
            String msg = "hello " + i;
            pushAll(catnap, client, msg.getBytes(StandardCharsets.US_ASCII));
            QResult got = expect(catnap, catnap.pop(server), Opcode.POP);
            assertEquals(msg, textOf(got.sga()));
            QResult echoed = expect(catnap, catnap.push(server, got.sga()), Opcode.PUSH);
            assertEquals(msg.length(), echoed.value());
            assertEquals(0, catnap.sgaFree(got.sga()));
            QResult back = expect(catnap, catnap.pop(client), Opcode.POP);
            assertEquals(msg, textOf(back.sga()));
            assertEquals(0, catnap.sgaFree(back.sga()));
        }
        assertEquals(0, catnap.sgasOutstanding(), "every array was freed");
        assertEquals(0, catnap.buffers().outstanding(), "every buffer went back to the pool");
    }

    @Test
    void servesAJavaNetClient() throws Exception {
        int listener = listener(catnap);
        int port = Endpoint.port(catnap.localEndpoint(listener));
        Thread client = Thread.ofPlatform().start(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                for (int i = 0; i < 50; i++) {
                    byte[] msg = ("ping " + i).getBytes(StandardCharsets.US_ASCII);
                    out.write(msg);
                    assertArrayEquals(msg, in.readNBytes(msg.length));
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        int server = expect(catnap, catnap.accept(listener), Opcode.ACCEPT).newQd();
        int echoed = 0;
        while (true) {
            QResult r = expect(catnap, catnap.pop(server), Opcode.POP);
            Sga sga = r.sga();
            if (sga.length() == 0) {
                assertEquals(0, catnap.sgaFree(sga));
                break;
            }
            echoed += (int) expect(catnap, catnap.push(server, sga), Opcode.PUSH).value();
            assertEquals(0, catnap.sgaFree(sga));
        }
        client.join();
        assertEquals(50 * "ping 0".length() + 40, echoed, "every byte echoed until the client closed");
        assertEquals(0, catnap.close(server));
    }

    @Test
    void multiSegmentPushArrivesWholeAndInOrder() {
        int listener = listener(catnap);
        int[] pair = connectedPair(catnap, listener);
        Sga sga = catnap.newSga();
        byte[] expected = new byte[0];
        for (int i = 0; i < Sga.MAX_SEGMENTS; i++) {
            byte[] part = pattern(1000 + i * 333, i);
            Sga one = sgaOf(catnap, part);
            assertTrue(sga.add(one.segment(0).retain()));
            assertEquals(0, catnap.sgaFree(one));
            byte[] joined = java.util.Arrays.copyOf(expected, expected.length + part.length);
            System.arraycopy(part, 0, joined, expected.length, part.length);
            expected = joined;
        }
        QResult r = expect(catnap, catnap.push(pair[0], sga), Opcode.PUSH);
        assertEquals(expected.length, r.value());
        assertEquals(0, catnap.sgaFree(sga));
        assertArrayEquals(expected, popBytes(catnap, pair[1], expected.length));
    }

    @Test
    void popsOfOneSocketCompleteInTheOrderTheyStarted() {
        int listener = listener(catnap);
        int[] pair = connectedPair(catnap, listener);
        long[] pops = new long[8];
        for (int i = 0; i < pops.length; i++) {
            pops[i] = catnap.pop(pair[1]);
            assertPositive(pops[i]);
        }
        QResult[] results = {new QResult()};
        for (int i = 0; i < pops.length; i++) {
            Sga sga = sgaOf(catnap, "message " + i);
            long pushQt = catnap.push(pair[0], sga);
            boolean popped = false;
            boolean pushed = false;
            while (!popped || !pushed) {
                assertEquals(1, catnap.waitNext(results, 1, WAIT));
                QResult r = results[0];
                if (r.qt() == pushQt) {
                    pushed = true;
                } else {
                    assertEquals(pops[i], r.qt(), "the oldest pending pop gets the next bytes");
                    assertEquals("message " + i, textOf(r.sga()));
                    assertEquals(0, catnap.sgaFree(r.sga()));
                    popped = true;
                }
            }
            assertEquals(0, catnap.sgaFree(sga));
        }
    }

    @Test
    void pushesOfOneSocketCompleteInOrderAndKeepTheirBytesInOrder() {
        int listener = listener(catnap);
        int[] pair = connectedPair(catnap, listener);
        int parts = 4;
        int partSize = 3 << 20; // larger than the send buffer: later pushes must queue behind earlier ones
        Sga[] sgas = new Sga[parts];
        long[] pushes = new long[parts];
        for (int i = 0; i < parts; i++) {
            sgas[i] = sgaOf(catnap, pattern(partSize, i));
            pushes[i] = catnap.push(pair[0], sgas[i]);
            assertPositive(pushes[i]);
        }
        byte[] received = new byte[parts * partSize];
        int got = 0;
        int pushesDone = 0;
        long popQt = catnap.pop(pair[1]);
        QResult[] results = {new QResult(), new QResult()};
        while (pushesDone < parts || got < received.length) {
            int n = catnap.waitNext(results, results.length, WAIT);
            assertTrue(n > 0, "waitNext returned " + n);
            for (int k = 0; k < n; k++) {
                QResult r = results[k];
                if (r.opcode() == Opcode.PUSH) {
                    assertEquals(pushes[pushesDone], r.qt(), "push " + pushesDone + " completes in order");
                    assertEquals(partSize, r.value());
                    pushesDone++;
                } else {
                    assertEquals(popQt, r.qt(), r::toString);
                    got += r.sga().copyTo(received, got);
                    catnap.sgaFree(r.sga());
                    if (got < received.length) {
                        popQt = catnap.pop(pair[1]);
                    }
                }
            }
        }
        for (int i = 0; i < parts; i++) {
            assertArrayEquals(pattern(partSize, i),
                    java.util.Arrays.copyOfRange(received, i * partSize, (i + 1) * partSize), "part " + i);
            assertEquals(0, catnap.sgaFree(sgas[i]));
        }
    }

    @Test
    void tenMegabytePushCompletesFully() {
        int listener = listener(catnap);
        int[] pair = connectedPair(catnap, listener);
        int size = 10 << 20;
        byte[] data = pattern(size, 42);
        Sga sga = sgaOf(catnap, data);
        long pushQt = catnap.push(pair[0], sga);
        assertPositive(pushQt);
        long popQt = catnap.pop(pair[1]);
        long[] qts = {pushQt, popQt};
        QResult r = new QResult();
        byte[] received = new byte[size];
        int got = 0;
        boolean pushed = false;
        while (!pushed || got < size) {
            int n = pushed ? 1 : 2;
            long[] waitOn = pushed ? new long[] {qts[1]} : qts;
            int idx = catnap.waitAny(waitOn, n, WAIT, r);
            assertTrue(idx >= 0, "waitAny returned " + idx);
            if (waitOn[idx] == pushQt && !pushed) {
                assertEquals(Opcode.PUSH, r.opcode(), r::toString);
                assertEquals(size, r.value(), "a push completes only with every byte");
                pushed = true;
            } else {
                assertEquals(Opcode.POP, r.opcode(), r::toString);
                got += r.sga().copyTo(received, got);
                assertTrue(r.sga().length() > 0, "no EOF before all data");
                catnap.sgaFree(r.sga());
                if (got < size) {
                    qts[1] = catnap.pop(pair[1]);
                }
            }
        }
        assertArrayEquals(data, received);
        assertEquals(0, catnap.sgaFree(sga));
    }

    @Test
    void tenMegabytePushToASlowJavaReaderCompletes() throws Exception {
        int listener = listener(catnap);
        int port = Endpoint.port(catnap.localEndpoint(listener));
        int size = 10 << 20;
        byte[] data = pattern(size, 7);
        byte[][] received = new byte[1][];
        Thread reader = Thread.ofPlatform().start(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setReceiveBufferSize(64 << 10);
                InputStream in = s.getInputStream();
                byte[] buf = new byte[size];
                int off = 0;
                while (off < size) {
                    int n = in.read(buf, off, Math.min(8192, size - off));
                    if (n < 0) {
                        break;
                    }
                    off += n;
                    if ((off & 0xFFFFF) < 8192) {
                        Thread.sleep(1); // slow: the sender's buffer fills, partial sends continue on EPOLLOUT
                    }
                }
                received[0] = java.util.Arrays.copyOf(buf, off);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        int server = expect(catnap, catnap.accept(listener), Opcode.ACCEPT).newQd();
        Sga sga = sgaOf(catnap, data);
        QResult r = expect(catnap, catnap.push(server, sga), Opcode.PUSH);
        assertEquals(size, r.value());
        assertEquals(0, catnap.sgaFree(sga));
        assertEquals(0, catnap.close(server));
        reader.join();
        assertArrayEquals(data, received[0]);
    }
}
