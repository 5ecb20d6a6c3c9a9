package io.demikv.libos;

import io.demikv.libos.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static io.demikv.libos.testkit.LibOsTestKit.assertNoLeaks;
import static io.demikv.libos.testkit.LibOsTestKit.expect;
import static io.demikv.libos.testkit.LibOsTestKit.sga;
import static io.demikv.libos.testkit.LibOsTestKit.text;
import static io.demikv.libos.testkit.LibOsTestKit.virtualMemoryLibOS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Waiting on a virtual clock: {@link WaitPolicy#BLOCKING} makes every idle step advance the {@link ManualClock},
 * so these tests check exact virtual times and take no real time.
 */
class VirtualTimeWaitTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private final ManualClock clock = new ManualClock();
    private final MemoryLibOS libos = virtualMemoryLibOS(clock);
    private final QResult r = new QResult();

    @AfterEach
    void close() {
        libos.close();
    }

    /** Pushes {@code text} into {@code qd} from a timer at {@code deadline}. */
    private void pushAt(long deadline, int qd, String text) {
        libos.scheduler().timers().schedule(deadline, (id, now) -> {
            Sga s = sga(libos, text);
            long qt = libos.push(qd, s);
            assertTrue(qt > 0);
            assertEquals(0, libos.scheduler().take(qt, new QResult()));
            assertEquals(0, libos.sgaFree(s));
        });
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 999, 1_000_000, 12_345_678_901L, 3_600_000_000_000L})
    void waitTimesOutAfterExactlyTheVirtualTimeout(long timeout) {
        int qd = libos.queue();
        long pop = libos.pop(qd);
        long start = clock.nanoTime();
        assertEquals(-Errno.ETIMEDOUT, libos.wait(pop, timeout, r));
        assertEquals(start + timeout, clock.nanoTime());
        assertEquals(-Errno.ETIMEDOUT, libos.wait(pop, 0, r), "the token is still valid after a timeout");
        assertEquals(start + timeout, clock.nanoTime(), "a zero timeout does not advance time");
        assertEquals(0, libos.close(qd));
        assertEquals(0, libos.wait(pop, 0, r));
        assertEquals(Errno.ECANCELED, r.errno());
    }

    @Test
    void aTimedOutTokenCanStillComplete() {
        int qd = libos.queue();
        long pop = libos.pop(qd);
        assertEquals(-Errno.ETIMEDOUT, libos.wait(pop, 5 * MS, r));
        pushAt(clock.nanoTime() + 3 * MS, qd, "later");
        expect(libos, pop, 10 * MS, Opcode.POP, r);
        assertEquals("later", text(r.sga()));
        libos.sgaFree(r.sga());
        assertNoLeaks(libos);
    }

    @Test
    void aNegativeTimeoutWaitsUntilCompletion() {
        int qd = libos.queue();
        long pop = libos.pop(qd);
        long due = clock.nanoTime() + 7 * SECOND + 3;
        pushAt(due, qd, "finally");
        expect(libos, pop, -1, Opcode.POP, r);
        assertEquals(due, clock.nanoTime(), "woke exactly at the timer's deadline, not a park quantum later");
        assertEquals("finally", text(r.sga()));
        libos.sgaFree(r.sga());
        assertNoLeaks(libos);
    }

    @Test
    void aHugeTimeoutDoesNotOverflowTheDeadline() {
        clock.set(Long.MAX_VALUE - 10 * MS);
        int qd = libos.queue();
        long pop = libos.pop(qd);
        pushAt(clock.nanoTime() + 2 * MS, qd, "near the end of time");
        expect(libos, pop, Long.MAX_VALUE, Opcode.POP, r);
        libos.sgaFree(r.sga());
        assertEquals(Long.MAX_VALUE, AbstractLibOS.deadline(Long.MAX_VALUE - 1, Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, AbstractLibOS.deadline(-5, -1), "negative means forever");
        assertEquals(-5, AbstractLibOS.deadline(-5, 0));
    }

    @Test
    void aZeroTimeoutRunsExactlyOnePass() {
        int qd = libos.queue();
        long pop = libos.pop(qd);
        long passes = libos.scheduler().passes();
        assertEquals(-Errno.ETIMEDOUT, libos.wait(pop, 0, r));
        assertEquals(passes + 1, libos.scheduler().passes());
        assertEquals(-Errno.ETIMEDOUT, libos.waitAny(new long[] {pop}, 1, 0, r));
        assertEquals(passes + 2, libos.scheduler().passes());
        QResult[] results = {r};
        assertEquals(-Errno.ETIMEDOUT, libos.waitNext(results, 1, 0));
        assertEquals(passes + 3, libos.scheduler().passes());
    }

    @Test
    void waitAnyAndWaitNextTimeOutAfterExactlyTheVirtualTimeout() {
        int qd = libos.queue();
        long pop = libos.pop(qd);
        long start = clock.nanoTime();
        assertEquals(-Errno.ETIMEDOUT, libos.waitAny(new long[] {pop, pop}, 2, 25 * MS, r));
        assertEquals(start + 25 * MS, clock.nanoTime());
        QResult[] results = {new QResult()};
        assertEquals(-Errno.ETIMEDOUT, libos.waitNext(results, 1, 40 * MS));
        assertEquals(start + 65 * MS, clock.nanoTime());
    }

    @Test
    void waitAnyWakesForTheTokenThatCompletesFirst() {
        int a = libos.queue();
        int b = libos.queue();
        long popA = libos.pop(a);
        long popB = libos.pop(b);
        long start = clock.nanoTime();
        pushAt(start + 20 * MS, a, "a");
        pushAt(start + 10 * MS, b, "b");
        assertEquals(1, libos.waitAny(new long[] {popA, popB}, 2, SECOND, r));
        assertEquals(start + 10 * MS, clock.nanoTime());
        assertEquals("b", text(r.sga()));
        libos.sgaFree(r.sga());
        assertEquals(0, libos.waitAny(new long[] {popA}, 1, SECOND, r));
        assertEquals(start + 20 * MS, clock.nanoTime());
        libos.sgaFree(r.sga());
        assertNoLeaks(libos);
    }

    @Test
    void waitNextWaitsForTheNextCompletionAnywhere() {
        int qd = libos.queue();
        long pop = libos.pop(qd);
        long start = clock.nanoTime();
        pushAt(start + 33 * MS, qd, "next");
        QResult[] results = {new QResult(), new QResult()};
        assertEquals(1, libos.waitNext(results, 2, -1));
        assertEquals(pop, results[0].qt());
        assertEquals(start + 33 * MS, clock.nanoTime());
        libos.sgaFree(results[0].sga());
        assertNoLeaks(libos);
    }

    @Test
    void timersFireOnTimeWhileTheApplicationWaits() {
        List<Long> firedAt = new ArrayList<>();
        long start = clock.nanoTime();
        long[] offsets = {5 * MS, 1 * MS, 250 * MS, 3 * SECOND};
        for (long off : offsets) {
            libos.scheduler().timers().schedule(start + off, (id, now) -> firedAt.add(now - start));
        }
        int qd = libos.queue();
        long pop = libos.pop(qd);
        assertEquals(-Errno.ETIMEDOUT, libos.wait(pop, 10 * SECOND, r));
        assertEquals(List.of(1 * MS, 5 * MS, 250 * MS, 3 * SECOND), firedAt, "each at its exact deadline, in order");
    }

    @Test
    void aTimerFarInTheFutureFiresOnTimeAfterALongIdleJump() {
        int qd = libos.queue();
        long pop = libos.pop(qd);
        long[] firedAt = {0};
        long start = clock.nanoTime();
        long due = start + 2 * 3_600 * SECOND + 17;
        libos.scheduler().timers().schedule(due, (id, now) -> firedAt[0] = now);
        // The application idles for an hour of virtual time, then the clock jumps by another hour at once.
        assertEquals(-Errno.ETIMEDOUT, libos.wait(pop, 3_600 * SECOND, r));
        assertEquals(0, firedAt[0]);
        clock.set(due - 1);
        libos.poll();
        assertEquals(0, firedAt[0], "not a nanosecond early");
        assertEquals(-Errno.ETIMEDOUT, libos.wait(pop, SECOND, r));
        assertEquals(due, firedAt[0]);
    }

    @Test
    void aCancelledTimerNeitherFiresNorShortensTheSleep() {
        int qd = libos.queue();
        long pop = libos.pop(qd);
        long start = clock.nanoTime();
        boolean[] fired = {false};
        long id = libos.scheduler().timers().schedule(start + MS, (t, now) -> fired[0] = true);
        assertTrue(libos.scheduler().timers().cancel(id));
        long passes = libos.scheduler().passes();
        assertEquals(-Errno.ETIMEDOUT, libos.wait(pop, 100 * MS, r));
        assertEquals(start + 100 * MS, clock.nanoTime());
        assertTrue(!fired[0]);
        assertTrue(libos.scheduler().passes() - passes < 30,
                "blocking backs off (1 ms doubling to 10 ms): " + (libos.scheduler().passes() - passes) + " passes");
    }
}
