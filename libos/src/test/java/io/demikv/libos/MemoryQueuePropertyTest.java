package io.demikv.libos;

import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.time.ManualClock;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.demikv.libos.testkit.LibOsTestKit.assertNoLeaks;
import static io.demikv.libos.testkit.LibOsTestKit.bytes;
import static io.demikv.libos.testkit.LibOsTestKit.virtualMemoryLibOS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random sequences of push, pop, wait, waitAny, waitNext, sgaFree and close over several memory queues,
 * checked step by step against a model (a deque of payloads and a deque of waiting pops per queue, and the
 * completion order of every token): every payload is popped exactly once and in order or dropped by close,
 * results come out in completion order, and nothing leaks. A failure names its seed and step.
 */
class MemoryQueuePropertyTest {
    private static final int STEPS = 3_000;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89})
    void randomOperationsMatchTheModel(long seed) {
        new Run(seed, 4).go();
    }

    @RepeatedTest(20)
    void randomOperationsOnManyQueuesMatchTheModel(RepetitionInfo rep) {
        new Run(10_000L + rep.getCurrentRepetition(), 1 + rep.getCurrentRepetition() % 9).go();
    }

    /** What the model says a token will give. */
    private enum Kind { PUSH, POP, PENDING_POP, CANCELLED }

    private static final class Expect {
        Kind kind;
        final int qd;
        byte[] payload;
        Sga pushed;
        long seq;

        Expect(Kind kind, int qd) {
            this.kind = kind;
            this.qd = qd;
        }
    }

    private static final class QueueModel {
        final int qd;
        final ArrayDeque<byte[]> data = new ArrayDeque<>();
        final ArrayDeque<Long> waitingPops = new ArrayDeque<>();
        int pushed;

        QueueModel(int qd) {
            this.qd = qd;
        }
    }

    private static final class Run {
        final long seed;
        final Random rnd;
        final ManualClock clock = new ManualClock();
        final MemoryLibOS libos = virtualMemoryLibOS(clock);
        final List<QueueModel> open = new ArrayList<>();
        final List<Integer> closed = new ArrayList<>();
        final Map<Long, Expect> tokens = new HashMap<>();
        /** Completed tokens not taken yet, in completion order. */
        final LinkedHashSet<Long> completed = new LinkedHashSet<>();
        /** Pushed arrays the test still owns. */
        final List<Sga> owned = new ArrayList<>();
        final QResult r = new QResult();
        long completions;
        int step;
        int popsChecked;

        Run(long seed, int queues) {
            this.seed = seed;
            this.rnd = new Random(seed);
            for (int i = 0; i < queues; i++) {
                openQueue();
            }
        }

        String where() {
            return "seed " + seed + " step " + step;
        }

        void openQueue() {
            int qd = libos.queue();
            assertTrue(qd >= 0, where());
            open.add(new QueueModel(qd));
        }

        void completes(long qt, Expect e, Kind kind) {
            e.kind = kind;
            e.seq = ++completions;
            completed.add(qt);
        }

        void go() {
            for (step = 0; step < STEPS; step++) {
                int op = rnd.nextInt(100);
                if (op < 30) {
                    push();
                } else if (op < 55) {
                    pop();
                } else if (op < 75) {
                    waitOne();
                } else if (op < 83) {
                    waitAny();
                } else if (op < 91) {
                    waitNext();
                } else if (op < 95) {
                    freeOwned();
                } else if (op < 98) {
                    closeQueue();
                } else {
                    useClosedQd();
                }
            }
            // Close everything, drain every result, free everything.
            while (!open.isEmpty()) {
                closeAt(0);
            }
            while (!tokens.isEmpty()) {
                waitNext();
            }
            for (Sga s : owned) {
                assertEquals(0, libos.sgaFree(s), where());
            }
            owned.clear();
            assertTrue(popsChecked > 0 || STEPS < 100, "the run popped something");
            assertNoLeaks(libos);
            libos.close();
        }

        byte[] payload(QueueModel q) {
            byte[] tag = ("q" + q.qd + "#" + q.pushed++ + ":").getBytes(StandardCharsets.US_ASCII);
            int extra = rnd.nextInt(50) == 0 ? 5_000 + rnd.nextInt(60_000) : rnd.nextInt(300);
            if (rnd.nextInt(400) == 0) {
                extra = (1 << 20) + rnd.nextInt(1 << 19);
            }
            byte[] p = Arrays.copyOf(tag, tag.length + extra);
            for (int i = tag.length; i < p.length; i += 97) {
                p[i] = (byte) rnd.nextInt();
            }
            return p;
        }

        Sga toSga(byte[] p) {
            int segments = 1 + rnd.nextInt(Math.min(3, p.length));
            Sga sga = libos.newSga();
            int off = 0;
            for (int i = 0; i < segments; i++) {
                int len = i == segments - 1 ? p.length - off : 1 + rnd.nextInt(p.length - off - (segments - 1 - i));
                DemiBuffer b = libos.buffers().allocate(len);
                assertNotNull(b, where());
                MemorySegment.copy(p, off, b.memory(), ValueLayout.JAVA_BYTE, b.offset(), len);
                assertTrue(sga.add(b));
                off += len;
            }
            assertEquals(p.length, sga.length());
            return sga;
        }

        void push() {
            if (open.isEmpty()) {
                openQueue();
            }
            QueueModel q = open.get(rnd.nextInt(open.size()));
            byte[] p = payload(q);
            Sga sga = toSga(p);
            long qt = libos.push(q.qd, sga);
            assertTrue(qt > 0, where() + ": push " + qt);
            owned.add(sga);
            Long pop = q.waitingPops.pollFirst();
            if (pop != null) {
                Expect pe = tokens.get(pop);
                pe.payload = p;
                completes(pop, pe, Kind.POP);
            } else {
                q.data.addLast(p);
            }
            Expect e = new Expect(Kind.PUSH, q.qd);
            e.payload = p;
            e.pushed = sga;
            tokens.put(qt, e);
            completes(qt, e, Kind.PUSH);
            if (rnd.nextInt(4) == 0) {
                // A memory push completes at once, so its array is free to go even before anyone waits.
                assertEquals(0, libos.sgaFree(sga), where());
                owned.remove(sga);
                e.pushed = null;
            }
        }

        void pop() {
            if (open.isEmpty()) {
                return;
            }
            QueueModel q = open.get(rnd.nextInt(open.size()));
            long qt = libos.pop(q.qd);
            assertTrue(qt > 0, where());
            Expect e = new Expect(Kind.PENDING_POP, q.qd);
            tokens.put(qt, e);
            byte[] p = q.data.pollFirst();
            if (p != null) {
                e.payload = p;
                completes(qt, e, Kind.POP);
            } else {
                q.waitingPops.addLast(qt);
            }
        }

        long randomToken() {
            int i = rnd.nextInt(tokens.size());
            Iterator<Long> it = tokens.keySet().iterator();
            for (int k = 0; k < i; k++) {
                it.next();
            }
            return it.next();
        }

        void waitOne() {
            if (tokens.isEmpty()) {
                return;
            }
            long qt = randomToken();
            Expect e = tokens.get(qt);
            long timeout = rnd.nextBoolean() ? 0 : rnd.nextInt(1_000_000);
            long before = clock.nanoTime();
            int rc = libos.wait(qt, timeout, r);
            if (e.kind == Kind.PENDING_POP) {
                assertEquals(-Errno.ETIMEDOUT, rc, where());
                assertEquals(before + timeout, clock.nanoTime(), where());
                return;
            }
            assertEquals(0, rc, where());
            check(qt, r);
            assertEquals(-Errno.EINVAL, libos.wait(qt, 0, r), where() + ": a token is taken once");
        }

        void waitAny() {
            if (tokens.isEmpty()) {
                return;
            }
            int n = 1 + rnd.nextInt(Math.min(6, tokens.size()));
            long[] qts = new long[n + 1];
            long best = -1;
            long bestSeq = Long.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                qts[i] = randomToken();
                Expect e = tokens.get(qts[i]);
                if (e.kind != Kind.PENDING_POP && e.seq < bestSeq) {
                    bestSeq = e.seq;
                    best = qts[i];
                }
            }
            int rc = libos.waitAny(qts, n, 0, r);
            if (best < 0) {
                assertEquals(-Errno.ETIMEDOUT, rc, where());
                return;
            }
            assertTrue(rc >= 0 && rc < n, where() + ": waitAny " + rc);
            assertEquals(best, qts[rc], where() + ": waitAny picks the earliest completion");
            check(best, r);
        }

        void waitNext() {
            int max = 1 + rnd.nextInt(4);
            QResult[] results = new QResult[max];
            for (int i = 0; i < max; i++) {
                results[i] = new QResult();
            }
            int rc = libos.waitNext(results, max, 0);
            if (completed.isEmpty()) {
                assertEquals(-Errno.ETIMEDOUT, rc, where());
                if (!tokens.isEmpty() && open.isEmpty()) {
                    fail(where() + ": tokens left that can never complete: " + tokens.size());
                }
                if (!tokens.isEmpty()) {
                    // Only pending pops are left: close a queue so the drain loop at the end makes progress.
                    closeAt(0);
                }
                return;
            }
            assertEquals(Math.min(max, completed.size()), rc, where());
            for (int i = 0; i < rc; i++) {
                long expectedQt = completed.iterator().next();
                assertEquals(expectedQt, results[i].qt(), where() + ": completion order");
                check(expectedQt, results[i]);
            }
        }

        void check(long qt, QResult res) {
            Expect e = tokens.remove(qt);
            assertNotNull(e, where() + ": unknown token " + qt);
            assertTrue(completed.remove(qt), where());
            assertEquals(qt, res.qt(), where());
            assertEquals(e.qd, res.qd(), where());
            switch (e.kind) {
                case PUSH -> {
                    assertEquals(Opcode.PUSH, res.opcode(), where());
                    assertEquals(e.payload.length, res.value(), where());
                    if (e.pushed != null) {
                        assertSame(e.pushed, res.sga(), where());
                        if (rnd.nextBoolean()) {
                            assertEquals(0, libos.sgaFree(e.pushed), where());
                            owned.remove(e.pushed);
                        }
                    }
                }
                case POP -> {
                    assertEquals(Opcode.POP, res.opcode(), where() + " " + res);
                    assertArrayEquals(e.payload, bytes(res.sga()), where() + ": payload of " + qt);
                    assertEquals(e.payload.length, res.value(), where());
                    assertEquals(0, libos.sgaFree(res.sga()), where());
                    popsChecked++;
                }
                case CANCELLED -> {
                    assertEquals(Opcode.FAILED, res.opcode(), where());
                    assertEquals(Errno.ECANCELED, res.errno(), where());
                }
                default -> fail(where() + ": pending token came out: " + res);
            }
        }

        void freeOwned() {
            if (owned.isEmpty()) {
                return;
            }
            Sga s = owned.remove(rnd.nextInt(owned.size()));
            assertEquals(0, libos.sgaFree(s), where());
            for (Expect e : tokens.values()) {
                if (e.pushed == s) {
                    e.pushed = null;
                }
            }
        }

        void closeQueue() {
            if (!open.isEmpty()) {
                closeAt(rnd.nextInt(open.size()));
            }
            if (rnd.nextBoolean()) {
                openQueue();
            }
        }

        void closeAt(int i) {
            QueueModel q = open.remove(i);
            assertEquals(0, libos.close(q.qd), where());
            for (long pop : q.waitingPops) {
                completes(pop, tokens.get(pop), Kind.CANCELLED);
            }
            q.waitingPops.clear();
            q.data.clear();
            closed.add(q.qd);
        }

        void useClosedQd() {
            if (closed.isEmpty()) {
                return;
            }
            int qd = closed.get(rnd.nextInt(closed.size()));
            Sga s = libos.sgaAlloc(1);
            assertEquals(-Errno.EBADF, libos.push(qd, s), where());
            assertEquals(-Errno.EBADF, libos.pop(qd), where());
            assertEquals(-Errno.EBADF, libos.close(qd), where());
            assertEquals(0, libos.sgaFree(s), where());
        }
    }
}
