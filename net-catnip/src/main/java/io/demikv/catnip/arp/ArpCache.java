package io.demikv.catnip.arp;

import java.util.Arrays;

/**
 * IPv4 to MAC mappings with a lifetime (RFC 826; RFC 1122 §2.3.2.1 asks for a timeout on entries). Static
 * entries (from the configuration) never expire and are never replaced by learned ones. An expired entry is
 * gone at the first lookup after its deadline. Open addressing with linear probing and backward-shift
 * deletion over primitive arrays: lookups and inserts allocate nothing. Bounded: when full, expired entries
 * are purged, and if none is, the learned entry closest to expiry is evicted. Time is passed in. Libos
 * thread only.
 */
public final class ArpCache {
    /** Marks a static entry's expiry. */
    public static final long NEVER = Long.MAX_VALUE;

    private final int capacity;
    private final int mask;
    private final int[] ips;
    private final long[] macs;
    private final long[] expires;
    private final boolean[] used;
    private int size;

    /** A cache of at most {@code capacity} entries (rounded up to a power of two for the table, which is twice as large). */
    public ArpCache(int capacity) {
        if (capacity < 1 || capacity > (1 << 20)) {
            throw new IllegalArgumentException("capacity must be in 1..2^20, got " + capacity);
        }
        this.capacity = capacity;
        int slots = Integer.highestOneBit(Math.max(2, capacity * 2 - 1)) << 1;
        this.mask = slots - 1;
        this.ips = new int[slots];
        this.macs = new long[slots];
        this.expires = new long[slots];
        this.used = new boolean[slots];
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    private static int hash(int ip) {
        int h = ip * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private int find(int ip) {
        int i = hash(ip) & mask;
        while (used[i]) {
            if (ips[i] == ip) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** The MAC of {@code ip}, or -1 when absent or expired at {@code nowNanos} (an expired entry is removed). */
    public long lookup(int ip, long nowNanos) {
        int i = find(ip);
        if (i < 0) {
            return -1;
        }
        if (expires[i] <= nowNanos) {
            removeAt(i);
            return -1;
        }
        return macs[i];
    }

    /** True when {@code ip} has an entry, expired or not (RFC 826's "is the pair already in my table?"). */
    public boolean contains(int ip) {
        return find(ip) >= 0;
    }

    /** True when {@code ip} has a static entry. */
    public boolean isStatic(int ip) {
        int i = find(ip);
        return i >= 0 && expires[i] == NEVER;
    }

    /**
     * Adds or refreshes a learned entry valid until {@code expiresAt}. A static entry for the address is kept
     * as it is. Returns false when the table is full of entries that could not be evicted (all static).
     */
    public boolean put(int ip, long mac, long expiresAt, long nowNanos) {
        int i = find(ip);
        if (i >= 0) {
            if (expires[i] != NEVER) {
                macs[i] = mac;
                expires[i] = expiresAt;
            }
            return true;
        }
        if (size >= capacity && !makeRoom(nowNanos)) {
            return false;
        }
        insert(ip, mac, expiresAt);
        return true;
    }

    /** Adds or replaces a static entry (never expires). Returns false when the table is full of static entries. */
    public boolean putStatic(int ip, long mac) {
        int i = find(ip);
        if (i >= 0) {
            macs[i] = mac;
            expires[i] = NEVER;
            return true;
        }
        if (size >= capacity && !makeRoom(Long.MIN_VALUE)) {
            return false;
        }
        insert(ip, mac, NEVER);
        return true;
    }

    /** Removes the entry of {@code ip}, static or not. Returns whether there was one. */
    public boolean remove(int ip) {
        int i = find(ip);
        if (i < 0) {
            return false;
        }
        removeAt(i);
        return true;
    }

    /** Removes every learned entry. */
    public void clearLearned() {
        for (int i = 0; i <= mask; ) {
            if (used[i] && expires[i] != NEVER) {
                removeAt(i); // backward shift may move another entry into slot i: look at it again
            } else {
                i++;
            }
        }
    }

    private void insert(int ip, long mac, long expiresAt) {
        int i = hash(ip) & mask;
        while (used[i]) {
            i = (i + 1) & mask;
        }
        used[i] = true;
        ips[i] = ip;
        macs[i] = mac;
        expires[i] = expiresAt;
        size++;
    }

    /** Purges expired entries; if none was, evicts the learned entry that expires first. */
    private boolean makeRoom(long nowNanos) {
        int before = size;
        int victim = -1;
        for (int i = 0; i <= mask; ) {
            if (used[i] && expires[i] <= nowNanos) {
                removeAt(i);
            } else {
                if (used[i] && expires[i] != NEVER && (victim < 0 || expires[i] < expires[victim])) {
                    victim = i;
                }
                i++;
            }
        }
        if (size < before) {
            return true;
        }
        if (victim >= 0) {
            removeAt(victim);
            return true;
        }
        return false;
    }

    /** Backward-shift deletion: later entries of the probe run move up, so lookups need no tombstones. */
    private void removeAt(int slot) {
        int hole = slot;
        int i = (slot + 1) & mask;
        while (used[i]) {
            int home = hash(ips[i]) & mask;
            // Move entry i into the hole when its home is not cyclically within (hole, i].
            boolean movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
            if (movable) {
                ips[hole] = ips[i];
                macs[hole] = macs[i];
                expires[hole] = expires[i];
                hole = i;
            }
            i = (i + 1) & mask;
        }
        used[hole] = false;
        size--;
    }

    /** Empties the cache. */
    public void clear() {
        Arrays.fill(used, false);
        size = 0;
    }
}
