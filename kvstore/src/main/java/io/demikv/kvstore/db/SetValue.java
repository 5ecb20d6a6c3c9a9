package io.demikv.kvstore.db;

import java.util.random.RandomGenerator;

/**
 * A set, Redis 7.0's {@code t_set.c} encodings: an {@link IntSet} while every member is a canonical
 * 64-bit integer and there are at most {@code set-max-intset-entries} of them, then a {@link Dict} of
 * {@link MemberNode}s. Callers pass each member with its integer reading (the command layer parses with
 * Redis's {@code string2ll} rules), so this class never parses text. Server thread only.
 */
public final class SetValue implements Structure {
    /** Receives one member; {@code m} is a view valid only during the call. */
    @FunctionalInterface
    public interface MemberVisitor {
        void visit(Slice m);
    }

    private IntSet ints;
    private Dict<MemberNode> dict;

    /** An empty set in the encoding Redis picks for its first member ({@code setTypeCreate}). */
    public SetValue(CollectionSettings cfg, boolean firstIsInteger) {
        if (firstIsInteger && cfg.setMaxIntsetEntries > 0) {
            ints = new IntSet();
        } else {
            dict = new Dict<>(cfg.hashing);
        }
    }

    @Override
    public Encoding encoding() {
        return ints != null ? Encoding.INTSET : Encoding.HASHTABLE;
    }

    @Override
    public long size() {
        return ints != null ? ints.size() : dict.size();
    }

    /** Adds a member (copied); {@code isInt}/{@code v}: its integer reading. False when already present. */
    public boolean add(CollectionSettings cfg, byte[] b, int off, int len, boolean isInt, long v) {
        if (ints != null) {
            if (isInt) {
                if (!ints.add(v)) {
                    return false;
                }
                if (ints.size() > cfg.setMaxIntsetEntries) {
                    convert(cfg);
                }
                return true;
            }
            convert(cfg);
        }
        if (dict.find(b, off, len) != null) {
            return false;
        }
        dict.add(new MemberNode(java.util.Arrays.copyOfRange(b, off, off + len)));
        return true;
    }

    public boolean remove(byte[] b, int off, int len, boolean isInt, long v) {
        if (ints != null) {
            return isInt && ints.remove(v);
        }
        if (dict.remove(b, off, len) == null) {
            return false;
        }
        dict.shrinkIfSparse();
        return true;
    }

    public boolean contains(byte[] b, int off, int len, boolean isInt, long v) {
        if (ints != null) {
            return isInt && ints.contains(v);
        }
        return dict.find(b, off, len) != null;
    }

    /** Removes the member {@code m} points at (from {@link #random} or a visit); it must be present. */
    public void remove(Slice m) {
        if (m.isInteger()) {
            if (ints != null) {
                ints.remove(m.integer());
            } else {
                byte[] b = m.copy();
                dict.remove(b, 0, b.length);
            }
        } else {
            dict.remove(m.buf, m.off, m.len);
        }
        if (dict != null) {
            dict.shrinkIfSparse();
        }
    }

    private void convert(CollectionSettings cfg) {
        Dict<MemberNode> d = new Dict<>(cfg.hashing);
        for (int i = 0; i < ints.size(); i++) {
            d.add(new MemberNode(Long.toString(ints.get(i)).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        }
        dict = d;
        ints = null;
    }

    /** Visits every member (ascending for an intset, table order otherwise). */
    public void forEach(MemberVisitor v) {
        Slice s = new Slice();
        if (ints != null) {
            for (int i = 0; i < ints.size(); i++) {
                s.setInteger(ints.get(i));
                v.visit(s);
            }
        } else {
            dict.forEach(n -> {
                s.set(n.member, 0, n.member.length);
                v.visit(s);
            });
        }
    }

    /** Points {@code out} at a random member (the set must not be empty). */
    public void random(RandomGenerator rnd, Slice out) {
        if (ints != null) {
            out.setInteger(ints.get(rnd.nextInt(ints.size())));
        } else {
            MemberNode n = dict.random(rnd);
            out.set(n.member, 0, n.member.length);
        }
    }

    /** One SSCAN step: an intset whole (next cursor 0), a table bucket by bucket. */
    public long scan(long cursor, MemberVisitor v) {
        if (ints != null) {
            forEach(v);
            return 0;
        }
        Slice s = new Slice();
        return dict.scan(cursor, n -> {
            s.set(n.member, 0, n.member.length);
            v.visit(s);
        });
    }

    @Override
    public long estimateBytes() {
        if (ints != null) {
            return 16 + ints.estimateBytes();
        }
        long[] sum = {16 + 40 + dict.tableBytes()};
        dict.forEach(n -> sum[0] += 16 + Db.arrayBytes(n.member.length));
        return sum[0];
    }
}
