package io.demikv.libos.sched;

import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tokens, the run queue, completion bookkeeping: the scheduler on its own, driven by test operators. */
class SchedulerTest {
    private final Scheduler scheduler = new Scheduler();
    private final QResult r = new QResult();

    /** Counts polls per task and never finishes anything (it leaves tasks runnable). */
    private static final class CountingOperator implements Operator {
        final Map<Long, Integer> polls = new HashMap<>();
        final List<Long> order = new ArrayList<>();

        @Override
        public void poll(Task task, long nowNanos) {
            polls.merge(task.qt(), 1, Integer::sum);
            order.add(task.qt());
        }
    }

    private Task runnable(Operator op) {
        Task t = scheduler.acquire(op, Opcode.PUSH, 1);
        scheduler.wake(t);
        return t;
    }

    @Test
    void tokensArePositiveAndDistinct() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 3000; i++) {
            long qt = scheduler.acquire((t, now) -> { }, Opcode.POP, 1).qt();
            assertTrue(qt > 0);
            assertTrue(seen.add(qt));
        }
        assertEquals(3000, scheduler.liveTasks());
    }

    @Test
    void aReusedSlotGetsANewTokenAndTheOldOneIsUnknown() {
        Task t = scheduler.acquire((x, now) -> { }, Opcode.POP, 1);
        long old = t.qt();
        scheduler.complete(t, null, -1, Endpoint.NONE, 0);
        assertEquals(0, scheduler.take(old, r));
        Task again = scheduler.acquire((x, now) -> { }, Opcode.POP, 1);
        assertSame(t, again, "the slot is reused");
        assertNotEquals(old, again.qt());
        assertNull(scheduler.lookup(old));
        assertEquals(-Errno.EINVAL, scheduler.take(old, r));
    }

    @Test
    void tokenGenerationWrapsToOneAndStaysPositive() {
        Task t = scheduler.acquire((x, now) -> { }, Opcode.POP, 1);
        t.generation = Integer.MAX_VALUE;
        long last = t.qt();
        assertTrue(last > 0);
        scheduler.complete(t, null, -1, Endpoint.NONE, 0);
        assertEquals(0, scheduler.take(last, r));
        Task next = scheduler.acquire((x, now) -> { }, Opcode.POP, 1);
        assertEquals(1, next.generation);
        assertTrue(next.qt() > 0);
        assertNull(scheduler.lookup(last));
    }

    @Test
    void malformedTokensAreUnknown() {
        assertNull(scheduler.lookup(0));
        assertNull(scheduler.lookup(-1));
        assertNull(scheduler.lookup(Long.MIN_VALUE));
        assertNull(scheduler.lookup(Scheduler.token(5, 1)), "index never allocated");
        Task t = scheduler.acquire((x, now) -> { }, Opcode.POP, 1);
        assertNull(scheduler.lookup(Scheduler.token(t.index, 0)));
        assertNull(scheduler.lookup(Scheduler.token(t.index, 2)));
        assertNull(scheduler.lookup(Scheduler.token(-1, 1)));
        assertSame(t, scheduler.lookup(t.qt()));
    }

    @Test
    void resultsNobodyWaitsOnAreKeptUntilAskedFor() {
        List<Long> qts = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            Task t = scheduler.acquire((x, now) -> { }, Opcode.POP, 7);
            qts.add(t.qt());
            scheduler.complete(t, null, -1, Endpoint.NONE, i);
        }
        for (int pass = 0; pass < 100; pass++) {
            scheduler.runOnce(pass);
        }
        assertEquals(5000, scheduler.completedTasks());
        for (int i = qts.size() - 1; i >= 0; i--) {
            assertEquals(0, scheduler.take(qts.get(i), r));
            assertEquals(i, r.value());
            assertEquals(7, r.qd());
            assertEquals(Opcode.POP, r.opcode());
        }
        assertEquals(0, scheduler.liveTasks());
        assertEquals(0, scheduler.completedTasks());
    }

    @Test
    void aTaskCompletesExactlyOnce() {
        Task t = scheduler.acquire((x, now) -> { }, Opcode.POP, 1);
        long qt = t.qt();
        scheduler.complete(t, null, -1, Endpoint.NONE, 1);
        assertThrows(IllegalStateException.class, () -> scheduler.complete(t, null, -1, Endpoint.NONE, 2));
        assertThrows(IllegalStateException.class, () -> scheduler.fail(t, Errno.EIO));
        assertEquals(0, scheduler.take(qt, r));
        assertEquals(1, r.value(), "the first completion stands");
        assertEquals(-Errno.EINVAL, scheduler.take(qt, r), "and is taken once");
        assertThrows(IllegalStateException.class, () -> scheduler.fail(t, Errno.EIO));
    }

    @Test
    void takeOfAPendingTaskIsEagainAndKeepsIt() {
        Task t = scheduler.acquire((x, now) -> { }, Opcode.POP, 1);
        assertEquals(-Errno.EAGAIN, scheduler.take(t.qt(), r));
        assertSame(t, scheduler.lookup(t.qt()));
    }

    @Test
    void everyRunnableTaskIsPolledOncePerPassInFifoOrder() {
        CountingOperator op = new CountingOperator();
        List<Long> qts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            qts.add(runnable(op).qt());
        }
        for (int pass = 1; pass <= 7; pass++) {
            scheduler.runOnce(pass);
            for (long qt : qts) {
                assertEquals(pass, op.polls.get(qt), "polls of " + qt + " after pass " + pass);
            }
        }
        List<Long> expected = new ArrayList<>();
        for (int pass = 0; pass < 7; pass++) {
            expected.addAll(qts);
        }
        assertEquals(expected, op.order, "round robin in wake order");
        assertEquals(10, scheduler.runnableTasks());
    }

    @Test
    void aTaskWokenDuringAPassRunsInTheNextPass() {
        CountingOperator late = new CountingOperator();
        Task lateTask = scheduler.acquire(late, Opcode.POP, 1);
        Task waker = runnable((t, now) -> {
            scheduler.wake(lateTask);
            scheduler.complete(t, null, -1, Endpoint.NONE, 0);
        });
        assertEquals(1, scheduler.runOnce(0), "the waker completed");
        assertTrue(waker.isDone());
        assertEquals(0, late.polls.size(), "not in the pass that woke it");
        scheduler.runOnce(1);
        assertEquals(1, late.polls.get(lateTask.qt()));
    }

    @Test
    void aTaskWokenByAPollerRunsInTheSamePass() {
        CountingOperator op = new CountingOperator();
        Task t = scheduler.acquire(op, Opcode.POP, 1);
        scheduler.addPoller(now -> {
            scheduler.wake(t);
            return 1;
        });
        scheduler.runOnce(0);
        assertEquals(1, op.polls.get(t.qt()));
    }

    @Test
    void aTaskIsPolledOnlyOncePerPassEvenWhenAnotherTaskLeavesTheQueue() {
        CountingOperator counter = new CountingOperator();
        Task victim = runnable(counter);
        Task survivor = runnable(counter);
        Task killer = runnable((t, now) -> scheduler.complete(victim, null, -1, Endpoint.NONE, 0));
        // Reorder: killer first, then the others.
        scheduler.park(victim);
        scheduler.park(survivor);
        scheduler.wake(victim);
        scheduler.wake(survivor);
        scheduler.runOnce(0);
        assertTrue(killer.isRunnable());
        assertEquals(1, counter.polls.get(survivor.qt()));
        assertNull(counter.polls.get(victim.qt()), "completed before its turn");
    }

    @Test
    void aParkedTaskIsNotPolledUntilWoken() {
        CountingOperator op = new CountingOperator();
        Task t = runnable(op);
        scheduler.park(t);
        assertEquals(0, scheduler.runnableTasks());
        for (int i = 0; i < 5; i++) {
            assertEquals(0, scheduler.runOnce(i));
        }
        assertTrue(op.polls.isEmpty());
        scheduler.wake(t);
        scheduler.wake(t);
        assertEquals(1, scheduler.runnableTasks(), "waking twice queues once");
        scheduler.runOnce(5);
        assertEquals(1, op.polls.get(t.qt()));
    }

    @Test
    void anOperatorThatParksItsTaskStopsBeingPolled() {
        int[] polls = {0};
        Task t = runnable((task, now) -> {
            polls[0]++;
            scheduler.park(task);
        });
        scheduler.runOnce(0);
        scheduler.runOnce(1);
        assertEquals(1, polls[0]);
        assertTrue(t.isPending());
        assertFalse(t.isRunnable());
    }

    @Test
    void wakeAndParkIgnoreAFinishedTask() {
        Task t = scheduler.acquire((x, now) -> { }, Opcode.POP, 1);
        scheduler.complete(t, null, -1, Endpoint.NONE, 0);
        scheduler.wake(t);
        scheduler.park(t);
        assertEquals(0, scheduler.runnableTasks());
        assertTrue(t.isDone());
        assertEquals(1, scheduler.completedTasks());
    }

    @Test
    void runOnceCountsPollerWorkAndCompletions() {
        scheduler.addPoller(now -> 3);
        runnable((t, now) -> scheduler.complete(t, null, -1, Endpoint.NONE, 0));
        runnable((t, now) -> { });
        assertEquals(4, scheduler.runOnce(0));
        assertEquals(3, scheduler.runOnce(1));
    }

    @Test
    void pollersRunEveryPassInRegistrationOrderAndCanBeRemoved() {
        List<String> calls = new ArrayList<>();
        Poller a = now -> {
            calls.add("a" + now);
            return 0;
        };
        Poller b = now -> {
            calls.add("b" + now);
            return 0;
        };
        scheduler.addPoller(a);
        scheduler.addPoller(b);
        scheduler.runOnce(1);
        scheduler.removePoller(a);
        scheduler.runOnce(2);
        assertEquals(List.of("a1", "b1", "b2"), calls);
    }

    @Test
    void takeNextHandsOutResultsInCompletionOrder() {
        Task a = scheduler.acquire((x, now) -> { }, Opcode.POP, 1);
        Task b = scheduler.acquire((x, now) -> { }, Opcode.POP, 1);
        Task c = scheduler.acquire((x, now) -> { }, Opcode.POP, 1);
        long qa = a.qt();
        long qb = b.qt();
        long qc = c.qt();
        scheduler.complete(c, null, -1, Endpoint.NONE, 0);
        scheduler.fail(a, Errno.EIO);
        scheduler.complete(b, null, -1, Endpoint.NONE, 0);
        assertTrue(c.completionSeq() < a.completionSeq() && a.completionSeq() < b.completionSeq());
        assertTrue(scheduler.takeNext(r));
        assertEquals(qc, r.qt());
        assertTrue(scheduler.takeNext(r));
        assertEquals(qa, r.qt());
        assertEquals(Opcode.FAILED, r.opcode());
        assertEquals(Errno.EIO, r.errno());
        assertTrue(scheduler.takeNext(r));
        assertEquals(qb, r.qt());
        assertFalse(scheduler.takeNext(r));
    }

    @Test
    void theFinishHookRunsOnceForEveryWayATaskFinishes() {
        List<Long> finished = new ArrayList<>();
        scheduler.setFinishHook(t -> finished.add(t.qt()));
        Task a = scheduler.acquire((x, now) -> { }, Opcode.PUSH, 1);
        Task b = scheduler.acquire((x, now) -> { }, Opcode.PUSH, 1);
        Task c = runnable((t, now) -> scheduler.complete(t, null, -1, Endpoint.NONE, 0));
        long qa = a.qt();
        long qb = b.qt();
        long qc = c.qt();
        scheduler.complete(a, null, -1, Endpoint.NONE, 0);
        scheduler.fail(b, Errno.ECANCELED);
        scheduler.runOnce(0);
        scheduler.runOnce(1);
        assertEquals(List.of(qa, qb, qc), finished);
    }

    @Test
    void anOperatorThatThrowsDoesNotLoseItsTask() {
        boolean[] explode = {true};
        Task t = runnable((task, now) -> {
            if (explode[0]) {
                throw new IllegalStateException("boom");
            }
            scheduler.complete(task, null, -1, Endpoint.NONE, 0);
        });
        assertThrows(IllegalStateException.class, () -> scheduler.runOnce(0));
        assertEquals(1, scheduler.runnableTasks());
        explode[0] = false;
        assertEquals(1, scheduler.runOnce(1));
        assertTrue(t.isDone());
    }

    @Test
    void steadyStateChurnReusesSlots() {
        for (int i = 0; i < 100_000; i++) {
            Task t = scheduler.acquire((x, now) -> { }, Opcode.POP, 1);
            long qt = t.qt();
            scheduler.complete(t, null, -1, Endpoint.NONE, i);
            if ((i & 1) == 0) {
                assertEquals(0, scheduler.take(qt, r));
            } else {
                assertTrue(scheduler.takeNext(r));
                assertEquals(qt, r.qt());
            }
        }
        assertEquals(0, scheduler.liveTasks());
        assertEquals(0, scheduler.completedTasks());
    }
}
