package io.demikv.kvstore.db;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The ordered half of a table-encoded sorted set: Redis's {@code zskiplist} (Pugh's skip list with a
 * span per link, so that rank queries are O(log n)). Elements are ordered by score, then by member bytes
 * (unsigned, shorter first on a common prefix, as {@code memcmp} plus length). Each {@link ZNode} is also
 * the node of the member table ({@link Dict}), so an element is one object. Levels are drawn with
 * p = 1/4 up to {@value #MAX_LEVEL}. Server thread only.
 *
 * <p>Ranks here are 1-based, as in Redis's {@code zslGetRank}.
 */
final class SkipList {
    static final int MAX_LEVEL = 32;

    final ZNode header = new ZNode(null, 0, MAX_LEVEL);
    ZNode tail;
    int level = 1;
    long length;
    private final RandomGenerator random;

    SkipList(RandomGenerator random) {
        this.random = random;
    }

    /** A skip-list element and a member-table node. */
    static final class ZNode extends Node {
        final byte[] member;
        double score;
        ZNode backward;
        final ZNode[] forward;
        final long[] span;

        ZNode(byte[] member, double score, int level) {
            this.member = member;
            this.score = score;
            this.forward = new ZNode[level];
            this.span = new long[level];
        }

        @Override
        byte[] keyArray() {
            return member;
        }

        @Override
        int keyLength() {
            return member.length;
        }
    }

    private int randomLevel() {
        int lvl = 1;
        while (lvl < MAX_LEVEL && (random.nextInt() & 0xFFFF) < 0xFFFF / 4) {
            lvl++;
        }
        return lvl;
    }

    /** (a.score, a.member) &lt; (score, b[off, off+len)). */
    private static boolean before(ZNode a, double score, byte[] b, int off, int len) {
        return a.score < score || (a.score == score
                && Arrays.compareUnsigned(a.member, 0, a.member.length, b, off, off + len) < 0);
    }

    ZNode insert(double score, byte[] member) {
        ZNode x = new ZNode(member, score, randomLevel());
        insertNode(x);
        return x;
    }

    /** Links {@code x} (absent) at its place for its score, keeping its level. */
    void insertNode(ZNode x) {
        ZNode[] update = new ZNode[MAX_LEVEL];
        long[] rank = new long[MAX_LEVEL];
        ZNode h = header;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            while (h.forward[i] != null && before(h.forward[i], x.score, x.member, 0, x.member.length)) {
                rank[i] += h.span[i];
                h = h.forward[i];
            }
            update[i] = h;
        }
        int lvl = x.forward.length;
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                header.span[i] = length;
            }
            level = lvl;
        }
        for (int i = 0; i < lvl; i++) {
            x.forward[i] = update[i].forward[i];
            update[i].forward[i] = x;
            x.span[i] = update[i].span[i] - (rank[0] - rank[i]);
            update[i].span[i] = (rank[0] - rank[i]) + 1;
        }
        for (int i = lvl; i < level; i++) {
            update[i].span[i]++;
        }
        x.backward = update[0] == header ? null : update[0];
        if (x.forward[0] != null) {
            x.forward[0].backward = x;
        } else {
            tail = x;
        }
        length++;
    }

    /** Unlinks the node with this score and member; returns it, or null when absent. */
    ZNode delete(double score, byte[] b, int off, int len) {
        ZNode[] update = new ZNode[MAX_LEVEL];
        ZNode x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && before(x.forward[i], score, b, off, len)) {
                x = x.forward[i];
            }
            update[i] = x;
        }
        x = x.forward[0];
        if (x != null && x.score == score && Arrays.equals(x.member, 0, x.member.length, b, off, off + len)) {
            unlink(x, update);
            return x;
        }
        return null;
    }

    private void unlink(ZNode x, ZNode[] update) {
        for (int i = 0; i < level; i++) {
            if (update[i].forward[i] == x) {
                update[i].span[i] += x.span[i] - 1;
                update[i].forward[i] = x.forward[i];
            } else {
                update[i].span[i] -= 1;
            }
        }
        if (x.forward[0] != null) {
            x.forward[0].backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && header.forward[level - 1] == null) {
            level--;
        }
        length--;
    }

    /** Moves {@code x} to {@code newScore}: in place when its neighbours still bracket it, else relinked. */
    void updateScore(ZNode x, double newScore) {
        ZNode prev = x.backward;
        ZNode next = x.forward[0];
        if ((prev == null || before(prev, newScore, x.member, 0, x.member.length))
                && (next == null || !before(next, newScore, x.member, 0, x.member.length))) {
            x.score = newScore;
            return;
        }
        delete(x.score, x.member, 0, x.member.length);
        x.score = newScore;
        insertNode(x);
    }

    /** 1-based rank of the element, or 0 when absent. */
    long rank(double score, byte[] b, int off, int len) {
        long rank = 0;
        ZNode x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && (x.forward[i].score < score || (x.forward[i].score == score
                    && Arrays.compareUnsigned(x.forward[i].member, 0, x.forward[i].member.length, b, off,
                    off + len) <= 0))) {
                rank += x.span[i];
                x = x.forward[i];
            }
            if (x.member != null && x.score == score
                    && Arrays.equals(x.member, 0, x.member.length, b, off, off + len)) {
                return rank;
            }
        }
        return 0;
    }

    /** The element of 1-based {@code rank}, or null. */
    ZNode byRank(long rank) {
        long traversed = 0;
        ZNode x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && traversed + x.span[i] <= rank) {
                traversed += x.span[i];
                x = x.forward[i];
            }
            if (traversed == rank) {
                return x == header ? null : x;
            }
        }
        return null;
    }

    /** Number of elements whose score is below {@code bound} (or at most {@code bound} when inclusive). */
    long countScore(double bound, boolean inclusive) {
        long rank = 0;
        ZNode x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null
                    && (inclusive ? x.forward[i].score <= bound : x.forward[i].score < bound)) {
                rank += x.span[i];
                x = x.forward[i];
            }
        }
        return rank;
    }

    /**
     * Number of elements whose member sorts below {@code b} (or at most, inclusive), walking as if the
     * members were in order, which they are when all scores are equal (the lex commands' contract).
     */
    long countLex(byte[] b, int off, int len, boolean inclusive) {
        long rank = 0;
        ZNode x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null) {
                byte[] m = x.forward[i].member;
                int c = Arrays.compareUnsigned(m, 0, m.length, b, off, off + len);
                if (inclusive ? c > 0 : c >= 0) {
                    break;
                }
                rank += x.span[i];
                x = x.forward[i];
            }
        }
        return rank;
    }

    /** Heap bytes of the nodes and their level arrays (members excluded). */
    long nodeBytes() {
        long sum = 0;
        for (ZNode x = header.forward[0]; x != null; x = x.forward[0]) {
            sum += 40 + Db.arrayBytes(x.forward.length * 4) + Db.arrayBytes(x.span.length * 8)
                    + Db.arrayBytes(x.member.length);
        }
        return sum + 2 * Db.arrayBytes(MAX_LEVEL * 8);
    }
}
