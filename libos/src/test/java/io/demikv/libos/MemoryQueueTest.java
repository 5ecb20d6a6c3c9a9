package io.demikv.libos;

import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;

import static io.demikv.libos.testkit.LibOsTestKit.assertNoLeaks;
import static io.demikv.libos.testkit.LibOsTestKit.expect;
import static io.demikv.libos.testkit.LibOsTestKit.pushAndWait;
import static io.demikv.libos.testkit.LibOsTestKit.sga;
import static io.demikv.libos.testkit.LibOsTestKit.text;
import static io.demikv.libos.testkit.LibOsTestKit.virtualMemoryLibOS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** In-memory queues: order, zero-copy delivery, and what close does to queued data. */
class MemoryQueueTest {
    private final ManualClock clock = new ManualClock();
    private final MemoryLibOS libos = virtualMemoryLibOS(clock);
    private final QResult r = new QResult();

    @AfterEach
    void close() {
        libos.close();
    }

    @Test
    void aPopGetsTheSameMemoryThePushCarriedWithoutACopy() {
        int qd = libos.queue();
        Sga sent = sga(libos, "zero copy");
        DemiBuffer pushed = sent.segment(0);
        pushAndWait(libos, qd, sent, 0);
        expect(libos, libos.pop(qd), 0, Opcode.POP, r);
        Sga got = r.sga();
        assertNotSame(sent, got, "the popper gets its own array");
        DemiBuffer popped = got.segment(0);
        assertSame(pushed, popped.root(), "a view of the pushed buffer");
        assertEquals(pushed.memory().address(), popped.memory().address());
        assertEquals(pushed.offset(), popped.offset());
        // Same bytes: a write through one is seen through the other.
        pushed.memory().set(ValueLayout.JAVA_BYTE, pushed.offset(), (byte) 'Z');
        assertEquals("Zero copy", text(got));
        libos.sgaFree(sent);
        assertEquals("Zero copy", text(got), "the bytes outlive the pusher's free");
        libos.sgaFree(got);
        assertNoLeaks(libos);
    }

    @Test
    void trimmingAPoppedBufferDoesNotChangeThePushersArray() {
        int qd = libos.queue();
        Sga sent = sga(libos, "header:body");
        pushAndWait(libos, qd, sent, 0);
        expect(libos, libos.pop(qd), 0, Opcode.POP, r);
        r.sga().segment(0).trimFront(7);
        assertEquals("body", text(r.sga()));
        assertEquals("header:body", text(sent), "the pusher may reuse its array after the push completed");
        libos.sgaFree(r.sga());
        pushAndWait(libos, qd, sent, 0);
        expect(libos, libos.pop(qd), 0, Opcode.POP, r);
        assertEquals("header:body", text(r.sga()));
        libos.sgaFree(r.sga());
        libos.sgaFree(sent);
        assertNoLeaks(libos);
    }

    @Test
    void everySegmentOfAnArrayIsDeliveredInOrder() {
        int qd = libos.queue();
        Sga sent = sga(libos, "head|");
        Sga tail = sga(libos, "tail");
        assertTrue(sent.add(tail.segment(0).retain()));
        libos.sgaFree(tail);
        assertEquals(2, sent.segmentCount());
        pushAndWait(libos, qd, sent, 0);
        expect(libos, libos.pop(qd), 0, Opcode.POP, r);
        assertEquals(2, r.sga().segmentCount());
        assertEquals("head|tail", text(r.sga()));
        assertEquals(9, r.value());
        libos.sgaFree(r.sga());
        libos.sgaFree(sent);
        assertNoLeaks(libos);
    }

    @Test
    void pushesArePoppedInOrderAcrossRingGrowth() {
        int qd = libos.queue();
        for (int i = 0; i < 100; i++) {
            Sga s = sga(libos, "#" + i);
            pushAndWait(libos, qd, s, 0);
            libos.sgaFree(s);
        }
        for (int i = 0; i < 100; i++) {
            expect(libos, libos.pop(qd), 0, Opcode.POP, r);
            assertEquals("#" + i, text(r.sga()));
            libos.sgaFree(r.sga());
        }
        assertNoLeaks(libos);
    }

    @Test
    void waitingPopsAreServedOldestFirst() {
        int qd = libos.queue();
        long[] pops = new long[4];
        for (int i = 0; i < pops.length; i++) {
            pops[i] = libos.pop(qd);
        }
        for (int i = 0; i < pops.length; i++) {
            Sga s = sga(libos, "v" + i);
            pushAndWait(libos, qd, s, 0);
            libos.sgaFree(s);
        }
        for (int i = pops.length - 1; i >= 0; i--) {
            expect(libos, pops[i], 0, Opcode.POP, r);
            assertEquals("v" + i, text(r.sga()));
            libos.sgaFree(r.sga());
        }
        assertNoLeaks(libos);
    }

    @Test
    void queuesAreIndependent() {
        int a = libos.queue();
        int b = libos.queue();
        long popB = libos.pop(b);
        Sga s = sga(libos, "for a");
        pushAndWait(libos, a, s, 0);
        libos.sgaFree(s);
        assertEquals(-Errno.ETIMEDOUT, libos.wait(popB, 1_000, r));
        expect(libos, libos.pop(a), 0, Opcode.POP, r);
        assertEquals("for a", text(r.sga()));
        libos.sgaFree(r.sga());
        assertEquals(0, libos.close(b));
        assertEquals(0, libos.wait(popB, 0, r));
        assertTrue(r.failed());
        assertNoLeaks(libos);
    }

    @Test
    void closingAQueueWithQueuedDataFreesTheDataButNotResultsAlreadyHandedOut() {
        int qd = libos.queue();
        long pop = libos.pop(qd);
        for (int i = 0; i < 3; i++) {
            Sga s = sga(libos, "q" + i);
            pushAndWait(libos, qd, s, 0);
            libos.sgaFree(s);
        }
        // q0 went to the waiting pop (a completed result nobody has taken yet); q1 and q2 sit in the queue.
        assertEquals(0, libos.close(qd));
        expect(libos, pop, 0, Opcode.POP, r);
        assertEquals("q0", text(r.sga()), "a completed pop keeps its data after close");
        libos.sgaFree(r.sga());
        assertNoLeaks(libos);
    }

    @Test
    void manyQueuesOpenAndCloseWithoutLeaking() {
        for (int round = 0; round < 1_000; round++) {
            int qd = libos.queue();
            Sga s = sga(libos, "r" + round);
            pushAndWait(libos, qd, s, 0);
            libos.sgaFree(s);
            if ((round & 1) == 0) {
                expect(libos, libos.pop(qd), 0, Opcode.POP, r);
                libos.sgaFree(r.sga());
            }
            assertEquals(0, libos.close(qd));
        }
        assertEquals(0, libos.queueTable().openCount());
        assertNoLeaks(libos);
    }
}
