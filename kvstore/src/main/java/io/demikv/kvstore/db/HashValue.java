package io.demikv.kvstore.db;

import java.util.random.RandomGenerator;

/**
 * A hash (field to value), Redis's {@code t_hash.c} encodings: a {@link Listpack} of alternating field
 * and value entries in insertion order while it has at most {@code hash-max-listpack-entries} fields and
 * no field or value longer than {@code hash-max-listpack-value} bytes, then a {@link Dict} of
 * {@link FieldNode}s. Field arguments are slices and are copied only when stored. Server thread only.
 */
public final class HashValue implements Structure {
    /** Receives one field and its value; the arrays are views valid only during the call. */
    @FunctionalInterface
    public interface FieldVisitor {
        void visit(byte[] fb, int foff, int flen, byte[] vb, int voff, int vlen);
    }

    // Exactly one of the two is set.
    private Listpack lp;
    private Dict<FieldNode> dict;

    public HashValue() {
        this.lp = new Listpack();
    }

    @Override
    public Encoding encoding() {
        return lp != null ? Encoding.LISTPACK : Encoding.HASHTABLE;
    }

    @Override
    public long size() {
        return lp != null ? lp.size() / 2 : dict.size();
    }

    /** Position of the field entry in the listpack, or -1. */
    private int lpFind(byte[] b, int off, int len) {
        for (int p = 0; p < lp.end(); p = lp.next(lp.next(p))) {
            if (lp.equalsAt(p, b, off, len)) {
                return p;
            }
        }
        return -1;
    }

    /** Points {@code value} at the field's value; false when the field is absent. */
    public boolean get(byte[] b, int off, int len, Slice value) {
        if (lp != null) {
            int p = lpFind(b, off, len);
            if (p < 0) {
                return false;
            }
            lp.view(lp.next(p), value);
            return true;
        }
        FieldNode n = dict.find(b, off, len);
        if (n == null) {
            return false;
        }
        value.set(n.data, n.fieldLen, n.valueLength());
        return true;
    }

    public boolean contains(byte[] b, int off, int len) {
        return lp != null ? lpFind(b, off, len) >= 0 : dict.find(b, off, len) != null;
    }

    /**
     * Sets a field (both slices copied), converting to a table first when either is longer than the
     * listpack limit and afterwards when the hash has too many fields. Returns true when the field is new.
     */
    public boolean set(CollectionSettings cfg, byte[] fb, int foff, int flen, byte[] vb, int voff, int vlen) {
        if (lp != null && (cfg.hashTooLong(flen) || cfg.hashTooLong(vlen))) {
            convert(cfg);
        }
        if (lp != null) {
            int p = lpFind(fb, foff, flen);
            if (p >= 0) {
                lp.replace(lp.next(p), vb, voff, vlen);
                return false;
            }
            lp.append(fb, foff, flen);
            lp.append(vb, voff, vlen);
            if (lp.size() / 2 > cfg.hashMaxListpackEntries) {
                convert(cfg);
            }
            return true;
        }
        FieldNode n = dict.find(fb, foff, flen);
        byte[] data = new byte[flen + vlen];
        System.arraycopy(fb, foff, data, 0, flen);
        System.arraycopy(vb, voff, data, flen, vlen);
        if (n != null) {
            n.data = data;
            return false;
        }
        dict.add(new FieldNode(data, flen));
        return true;
    }

    /** Removes a field; false when absent. */
    public boolean delete(byte[] b, int off, int len) {
        if (lp != null) {
            int p = lpFind(b, off, len);
            if (p < 0) {
                return false;
            }
            lp.removeRange(p, 2);
            return true;
        }
        if (dict.remove(b, off, len) == null) {
            return false;
        }
        dict.shrinkIfSparse();
        return true;
    }

    private void convert(CollectionSettings cfg) {
        Dict<FieldNode> d = new Dict<>(cfg.hashing);
        for (int p = 0; p < lp.end(); p = lp.next(lp.next(p))) {
            int v = lp.next(p);
            int flen = lp.length(p);
            int vlen = lp.length(v);
            byte[] data = new byte[flen + vlen];
            System.arraycopy(lp.array(), lp.data(p), data, 0, flen);
            System.arraycopy(lp.array(), lp.data(v), data, flen, vlen);
            d.add(new FieldNode(data, flen));
        }
        dict = d;
        lp = null;
    }

    /** Visits every field in storage order (insertion order while a listpack). */
    public void forEach(FieldVisitor v) {
        if (lp != null) {
            byte[] a = lp.array();
            for (int p = 0; p < lp.end(); p = lp.next(lp.next(p))) {
                int q = lp.next(p);
                v.visit(a, lp.data(p), lp.length(p), a, lp.data(q), lp.length(q));
            }
        } else {
            dict.forEach(n -> v.visit(n.data, 0, n.fieldLen, n.data, n.fieldLen, n.valueLength()));
        }
    }

    /** Points {@code field} and {@code value} at a random field (the hash must not be empty). */
    public void random(RandomGenerator rnd, Slice field, Slice value) {
        if (lp != null) {
            int p = lp.seek(rnd.nextInt(lp.size() / 2) * 2);
            lp.view(p, field);
            lp.view(lp.next(p), value);
        } else {
            FieldNode n = dict.random(rnd);
            field.set(n.data, 0, n.fieldLen);
            value.set(n.data, n.fieldLen, n.valueLength());
        }
    }

    /**
     * One HSCAN step: a listpack is returned whole (cursor 0 next), a table bucket by bucket with
     * {@link Dict#scan}'s reverse-binary cursor.
     */
    public long scan(long cursor, FieldVisitor v) {
        if (lp != null) {
            forEach(v);
            return 0;
        }
        return dict.scan(cursor, n -> v.visit(n.data, 0, n.fieldLen, n.data, n.fieldLen, n.valueLength()));
    }

    @Override
    public long estimateBytes() {
        if (lp != null) {
            return 16 + lp.estimateBytes();
        }
        long[] sum = {16 + 40 + dict.tableBytes()};
        dict.forEach(n -> sum[0] += 24 + Db.arrayBytes(n.data.length));
        return sum[0];
    }
}
