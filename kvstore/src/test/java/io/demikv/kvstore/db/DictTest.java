package io.demikv.kvstore.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DictTest {
    /** A minimal node for testing the table on its own. */
    static final class N extends Node {
        final byte[] key;

        N(String k) {
            key = k.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        byte[] keyArray() {
            return key;
        }

        @Override
        int keyLength() {
            return key.length;
        }

        String name() {
            return new String(key, StandardCharsets.UTF_8);
        }
    }

    private static Dict<N> dict(long seed) {
        return new Dict<>(new Hashing(seed));
    }

    private static N find(Dict<N> d, String k) {
        byte[] b = ("xx" + k + "yy").getBytes(StandardCharsets.UTF_8);
        return d.find(b, 2, b.length - 4); // a slice inside a larger buffer, as Args hands it over
    }

    @Test
    void findsAddedNodesBySliceAndForgetsRemovedOnes() {
        Dict<N> d = dict(1);
        for (int i = 0; i < 1000; i++) {
            d.add(new N("key:" + i));
        }
        assertEquals(1000, d.size());
        for (int i = 0; i < 1000; i++) {
            assertEquals("key:" + i, find(d, "key:" + i).name());
        }
        assertNull(find(d, "key:1000"));
        byte[] k = "key:7".getBytes(StandardCharsets.UTF_8);
        assertNotNull(d.remove(k, 0, k.length));
        assertNull(d.remove(k, 0, k.length));
        assertNull(find(d, "key:7"));
        assertEquals(999, d.size());
    }

    @Test
    void growsIncrementallyMovingAtMostOneBucketPerOperation() {
        Dict<N> d = dict(2);
        for (int i = 0; i < 4; i++) {
            d.add(new N("k" + i));
        }
        d.add(new N("k4")); // used == size: starts a rehash to 8 buckets
        assertTrue(d.isRehashing());
        // Every key stays reachable while the rehash is under way.
        for (int i = 0; i <= 4; i++) {
            assertNotNull(find(d, "k" + i));
        }
        for (int i = 0; i < 20 && d.isRehashing(); i++) {
            find(d, "k0");
        }
        assertFalse(d.isRehashing());
        assertEquals(8, d.buckets());
    }

    @Test
    void shrinksWhenSparse() {
        Dict<N> d = dict(3);
        for (int i = 0; i < 1024; i++) {
            d.add(new N("k" + i));
        }
        while (d.isRehashing()) {
            d.rehashSteps(100);
        }
        for (int i = 0; i < 1020; i++) {
            byte[] k = ("k" + i).getBytes(StandardCharsets.UTF_8);
            d.remove(k, 0, k.length);
        }
        assertTrue(d.shrinkIfSparse());
        while (d.isRehashing()) {
            d.rehashSteps(100);
        }
        assertEquals(4, d.buckets());
        for (int i = 1020; i < 1024; i++) {
            assertNotNull(find(d, "k" + i));
        }
    }

    /**
     * Property: across any interleaving of growth, shrinking and rehash steps between SCAN calls, every key
     * present for the whole scan is returned at least once.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void scanReturnsEveryKeyPresentForTheWholeScanDespiteResizes(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Dict<N> d = dict(seed);
        int stable = 200 + rnd.nextInt(2000);
        Set<String> stableKeys = new HashSet<>();
        for (int i = 0; i < stable; i++) {
            String k = "stable:" + i;
            stableKeys.add(k);
            d.add(new N(k));
        }
        java.util.ArrayDeque<String> temporary = new java.util.ArrayDeque<>();
        int churn = 0;
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        int calls = 0;
        do {
            cursor = d.scan(cursor, n -> seen.add(n.name()));
            calls++;
            // Between calls: add or delete temporary keys (forcing growth and shrink) and rehash a little.
            int op = rnd.nextInt(8);
            if (op == 0 && temporary.size() < 8 * stable) {
                int add = rnd.nextInt(2 * stable);
                for (int i = 0; i < add; i++) {
                    String k = "tmp:" + churn++;
                    temporary.add(k);
                    d.add(new N(k));
                }
            } else if (op == 1) {
                while (!temporary.isEmpty()) {
                    byte[] k = temporary.poll().getBytes(StandardCharsets.UTF_8);
                    d.remove(k, 0, k.length);
                }
                d.shrinkIfSparse();
            } else if (op == 2) {
                d.rehashSteps(1 + rnd.nextInt(50));
            }
        } while (cursor != 0 && calls < 10_000_000);
        assertEquals(0, cursor, "scan terminates");
        for (String k : stableKeys) {
            assertTrue(seen.contains(k), "scan missed " + k);
        }
    }

    @Test
    void scanOfAStableTableVisitsEachKeyExactlyOnce() {
        Dict<N> d = dict(9);
        for (int i = 0; i < 5000; i++) {
            d.add(new N("k" + i));
        }
        while (d.isRehashing()) {
            d.rehashSteps(1000);
        }
        Map<String, Integer> counts = new HashMap<>();
        long cursor = 0;
        do {
            cursor = d.scan(cursor, n -> counts.merge(n.name(), 1, Integer::sum));
        } while (cursor != 0);
        assertEquals(5000, counts.size());
        assertTrue(counts.values().stream().allMatch(c -> c == 1));
    }

    @Test
    void randomNodeEventuallyReturnsEveryKeyAndCopesWithASparseTable() {
        Dict<N> d = dict(4);
        for (int i = 0; i < 64; i++) {
            d.add(new N("k" + i));
        }
        SplittableRandom rnd = new SplittableRandom(5);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            seen.add(d.random(rnd).name());
        }
        assertEquals(64, seen.size());
        // Delete all but one key without shrinking: the bounded probe still finds it.
        for (int i = 1; i < 64; i++) {
            byte[] k = ("k" + i).getBytes(StandardCharsets.UTF_8);
            d.remove(k, 0, k.length);
        }
        for (int i = 0; i < 100; i++) {
            assertEquals("k0", d.random(rnd).name());
        }
        assertNull(dict(1).random(rnd));
    }

    @Test
    void findAllocatesNothing() {
        Dict<N> d = dict(6);
        for (int i = 0; i < 10_000; i++) {
            d.add(new N("key:" + i));
        }
        while (d.isRehashing()) {
            d.rehashSteps(1000);
        }
        byte[] buf = "....key:1234....".getBytes(StandardCharsets.UTF_8);
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        for (int i = 0; i < 100_000; i++) {
            d.find(buf, 4, 8); // warm up (JIT)
        }
        long before = bean.getThreadAllocatedBytes(tid);
        N found = null;
        for (int i = 0; i < 100_000; i++) {
            found = d.find(buf, 4, 8);
        }
        long allocated = bean.getThreadAllocatedBytes(tid) - before;
        assertSame(find(d, "key:1234"), found);
        assertTrue(allocated < 10_000, "find allocated " + allocated + " bytes in 100k lookups");
    }
}
