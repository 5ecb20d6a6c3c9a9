package io.demikv.kvstore.db;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Redis's intset: distinct 64-bit integers kept sorted in one array, each stored in the smallest width
 * (2, 4 or 8 bytes) that every member fits; adding a wider member upgrades the whole array. Lookup is a
 * binary search; insert and remove move the tail. Used by sets whose members are all canonical integers
 * (up to {@code set-max-intset-entries}). Server thread only.
 */
final class IntSet {
    private static final VarHandle SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private byte[] data = new byte[0];
    private int width = 2;
    private int count;

    int size() {
        return count;
    }

    /** The member at {@code i} (0 = smallest). */
    long get(int i) {
        return switch (width) {
            case 2 -> (short) SHORTS.get(data, i * 2);
            case 4 -> (int) INTS.get(data, i * 4);
            default -> (long) LONGS.get(data, i * 8);
        };
    }

    private void put(int i, long v) {
        switch (width) {
            case 2 -> SHORTS.set(data, i * 2, (short) v);
            case 4 -> INTS.set(data, i * 4, (int) v);
            default -> LONGS.set(data, i * 8, v);
        }
    }

    /** Index of {@code v}, or {@code -(insertion point) - 1}. */
    int search(long v) {
        if (count == 0 || widthOf(v) > width) {
            return v < 0 ? -1 : -(count) - 1;
        }
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long m = get(mid);
            if (m < v) {
                lo = mid + 1;
            } else if (m > v) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    boolean contains(long v) {
        return search(v) >= 0;
    }

    /** Adds {@code v}; false when already present. */
    boolean add(long v) {
        int w = widthOf(v);
        if (w > width) {
            upgrade(w);
        }
        int i = search(v);
        if (i >= 0) {
            return false;
        }
        int at = -i - 1;
        ensure((count + 1) * width);
        System.arraycopy(data, at * width, data, (at + 1) * width, (count - at) * width);
        put(at, v);
        count++;
        return true;
    }

    /** Removes {@code v}; false when absent. */
    boolean remove(long v) {
        int i = search(v);
        if (i < 0) {
            return false;
        }
        removeAt(i);
        return true;
    }

    void removeAt(int i) {
        System.arraycopy(data, (i + 1) * width, data, i * width, (count - i - 1) * width);
        count--;
        if (data.length > 64 && count * width < data.length / 4) {
            data = Arrays.copyOf(data, count * width * 2);
        }
    }

    private void ensure(int bytes) {
        if (bytes > data.length) {
            data = Arrays.copyOf(data, Math.max(bytes, Math.max(16, data.length + (data.length >> 1))));
        }
    }

    /** Re-stores every member at the wider width {@code w}, from the top so nothing is overwritten. */
    private void upgrade(int w) {
        byte[] old = data;
        int oldWidth = width;
        data = new byte[Math.max(16, count * w + w)];
        width = w;
        for (int i = 0; i < count; i++) {
            long v = switch (oldWidth) {
                case 2 -> (short) SHORTS.get(old, i * 2);
                case 4 -> (int) INTS.get(old, i * 4);
                default -> (long) LONGS.get(old, i * 8);
            };
            put(i, v);
        }
    }

    private static int widthOf(long v) {
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            return 2;
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return 4;
        }
        return 8;
    }

    long estimateBytes() {
        return 24 + Db.arrayBytes(data.length);
    }
}
