package io.demikv.catnip.tcp;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The connections of one host by 4-tuple key ({@link TcpLayer#key}): an open-addressing hash table with
 * linear probing and backward-shift deletion over primitive keys, so a lookup per received segment allocates
 * nothing. Grows at 50% load. Libos thread only.
 */
public final class ConnectionTable {
    private long[] keys = new long[64];
    private ControlBlock[] values = new ControlBlock[64];
    private int size;

    public int size() {
        return size;
    }

    private static int hash(long key, int mask) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    public ControlBlock get(long key) {
        int mask = keys.length - 1;
        for (int i = hash(key, mask); ; i = (i + 1) & mask) {
            ControlBlock v = values[i];
            if (v == null) {
                return null;
            }
            if (keys[i] == key) {
                return v;
            }
        }
    }

    /** Adds or replaces. */
    public void put(long key, ControlBlock value) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = hash(key, mask); ; i = (i + 1) & mask) {
            if (values[i] == null) {
                keys[i] = key;
                values[i] = value;
                size++;
                return;
            }
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
        }
    }

    /** Removes {@code key} if it maps to {@code value}; returns whether it did. */
    public boolean remove(long key, ControlBlock value) {
        int mask = keys.length - 1;
        int i = hash(key, mask);
        while (true) {
            if (values[i] == null) {
                return false;
            }
            if (keys[i] == key) {
                break;
            }
            i = (i + 1) & mask;
        }
        if (values[i] != value) {
            return false;
        }
        // Backward-shift deletion: move later entries of the probe run into the hole.
        int hole = i;
        for (int j = (hole + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = hash(keys[j], mask);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = null;
        keys[hole] = 0;
        size--;
        return true;
    }

    private void grow() {
        long[] oldKeys = keys;
        ControlBlock[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new ControlBlock[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    /** Calls {@code action} for a snapshot of every connection (it may remove entries). Allocates. */
    public void forEach(Consumer<ControlBlock> action) {
        ControlBlock[] snapshot = Arrays.stream(values).filter(v -> v != null).toArray(ControlBlock[]::new);
        for (ControlBlock cb : snapshot) {
            action.accept(cb);
        }
    }
}
