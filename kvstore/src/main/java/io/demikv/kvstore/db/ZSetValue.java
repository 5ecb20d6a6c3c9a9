package io.demikv.kvstore.db;

import io.demikv.kvstore.db.SkipList.ZNode;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A sorted set, Redis 7.0's {@code t_zset.c} encodings: a {@link Listpack} of (member, 8-byte score)
 * entry pairs kept in order while it has at most {@code zset-max-listpack-entries} members of at most
 * {@code zset-max-listpack-value} bytes, then a {@link SkipList} plus a member table ({@link Dict}) that
 * share their nodes: O(1) score lookup, O(log n) insert, delete, rank and range start.
 *
 * <p>Positions are 0-based indices in ascending order; the command layer maps reverse ranks and ranges
 * onto them. Lex ranges assume equal scores, as Redis documents. Server thread only.
 */
public final class ZSetValue implements Structure {
    /** Receives one element; {@code member} is a view valid only during the call. */
    @FunctionalInterface
    public interface ElementVisitor {
        void visit(Slice member, double score);
    }

    private Listpack lp;
    private SkipList zsl;
    private Dict<ZNode> dict;

    /**
     * An empty sorted set in the encoding Redis picks for {@code sizeHint} members of at most
     * {@code maxLen} bytes ({@code zsetTypeCreate}).
     */
    public ZSetValue(CollectionSettings cfg, long sizeHint, long maxLen) {
        if (sizeHint <= cfg.zsetMaxListpackEntries && maxLen <= cfg.zsetMaxListpackValue
                && cfg.zsetMaxListpackEntries > 0) {
            lp = new Listpack();
        } else {
            toSkipList(cfg);
        }
    }

    @Override
    public Encoding encoding() {
        return lp != null ? Encoding.LISTPACK : Encoding.SKIPLIST;
    }

    @Override
    public long size() {
        return lp != null ? lp.size() / 2 : zsl.length;
    }

    private int lpFind(byte[] b, int off, int len) {
        for (int p = 0; p < lp.end(); p = lp.next(lp.next(p))) {
            if (lp.equalsAt(p, b, off, len)) {
                return p;
            }
        }
        return -1;
    }

    /** The member's score, or NaN when absent (a stored score is never NaN). */
    public double score(byte[] b, int off, int len) {
        if (lp != null) {
            int p = lpFind(b, off, len);
            return p < 0 ? Double.NaN : lp.getDouble(lp.next(p));
        }
        ZNode n = dict.find(b, off, len);
        return n == null ? Double.NaN : n.score;
    }

    /** Adds an absent member (copied), converting to a skip list when the listpack limits are passed. */
    public void insert(CollectionSettings cfg, double score, byte[] b, int off, int len) {
        if (lp != null && (lp.size() / 2 + 1 > cfg.zsetMaxListpackEntries || len > cfg.zsetMaxListpackValue)) {
            toSkipList(cfg);
        }
        if (lp != null) {
            lpInsert(score, b, off, len);
            return;
        }
        ZNode n = zsl.insert(score, Arrays.copyOfRange(b, off, off + len));
        dict.add(n);
    }

    private void lpInsert(double score, byte[] b, int off, int len) {
        // Redis keeps listpack scores as text printed by d2string, which writes -0 as "0".
        if (score == 0) {
            score = 0.0;
        }
        int p = 0;
        while (p < lp.end()) {
            int sp = lp.next(p);
            double s = lp.getDouble(sp);
            if (s > score || (s == score && lp.compareAt(p, b, off, len) > 0)) {
                break;
            }
            p = lp.next(sp);
        }
        lp.insert(p, b, off, len);
        lp.insertDouble(lp.next(p), score);
    }

    /** Gives a present member a new score. */
    public void update(byte[] b, int off, int len, double score) {
        if (lp != null) {
            int p = lpFind(b, off, len);
            byte[] m = lp.copy(p);
            lp.removeRange(p, 2);
            lpInsert(score, m, 0, m.length);
            return;
        }
        zsl.updateScore(dict.find(b, off, len), score);
    }

    /** Removes a member; false when absent. */
    public boolean remove(byte[] b, int off, int len) {
        if (lp != null) {
            int p = lpFind(b, off, len);
            if (p < 0) {
                return false;
            }
            lp.removeRange(p, 2);
            return true;
        }
        ZNode n = dict.remove(b, off, len);
        if (n == null) {
            return false;
        }
        zsl.delete(n.score, n.member, 0, n.member.length);
        dict.shrinkIfSparse();
        return true;
    }

    /** 0-based ascending rank of the member, or -1 when absent. */
    public long rank(byte[] b, int off, int len) {
        if (lp != null) {
            long r = 0;
            for (int p = 0; p < lp.end(); p = lp.next(lp.next(p))) {
                if (lp.equalsAt(p, b, off, len)) {
                    return r;
                }
                r++;
            }
            return -1;
        }
        ZNode n = dict.find(b, off, len);
        return n == null ? -1 : zsl.rank(n.score, b, off, len) - 1;
    }

    /** Number of members with a score below {@code bound} (at most {@code bound} when inclusive). */
    public long countScore(double bound, boolean inclusive) {
        if (lp == null) {
            return zsl.countScore(bound, inclusive);
        }
        long n = 0;
        for (int p = 0; p < lp.end(); p = lp.next(lp.next(p))) {
            double s = lp.getDouble(lp.next(p));
            if (inclusive ? s > bound : s >= bound) {
                break;
            }
            n++;
        }
        return n;
    }

    /** Number of members sorting below {@code b} (at most, when inclusive), assuming equal scores. */
    public long countLex(byte[] b, int off, int len, boolean inclusive) {
        if (lp == null) {
            return zsl.countLex(b, off, len, inclusive);
        }
        long n = 0;
        for (int p = 0; p < lp.end(); p = lp.next(lp.next(p))) {
            int c = lp.compareAt(p, b, off, len);
            if (inclusive ? c > 0 : c >= 0) {
                break;
            }
            n++;
        }
        return n;
    }

    /**
     * Visits {@code n} elements starting at 0-based index {@code from}, ascending, or descending (from
     * {@code from} towards index 0).
     */
    public void range(long from, long n, boolean descending, ElementVisitor v) {
        if (n <= 0) {
            return;
        }
        Slice s = new Slice();
        if (lp != null) {
            int p = lp.seek((int) from * 2);
            for (long i = 0; i < n && p >= 0 && p < lp.end(); i++) {
                int sp = lp.next(p);
                lp.view(p, s);
                v.visit(s, lp.getDouble(sp));
                p = descending ? lp.prev(lp.prev(p)) : lp.next(sp);
            }
            return;
        }
        ZNode x = zsl.byRank(from + 1);
        for (long i = 0; i < n && x != null; i++) {
            s.set(x.member, 0, x.member.length);
            v.visit(s, x.score);
            x = descending ? x.backward : x.forward[0];
        }
    }

    /** Removes {@code n} elements starting at 0-based index {@code from}, ascending. */
    public void removeRange(long from, long n) {
        if (n <= 0) {
            return;
        }
        if (lp != null) {
            lp.removeRange(lp.seek((int) from * 2), (int) n * 2);
            return;
        }
        ZNode x = zsl.byRank(from + 1);
        for (long i = 0; i < n && x != null; i++) {
            ZNode next = x.forward[0];
            dict.remove(x.member, 0, x.member.length);
            zsl.delete(x.score, x.member, 0, x.member.length);
            x = next;
        }
        dict.shrinkIfSparse();
    }

    /** Points {@code member} at a random element and returns its score (the set must not be empty). */
    public double random(RandomGenerator rnd, Slice member) {
        long i = rnd.nextLong(size());
        if (lp != null) {
            int p = lp.seek((int) i * 2);
            lp.view(p, member);
            return lp.getDouble(lp.next(p));
        }
        ZNode x = zsl.byRank(i + 1);
        member.set(x.member, 0, x.member.length);
        return x.score;
    }

    /** One ZSCAN step: a listpack whole (next cursor 0), a table bucket by bucket. */
    public long scan(long cursor, ElementVisitor v) {
        if (lp != null) {
            range(0, size(), false, v);
            return 0;
        }
        Slice s = new Slice();
        return dict.scan(cursor, x -> {
            s.set(x.member, 0, x.member.length);
            v.visit(s, x.score);
        });
    }

    /**
     * Converts a skip list back to a listpack when it fits the limits, as Redis does for the result of
     * ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE/ZRANGESTORE ({@code zsetConvertToListpackIfNeeded}).
     */
    public void compactIfSmall(CollectionSettings cfg) {
        if (lp != null || zsl.length == 0 || zsl.length > cfg.zsetMaxListpackEntries) {
            return;
        }
        for (ZNode x = zsl.header.forward[0]; x != null; x = x.forward[0]) {
            if (x.member.length > cfg.zsetMaxListpackValue) {
                return;
            }
        }
        Listpack l = new Listpack();
        for (ZNode x = zsl.header.forward[0]; x != null; x = x.forward[0]) {
            l.append(x.member, 0, x.member.length);
            l.appendDouble(x.score);
        }
        lp = l;
        zsl = null;
        dict = null;
    }

    /** Converts a listpack to a skip list, as Redis's SORT does to the sorted set it sorts. */
    public void convertToSkipList(CollectionSettings cfg) {
        if (lp != null) {
            toSkipList(cfg);
        }
    }

    private void toSkipList(CollectionSettings cfg) {
        SkipList z = new SkipList(cfg.random);
        Dict<ZNode> d = new Dict<>(cfg.hashing);
        if (lp != null) {
            for (int p = 0; p < lp.end(); p = lp.next(lp.next(p))) {
                ZNode n = z.insert(lp.getDouble(lp.next(p)), lp.copy(p));
                d.add(n);
            }
        }
        zsl = z;
        dict = d;
        lp = null;
    }

    @Override
    public long estimateBytes() {
        if (lp != null) {
            return 16 + lp.estimateBytes();
        }
        return 16 + 40 + 32 + dict.tableBytes() + zsl.nodeBytes();
    }
}
