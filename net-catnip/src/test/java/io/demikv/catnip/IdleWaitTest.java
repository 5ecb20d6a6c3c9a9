package io.demikv.catnip;

import io.demikv.catnip.phy.FaultInjectingDevice;
import io.demikv.catnip.phy.Faults;
import io.demikv.catnip.phy.UnixLinkDevice;
import io.demikv.config.CatnipIdle;
import io.demikv.config.InetStackConfig;
import io.demikv.config.Ipv4Address;
import io.demikv.config.MacAddress;
import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import io.demikv.libos.WaitPolicy;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.time.NanoClock;
import io.demikv.catnip.tcp.TcpConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a waiting Catnip idles on a real clock ({@code catnip.idle}), over a {@link UnixLinkDevice} pair (real file
 * descriptors, no privileges): host A waits on the test thread, host B runs on another thread. The wait policy
 * spins 20 passes and then asks to block for 1 ms doubling to 1 s, so how soon A reacts is decided by the idle
 * behaviour alone, and the scheduler's pass count says whether A slept or spun meanwhile.
 */
final class IdleWaitTest {
    private static final int IP_A = Ipv4Address.parse("10.9.0.1").value();
    private static final int IP_B = Ipv4Address.parse("10.9.0.2").value();
    private static final long MAC_A = MacAddress.parse("02:00:00:00:09:01").value();
    private static final long MAC_B = MacAddress.parse("02:00:00:00:09:02").value();
    /** Static ARP both ways, so the only frames are the test's; 100 ms ARP timeout with one retry for A's misses. */
    private static final InetStackConfig CONFIG = new InetStackConfig(1500, 1460,
            Map.of(Ipv4Address.parse("10.9.0.1"), MacAddress.parse("02:00:00:00:09:01"),
                    Ipv4Address.parse("10.9.0.2"), MacAddress.parse("02:00:00:00:09:02")),
            Duration.ofSeconds(60), Duration.ofMillis(100), 1, false, false, false);
    private static final WaitPolicy LONG_BLOCKS = new WaitPolicy(20, 0, 1_000_000, 1_000_000_000);
    /** Generous for a shared 2-CPU machine; a nap of the park time would take up to 1 s. */
    private static final long WAKE_BOUND_NANOS = 100_000_000;

    private final BufferPool poolA = new BufferPool();
    private final BufferPool poolB = new BufferPool();
    private final UnixLinkDevice[] link = UnixLinkDevice.pair(MAC_A, poolA, MAC_B, poolB, 1500);
    private Catnip a;

    private Catnip host(CatnipIdle idle, WaitPolicy policy, BufferPool pool, UnixLinkDevice device, int ip) {
        return new Catnip(NanoClock.SYSTEM, policy, idle, pool, device, ip, CONFIG, TcpConfig.defaults(CONFIG));
    }

    @AfterEach
    void closeAll() {
        if (a != null) {
            a.close();
        } else {
            link[0].close();
            poolA.close();
        }
        link[1].close();
        poolB.close();
    }

    /** B, on its own thread: after {@code delayMillis}, one datagram to A's port 7; returns when it went out. */
    private CompletableFuture<Long> sendFromB(long delayMillis, byte marker) {
        return CompletableFuture.supplyAsync(() -> {
            try (Catnip b = host(CatnipIdle.BLOCK, WaitPolicy.DEFAULT, poolB, link[1], IP_B)) {
                int qd = b.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
                assertEquals(0, b.bind(qd, Endpoint.of(IP_B, 9)));
                QResult r = new QResult();
                b.wait(b.pop(qd), delayMillis * 1_000_000L, r); // sleeps on the link: nothing comes
                Sga sga = b.sgaAlloc(8);
                sga.segment(0).memory().set(ValueLayout.JAVA_BYTE, sga.segment(0).offset(), marker);
                long sent = System.nanoTime();
                assertEquals(0, b.wait(b.pushTo(qd, sga, Endpoint.of(IP_A, 7)), 1_000_000_000L, r));
                assertEquals(Opcode.PUSH, r.opcode());
                b.sgaFree(sga);
                return sent;
            }
        }, runnable -> new Thread(runnable, "host-b").start());
    }

    @Test
    void blockedStackWakesOnAnArrivingFrameWithoutSpinning() throws Exception {
        a = host(CatnipIdle.BLOCK, LONG_BLOCKS, poolA, link[0], IP_A);
        int qd = a.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
        assertEquals(0, a.bind(qd, Endpoint.of(IP_A, 7)));
        long pop = a.pop(qd);
        CompletableFuture<Long> sent = sendFromB(300, (byte) 0x5A);
        long passesBefore = a.scheduler().passes();
        long pollsBefore = a.stack().polls();

        QResult r = new QResult();
        assertEquals(0, a.wait(pop, 10_000_000_000L, r));
        long received = System.nanoTime();

        assertEquals(Opcode.POP, r.opcode());
        assertEquals((byte) 0x5A, r.sga().segment(0).memory().get(ValueLayout.JAVA_BYTE, r.sga().segment(0).offset()));
        a.sgaFree(r.sga());
        long latency = received - sent.get(5, TimeUnit.SECONDS);
        assertTrue(latency < WAKE_BOUND_NANOS, "the frame waited " + latency / 1000 + " µs for a sleeping stack");
        assertTrue(a.deviceWakeups() >= 1, "a frame ended a sleep: " + a.deviceWakeups());
        // 300 ms of waiting: about 20 spins plus one pass per sleep (1, 2, 4, ... ms) and per frame (B's
        // gratuitous ARP, the datagram); a spinning stack makes hundreds of thousands.
        long passes = a.scheduler().passes() - passesBefore;
        assertTrue(passes < 500, "passes while waiting: " + passes);
        assertEquals(passes, a.stack().polls() - pollsBefore, "one device poll per pass");
        assertTrue(a.idleBlocks() >= 5 && a.idleBlocks() < 100, "sleeps: " + a.idleBlocks());
    }

    @Test
    void blockedStackWakesWhenATimerIsDueWithoutSpinning() {
        a = host(CatnipIdle.BLOCK, LONG_BLOCKS, poolA, link[0], IP_A);
        int qd = a.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
        Sga sga = a.sgaAlloc(8);
        long start = System.nanoTime();
        long passesBefore = a.scheduler().passes();
        // No ARP entry for .9: one request now, one retry at 100 ms, EHOSTUNREACH at 200 ms (two ARP timers).
        long push = a.pushTo(qd, sga, Endpoint.of(Ipv4Address.parse("10.9.0.9").value(), 7));

        QResult r = new QResult();
        assertEquals(0, a.wait(push, 10_000_000_000L, r));
        long elapsed = System.nanoTime() - start;

        assertEquals(Opcode.FAILED, r.opcode());
        assertEquals(Errno.EHOSTUNREACH, r.errno());
        a.sgaFree(sga);
        assertTrue(elapsed >= 200_000_000L, "ARP gave up early: " + elapsed / 1000 + " µs");
        assertTrue(elapsed < 200_000_000L + WAKE_BOUND_NANOS, "the timer fired late: " + elapsed / 1000 + " µs");
        long passes = a.scheduler().passes() - passesBefore;
        assertTrue(passes < 500, "passes while waiting: " + passes);
        assertTrue(a.idleBlocks() >= 2, "slept until each timer: " + a.idleBlocks());
        assertEquals(0, a.deviceWakeups(), "no frame came");
    }

    @Test
    void spinNeverSleeps() {
        a = host(CatnipIdle.SPIN, LONG_BLOCKS, poolA, link[0], IP_A);
        int qd = a.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
        assertEquals(0, a.bind(qd, Endpoint.of(IP_A, 7)));
        long passesBefore = a.scheduler().passes();
        long pollsBefore = a.stack().polls();
        long emptyBefore = a.stack().emptyPolls();
        long start = System.nanoTime();

        assertEquals(-Errno.ETIMEDOUT, a.wait(a.pop(qd), 100_000_000L, new QResult()));

        assertTrue(System.nanoTime() - start >= 100_000_000L);
        assertEquals(0, a.idleBlocks());
        long passes = a.scheduler().passes() - passesBefore;
        assertTrue(passes > 1_000, "a spinning stack polls all the time: " + passes + " passes in 100 ms");
        assertEquals(a.stack().polls() - pollsBefore, a.stack().emptyPolls() - emptyBefore, "every poll was empty");
    }

    @Test
    void parkNapsWithoutWatchingTheDeviceAndStillDelivers() throws Exception {
        a = host(CatnipIdle.PARK, new WaitPolicy(20, 0, 1_000_000, 20_000_000), poolA, link[0], IP_A);
        int qd = a.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
        assertEquals(0, a.bind(qd, Endpoint.of(IP_A, 7)));
        long pop = a.pop(qd);
        CompletableFuture<Long> sent = sendFromB(100, (byte) 0x33);

        QResult r = new QResult();
        assertEquals(0, a.wait(pop, 10_000_000_000L, r));
        sent.get(5, TimeUnit.SECONDS);

        assertEquals(Opcode.POP, r.opcode());
        a.sgaFree(r.sga());
        assertEquals(0, a.idleBlocks(), "park never sleeps on the device");
        assertEquals(0, a.deviceWakeups());
    }

    @Test
    void aDeviceHoldingFramesBackOffersNoDescriptor() {
        FaultInjectingDevice faulty = new FaultInjectingDevice(link[0], Faults.NONE, 1, poolA);
        assertEquals(link[0].readyFd(), faulty.readyFd());
        assertTrue(faulty.readyFd() >= 0);
    }
}
