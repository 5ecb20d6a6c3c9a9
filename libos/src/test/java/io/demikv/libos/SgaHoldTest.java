package io.demikv.libos;

import io.demikv.libos.testkit.ManualLibOS;
import io.demikv.libos.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.demikv.libos.testkit.LibOsTestKit.assertNoLeaks;
import static io.demikv.libos.testkit.LibOsTestKit.expect;
import static io.demikv.libos.testkit.LibOsTestKit.sga;
import static io.demikv.libos.testkit.LibOsTestKit.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pushed array is held until its push finishes, whichever way it finishes. */
class SgaHoldTest {
    private final ManualClock clock = new ManualClock();
    private final ManualLibOS libos = new ManualLibOS(clock, WaitPolicy.BLOCKING);
    private final QResult r = new QResult();

    @AfterEach
    void close() {
        libos.close();
    }

    @Test
    void freeingAnArrayHeldByAPendingPushIsEbusyAndWorksAfterCompletion() {
        int qd = libos.manualQueue();
        Sga s = sga(libos, "held");
        long qt = libos.push(qd, s);
        assertTrue(s.isHeld());
        assertEquals(-Errno.EBUSY, libos.sgaFree(s));
        assertFalse(s.add(libos.buffers().allocate(1)), "a held array cannot grow");
        assertEquals(-Errno.ETIMEDOUT, libos.wait(qt, 1_000, r));
        assertEquals(-Errno.EBUSY, libos.sgaFree(s), "still held after a timed-out wait");

        assertTrue(libos.completeNextPush(qd));
        assertFalse(s.isHeld(), "completion releases the hold at once, before anyone waits");
        expect(libos, qt, 0, Opcode.PUSH, r);
        assertEquals(4, r.value());
        assertSame(s, r.sga());
        assertEquals(0, libos.sgaFree(s));
        assertEquals(-Errno.EINVAL, libos.sgaFree(s));
        // The refused add above allocated a buffer that the test still owns.
        assertEquals(1, libos.buffers().outstanding());
    }

    @Test
    void aFailedPushReleasesTheHold() {
        int qd = libos.manualQueue();
        Sga s = sga(libos, "x");
        long qt = libos.push(qd, s);
        assertTrue(libos.failNextPush(qd, Errno.EPIPE));
        assertFalse(s.isHeld());
        assertEquals(0, libos.wait(qt, 0, r));
        assertEquals(Errno.EPIPE, r.errno());
        assertEquals(0, libos.sgaFree(s));
        assertNoLeaks(libos);
    }

    @Test
    void closingAQueueCancelsItsPushesAndReleasesTheirHolds() {
        int qd = libos.manualQueue();
        Sga s = sga(libos, "x");
        long qt = libos.push(qd, s);
        assertEquals(0, libos.close(qd));
        assertFalse(s.isHeld(), "a push cancelled through Scheduler.fail must release its hold too");
        assertEquals(0, libos.sgaFree(s));
        assertEquals(0, libos.wait(qt, 0, r));
        assertEquals(Errno.ECANCELED, r.errno());
        assertNoLeaks(libos);
    }

    @Test
    void anArrayPushedTwiceStaysHeldUntilBothPushesFinish() {
        int a = libos.manualQueue();
        int b = libos.manualQueue();
        Sga s = sga(libos, "twice");
        long qa = libos.push(a, s);
        long qb = libos.push(b, s);
        assertTrue(libos.completeNextPush(a));
        assertEquals(-Errno.EBUSY, libos.sgaFree(s));
        assertTrue(libos.completeNextPush(b));
        assertEquals(0, libos.sgaFree(s));
        assertEquals(0, libos.wait(qa, 0, r));
        assertEquals(0, libos.wait(qb, 0, r));
        assertNoLeaks(libos);
    }

    @Test
    void aPushRefusedAtOnceDoesNotHoldTheArray() {
        int qd = libos.manualQueue();
        Sga s = sga(libos, "x");
        assertEquals(-Errno.EOPNOTSUPP, libos.pushTo(qd, s, Endpoint.of(0x7F000001, 9)));
        assertFalse(s.isHeld());
        assertEquals(0, libos.sgaFree(s));
        assertNoLeaks(libos);
    }

    @Test
    void aPoppedArrayIsOwnedByTheApplication() {
        int qd = libos.manualQueue();
        long qt = libos.pop(qd);
        Sga data = sga(libos, "from the wire");
        assertTrue(libos.deliver(qd, data));
        expect(libos, qt, 0, Opcode.POP, r);
        assertEquals("from the wire", text(r.sga()));
        assertFalse(r.sga().isHeld());
        assertEquals(0, libos.sgaFree(r.sga()));
        assertNoLeaks(libos);
    }
}
