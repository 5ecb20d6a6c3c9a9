package io.demikv.kvstore.db;

import java.util.Arrays;

/**
 * A list, Redis's quicklist: a sequence of {@link Listpack} nodes, each holding up to
 * {@code list-max-listpack-size} worth of elements (-2: 8 KiB), so a list costs about two bytes of
 * overhead per element plus one array per node. Pushes and pops at either end touch one node; access by
 * index walks node sizes from the nearer end and then one node. A node that an insert overfills is split
 * in two; a node that becomes empty is dropped. The {@link Cursor} walks in either direction and can
 * remove or insert where it stands (LREM, LINSERT, LPOS). Server thread only.
 */
public final class ListValue implements Structure {
    private Listpack[] nodes = new Listpack[1];
    private int count;
    private long size;

    @Override
    public Encoding encoding() {
        return Encoding.QUICKLIST;
    }

    @Override
    public long size() {
        return size;
    }

    /** Number of nodes (for tests and memory estimates). */
    int nodeCount() {
        return count;
    }

    private static boolean fits(CollectionSettings cfg, Listpack n, int len) {
        return n.size() < cfg.listNodeEntries() && n.end() + Listpack.entrySize(len) <= cfg.listNodeBytes();
    }

    private void insertNode(int at, Listpack n) {
        if (count == nodes.length) {
            nodes = Arrays.copyOf(nodes, count * 2);
        }
        System.arraycopy(nodes, at, nodes, at + 1, count - at);
        nodes[at] = n;
        count++;
    }

    private void removeNode(int at) {
        System.arraycopy(nodes, at + 1, nodes, at, count - at - 1);
        nodes[--count] = null;
        if (nodes.length > 8 && count < nodes.length / 4) {
            nodes = Arrays.copyOf(nodes, nodes.length / 2);
        }
    }

    public void pushHead(CollectionSettings cfg, byte[] b, int off, int len) {
        if (count == 0 || !fits(cfg, nodes[0], len)) {
            if (count > 0) {
                nodes[0].trim();
            }
            insertNode(0, new Listpack());
        }
        nodes[0].insert(0, b, off, len);
        size++;
    }

    public void pushTail(CollectionSettings cfg, byte[] b, int off, int len) {
        if (count == 0 || !fits(cfg, nodes[count - 1], len)) {
            if (count > 0) {
                nodes[count - 1].trim();
            }
            insertNode(count, new Listpack());
        }
        nodes[count - 1].append(b, off, len);
        size++;
    }

    /** Removes and returns the first element (the list must not be empty). */
    public byte[] popHead() {
        Listpack n = nodes[0];
        byte[] v = n.copy(0);
        n.remove(0);
        size--;
        if (n.size() == 0) {
            removeNode(0);
        }
        return v;
    }

    /** Removes and returns the last element (the list must not be empty). */
    public byte[] popTail() {
        Listpack n = nodes[count - 1];
        int p = n.last();
        byte[] v = n.copy(p);
        n.remove(p);
        size--;
        if (n.size() == 0) {
            removeNode(count - 1);
        }
        return v;
    }

    /** Node index holding element {@code index} (0 &lt;= index &lt; size) into {@code at[0]}, offset into at[1]. */
    private void locate(long index, int[] at) {
        if (index < size / 2) {
            int i = 0;
            while (index >= nodes[i].size()) {
                index -= nodes[i].size();
                i++;
            }
            at[0] = i;
            at[1] = (int) index;
        } else {
            long fromEnd = size - 1 - index;
            int i = count - 1;
            while (fromEnd >= nodes[i].size()) {
                fromEnd -= nodes[i].size();
                i--;
            }
            at[0] = i;
            at[1] = (int) (nodes[i].size() - 1 - fromEnd);
        }
    }

    /** Points {@code out} at element {@code index} (negative counts from the end); false when out of range. */
    public boolean get(long index, Slice out) {
        if (index < 0) {
            index += size;
        }
        if (index < 0 || index >= size) {
            return false;
        }
        int[] at = new int[2];
        locate(index, at);
        Listpack n = nodes[at[0]];
        n.view(n.seek(at[1]), out);
        return true;
    }

    /** Replaces element {@code index} (negative counts from the end); false when out of range. */
    public boolean set(CollectionSettings cfg, long index, byte[] b, int off, int len) {
        if (index < 0) {
            index += size;
        }
        if (index < 0 || index >= size) {
            return false;
        }
        int[] at = new int[2];
        locate(index, at);
        Listpack n = nodes[at[0]];
        n.replace(n.seek(at[1]), b, off, len);
        splitIfNeeded(cfg, at[0]);
        return true;
    }

    /** Splits node {@code i} in halves while it is over the byte limit and has more than one element. */
    private void splitIfNeeded(CollectionSettings cfg, int i) {
        Listpack n = nodes[i];
        if (n.size() <= 1 || (n.end() <= cfg.listNodeBytes() && n.size() <= cfg.listNodeEntries())) {
            return;
        }
        int half = n.size() / 2;
        int p = n.seek(half);
        Listpack tail = new Listpack(n.end() - p);
        for (int q = p; q < n.end(); q = n.next(q)) {
            tail.append(n.array(), n.data(q), n.length(q));
        }
        n.removeRange(p, n.size() - half);
        insertNode(i + 1, tail);
        splitIfNeeded(cfg, i + 1);
        splitIfNeeded(cfg, i);
    }

    /** Removes the first {@code n} elements. */
    public void trimHead(long n) {
        while (n > 0 && count > 0) {
            Listpack first = nodes[0];
            if (first.size() <= n) {
                n -= first.size();
                size -= first.size();
                removeNode(0);
            } else {
                first.removeRange(0, (int) n);
                size -= n;
                n = 0;
            }
        }
    }

    /** Removes the last {@code n} elements. */
    public void trimTail(long n) {
        while (n > 0 && count > 0) {
            Listpack last = nodes[count - 1];
            if (last.size() <= n) {
                n -= last.size();
                size -= last.size();
                removeNode(count - 1);
            } else {
                last.removeRange(last.seek(last.size() - (int) n), (int) n);
                size -= n;
                n = 0;
            }
        }
    }

    /** A cursor that starts before element {@code index} (walking forward) or after it (backward). */
    public Cursor cursor(long index, boolean forward) {
        return new Cursor(index, forward);
    }

    @Override
    public long estimateBytes() {
        long sum = 16 + Db.arrayBytes(nodes.length * 4);
        for (int i = 0; i < count; i++) {
            sum += nodes[i].estimateBytes();
        }
        return sum;
    }

    /**
     * Walks the list from a start index in one direction. {@link #next} moves to the next element and
     * views it; {@link #remove} deletes the element last returned (the walk continues with its
     * neighbour); {@link #insert} adds an element before or after it. Invalid once the list is changed
     * other than through the cursor.
     */
    public final class Cursor {
        private final boolean forward;
        private int node;
        private int pos;
        private long index;
        /** The current position already holds the next element (start, or after a remove). */
        private boolean pending;
        private boolean done;

        private Cursor(long start, boolean fwd) {
            this.forward = fwd;
            if (start < 0 || start >= size) {
                done = true;
                return;
            }
            int[] at = new int[2];
            locate(start, at);
            node = at[0];
            pos = nodes[node].seek(at[1]);
            index = start;
            pending = true;
        }

        /** Moves to the next element and points {@code out} at it; false at the end. */
        public boolean next(Slice out) {
            if (done) {
                return false;
            }
            if (pending) {
                pending = false;
            } else if (forward) {
                pos = nodes[node].next(pos);
                index++;
            } else {
                pos = nodes[node].prev(pos);
                index--;
            }
            if (forward) {
                while (node < count && pos >= nodes[node].end()) {
                    node++;
                    pos = 0;
                }
                if (node >= count) {
                    done = true;
                    return false;
                }
            } else {
                while (pos < 0) {
                    node--;
                    if (node < 0) {
                        done = true;
                        return false;
                    }
                    pos = nodes[node].last();
                }
            }
            nodes[node].view(pos, out);
            return true;
        }

        /** Index of the element last returned. */
        public long index() {
            return index;
        }

        /** Removes the element last returned. */
        public void remove() {
            Listpack n = nodes[node];
            n.remove(pos);
            size--;
            if (n.size() == 0) {
                removeNode(node);
                if (forward) {
                    pos = 0;
                } else {
                    node--;
                    pos = node >= 0 ? nodes[node].end() : -1;
                }
            }
            if (forward) {
                pending = true; // the following element moved into this position
            } else if (node < 0) {
                done = true;
            }
        }

        /** Inserts an element just after ({@code after}) or before the element last returned; ends the walk. */
        public void insert(CollectionSettings cfg, boolean after, byte[] b, int off, int len) {
            Listpack n = nodes[node];
            n.insert(after ? n.next(pos) : pos, b, off, len);
            size++;
            splitIfNeeded(cfg, node);
            done = true;
        }
    }
}
