package io.demikv.libos.catnap;

import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;

import static io.demikv.libos.catnap.CatnapKit.*;
import static org.junit.jupiter.api.Assertions.*;

/** Steady-state echo over Catnap allocates (next to) nothing on the Java heap per operation. */
@Timeout(60)
class CatnapAllocationTest {
    @Test
    void steadyStateEchoAllocatesAlmostNothingPerRoundTrip() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes");
        try (Catnap catnap = new Catnap()) {
            int[] pair = connectedPair(catnap, listener(catnap));
            Sga request = sgaOf(catnap, pattern(64, 1));
            QResult r = new QResult();
            long tid = Thread.currentThread().threadId();
            roundTrips(catnap, pair, request, r, 30_000); // warm up: let the JIT compile the path
            long before = threads.getThreadAllocatedBytes(tid);
            int n = 20_000;
            roundTrips(catnap, pair, request, r, n);
            long perRoundTrip = (threads.getThreadAllocatedBytes(tid) - before) / n;
            // A round trip is 2 pushes, 2 pops and 4 waits; allow a little for the JIT's deoptimisations.
            assertTrue(perRoundTrip < 64, "allocated " + perRoundTrip + " bytes per echo round trip");
            catnap.sgaFree(request);
        }
    }

    private static void roundTrips(Catnap c, int[] pair, Sga request, QResult r, int n) {
        for (int i = 0; i < n; i++) {
            if (c.wait(c.push(pair[0], request), WAIT, r) != 0 || r.opcode() != Opcode.PUSH) {
                fail("push: " + r);
            }
            if (c.wait(c.pop(pair[1]), WAIT, r) != 0 || r.opcode() != Opcode.POP) {
                fail("pop: " + r);
            }
            Sga got = r.sga();
            if (c.wait(c.push(pair[1], got), WAIT, r) != 0 || r.opcode() != Opcode.PUSH) {
                fail("echo: " + r);
            }
            c.sgaFree(got);
            if (c.wait(c.pop(pair[0]), WAIT, r) != 0 || r.opcode() != Opcode.POP) {
                fail("reply: " + r);
            }
            c.sgaFree(r.sga());
        }
    }
}
