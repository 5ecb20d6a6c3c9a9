package io.demikv.libos;

import io.demikv.libos.sched.TimerCallback;
import io.demikv.libos.sched.Timers;
import io.demikv.libos.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static io.demikv.libos.testkit.LibOsTestKit.assertNoLeaks;
import static io.demikv.libos.testkit.LibOsTestKit.virtualMemoryLibOS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * After warm-up, the PDPIX hot path allocates nothing on the Java heap: 100k round trips of
 * sgaAlloc + push + wait + pop + wait + sgaFree on a memory queue must stay under {@value #BUDGET} bytes
 * (JIT and profiling noise), measured with the thread's allocation counter.
 */
class SteadyStateAllocationTest {
    private static final int ROUNDS = 100_000;
    private static final int WARMUP = 20_000;
    private static final long BUDGET = 64 * 1024;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final ManualClock clock = new ManualClock();
    private final MemoryLibOS libos = virtualMemoryLibOS(clock);
    private final QResult pushResult = new QResult();
    private final QResult popResult = new QResult();
    private final QResult[] results = {new QResult(), new QResult()};
    private final long[] tokens = new long[2];
    private int qd;

    @BeforeEach
    void setUp() {
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes");
        threads.setThreadAllocatedMemoryEnabled(true);
        qd = libos.queue();
    }

    @AfterEach
    void close() {
        libos.close();
    }

    private long allocatedBytes() {
        return threads.getCurrentThreadAllocatedBytes();
    }

    private void roundTripWithWait(int length) {
        Sga sga = libos.sgaAlloc(length);
        long push = libos.push(qd, sga);
        if (libos.wait(push, 0, pushResult) != 0 || pushResult.opcode() != Opcode.PUSH) {
            throw new AssertionError("push failed: " + pushResult);
        }
        long pop = libos.pop(qd);
        if (libos.wait(pop, 0, popResult) != 0 || popResult.value() != length) {
            throw new AssertionError("pop failed: " + popResult);
        }
        libos.sgaFree(popResult.sga());
        libos.sgaFree(sga);
    }

    private void roundTripWithWaitNextAndWaitAny(int length) {
        // The pop waits first, so the push hands the data straight to it.
        tokens[0] = libos.pop(qd);
        Sga sga = libos.sgaAlloc(length);
        tokens[1] = libos.push(qd, sga);
        if (libos.waitAny(tokens, 2, 0, popResult) != 0 || popResult.opcode() != Opcode.POP) {
            throw new AssertionError("waitAny: " + popResult);
        }
        if (libos.waitNext(results, 2, 0) != 1 || results[0].opcode() != Opcode.PUSH) {
            throw new AssertionError("waitNext: " + results[0]);
        }
        libos.sgaFree(popResult.sga());
        libos.sgaFree(sga);
    }

    @Test
    void pushPopWaitRoundTripsAllocateNothingInSteadyState() {
        for (int i = 0; i < WARMUP; i++) {
            roundTripWithWait(64 + (i & 1023));
        }
        long before = allocatedBytes();
        for (int i = 0; i < ROUNDS; i++) {
            roundTripWithWait(64 + (i & 1023));
        }
        long allocated = allocatedBytes() - before;
        assertTrue(allocated < BUDGET, ROUNDS + " round trips allocated " + allocated + " bytes");
        assertEquals(0, libos.scheduler().completedTasks(), "results taken by wait are not kept anywhere");
        assertEquals(1, libos.queueTable().openCount());
        assertNoLeaks(libos);
    }

    @Test
    void waitAnyAndWaitNextRoundTripsAllocateNothingInSteadyState() {
        for (int i = 0; i < WARMUP; i++) {
            roundTripWithWaitNextAndWaitAny(100 + (i & 4095));
        }
        long before = allocatedBytes();
        for (int i = 0; i < ROUNDS; i++) {
            roundTripWithWaitNextAndWaitAny(100 + (i & 4095));
        }
        long allocated = allocatedBytes() - before;
        assertTrue(allocated < BUDGET, ROUNDS + " round trips allocated " + allocated + " bytes");
        assertNoLeaks(libos);
    }

    @Test
    void timedOutWaitsAndTimersAllocateNothingInSteadyState() {
        Timers timers = libos.scheduler().timers();
        TimerCallback noop = (id, now) -> { };
        long pop = libos.pop(qd);
        Runnable round = () -> {
            long keep = timers.schedule(clock.nanoTime() + 5_000, noop);
            long cancelMe = timers.schedule(clock.nanoTime() + 1_000, noop);
            timers.cancel(cancelMe);
            if (libos.wait(pop, 10_000, popResult) != -Errno.ETIMEDOUT) {
                throw new AssertionError("expected a timeout");
            }
            if (timers.isScheduled(keep)) {
                throw new AssertionError("the timer should have fired during the wait");
            }
        };
        for (int i = 0; i < WARMUP; i++) {
            round.run();
        }
        long before = allocatedBytes();
        for (int i = 0; i < ROUNDS; i++) {
            round.run();
        }
        long allocated = allocatedBytes() - before;
        assertTrue(allocated < BUDGET, ROUNDS + " timed waits allocated " + allocated + " bytes");
    }
}
