package io.demikv.libos.sched;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The timer heap: order, cancellation, exact next deadline, arbitrary jumps of time. */
class TimersTest {
    private static final long MS = 1_000_000L;
    private final Timers timers = new Timers();
    private final List<String> fired = new ArrayList<>();

    private long at(long deadline, String name) {
        return timers.schedule(deadline, (id, now) -> fired.add(name + "@" + now));
    }

    @Test
    void timersFireInDeadlineOrderAfterOneBigJump() {
        at(50 * MS, "c");
        at(10 * MS, "a");
        at(30 * MS, "b");
        at(10 * MS, "a2");
        assertEquals(0, timers.poll(9 * MS));
        assertEquals(4, timers.poll(1_000 * MS));
        assertEquals(List.of("a@" + 1_000 * MS, "a2@" + 1_000 * MS, "b@" + 1_000 * MS, "c@" + 1_000 * MS), fired,
                "deadline order; equal deadlines in scheduling order");
        assertEquals(0, timers.size());
    }

    @Test
    void aTimerFiresAtItsDeadlineNotBefore() {
        at(100, "t");
        assertEquals(0, timers.poll(99));
        assertTrue(fired.isEmpty());
        assertEquals(1, timers.poll(100));
        assertEquals(List.of("t@100"), fired);
        assertEquals(0, timers.poll(1_000));
    }

    @Test
    void nextDeadlineIsExact() {
        assertEquals(Long.MAX_VALUE, timers.nextDeadline());
        long b = at(7_777, "b");
        assertEquals(7_777, timers.nextDeadline());
        long a = at(1_234, "a");
        assertEquals(1_234, timers.nextDeadline());
        assertTrue(timers.cancel(a));
        assertEquals(7_777, timers.nextDeadline(), "cancelling the earliest exposes the next");
        timers.poll(7_777);
        assertEquals(Long.MAX_VALUE, timers.nextDeadline());
        assertFalse(timers.cancel(b));
    }

    @Test
    void cancelStopsATimerAndIsFalseTheSecondTime() {
        long id = at(10, "x");
        assertTrue(timers.isScheduled(id));
        assertTrue(timers.cancel(id));
        assertFalse(timers.isScheduled(id));
        assertFalse(timers.cancel(id));
        assertEquals(0, timers.poll(100));
        assertTrue(fired.isEmpty());
    }

    @Test
    void cancelOfAFiredTimerIsFalseEvenWhenItsSlotWasReused() {
        long first = at(10, "first");
        timers.poll(10);
        long second = at(20, "second");
        assertNotEquals(first, second);
        assertFalse(timers.cancel(first), "a stale id must not cancel the timer that took its slot");
        assertTrue(timers.isScheduled(second));
        timers.poll(20);
        assertEquals(List.of("first@10", "second@20"), fired);
    }

    @Test
    void bogusIdsAreNotScheduled() {
        assertFalse(timers.cancel(0));
        assertFalse(timers.cancel(-1));
        assertFalse(timers.cancel(Long.MAX_VALUE));
        assertFalse(timers.isScheduled(1L << 32));
    }

    @Test
    void aTimerFarInTheFutureFiresOnTimeAfterALongIdleJump() {
        long start = 1_000_000_000L;
        long hour = 3_600_000 * MS;
        at(start + hour, "far");
        at(start + 2 * hour, "farther");
        assertEquals(0, timers.poll(start + hour - 1));
        assertEquals(1, timers.poll(start + hour));
        assertEquals(List.of("far@" + (start + hour)), fired);
        assertEquals(start + 2 * hour, timers.nextDeadline());
    }

    @Test
    void extremeDeadlinesWork() {
        at(Long.MAX_VALUE, "never");
        at(Long.MIN_VALUE, "always");
        assertEquals(Long.MIN_VALUE, timers.nextDeadline());
        assertEquals(1, timers.poll(Long.MIN_VALUE));
        assertEquals(Long.MAX_VALUE, timers.nextDeadline());
        assertEquals(1, timers.size(), "a deadline of Long.MAX_VALUE is still a pending timer");
        assertEquals(1, timers.poll(Long.MAX_VALUE));
    }

    @Test
    void deadlineAfterSaturatesInsteadOfWrapping() {
        assertEquals(Long.MAX_VALUE, Timers.deadlineAfter(Long.MAX_VALUE - 5, 10));
        assertEquals(Long.MAX_VALUE, Timers.deadlineAfter(1, Long.MAX_VALUE));
        assertEquals(Long.MIN_VALUE, Timers.deadlineAfter(Long.MIN_VALUE + 5, -10));
        assertEquals(15, Timers.deadlineAfter(5, 10));
        assertEquals(-5, Timers.deadlineAfter(5, -10));
    }

    @Test
    void aCallbackCanScheduleAndCancelTimers() {
        long[] victim = new long[1];
        timers.schedule(10, (id, now) -> {
            fired.add("first");
            timers.schedule(now, (id2, now2) -> fired.add("chained"));
            timers.schedule(now + 100, (id2, now2) -> fired.add("later"));
            assertTrue(timers.cancel(victim[0]));
        });
        victim[0] = at(10, "victim");
        assertEquals(2, timers.poll(10), "first and the chained timer due now");
        assertEquals(List.of("first", "chained"), fired);
        assertEquals(110, timers.nextDeadline());
    }

    @Test
    void aCallbackGetsItsOwnIdWhichIsNoLongerScheduled() {
        long[] seen = {0};
        boolean[] scheduled = {true};
        long id = timers.schedule(5, (self, now) -> {
            seen[0] = self;
            scheduled[0] = timers.isScheduled(self);
        });
        timers.poll(5);
        assertEquals(id, seen[0]);
        assertFalse(scheduled[0]);
    }

    @Test
    void onePollFiresAtMostTheExpiryLimit() {
        for (int i = 0; i < Timers.EXPIRY_LIMIT + 10; i++) {
            at(i, "t");
        }
        assertEquals(Timers.EXPIRY_LIMIT, timers.poll(1_000_000));
        assertEquals(10, timers.poll(1_000_000));
    }

    @Test
    void aNullCallbackIsRefused() {
        assertThrows(NullPointerException.class, () -> timers.schedule(1, null));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 2024})
    void randomScheduleCancelAndJumpsMatchASortedModel(long seed) {
        Random rnd = new Random(seed);
        record Expected(long deadline, long seq, long id) { }
        PriorityQueue<Expected> model = new PriorityQueue<>((x, y) -> x.deadline != y.deadline
                ? Long.compare(x.deadline, y.deadline) : Long.compare(x.seq, y.seq));
        List<Expected> live = new ArrayList<>();
        List<Long> firedIds = new ArrayList<>();
        long now = 0;
        long seq = 0;
        for (int step = 0; step < 5_000; step++) {
            int op = rnd.nextInt(10);
            if (op < 5) {
                long deadline = now + rnd.nextInt(1_000);
                long id = timers.schedule(deadline, (tid, t) -> firedIds.add(tid));
                Expected e = new Expected(deadline, seq++, id);
                model.add(e);
                live.add(e);
            } else if (op < 7 && !live.isEmpty()) {
                Expected e = live.remove(rnd.nextInt(live.size()));
                assertTrue(timers.cancel(e.id));
                model.remove(e);
            } else {
                now += rnd.nextInt(10) == 0 ? rnd.nextInt(100_000) : rnd.nextInt(200);
                firedIds.clear();
                timers.poll(now);
                List<Long> expected = new ArrayList<>();
                while (!model.isEmpty() && model.peek().deadline <= now && expected.size() < Timers.EXPIRY_LIMIT) {
                    Expected e = model.poll();
                    live.remove(e);
                    expected.add(e.id);
                }
                assertEquals(expected, firedIds, "step " + step);
            }
            assertEquals(model.size(), timers.size());
            assertEquals(model.isEmpty() ? Long.MAX_VALUE : model.peek().deadline, timers.nextDeadline());
        }
    }
}
