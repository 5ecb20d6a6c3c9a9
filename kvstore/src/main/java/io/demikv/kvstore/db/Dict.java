package io.demikv.kvstore.db;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A chained hash table keyed by byte arrays, modelled on Redis's {@code dict}: power-of-two bucket
 * arrays, a load factor of 1, and <em>incremental</em> rehashing between two tables so that no single
 * operation pays for a whole resize. Each lookup, insert or delete while a rehash is under way moves one
 * bucket (visiting at most ten empty ones), and {@link #rehashSteps} lets the cron move more; a lookup
 * checks the old table and then the new one.
 *
 * <p>Lookups take a slice ({@code buf, off, len}) and allocate nothing. Nodes do not store their hash
 * (it is recomputed when a node moves, as Redis does), which keeps a node small.
 *
 * <p>{@link #scan} is Redis's {@code dictScan}: the cursor is incremented on its <em>reversed</em> bits,
 * so a bucket index visited in a small table covers exactly the buckets it splits into in a larger one
 * (and the other way round). Therefore every node present for the whole scan is returned at least once,
 * across growth, shrink and rehash between calls; some may be returned twice.
 *
 * <p>Not thread-safe; server thread only. Callers must not add or remove nodes from inside a
 * {@link #forEach} or {@link #scan} callback.
 *
 * @param <N> the node type
 */
final class Dict<N extends Node> {
    /** Smallest non-empty table, as Redis's {@code DICT_HT_INITIAL_SIZE}. */
    static final int INITIAL_SIZE = 4;
    /** Shrink when fewer than this percentage of buckets is used, as Redis's {@code HASHTABLE_MIN_FILL}. */
    static final int MIN_FILL_PERCENT = 10;
    private static final Node[] EMPTY = new Node[0];

    /** Visits one node. */
    @FunctionalInterface
    interface Visitor<N> {
        void visit(N node);
    }

    private final Hashing hashing;
    private Node[] t0 = EMPTY;
    private Node[] t1;
    private int used0;
    private int used1;
    /** Next bucket of {@code t0} to move; -1 when not rehashing. */
    private int rehashIdx = -1;

    Dict(Hashing hashing) {
        this.hashing = hashing;
    }

    int size() {
        return used0 + used1;
    }

    boolean isRehashing() {
        return rehashIdx >= 0;
    }

    /** Number of buckets of both tables (for memory estimates and tests). */
    int buckets() {
        return t0.length + (t1 == null ? 0 : t1.length);
    }

    long hash(byte[] b, int off, int len) {
        return hashing.hash(b, off, len);
    }

    @SuppressWarnings("unchecked")
    N find(byte[] b, int off, int len) {
        if (size() == 0) {
            return null;
        }
        if (rehashIdx >= 0) {
            rehash(1);
        }
        long h = hashing.hash(b, off, len);
        Node n = chainFind(t0, h, b, off, len);
        if (n == null && t1 != null) {
            n = chainFind(t1, h, b, off, len);
        }
        return (N) n;
    }

    private static Node chainFind(Node[] t, long h, byte[] b, int off, int len) {
        if (t.length == 0) {
            return null;
        }
        for (Node n = t[(int) h & (t.length - 1)]; n != null; n = n.next) {
            if (n.keyLength() == len && Arrays.equals(n.keyArray(), 0, len, b, off, off + len)) {
                return n;
            }
        }
        return null;
    }

    /** Adds a node whose key is not yet present (the caller checked with {@link #find}). */
    void add(N node) {
        if (rehashIdx >= 0) {
            rehash(1);
        }
        expandIfNeeded();
        long h = hashing.hash(node.keyArray(), 0, node.keyLength());
        if (t1 != null) {
            int i = (int) h & (t1.length - 1);
            node.next = t1[i];
            t1[i] = node;
            used1++;
        } else {
            int i = (int) h & (t0.length - 1);
            node.next = t0[i];
            t0[i] = node;
            used0++;
        }
    }

    /** Removes and returns the node with this key, or null. */
    @SuppressWarnings("unchecked")
    N remove(byte[] b, int off, int len) {
        if (size() == 0) {
            return null;
        }
        if (rehashIdx >= 0) {
            rehash(1);
        }
        long h = hashing.hash(b, off, len);
        Node n = chainRemove(t0, h, b, off, len);
        if (n != null) {
            used0--;
        } else if (t1 != null) {
            n = chainRemove(t1, h, b, off, len);
            if (n != null) {
                used1--;
            }
        }
        if (n != null) {
            n.next = null;
        }
        return (N) n;
    }

    private static Node chainRemove(Node[] t, long h, byte[] b, int off, int len) {
        if (t.length == 0) {
            return null;
        }
        int i = (int) h & (t.length - 1);
        Node prev = null;
        for (Node n = t[i]; n != null; prev = n, n = n.next) {
            if (n.keyLength() == len && Arrays.equals(n.keyArray(), 0, len, b, off, off + len)) {
                if (prev == null) {
                    t[i] = n.next;
                } else {
                    prev.next = n.next;
                }
                return n;
            }
        }
        return null;
    }

    /** Drops every node. */
    void clear() {
        t0 = EMPTY;
        t1 = null;
        used0 = 0;
        used1 = 0;
        rehashIdx = -1;
    }

    private void expandIfNeeded() {
        if (rehashIdx >= 0) {
            return;
        }
        if (t0.length == 0) {
            t0 = new Node[INITIAL_SIZE];
        } else if (used0 >= t0.length) {
            resize(used0 + 1);
        }
    }

    /** Starts a rehash into a table of the smallest power of two holding {@code size} (at least 4). */
    private void resize(int size) {
        int real = INITIAL_SIZE;
        while (real < size && real < (1 << 30)) {
            real <<= 1;
        }
        if (real == t0.length) {
            return;
        }
        t1 = new Node[real];
        used1 = 0;
        rehashIdx = 0;
    }

    /**
     * Starts shrinking when the table is under {@value #MIN_FILL_PERCENT}% full, as Redis's
     * {@code tryResizeHashTables} does from its cron. Returns true when a resize started.
     */
    boolean shrinkIfSparse() {
        if (rehashIdx >= 0 || t0.length <= INITIAL_SIZE) {
            return false;
        }
        if ((long) used0 * 100 / t0.length >= MIN_FILL_PERCENT) {
            return false;
        }
        if (used0 == 0) {
            t0 = EMPTY;
            return true;
        }
        resize(used0);
        return rehashIdx >= 0;
    }

    /**
     * Moves up to {@code n} buckets from the old table to the new one, visiting at most {@code 10 n} empty
     * buckets (the bound Redis uses). Returns true while more rehashing remains.
     */
    boolean rehashSteps(int n) {
        return rehash(n);
    }

    private boolean rehash(int n) {
        if (rehashIdx < 0) {
            return false;
        }
        int emptyVisits = n * 10;
        Node[] from = t0;
        Node[] to = t1;
        int mask = to.length - 1;
        while (n-- > 0 && used0 != 0) {
            while (from[rehashIdx] == null) {
                rehashIdx++;
                if (--emptyVisits == 0) {
                    return true;
                }
            }
            Node node = from[rehashIdx];
            while (node != null) {
                Node next = node.next;
                int i = (int) hashing.hash(node.keyArray(), 0, node.keyLength()) & mask;
                node.next = to[i];
                to[i] = node;
                used0--;
                used1++;
                node = next;
            }
            from[rehashIdx] = null;
            rehashIdx++;
        }
        if (used0 == 0) {
            t0 = t1;
            used0 = used1;
            t1 = null;
            used1 = 0;
            rehashIdx = -1;
            return false;
        }
        return true;
    }

    /**
     * Visits the nodes of one bucket position (and, while rehashing, of every bucket of the larger table
     * it expands to) and returns the next cursor; 0 when the scan is complete. See the class comment.
     */
    @SuppressWarnings("unchecked")
    long scan(long cursor, Visitor<N> visitor) {
        if (size() == 0) {
            return 0;
        }
        long v = cursor;
        if (t1 == null) {
            Node[] t = t0;
            long m = t.length - 1;
            for (Node n = t[(int) (v & m)]; n != null; n = n.next) {
                visitor.visit((N) n);
            }
            v = nextCursor(v, m);
        } else {
            Node[] small = t0;
            Node[] large = t1;
            if (small.length > large.length) {
                small = t1;
                large = t0;
            }
            long m0 = small.length - 1;
            long m1 = large.length - 1;
            for (Node n = small[(int) (v & m0)]; n != null; n = n.next) {
                visitor.visit((N) n);
            }
            // Visit every bucket of the large table that the small table's bucket expands to.
            do {
                for (Node n = large[(int) (v & m1)]; n != null; n = n.next) {
                    visitor.visit((N) n);
                }
                v = nextCursor(v, m1);
            } while ((v & (m0 ^ m1)) != 0);
        }
        return v;
    }

    /** Increments the bits of {@code v} under {@code mask} starting from the most significant one. */
    private static long nextCursor(long v, long mask) {
        v |= ~mask;
        v = Long.reverse(v);
        v++;
        return Long.reverse(v);
    }

    /** Visits every node once; the table must not change meanwhile. */
    @SuppressWarnings("unchecked")
    void forEach(Visitor<N> visitor) {
        for (Node head : t0) {
            for (Node n = head; n != null; n = n.next) {
                visitor.visit((N) n);
            }
        }
        if (t1 != null) {
            for (Node head : t1) {
                for (Node n = head; n != null; n = n.next) {
                    visitor.visit((N) n);
                }
            }
        }
    }

    /**
     * A uniformly chosen bucket's random node (Redis's {@code dictGetRandomKey}), or null when empty.
     * Probing random buckets is bounded: after 64 empty probes it walks from a random bucket to the next
     * non-empty one, so a sparse table still answers in bounded time.
     */
    @SuppressWarnings("unchecked")
    N random(RandomGenerator rnd) {
        if (size() == 0) {
            return null;
        }
        if (rehashIdx >= 0) {
            rehash(1);
        }
        Node head = null;
        int start = rehashIdx >= 0 ? rehashIdx : 0;
        int span = t0.length - start + (t1 == null ? 0 : t1.length);
        for (int tries = 0; tries < 64 && head == null; tries++) {
            head = bucketAt(start + rnd.nextInt(span));
        }
        if (head == null) {
            int from = rnd.nextInt(span);
            for (int k = 0; k < span && head == null; k++) {
                head = bucketAt(start + (from + k) % span);
            }
        }
        int len = 0;
        for (Node n = head; n != null; n = n.next) {
            len++;
        }
        int pick = rnd.nextInt(len);
        Node n = head;
        while (pick-- > 0) {
            n = n.next;
        }
        return (N) n;
    }

    private Node bucketAt(int i) {
        return i < t0.length ? t0[i] : t1[i - t0.length];
    }

    /** Approximate heap bytes of the bucket arrays (4-byte compressed references). */
    long tableBytes() {
        return 16L + 4L * t0.length + (t1 == null ? 0 : 16L + 4L * t1.length);
    }
}
