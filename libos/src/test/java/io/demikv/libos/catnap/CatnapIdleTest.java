package io.demikv.libos.catnap;

import io.demikv.libos.Errno;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.WaitPolicy;
import io.demikv.libos.memory.BufferPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;

import static io.demikv.libos.catnap.CatnapKit.*;
import static org.junit.jupiter.api.Assertions.*;

/** An idle Catnap sleeps in epoll_wait instead of spinning, and wakes as soon as data arrives. */
@Timeout(30)
class CatnapIdleTest {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Test
    void idleWaitUsesLittleCpuWithTheDefaultPolicy() {
        assumeCpuTime();
        try (Catnap catnap = new Catnap(WaitPolicy.DEFAULT, new BufferPool())) {
            int[] pair = connectedPair(catnap, listener(catnap));
            long pop = catnap.pop(pair[1]);
            QResult r = new QResult();
            catnap.wait(pop, TimeUnit.MILLISECONDS.toNanos(20), r); // warm up: JIT, first epoll calls
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            assertEquals(-Errno.ETIMEDOUT, catnap.wait(pop, TimeUnit.MILLISECONDS.toNanos(200), r));
            long wall = System.nanoTime() - wall0;
            long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
            assertTrue(wall >= TimeUnit.MILLISECONDS.toNanos(200), "waited the whole timeout");
            // The default policy busy-polls a few hundred passes before it sleeps in epoll_wait.
            assertTrue(cpu < wall / 3, "idle wait burned " + cpu / 1_000_000 + " ms CPU in " + wall / 1_000_000
                    + " ms: it spins instead of sleeping in epoll_wait");
        }
    }

    @Test
    void anIdleWaitSleepsUntilItsDeadlineInsteadOfWakingEveryParkTime() {
        try (Catnap catnap = new Catnap(WaitPolicy.DEFAULT, new BufferPool())) {
            int[] pair = connectedPair(catnap, listener(catnap));
            long pop = catnap.pop(pair[1]);
            QResult r = new QResult();
            catnap.wait(pop, TimeUnit.MILLISECONDS.toNanos(20), r); // warm up
            long passes0 = catnap.scheduler().passes();
            long wall0 = System.nanoTime();
            assertEquals(-Errno.ETIMEDOUT, catnap.wait(pop, TimeUnit.MILLISECONDS.toNanos(300), r));
            assertTrue(System.nanoTime() - wall0 >= TimeUnit.MILLISECONDS.toNanos(300), "waited the whole timeout");
            // The spins and yields (about 310 passes), then one sleep in epoll_wait to the deadline; parking 1 ms
            // at a time would add about 300 more.
            long passes = catnap.scheduler().passes() - passes0;
            assertTrue(passes < 400, "an idle 300 ms wait ran " + passes + " scheduler passes");
        }
    }

    @Test
    void blockingPolicyIdlesAlmostForFree() {
        assumeCpuTime();
        try (Catnap catnap = new Catnap(WaitPolicy.BLOCKING, new BufferPool())) {
            int[] pair = connectedPair(catnap, listener(catnap));
            long pop = catnap.pop(pair[1]);
            QResult r = new QResult();
            catnap.wait(pop, TimeUnit.MILLISECONDS.toNanos(20), r);
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            assertEquals(-Errno.ETIMEDOUT, catnap.wait(pop, TimeUnit.MILLISECONDS.toNanos(300), r));
            long wall = System.nanoTime() - wall0;
            long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
            assertTrue(cpu < wall / 20, "blocking wait burned " + cpu / 1_000_000 + " ms CPU in "
                    + wall / 1_000_000 + " ms");
        }
    }

    @Test
    void aLongBlockInEpollEndsAsSoonAsDataArrives() throws Exception {
        // Each idle step blocks for a whole second: only a wait inside epoll_wait can return early.
        WaitPolicy sleepy = new WaitPolicy(0, 0, TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(1));
        try (Catnap catnap = new Catnap(sleepy, new BufferPool())) {
            int listener = listener(catnap);
            int port = io.demikv.libos.Endpoint.port(catnap.localEndpoint(listener));
            try (java.net.Socket peer = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                int server = expect(catnap, catnap.accept(listener), Opcode.ACCEPT).newQd();
                long pop = catnap.pop(server);
                long[] sentAt = new long[1];
                Thread sender = Thread.ofPlatform().start(() -> {
                    try {
                        Thread.sleep(150);
                        sentAt[0] = System.nanoTime();
                        peer.getOutputStream().write("wake up".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                QResult r = expect(catnap, pop, Opcode.POP);
                long woke = System.nanoTime();
                sender.join();
                assertEquals("wake up", textOf(r.sga()));
                catnap.sgaFree(r.sga());
                long latency = woke - sentAt[0];
                assertTrue(latency < TimeUnit.MILLISECONDS.toNanos(200),
                        "woke " + latency / 1_000_000 + " ms after the data arrived, not out of epoll_wait");
            }
        }
    }

    private static void assumeCpuTime() {
        org.junit.jupiter.api.Assumptions.assumeTrue(THREADS.isCurrentThreadCpuTimeSupported(),
                "this JVM cannot measure thread CPU time");
    }
}
