package io.demikv.kvstore.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link IntSet} against a TreeSet, across the 2, 4 and 8 byte widths. */
class IntSetTest {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void staysSortedAndDistinctAcrossWidthUpgrades(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        IntSet set = new IntSet();
        TreeSet<Long> model = new TreeSet<>();
        long[] ranges = {100, Short.MAX_VALUE * 2L, Integer.MAX_VALUE * 4L, Long.MAX_VALUE};
        for (int step = 0; step < 2000; step++) {
            long range = ranges[Math.min(3, step / 400)];
            long v = r.nextLong() % range;
            if (r.nextInt(3) == 0) {
                assertEquals(model.remove(v), set.remove(v));
            } else {
                assertEquals(model.add(v), set.add(v));
            }
            assertEquals(model.contains(v), set.contains(v));
            assertEquals(model.size(), set.size());
        }
        List<Long> got = new ArrayList<>();
        for (int i = 0; i < set.size(); i++) {
            got.add(set.get(i));
        }
        assertEquals(new ArrayList<>(model), got);
        set.add(Long.MIN_VALUE);
        set.add(Long.MAX_VALUE);
        assertEquals(Long.MIN_VALUE, set.get(0));
        assertEquals(Long.MAX_VALUE, set.get(set.size() - 1));
    }
}
