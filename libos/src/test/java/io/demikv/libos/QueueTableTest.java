package io.demikv.libos;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Queue descriptors: lookup, stale qds, slot reuse, the table limit. */
class QueueTableTest {
    private final QueueTable table = new QueueTable();

    private static final class Dummy extends IoQueue {
        @Override
        public String kind() {
            return "dummy";
        }

        @Override
        public long push(Sga sga) {
            return -Errno.EOPNOTSUPP;
        }

        @Override
        public long pop(int maxBytes) {
            return -Errno.EOPNOTSUPP;
        }

        @Override
        public int close() {
            return 0;
        }
    }

    @Test
    void anInstalledQueueIsFoundByItsQd() {
        Dummy q = new Dummy();
        int qd = table.install(q);
        assertTrue(qd >= 0);
        assertEquals(qd, q.qd());
        assertSame(q, table.get(qd));
        assertEquals(1, table.openCount());
    }

    @Test
    void aRemovedQdIsUnknownAndCannotBeRemovedTwice() {
        int qd = table.install(new Dummy());
        assertTrue(table.remove(qd));
        assertNull(table.get(qd));
        assertFalse(table.remove(qd));
        assertEquals(0, table.openCount());
    }

    @Test
    void unknownQdsAreNull() {
        assertNull(table.get(-1));
        assertNull(table.get(0), "generation 0 is never handed out");
        assertNull(table.get(5 | (1 << QueueTable.INDEX_BITS)));
        assertNull(table.get(Integer.MAX_VALUE));
    }

    @Test
    void aStaleQdStaysInvalidThroughThousandsOfReopenCycles() {
        int stale = table.install(new Dummy());
        table.remove(stale);
        Set<Integer> handedOut = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            int qd = table.install(new Dummy());
            assertNotEquals(stale, qd, "cycle " + i);
            assertTrue(qd >= 0);
            assertNull(table.get(stale));
            handedOut.add(qd);
            table.remove(qd);
        }
        assertTrue(table.openCount() == 0);
        assertTrue(handedOut.size() > 50_000, "reuse is spread over generations and slots");
    }

    @Test
    void slotsAreReusedOnlyAfterAQuarantine() {
        int first = table.install(new Dummy());
        table.remove(first);
        int second = table.install(new Dummy());
        assertNotEquals(first & 0xFFFFF, second & 0xFFFFF, "a just-freed slot is not reused at once");
    }

    @Test
    void theTableGrowsAndKeepsEveryQueue() {
        Dummy[] qs = new Dummy[5_000];
        int[] qds = new int[qs.length];
        for (int i = 0; i < qs.length; i++) {
            qs[i] = new Dummy();
            qds[i] = table.install(qs[i]);
        }
        for (int i = 0; i < qs.length; i += 2) {
            assertTrue(table.remove(qds[i]));
        }
        for (int i = 0; i < qs.length; i++) {
            if ((i & 1) == 1) {
                assertSame(qs[i], table.get(qds[i]));
            } else {
                assertNull(table.get(qds[i]));
            }
        }
        assertEquals(2_500, table.snapshot().size());
    }

    @Test
    void aFullTableRefusesWithEmfileAndRecoversAfterAClose() {
        Dummy shared = new Dummy();
        int last = -1;
        for (int i = 0; i < (1 << QueueTable.INDEX_BITS); i++) {
            last = table.install(shared);
            assertTrue(last >= 0, "install " + i);
        }
        assertEquals(-Errno.EMFILE, table.install(new Dummy()));
        assertTrue(table.remove(last));
        int again = table.install(new Dummy());
        assertTrue(again >= 0, "a freed slot is reused when the table cannot grow");
        assertNotEquals(last, again);
    }
}
