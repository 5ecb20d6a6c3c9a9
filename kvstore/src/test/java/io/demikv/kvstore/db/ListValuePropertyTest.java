package io.demikv.kvstore.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ListValue} (quicklist of listpack nodes) against an ArrayList: pushes and pops at both ends,
 * index reads and writes, trims, and cursor removals and inserts in both directions, with node limits
 * small enough that nodes split, fill and empty all the time.
 */
class ListValuePropertyTest {
    private static byte[] value(SplittableRandom r) {
        byte[] b = new byte[r.nextInt(4) == 0 ? 40 + r.nextInt(200) : r.nextInt(6)];
        Arrays.fill(b, (byte) ('a' + r.nextInt(3)));
        return b;
    }

    private static void check(ListValue l, List<byte[]> model) {
        assertEquals(model.size(), l.size());
        Slice s = new Slice();
        ListValue.Cursor fwd = l.cursor(0, true);
        for (byte[] expected : model) {
            assertTrue(fwd.next(s));
            assertArrayEquals(expected, s.copy());
        }
        assertFalse(fwd.next(s));
        ListValue.Cursor back = l.cursor(model.size() - 1, false);
        for (int i = model.size() - 1; i >= 0; i--) {
            assertTrue(back.next(s));
            assertEquals(i, back.index());
            assertArrayEquals(model.get(i), s.copy());
        }
        assertFalse(back.next(s));
    }

    @ParameterizedTest
    @CsvSource({"1,2", "2,3", "3,-1", "4,-2", "5,1", "6,5", "7,-1", "8,2"})
    void behavesLikeAnArrayList(long seed, int fill) {
        SplittableRandom r = new SplittableRandom(seed);
        CollectionSettings cfg = new CollectionSettings(new Hashing(seed), r);
        cfg.listMaxListpackSize(fill);
        ListValue l = new ListValue();
        List<byte[]> model = new ArrayList<>();
        Slice s = new Slice();
        for (int step = 0; step < 1500; step++) {
            int op = r.nextInt(12);
            byte[] v = value(r);
            switch (op) {
                case 0, 1 -> {
                    l.pushHead(cfg, v, 0, v.length);
                    model.add(0, v);
                }
                case 2, 3 -> {
                    l.pushTail(cfg, v, 0, v.length);
                    model.add(v);
                }
                case 4 -> {
                    if (!model.isEmpty()) {
                        assertArrayEquals(model.remove(0), l.popHead());
                    }
                }
                case 5 -> {
                    if (!model.isEmpty()) {
                        assertArrayEquals(model.remove(model.size() - 1), l.popTail());
                    }
                }
                case 6 -> {
                    long i = r.nextInt(model.size() + 3) - 2;
                    boolean ok = l.set(cfg, i, v, 0, v.length);
                    long idx = i < 0 ? i + model.size() : i;
                    assertEquals(idx >= 0 && idx < model.size(), ok);
                    if (ok) {
                        model.set((int) idx, v);
                    }
                }
                case 7 -> {
                    int n = model.isEmpty() ? 0 : r.nextInt(Math.min(4, model.size()) + 1);
                    if (r.nextBoolean()) {
                        l.trimHead(n);
                        model.subList(0, n).clear();
                    } else {
                        l.trimTail(n);
                        model.subList(model.size() - n, model.size()).clear();
                    }
                }
                case 8 -> {
                    // Remove every element equal to v's first byte class, walking either way.
                    boolean forward = r.nextBoolean();
                    ListValue.Cursor c = forward ? l.cursor(0, true) : l.cursor(l.size() - 1, false);
                    List<byte[]> kept = new ArrayList<>();
                    while (c.next(s)) {
                        if (s.length() == v.length) {
                            c.remove();
                        }
                    }
                    for (byte[] b : model) {
                        if (b.length != v.length) {
                            kept.add(b);
                        }
                    }
                    model.clear();
                    model.addAll(kept);
                }
                case 9 -> {
                    if (!model.isEmpty()) {
                        int at = r.nextInt(model.size());
                        boolean after = r.nextBoolean();
                        ListValue.Cursor c = l.cursor(at, true);
                        assertTrue(c.next(s));
                        c.insert(cfg, after, v, 0, v.length);
                        model.add(after ? at + 1 : at, v);
                    }
                }
                default -> {
                    if (!model.isEmpty()) {
                        int at = r.nextInt(model.size());
                        assertTrue(l.get(at, s));
                        assertArrayEquals(model.get(at), s.copy());
                        assertTrue(l.get(at - model.size(), s));
                        assertArrayEquals(model.get(at), s.copy());
                    }
                    assertFalse(l.get(model.size(), s));
                }
            }
            check(l, model);
        }
    }

    @ParameterizedTest
    @CsvSource({"1,-2", "2,4"})
    void nodesRespectTheFillLimit(long seed, int fill) {
        SplittableRandom r = new SplittableRandom(seed);
        CollectionSettings cfg = new CollectionSettings(new Hashing(seed), r);
        cfg.listMaxListpackSize(fill);
        ListValue l = new ListValue();
        byte[] v = new byte[10];
        for (int i = 0; i < 10_000; i++) {
            l.pushTail(cfg, v, 0, v.length);
        }
        // 10-byte elements take 12 bytes each: 8 KiB nodes hold 682 of them, 4-entry nodes 4.
        int expected = fill == -2 ? (10_000 + 681) / 682 : 2500;
        assertEquals(expected, l.nodeCount());
        // About 12 bytes per element plus node overhead, instead of ~36 for an array per element.
        assertTrue(l.estimateBytes() < 10_000 * 16 + expected * 64, "estimate " + l.estimateBytes());
    }
}
