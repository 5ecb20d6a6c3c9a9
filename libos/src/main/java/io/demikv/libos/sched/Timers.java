package io.demikv.libos.sched;

import java.util.Arrays;

/**
 * One-shot timers on an indexed binary min-heap keyed by (deadline, scheduling order), as Demikernel's
 * runtime timer: a timer fires on the first {@link #poll} whose time is at or after its deadline, timers fire
 * in deadline order (ties in the order they were scheduled), and {@link #nextDeadline()} is exact, so an
 * idle libOS sleeps (or a virtual clock jumps) exactly to the next deadline. A jump of the clock by any
 * amount fires every due timer on the next poll, in order.
 *
 * <p>A timer id packs a generation with a slot ({@code (generation << 32) | slot}, always positive), so
 * cancelling a timer that already fired or was cancelled returns false even after its slot was reused.
 * Schedule, cancel and expiry cost O(log n) and allocate nothing once the arrays have grown to the peak
 * number of timers. Deadlines are absolute times on the libOS clock, compared as signed longs (a monotonic
 * clock does not wrap in a process's lifetime); {@link #deadlineAfter} adds a delay without overflow.
 * Libos thread only.
 */
public final class Timers implements Poller {
    /** Timers fired per {@link #poll} at most, so a burst of expiries cannot stall a pass. */
    static final int EXPIRY_LIMIT = 1024;
    private static final int INITIAL = 64;

    // Per slot.
    private long[] deadlines = new long[INITIAL];
    private long[] order = new long[INITIAL];
    private int[] generations = new int[INITIAL];
    private int[] heapIndex = new int[INITIAL];
    private TimerCallback[] callbacks = new TimerCallback[INITIAL];
    private int[] freeSlots = new int[INITIAL];
    private int freeTop;
    private int slotsUsed;
    private long scheduled;

    // The heap: slot numbers ordered by (deadline, order).
    private int[] heap = new int[INITIAL];
    private int size;

    public Timers() {
    }

    /** Kept for callers that pass the clock's start; the heap needs no start time. */
    public Timers(long startNanos) {
        this();
    }

    /** {@code nowNanos + delayNanos}, saturating at {@link Long#MAX_VALUE} instead of wrapping. */
    public static long deadlineAfter(long nowNanos, long delayNanos) {
        long d = nowNanos + delayNanos;
        if (((nowNanos ^ d) & (delayNanos ^ d)) < 0) {
            return delayNanos > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return d;
    }

    /** Schedules {@code callback} to run at or after {@code deadlineNanos}; returns the timer id (positive). */
    public long schedule(long deadlineNanos, TimerCallback callback) {
        if (callback == null) {
            throw new NullPointerException("callback");
        }
        int slot;
        if (freeTop > 0) {
            slot = freeSlots[--freeTop];
        } else {
            if (slotsUsed == deadlines.length) {
                grow();
            }
            slot = slotsUsed++;
            generations[slot] = 1;
        }
        deadlines[slot] = deadlineNanos;
        order[slot] = scheduled++;
        callbacks[slot] = callback;
        heap[size] = slot;
        heapIndex[slot] = size;
        size++;
        siftUp(size - 1);
        return id(slot);
    }

    /** Cancels a timer; false when it already fired, was cancelled, or never existed. */
    public boolean cancel(long timerId) {
        int slot = liveSlot(timerId);
        if (slot < 0) {
            return false;
        }
        removeAt(heapIndex[slot]);
        freeSlot(slot);
        return true;
    }

    /** True while {@code timerId} is scheduled and has neither fired nor been cancelled. */
    public boolean isScheduled(long timerId) {
        return liveSlot(timerId) >= 0;
    }

    /** Pending timers. */
    public int size() {
        return size;
    }

    /** The earliest deadline of a pending timer, or {@link Long#MAX_VALUE} when none is pending. */
    public long nextDeadline() {
        return size == 0 ? Long.MAX_VALUE : deadlines[heap[0]];
    }

    /**
     * Fires every timer whose deadline is at or before {@code nowNanos}, earliest first, at most
     * {@value #EXPIRY_LIMIT} per call (the rest fire on the next). A callback may schedule or cancel timers;
     * one it schedules at or before {@code nowNanos} fires in this same call. Returns the timers fired.
     */
    @Override
    public int poll(long nowNanos) {
        int fired = 0;
        while (size > 0 && fired < EXPIRY_LIMIT) {
            int slot = heap[0];
            if (deadlines[slot] > nowNanos) {
                break;
            }
            long id = id(slot);
            TimerCallback cb = callbacks[slot];
            removeAt(0);
            freeSlot(slot);
            fired++;
            cb.onTimer(id, nowNanos);
        }
        return fired;
    }

    private long id(int slot) {
        return ((long) generations[slot] << 32) | slot;
    }

    private int liveSlot(long timerId) {
        if (timerId <= 0) {
            return -1;
        }
        int slot = (int) timerId;
        if (slot < 0 || slot >= slotsUsed || generations[slot] != (int) (timerId >>> 32) || heapIndex[slot] < 0) {
            return -1;
        }
        return slot;
    }

    private void freeSlot(int slot) {
        callbacks[slot] = null;
        heapIndex[slot] = -1;
        int g = generations[slot] + 1;
        generations[slot] = g <= 0 ? 1 : g;
        freeSlots[freeTop++] = slot;
    }

    private void grow() {
        int n = deadlines.length * 2;
        deadlines = Arrays.copyOf(deadlines, n);
        order = Arrays.copyOf(order, n);
        generations = Arrays.copyOf(generations, n);
        heapIndex = Arrays.copyOf(heapIndex, n);
        callbacks = Arrays.copyOf(callbacks, n);
        freeSlots = Arrays.copyOf(freeSlots, n);
        heap = Arrays.copyOf(heap, n);
    }

    /** True when slot {@code a} fires before slot {@code b}. */
    private boolean before(int a, int b) {
        long da = deadlines[a];
        long db = deadlines[b];
        return da < db || (da == db && order[a] < order[b]);
    }

    private void removeAt(int i) {
        size--;
        if (i == size) {
            return;
        }
        int moved = heap[size];
        heap[i] = moved;
        heapIndex[moved] = i;
        if (i > 0 && before(moved, heap[(i - 1) >>> 1])) {
            siftUp(i);
        } else {
            siftDown(i);
        }
    }

    private void siftUp(int i) {
        int slot = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            int p = heap[parent];
            if (!before(slot, p)) {
                break;
            }
            heap[i] = p;
            heapIndex[p] = i;
            i = parent;
        }
        heap[i] = slot;
        heapIndex[slot] = i;
    }

    private void siftDown(int i) {
        int slot = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int c = heap[child];
            int right = child + 1;
            if (right < size && before(heap[right], c)) {
                child = right;
                c = heap[child];
            }
            if (!before(c, slot)) {
                break;
            }
            heap[i] = c;
            heapIndex[c] = i;
            i = child;
        }
        heap[i] = slot;
        heapIndex[slot] = i;
    }
}
