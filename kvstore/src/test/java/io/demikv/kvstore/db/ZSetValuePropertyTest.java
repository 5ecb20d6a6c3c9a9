package io.demikv.kvstore.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ZSetValue} (listpack and skip list, with conversions between them) and {@link SkipList} against a
 * model of a TreeSet ordered by (score, member) plus a member-to-score map: seeded random inserts, score
 * updates and removals, checked after every step by rank, score, score and lex counts, ranges in both
 * directions, range removal and random picks.
 */
class ZSetValuePropertyTest {
    private record El(double score, String member) {
    }

    private static final Comparator<El> ORDER = Comparator.comparingDouble(El::score).thenComparing(El::member);

    static Stream<Arguments> seedsAndLimits() {
        List<Arguments> out = new ArrayList<>();
        for (long seed = 1; seed <= 12; seed++) {
            out.add(Arguments.of(seed, 8));    // starts as a listpack, converts at 9 members
            out.add(Arguments.of(seed, 0));    // a skip list from the start
            out.add(Arguments.of(seed, 1000)); // stays a listpack
        }
        return out.stream();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static CollectionSettings settings(long seed, int entries) {
        CollectionSettings cfg = new CollectionSettings(new Hashing(seed), new SplittableRandom(seed));
        cfg.zsetMaxListpack(entries, 64);
        return cfg;
    }

    @ParameterizedTest
    @MethodSource("seedsAndLimits")
    void agreesWithAnOrderedModel(long seed, int entries) {
        SplittableRandom r = new SplittableRandom(seed * 31 + entries);
        CollectionSettings cfg = settings(seed, entries);
        ZSetValue z = new ZSetValue(cfg, 0, 0);
        TreeSet<El> order = new TreeSet<>(ORDER);
        Map<String, Double> scores = new HashMap<>();
        double[] pool = {-1e300, -2, -1, 0, 0.5, 1, 1, 2, 3.25, 7, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int step = 0; step < 600; step++) {
            String m = "m" + r.nextInt(40);
            double sc = r.nextInt(4) == 0 ? r.nextDouble() * 10 : pool[r.nextInt(pool.length)];
            Double cur = scores.get(m);
            int op = r.nextInt(10);
            if (op < 5) {
                if (cur == null) {
                    z.insert(cfg, sc, b(m), 0, m.length());
                    order.add(new El(sc, m));
                    scores.put(m, sc);
                } else {
                    z.update(b(m), 0, m.length(), sc);
                    order.remove(new El(cur, m));
                    order.add(new El(sc, m));
                    scores.put(m, sc);
                }
            } else if (op < 7) {
                assertEquals(cur != null, z.remove(b(m), 0, m.length()));
                if (cur != null) {
                    order.remove(new El(cur, m));
                    scores.remove(m);
                }
            } else if (op == 7 && !order.isEmpty()) {
                long from = r.nextInt(order.size());
                long n = 1 + r.nextInt(3);
                n = Math.min(n, order.size() - from);
                List<El> all = new ArrayList<>(order);
                z.removeRange(from, n);
                for (long i = from; i < from + n; i++) {
                    El e = all.get((int) i);
                    order.remove(e);
                    scores.remove(e.member());
                }
            } else if (op == 8 && r.nextInt(4) == 0) {
                z.compactIfSmall(cfg);
            }
            check(z, order, scores, r);
        }
        if (entries == 0) {
            assertEquals(Encoding.SKIPLIST, z.encoding());
        }
        if (entries == 1000) {
            assertEquals(Encoding.LISTPACK, z.encoding());
        }
    }

    private static void check(ZSetValue z, TreeSet<El> order, Map<String, Double> scores, SplittableRandom r) {
        assertEquals(order.size(), z.size());
        List<El> all = new ArrayList<>(order);
        for (int i = 0; i < all.size(); i++) {
            El e = all.get(i);
            assertEquals(e.score(), z.score(b(e.member()), 0, e.member().length()));
            assertEquals(i, z.rank(b(e.member()), 0, e.member().length()));
        }
        assertTrue(Double.isNaN(z.score(b("absent"), 0, 6)));
        assertEquals(-1, z.rank(b("absent"), 0, 6));
        // Ranges both ways from a random start.
        if (!all.isEmpty()) {
            int from = r.nextInt(all.size());
            List<El> asc = new ArrayList<>();
            z.range(from, all.size(), false, (m, s) -> asc.add(new El(s, new String(m.copy(), StandardCharsets.US_ASCII))));
            assertEquals(all.subList(from, all.size()), asc);
            List<El> desc = new ArrayList<>();
            z.range(from, all.size(), true, (m, s) -> desc.add(new El(s, new String(m.copy(), StandardCharsets.US_ASCII))));
            List<El> expected = new ArrayList<>(all.subList(0, from + 1));
            java.util.Collections.reverse(expected);
            assertEquals(expected, desc);
            Slice pick = new Slice();
            double s = z.random(r, pick);
            String pm = new String(pick.copy(), StandardCharsets.US_ASCII);
            assertEquals(scores.get(pm), s);
        }
        // Score counts at a few bounds.
        for (double bound : new double[] {-1, 0, 1, 2.5, 7, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY}) {
            long below = all.stream().filter(e -> e.score() < bound).count();
            long atMost = all.stream().filter(e -> e.score() <= bound).count();
            assertEquals(below, z.countScore(bound, false), "below " + bound);
            assertEquals(atMost, z.countScore(bound, true), "at most " + bound);
        }
    }

    @ParameterizedTest
    @MethodSource("seedsAndLimits")
    void lexCountsMatchWhenScoresAreEqual(long seed, int entries) {
        SplittableRandom r = new SplittableRandom(seed);
        CollectionSettings cfg = settings(seed, entries);
        ZSetValue z = new ZSetValue(cfg, 0, 0);
        TreeSet<String> model = new TreeSet<>();
        for (int i = 0; i < 60; i++) {
            String m = Integer.toString(r.nextInt(1000), 36);
            if (model.add(m)) {
                z.insert(cfg, 0, b(m), 0, m.length());
            }
        }
        for (int i = 0; i < 50; i++) {
            String bound = Integer.toString(r.nextInt(1000), 36);
            assertEquals(model.headSet(bound, false).size(), z.countLex(b(bound), 0, bound.length(), false));
            assertEquals(model.headSet(bound, true).size(), z.countLex(b(bound), 0, bound.length(), true));
        }
    }

    @ParameterizedTest
    @MethodSource("seedsAndLimits")
    void skipListSpansStayConsistent(long seed, int ignored) {
        SplittableRandom r = new SplittableRandom(seed);
        SkipList zsl = new SkipList(r);
        Map<String, SkipList.ZNode> nodes = new HashMap<>();
        for (int step = 0; step < 500; step++) {
            String m = "k" + r.nextInt(80);
            SkipList.ZNode n = nodes.get(m);
            if (n == null) {
                nodes.put(m, zsl.insert(r.nextInt(20), b(m)));
            } else if (r.nextBoolean()) {
                zsl.updateScore(n, r.nextInt(20));
            } else {
                assertEquals(n, zsl.delete(n.score, n.member, 0, n.member.length));
                nodes.remove(m);
            }
        }
        assertEquals(nodes.size(), zsl.length);
        // Every level's spans add up to the length; ranks agree with byRank and with the level-0 order.
        for (int lvl = 0; lvl < zsl.level; lvl++) {
            long sum = 0;
            for (SkipList.ZNode x = zsl.header; x != null; x = x.forward[lvl]) {
                sum += x.forward[lvl] == null ? 0 : x.span[lvl];
            }
            assertTrue(sum <= zsl.length);
        }
        long rank = 1;
        SkipList.ZNode prev = null;
        for (SkipList.ZNode x = zsl.header.forward[0]; x != null; x = x.forward[0], rank++) {
            assertEquals(rank, zsl.rank(x.score, x.member, 0, x.member.length));
            assertEquals(x, zsl.byRank(rank));
            assertEquals(prev, x.backward);
            prev = x;
        }
        assertEquals(prev, zsl.tail);
    }
}
