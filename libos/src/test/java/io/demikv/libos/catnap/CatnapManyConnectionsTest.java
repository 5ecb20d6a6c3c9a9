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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.demikv.libos.catnap.CatnapKit.*;
import static org.junit.jupiter.api.Assertions.*;

/** Many connections at once, and fairness between a flooding connection and a quiet one. */
@Timeout(60)
class CatnapManyConnectionsTest {
    private final Catnap catnap = new Catnap();

    @AfterEach
    void closeLibOs() {
        catnap.close();
    }

    /** Echo server state: every accepted connection keeps one pop pending; pops are echoed. */
    private static final class EchoServer {
        final Catnap c;
        final int listener;
        long acceptQt;
        final Map<Long, Sga> echoPushes = new HashMap<>();
        int connections;

        EchoServer(Catnap c, int listener) {
            this.c = c;
            this.listener = listener;
            this.acceptQt = c.accept(listener);
        }

        /** Handles one completion that belongs to the server; returns false when it is not the server's. */
        boolean handle(QResult r) {
            if (r.qt() == acceptQt) {
                assertEquals(Opcode.ACCEPT, r.opcode(), r::toString);
                connections++;
                assertPositive(c.pop(r.newQd()));
                acceptQt = c.accept(listener);
                return true;
            }
            Sga sent = echoPushes.remove(r.qt());
            if (sent != null) {
                assertEquals(Opcode.PUSH, r.opcode(), r::toString);
                assertEquals(0, c.sgaFree(sent));
                return true;
            }
            return false;
        }

        /** A pop on a server connection completed: echo it and pop again (or close at EOF). */
        void onServerPop(QResult r) {
            Sga sga = r.sga();
            if (sga.length() == 0) {
                c.sgaFree(sga);
                c.close(r.qd());
                return;
            }
            long qt = c.push(r.qd(), sga);
            assertPositive(qt);
            echoPushes.put(qt, sga);
            assertPositive(c.pop(r.qd()));
        }
    }

    @Test
    void twoHundredClientsOfTheSameLibOsAllGetTheirEchoes() {
        int listener = listener(catnap);
        long server = catnap.localEndpoint(listener);
        EchoServer echo = new EchoServer(catnap, listener);
        int clients = 200;
        int rounds = 5;
        Map<Integer, Integer> clientOfQd = new HashMap<>();
        Map<Long, Integer> connects = new HashMap<>();
        int[] qds = new int[clients];
        for (int i = 0; i < clients; i++) {
            qds[i] = catnap.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
            clientOfQd.put(qds[i], i);
            connects.put(catnap.connect(qds[i], server), i);
        }
        int[] roundsDone = new int[clients];
        Map<Long, Sga> held = new HashMap<>();
        java.util.Set<Long> clientPops = new java.util.HashSet<>();
        int finished = 0;
        QResult[] results = new QResult[32];
        for (int i = 0; i < results.length; i++) {
            results[i] = new QResult();
        }
        while (finished < clients) {
            int n = catnap.waitNext(results, results.length, WAIT);
            assertTrue(n > 0, "waitNext returned " + n);
            for (int k = 0; k < n; k++) {
                QResult r = results[k];
                if (echo.handle(r)) {
                    continue;
                }
                Integer connecting = connects.remove(r.qt());
                if (connecting != null) {
                    assertEquals(Opcode.CONNECT, r.opcode(), r::toString);
                    sendRound(clientOfQd, held, clientPops, qds[connecting], 0);
                    continue;
                }
                Sga pushed = held.remove(r.qt());
                if (pushed != null) {
                    assertEquals(Opcode.PUSH, r.opcode(), r::toString);
                    assertEquals(0, catnap.sgaFree(pushed));
                    continue;
                }
                assertEquals(Opcode.POP, r.opcode(), r::toString);
                Integer client = clientOfQd.get(r.qd());
                if (client == null || !clientPops.remove(r.qt())) {
                    echo.onServerPop(r);
                    continue;
                }
                String expected = "client " + client + " round " + roundsDone[client];
                assertEquals(expected, textOf(r.sga()), "echo is whole: the message is smaller than any segment");
                catnap.sgaFree(r.sga());
                roundsDone[client]++;
                if (roundsDone[client] == rounds) {
                    assertEquals(0, catnap.close(r.qd()));
                    finished++;
                } else {
                    sendRound(clientOfQd, held, clientPops, r.qd(), roundsDone[client]);
                }
            }
        }
        assertEquals(clients, echo.connections);
        for (int done : roundsDone) {
            assertEquals(rounds, done);
        }
    }

    private void sendRound(Map<Integer, Integer> clientOfQd, Map<Long, Sga> held, java.util.Set<Long> clientPops,
                           int qd, int round) {
        Sga sga = sgaOf(catnap, "client " + clientOfQd.get(qd) + " round " + round);
        long qt = catnap.push(qd, sga);
        assertPositive(qt);
        held.put(qt, sga);
        long pop = catnap.pop(qd);
        assertPositive(pop);
        clientPops.add(pop);
    }

    @Test
    void twoHundredJavaNetClientsOnThreadsAreServedByOneLoop() throws Exception {
        int listener = listener(catnap);
        int port = Endpoint.port(catnap.localEndpoint(listener));
        int clients = 200;
        AtomicInteger ok = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = new Thread[clients];
        for (int i = 0; i < clients; i++) {
            int id = i;
            threads[i] = Thread.ofVirtual().start(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    for (int round = 0; round < 10; round++) {
                        byte[] msg = ("c" + id + "r" + round + ";").getBytes(StandardCharsets.US_ASCII);
                        out.write(msg);
                        assertArrayEquals(msg, in.readNBytes(msg.length));
                    }
                    ok.incrementAndGet();
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
        }
        EchoServer echo = new EchoServer(catnap, listener);
        QResult[] results = {new QResult(), new QResult(), new QResult(), new QResult()};
        int closed = 0;
        while (closed < clients) {
            int n = catnap.waitNext(results, results.length, WAIT);
            assertTrue(n > 0, "waitNext returned " + n);
            for (int k = 0; k < n; k++) {
                QResult r = results[k];
                if (echo.handle(r)) {
                    continue;
                }
                assertEquals(Opcode.POP, r.opcode(), r::toString);
                if (r.sga().length() == 0) {
                    closed++;
                }
                echo.onServerPop(r);
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        assertNull(failure.get(), () -> "client failed: " + failure.get());
        assertEquals(clients, ok.get());
        assertEquals(clients, echo.connections);
    }

    @Test
    void aFloodingPeerDoesNotStarveAQuietOne() throws Exception {
        int listener = listener(catnap);
        int port = Endpoint.port(catnap.localEndpoint(listener));
        AtomicBoolean stop = new AtomicBoolean();
        Thread flooder = Thread.ofPlatform().start(() -> {
            byte[] junk = new byte[64 << 10];
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                OutputStream out = s.getOutputStream();
                while (!stop.get()) {
                    out.write(junk);
                }
            } catch (Exception e) {
                // the server closing the connection ends the flood
            }
        });
        int floodQd = expect(catnap, catnap.accept(listener), Opcode.ACCEPT).newQd();
        long floodBytes = 0;
        long floodPop = catnap.pop(floodQd);
        try (Socket quiet = new Socket(InetAddress.getLoopbackAddress(), port)) {
            long acceptQt = catnap.accept(listener);
            int quietQd = -1;
            long quietPop = 0;
            OutputStream out = quiet.getOutputStream();
            InputStream in = quiet.getInputStream();
            int rounds = 0;
            QResult[] results = {new QResult(), new QResult()};
            long start = System.nanoTime();
            while (rounds < 200) {
                if (quietQd >= 0 && quietPop == 0) {
                    out.write('?');
                    quietPop = catnap.pop(quietQd);
                }
                int n = catnap.waitNext(results, results.length, WAIT);
                assertTrue(n > 0);
                for (int k = 0; k < n; k++) {
                    QResult r = results[k];
                    if (r.qt() == acceptQt) {
                        quietQd = r.newQd();
                    } else if (r.qt() == floodPop) {
                        floodBytes += r.sga().length();
                        catnap.sgaFree(r.sga());
                        floodPop = catnap.pop(floodQd);
                    } else if (r.qt() == quietPop) {
                        assertEquals("?", textOf(r.sga()));
                        catnap.sgaFree(r.sga());
                        Sga reply = sgaOf(catnap, "!");
                        expect(catnap, catnap.push(quietQd, reply), Opcode.PUSH);
                        catnap.sgaFree(reply);
                        assertEquals('!', in.read());
                        quietPop = 0;
                        rounds++;
                    }
                }
            }
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed < 20_000_000_000L, "200 round trips beside a flood took " + elapsed / 1_000_000 + " ms");
            assertTrue(floodBytes > 0, "the flooding connection was served too");
        } finally {
            stop.set(true);
            catnap.close(floodQd);
            flooder.join();
        }
    }
}
