package io.demikv.libos;

import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.demikv.libos.testkit.LibOsTestKit.assertNoLeaks;
import static io.demikv.libos.testkit.LibOsTestKit.expect;
import static io.demikv.libos.testkit.LibOsTestKit.sga;
import static io.demikv.libos.testkit.LibOsTestKit.text;
import static io.demikv.libos.testkit.LibOsTestKit.virtualMemoryLibOS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every PDPIX call on the memory libOS: what succeeds, and the errno of each misuse. */
class MemoryLibOSContractTest {
    private static final long SECOND = 1_000_000_000L;
    private final ManualClock clock = new ManualClock();
    private final MemoryLibOS libos = virtualMemoryLibOS(clock);
    private final QResult r = new QResult();

    @AfterEach
    void close() {
        libos.close();
    }

    private int unknownQd() {
        return 12345;
    }

    // ---------------------------------------------------------------- queue descriptors

    @Test
    void socketIsNotSupportedOnTheMemoryLibOS() {
        assertEquals(-Errno.EOPNOTSUPP, libos.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0));
        assertEquals(-Errno.EOPNOTSUPP, libos.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0));
    }

    @Test
    void everyQdCallOnAnUnknownQdIsEbadf() {
        int qd = unknownQd();
        Sga sga = sga(libos, "x");
        assertEquals(-Errno.EBADF, libos.bind(qd, Endpoint.of(0x7F000001, 80)));
        assertEquals(-Errno.EBADF, libos.listen(qd, 16));
        assertEquals(-Errno.EBADF, libos.accept(qd));
        assertEquals(-Errno.EBADF, libos.connect(qd, Endpoint.of(0x7F000001, 80)));
        assertEquals(-Errno.EBADF, libos.push(qd, sga));
        assertEquals(-Errno.EBADF, libos.pushTo(qd, sga, Endpoint.of(0x7F000001, 80)));
        assertEquals(-Errno.EBADF, libos.pop(qd));
        assertEquals(-Errno.EBADF, libos.close(qd));
        assertEquals(-Errno.EBADF, libos.pop(-1));
        assertEquals(-Errno.EBADF, libos.close(Integer.MIN_VALUE));
        assertEquals(0, libos.sgaFree(sga));
        assertNoLeaks(libos);
    }

    @Test
    void socketCallsOnAMemoryQueueAreNotSupported() {
        int qd = libos.queue();
        assertEquals(-Errno.EOPNOTSUPP, libos.bind(qd, Endpoint.of(0x7F000001, 80)));
        assertEquals(-Errno.EOPNOTSUPP, libos.listen(qd, 16));
        assertEquals(-Errno.EINVAL, libos.listen(qd, -1));
        assertEquals(-Errno.EOPNOTSUPP, libos.accept(qd));
        assertEquals(-Errno.EOPNOTSUPP, libos.connect(qd, Endpoint.of(0x7F000001, 80)));
        assertEquals(-Errno.EINVAL, libos.connect(qd, Endpoint.NONE));
        Sga sga = sga(libos, "x");
        assertEquals(-Errno.EOPNOTSUPP, libos.pushTo(qd, sga, Endpoint.of(0x7F000001, 80)));
        assertEquals(-Errno.EDESTADDRREQ, libos.pushTo(qd, sga, Endpoint.NONE));
        assertFalse(sga.isHeld(), "a refused push must not leave the array held");
        assertEquals(0, libos.sgaFree(sga));
        assertEquals(0, libos.close(qd));
        assertNoLeaks(libos);
    }

    @Test
    void queuesGetDistinctNonNegativeQds() {
        int a = libos.queue();
        int b = libos.queue();
        assertTrue(a >= 0 && b >= 0);
        assertNotEquals(a, b);
        assertEquals(2, libos.queueTable().openCount());
    }

    @Test
    void aClosedQdIsEbadfEvenAfterItsSlotIsReused() {
        int stale = libos.queue();
        assertEquals(0, libos.close(stale));
        assertEquals(-Errno.EBADF, libos.close(stale));
        int[] fresh = new int[200];
        for (int i = 0; i < fresh.length; i++) {
            fresh[i] = libos.queue();
            assertNotEquals(stale, fresh[i]);
        }
        assertEquals(-Errno.EBADF, libos.pop(stale));
        Sga sga = sga(libos, "x");
        assertEquals(-Errno.EBADF, libos.push(stale, sga));
        assertEquals(0, libos.sgaFree(sga));
    }

    // ---------------------------------------------------------------- push and pop

    @Test
    void pushThenPopDeliversTheBytesAndReportsTheirCount() {
        int qd = libos.queue();
        Sga sent = sga(libos, "hello");
        long pushQt = libos.push(qd, sent);
        assertTrue(pushQt > 0);
        expect(libos, pushQt, 0, Opcode.PUSH, r);
        assertEquals(qd, r.qd());
        assertEquals(pushQt, r.qt());
        assertEquals(5, r.value());
        assertSame(sent, r.sga(), "a push result hands the pushed array back");
        assertFalse(sent.isHeld());
        assertEquals(0, libos.sgaFree(sent));

        long popQt = libos.pop(qd);
        expect(libos, popQt, 0, Opcode.POP, r);
        assertEquals(qd, r.qd());
        assertEquals(5, r.value());
        assertEquals("hello", text(r.sga()));
        assertEquals(0, libos.sgaFree(r.sga()));
        assertNoLeaks(libos);
    }

    @Test
    void pushOfNullEmptyOrFreedArrayIsEinval() {
        int qd = libos.queue();
        assertEquals(-Errno.EINVAL, libos.push(qd, null));
        Sga empty = libos.newSga();
        assertEquals(-Errno.EINVAL, libos.push(qd, empty), "no segments");
        empty.add(libos.buffers().allocate(0));
        assertEquals(-Errno.EINVAL, libos.push(qd, empty), "zero bytes");
        assertEquals(0, libos.sgaFree(empty));
        Sga freed = sga(libos, "gone");
        assertEquals(0, libos.sgaFree(freed));
        assertEquals(-Errno.EINVAL, libos.push(qd, freed));
        assertEquals(-Errno.EINVAL, libos.pushTo(qd, null, Endpoint.of(1, 1)));
        assertEquals(0, libos.scheduler().liveTasks(), "a refused push creates no token");
        assertNoLeaks(libos);
    }

    @Test
    void popOnAnEmptyQueueStaysPendingUntilAPush() {
        int qd = libos.queue();
        long popQt = libos.pop(qd);
        assertEquals(-Errno.ETIMEDOUT, libos.wait(popQt, 0, r));
        Sga sent = sga(libos, "late");
        expect(libos, libos.push(qd, sent), 0, Opcode.PUSH, r);
        assertEquals(0, libos.sgaFree(sent));
        expect(libos, popQt, 0, Opcode.POP, r);
        assertEquals("late", text(r.sga()));
        assertEquals(0, libos.sgaFree(r.sga()));
        assertNoLeaks(libos);
    }

    @Test
    void closeCancelsPendingPopsWithEcanceled() {
        int qd = libos.queue();
        long pop1 = libos.pop(qd);
        long pop2 = libos.pop(qd);
        assertEquals(0, libos.close(qd));
        for (long qt : new long[] {pop1, pop2}) {
            assertEquals(0, libos.wait(qt, 0, r));
            assertTrue(r.failed());
            assertEquals(Opcode.FAILED, r.opcode());
            assertEquals(Errno.ECANCELED, r.errno());
            assertNull(r.sga());
        }
        assertNoLeaks(libos);
    }

    @Test
    void closeWithQueuedDataFreesIt() {
        int qd = libos.queue();
        for (int i = 0; i < 5; i++) {
            Sga s = sga(libos, "item" + i);
            expect(libos, libos.push(qd, s), 0, Opcode.PUSH, r);
            assertEquals(0, libos.sgaFree(s));
        }
        assertEquals(5, libos.sgasOutstanding(), "the queue holds one array per push");
        assertEquals(10, libos.buffers().outstanding(), "five buffers kept alive by five views of them");
        assertEquals(0, libos.close(qd));
        assertNoLeaks(libos);
    }

    // ---------------------------------------------------------------- scatter-gather arrays

    @Test
    void sgaAllocRefusesZeroNegativeAndOversizedLengths() {
        assertNull(libos.sgaAlloc(0));
        assertNull(libos.sgaAlloc(-1));
        assertNull(libos.sgaAlloc(Integer.MIN_VALUE));
        assertNull(libos.sgaAlloc(BufferPool.MAX_BUFFER_BYTES + 1));
        assertNull(libos.sgaAlloc(Integer.MAX_VALUE));
        assertNoLeaks(libos);
    }

    @Test
    void sgaAllocGivesOneSegmentOfExactlyTheAskedLength() {
        Sga sga = libos.sgaAlloc(1000);
        assertNotNull(sga);
        assertEquals(1, sga.segmentCount());
        assertEquals(1000, sga.length());
        assertEquals(BufferPool.DEFAULT_HEADROOM, sga.segment(0).headroom());
        assertEquals(1, libos.sgasOutstanding());
        assertEquals(0, libos.sgaFree(sga));
        assertNoLeaks(libos);
    }

    @Test
    void doubleSgaFreeIsEinval() {
        Sga sga = sga(libos, "x");
        assertEquals(0, libos.sgaFree(sga));
        assertEquals(-Errno.EINVAL, libos.sgaFree(sga));
        assertEquals(-Errno.EINVAL, libos.sgaFree(null));
        assertNoLeaks(libos);
    }

    // ---------------------------------------------------------------- waiting

    @Test
    void waitOnUnknownOrTakenTokenIsEinval() {
        assertEquals(-Errno.EINVAL, libos.wait(0, 0, r));
        assertEquals(-Errno.EINVAL, libos.wait(-5, 0, r));
        assertEquals(-Errno.EINVAL, libos.wait(Long.MAX_VALUE, 0, r));
        assertEquals(-Errno.EINVAL, libos.wait(token(7, 1), 0, r));
        int qd = libos.queue();
        Sga s = sga(libos, "x");
        long qt = libos.push(qd, s);
        assertEquals(0, libos.wait(qt, 0, r));
        assertEquals(-Errno.EINVAL, libos.wait(qt, 0, r), "waiting twice on one token is an error");
        assertEquals(-Errno.EINVAL, libos.wait(qt, -1, r), "also without a timeout: it must not hang");
        assertEquals(0, libos.sgaFree(s));
    }

    private static long token(int index, int generation) {
        return io.demikv.libos.sched.Scheduler.token(index, generation);
    }

    @Test
    void waitWithANullResultIsEinval() {
        int qd = libos.queue();
        long qt = libos.pop(qd);
        assertEquals(-Errno.EINVAL, libos.wait(qt, 0, null));
        assertEquals(-Errno.ETIMEDOUT, libos.wait(qt, 0, r), "the token survives a refused wait");
    }

    @Test
    void waitOnATokenTakenByWaitNextIsEinval() {
        int qd = libos.queue();
        Sga s = sga(libos, "x");
        long qt = libos.push(qd, s);
        QResult[] results = {new QResult()};
        assertEquals(1, libos.waitNext(results, 1, 0));
        assertEquals(qt, results[0].qt());
        assertEquals(-Errno.EINVAL, libos.wait(qt, 0, r));
        // And after the slot is reused by a new operation, the old token still names nothing.
        long pop = libos.pop(qd);
        assertNotEquals(qt, pop);
        assertEquals(-Errno.EINVAL, libos.wait(qt, 0, r));
        expect(libos, pop, 0, Opcode.POP, r);
        libos.sgaFree(r.sga());
        libos.sgaFree(s);
        assertNoLeaks(libos);
    }

    @Test
    void waitAnyReturnsTheIndexOfTheCompletedToken() {
        int qd = libos.queue();
        long popA = libos.pop(qd);
        int qd2 = libos.queue();
        long popB = libos.pop(qd2);
        Sga s = sga(libos, "for b");
        expect(libos, libos.push(qd2, s), 0, Opcode.PUSH, r);
        assertEquals(1, libos.waitAny(new long[] {popA, popB}, 2, 0, r));
        assertEquals(popB, r.qt());
        assertEquals("for b", text(r.sga()));
        libos.sgaFree(r.sga());
        libos.sgaFree(s);
        assertEquals(-Errno.ETIMEDOUT, libos.waitAny(new long[] {popA}, 1, 0, r), "popA still pending");
        assertEquals(0, libos.close(qd));
        assertEquals(0, libos.wait(popA, 0, r));
        assertEquals(Errno.ECANCELED, r.errno());
    }

    @Test
    void waitAnyPrefersTheTokenThatCompletedFirst() {
        int qd = libos.queue();
        long first = libos.pop(qd);
        long second = libos.pop(qd);
        for (String text : new String[] {"one", "two"}) {
            Sga s = sga(libos, text);
            expect(libos, libos.push(qd, s), 0, Opcode.PUSH, r);
            libos.sgaFree(s);
        }
        // 'second' is listed first, but 'first' completed first.
        assertEquals(1, libos.waitAny(new long[] {second, first}, 2, 0, r));
        assertEquals(first, r.qt());
        assertEquals("one", text(r.sga()));
        libos.sgaFree(r.sga());
        assertEquals(0, libos.waitAny(new long[] {second, first}, 1, 0, r));
        assertEquals("two", text(r.sga()));
        libos.sgaFree(r.sga());
        assertNoLeaks(libos);
    }

    @Test
    void waitAnyWithABadTokenOrBadArgumentsIsEinval() {
        int qd = libos.queue();
        long pop = libos.pop(qd);
        assertEquals(-Errno.EINVAL, libos.waitAny(new long[] {pop, 999}, 2, 0, r));
        assertEquals(-Errno.EINVAL, libos.waitAny(new long[] {pop}, 0, 0, r));
        assertEquals(-Errno.EINVAL, libos.waitAny(new long[] {pop}, 2, 0, r));
        assertEquals(-Errno.EINVAL, libos.waitAny(null, 1, 0, r));
        assertEquals(-Errno.EINVAL, libos.waitAny(new long[] {pop}, 1, 0, null));
        // The bad token is reported even when another one has completed.
        Sga s = sga(libos, "x");
        expect(libos, libos.push(qd, s), 0, Opcode.PUSH, r);
        libos.sgaFree(s);
        assertEquals(-Errno.EINVAL, libos.waitAny(new long[] {pop, -1}, 2, 0, r));
        assertEquals(0, libos.waitAny(new long[] {pop}, 1, 0, r), "the good token survives");
        libos.sgaFree(r.sga());
        assertNoLeaks(libos);
    }

    @Test
    void waitNextReturnsResultsInCompletionOrderUpToMax() {
        int qd = libos.queue();
        long[] pops = new long[5];
        for (int i = 0; i < pops.length; i++) {
            pops[i] = libos.pop(qd);
        }
        for (int i = 0; i < pops.length; i++) {
            Sga s = sga(libos, "m" + i);
            long push = libos.push(qd, s);
            expect(libos, push, 0, Opcode.PUSH, r);
            libos.sgaFree(s);
        }
        QResult[] results = {new QResult(), new QResult(), new QResult()};
        assertEquals(3, libos.waitNext(results, 3, 0));
        for (int i = 0; i < 3; i++) {
            assertEquals(pops[i], results[i].qt());
            assertEquals("m" + i, text(results[i].sga()));
            libos.sgaFree(results[i].sga());
        }
        assertEquals(2, libos.waitNext(results, 3, 0));
        assertEquals(pops[3], results[0].qt());
        assertEquals(pops[4], results[1].qt());
        libos.sgaFree(results[0].sga());
        libos.sgaFree(results[1].sga());
        assertEquals(-Errno.ETIMEDOUT, libos.waitNext(results, 3, 0));
        assertNoLeaks(libos);
    }

    @Test
    void waitNextSkipsResultsAlreadyTakenByWait() {
        int qd = libos.queue();
        long a = libos.pop(qd);
        long b = libos.pop(qd);
        for (int i = 0; i < 2; i++) {
            Sga s = sga(libos, "x" + i);
            expect(libos, libos.push(qd, s), 0, Opcode.PUSH, r);
            libos.sgaFree(s);
        }
        expect(libos, a, 0, Opcode.POP, r);
        libos.sgaFree(r.sga());
        QResult[] results = {new QResult(), new QResult()};
        assertEquals(1, libos.waitNext(results, 2, 0));
        assertEquals(b, results[0].qt());
        libos.sgaFree(results[0].sga());
        assertNoLeaks(libos);
    }

    @Test
    void waitNextWithBadArgumentsIsEinval() {
        QResult[] results = {new QResult(), null};
        assertEquals(-Errno.EINVAL, libos.waitNext(null, 1, 0));
        assertEquals(-Errno.EINVAL, libos.waitNext(results, 0, 0));
        assertEquals(-Errno.EINVAL, libos.waitNext(results, 3, 0));
        assertEquals(-Errno.EINVAL, libos.waitNext(results, 2, 0), "a null entry within max");
        assertEquals(-Errno.ETIMEDOUT, libos.waitNext(results, 1, 0));
    }

    // ---------------------------------------------------------------- the rest

    @Test
    void pollRunsOnePassAndNowReadsTheClock() {
        assertEquals(0, libos.poll());
        assertEquals(clock.nanoTime(), libos.nowNanos());
        clock.advance(SECOND);
        assertEquals(clock.nanoTime(), libos.nowNanos());
        assertEquals("memory", libos.name());
    }

    @Test
    void closeOfTheLibOSClosesEveryQueueAndRefusesNewArrays() {
        int qd = libos.queue();
        long pop = libos.pop(qd);
        libos.close();
        assertEquals(0, libos.queueTable().openCount());
        assertEquals(-Errno.EBADF, libos.pop(qd));
        assertNull(libos.sgaAlloc(10));
        assertEquals(0, libos.wait(pop, 0, r));
        assertEquals(Errno.ECANCELED, r.errno());
        libos.close();
    }
}
