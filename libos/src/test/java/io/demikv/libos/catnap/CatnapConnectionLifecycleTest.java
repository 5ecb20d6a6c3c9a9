package io.demikv.libos.catnap;

import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.demikv.libos.catnap.CatnapKit.*;
import static org.junit.jupiter.api.Assertions.*;

/** End of stream, resets, silent peers and close, against java.net peers (the kernel's own TCP). */
@Timeout(30)
class CatnapConnectionLifecycleTest {
    private final Catnap catnap = new Catnap();

    @AfterEach
    void closeLibOs() {
        catnap.close();
    }

    private int port(int listener) {
        return Endpoint.port(catnap.localEndpoint(listener));
    }

    @Test
    void peerShutdownOutputGivesEofWhileWeCanStillPush() throws Exception {
        int listener = listener(catnap);
        CountDownLatch eofSeen = new CountDownLatch(1);
        String[] reply = new String[1];
        Thread peer = Thread.ofPlatform().start(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port(listener))) {
                s.getOutputStream().write("last words".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                reply[0] = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        int server = expect(catnap, catnap.accept(listener), Opcode.ACCEPT).newQd();
        assertEquals("last words", new String(popBytes(catnap, server, 10), StandardCharsets.US_ASCII));

        QResult eof = expect(catnap, catnap.pop(server), Opcode.POP);
        assertEquals(0, eof.sga().length(), "end of stream is an empty array");
        assertEquals(1, eof.sga().segmentCount(), "of one zero-length segment");
        assertEquals(0, eof.value());
        assertEquals(0, catnap.sgaFree(eof.sga()), "the EOF array is the application's to free");
        QResult again = expect(catnap, catnap.pop(server), Opcode.POP);
        assertEquals(0, again.sga().length(), "every later pop sees EOF too");
        catnap.sgaFree(again.sga());

        pushAll(catnap, server, "goodbye".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, catnap.close(server));
        peer.join();
        assertEquals("goodbye", reply[0], "a half-closed connection still carries our data");
        assertEquals(0, catnap.sgasOutstanding());
        assertEquals(0, catnap.buffers().outstanding());
    }

    @Test
    void peerResetFailsThePendingPopWithEconnresetThenPopsSeeEof() throws Exception {
        int listener = listener(catnap);
        CountDownLatch accepted = new CountDownLatch(1);
        Thread peer = Thread.ofPlatform().start(() -> {
            try {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port(listener));
                s.setSoLinger(true, 0); // close sends RST instead of FIN (socket(7), SO_LINGER)
                accepted.await(10, TimeUnit.SECONDS);
                s.close();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        int server = expect(catnap, catnap.accept(listener), Opcode.ACCEPT).newQd();
        long pop = catnap.pop(server);
        accepted.countDown();
        QResult r = await(catnap, pop);
        assertEquals(Opcode.FAILED, r.opcode(), r::toString);
        assertEquals(Errno.ECONNRESET, r.errno(), r::toString);
        QResult after = expect(catnap, catnap.pop(server), Opcode.POP);
        assertEquals(0, after.sga().length(), "Linux reports the reset once; then the stream is at its end");
        catnap.sgaFree(after.sga());
        Sga sga = sgaOf(catnap, "anyone?");
        QResult push = await(catnap, catnap.push(server, sga));
        assertEquals(Opcode.FAILED, push.opcode());
        assertEquals(Errno.EPIPE, push.errno(), "pushing into a reset connection fails without a SIGPIPE");
        catnap.sgaFree(sga);
        peer.join();
    }

    @Test
    void silentPeerDoesNotStopServingOthersAndATimedOutPopStaysValid() throws Exception {
        int listener = listener(catnap);
        Socket silent = new Socket(InetAddress.getLoopbackAddress(), port(listener));
        int quietQd = expect(catnap, catnap.accept(listener), Opcode.ACCEPT).newQd();
        long quietPop = catnap.pop(quietQd);
        QResult r = new QResult();
        assertEquals(-Errno.ETIMEDOUT, catnap.wait(quietPop, TimeUnit.MILLISECONDS.toNanos(50), r));

        try (Socket talker = new Socket(InetAddress.getLoopbackAddress(), port(listener))) {
            int talkQd = expect(catnap, catnap.accept(listener), Opcode.ACCEPT).newQd();
            OutputStream out = talker.getOutputStream();
            InputStream in = talker.getInputStream();
            for (int i = 0; i < 20; i++) {
                byte[] msg = ("req " + i).getBytes(StandardCharsets.US_ASCII);
                out.write(msg);
                QResult got = expect(catnap, catnap.pop(talkQd), Opcode.POP);
                expect(catnap, catnap.push(talkQd, got.sga()), Opcode.PUSH);
                catnap.sgaFree(got.sga());
                assertArrayEquals(msg, in.readNBytes(msg.length));
            }
            assertEquals(-Errno.ETIMEDOUT, catnap.wait(quietPop, 0, r), "still pending, still valid");
        }

        silent.getOutputStream().write("finally".getBytes(StandardCharsets.US_ASCII));
        QResult late = expect(catnap, quietPop, Opcode.POP);
        assertEquals("finally", textOf(late.sga()));
        catnap.sgaFree(late.sga());
        assertEquals(-Errno.EINVAL, catnap.wait(quietPop, 0, r), "a taken token is no longer valid");
        silent.close();
    }

    @Test
    void closingWithPendingPopsCancelsThemInOrder() {
        int[] pair = connectedPair(catnap, listener(catnap));
        long[] pops = {catnap.pop(pair[1]), catnap.pop(pair[1]), catnap.pop(pair[1])};
        assertEquals(0, catnap.close(pair[1]));
        for (long qt : pops) {
            QResult r = await(catnap, qt);
            assertEquals(Opcode.FAILED, r.opcode());
            assertEquals(Errno.ECANCELED, r.errno());
            assertEquals(pair[1], r.qd());
        }
        QResult eof = expect(catnap, catnap.pop(pair[0]), Opcode.POP);
        assertEquals(0, eof.sga().length(), "the peer sees our close as end of stream");
        catnap.sgaFree(eof.sga());
    }

    @Test
    void closingWithAPendingPushCancelsItAndReleasesTheArray() {
        int[] pair = connectedPair(catnap, listener(catnap));
        Sga big = sgaOf(catnap, pattern(16 << 20, 9)); // more than both socket buffers hold
        long push = catnap.push(pair[0], big);
        assertPositive(push);
        assertTrue(big.isHeld());
        assertEquals(0, catnap.close(pair[0]));
        QResult r = await(catnap, push);
        assertEquals(Opcode.FAILED, r.opcode());
        assertEquals(Errno.ECANCELED, r.errno());
        assertFalse(big.isHeld());
        assertEquals(0, catnap.sgaFree(big));
    }

    @Test
    void closingAListeningSocketCancelsPendingAccepts() {
        int listener = listener(catnap);
        long a1 = catnap.accept(listener);
        long a2 = catnap.accept(listener);
        assertEquals(0, catnap.close(listener));
        for (long qt : new long[] {a1, a2}) {
            QResult r = await(catnap, qt);
            assertEquals(Opcode.FAILED, r.opcode());
            assertEquals(Errno.ECANCELED, r.errno());
        }
    }

    @Test
    void closingAConnectingSocketCancelsTheConnect() {
        int qd = catnap.socket(io.demikv.libos.LibOS.AF_INET, io.demikv.libos.LibOS.SOCK_STREAM, 0);
        // TEST-NET-1 is unroutable from here: the handshake stays pending (or fails at once without a route).
        long qt = catnap.connect(qd, Endpoint.parse("192.0.2.1:9"));
        assertPositive(qt);
        assertEquals(0, catnap.close(qd));
        QResult r = await(catnap, qt);
        assertEquals(Opcode.FAILED, r.opcode());
        assertTrue(r.errno() == Errno.ECANCELED || r.errno() == Errno.ENETUNREACH, r::toString);
    }

    @Test
    void acceptsQueuedConnectionsOneAcceptEach() throws Exception {
        int listener = listener(catnap);
        Socket[] clients = new Socket[5];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = new Socket(InetAddress.getLoopbackAddress(), port(listener));
        }
        long[] accepts = new long[clients.length];
        for (int i = 0; i < accepts.length; i++) {
            accepts[i] = catnap.accept(listener);
        }
        java.util.Set<Long> peers = new java.util.HashSet<>();
        for (long qt : accepts) {
            QResult r = expect(catnap, qt, Opcode.ACCEPT);
            peers.add(r.peer());
        }
        java.util.Set<Long> expected = new java.util.HashSet<>();
        for (Socket s : clients) {
            expected.add(Endpoint.of(0x7F00_0001, s.getLocalPort()));
            s.close();
        }
        assertEquals(expected, peers);
    }
}
