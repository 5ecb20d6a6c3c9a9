package io.demikv.libos;

/**
 * The queue-descriptor table: maps an {@code int qd} to its {@link IoQueue}. A qd packs a slot index (low
 * {@value #INDEX_BITS} bits) and a generation (the 11 bits above, never 0), so a qd used after close is an
 * error ({@code -EBADF}), not an operation on whatever queue took the slot. Freed slots are reused oldest
 * first and only once more than {@value #QUARANTINE} are free, so a stale qd could name a new queue only
 * after about {@code 2047 * 64} closes. Qds are never negative. Libos thread only.
 */
public final class QueueTable {
    static final int INDEX_BITS = 20;
    static final int QUARANTINE = 64;
    private static final int INDEX_MASK = (1 << INDEX_BITS) - 1;
    private static final int MAX_GEN = (1 << (31 - INDEX_BITS)) - 1;

    private IoQueue[] queues = new IoQueue[256];
    private int[] generations = new int[256];
    /** Freed slot indices, a FIFO ring of capacity {@code queues.length}. */
    private int[] freeRing = new int[256];
    private int freeHead;
    private int freeCount;
    private int used;
    private int open;

    /** Installs {@code q}; returns its qd, or {@code -EMFILE} when the table is full. */
    public int install(IoQueue q) {
        int index;
        if (freeCount > QUARANTINE || (freeCount > 0 && used > INDEX_MASK)) {
            index = freeRing[freeHead];
            freeHead = (freeHead + 1) & (freeRing.length - 1);
            freeCount--;
        } else {
            if (used > INDEX_MASK) {
                return -Errno.EMFILE;
            }
            if (used == queues.length) {
                grow();
            }
            index = used++;
            generations[index] = 1;
        }
        queues[index] = q;
        int qd = (generations[index] << INDEX_BITS) | index;
        q.qd = qd;
        open++;
        return qd;
    }

    private void grow() {
        int n = queues.length * 2;
        queues = java.util.Arrays.copyOf(queues, n);
        generations = java.util.Arrays.copyOf(generations, n);
        int[] ring = new int[n];
        for (int i = 0; i < freeCount; i++) {
            ring[i] = freeRing[(freeHead + i) & (freeRing.length - 1)];
        }
        freeRing = ring;
        freeHead = 0;
    }

    /** The queue of {@code qd}, or {@code null} when it is not open. */
    public IoQueue get(int qd) {
        if (qd < 0) {
            return null;
        }
        int index = qd & INDEX_MASK;
        if (index >= used || generations[index] != (qd >>> INDEX_BITS)) {
            return null;
        }
        return queues[index];
    }

    /** Frees the slot of {@code qd}; returns false when it was not open. */
    public boolean remove(int qd) {
        IoQueue q = get(qd);
        if (q == null) {
            return false;
        }
        int index = qd & INDEX_MASK;
        queues[index] = null;
        int g = generations[index] + 1;
        generations[index] = g > MAX_GEN ? 1 : g;
        freeRing[(freeHead + freeCount) & (freeRing.length - 1)] = index;
        freeCount++;
        open--;
        return true;
    }

    public int openCount() {
        return open;
    }

    /** Every open queue, for shutdown. Allocates; not for hot paths. */
    public java.util.List<IoQueue> snapshot() {
        java.util.List<IoQueue> out = new java.util.ArrayList<>();
        for (int i = 0; i < used; i++) {
            if (queues[i] != null) {
                out.add(queues[i]);
            }
        }
        return out;
    }
}
