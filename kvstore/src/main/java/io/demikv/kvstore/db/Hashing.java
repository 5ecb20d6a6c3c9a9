package io.demikv.kvstore.db;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A seeded 64-bit hash over a byte range, allocation-free. Each keyspace picks a random seed at start-up
 * so that clients cannot aim keys at one bucket (Redis uses seeded SipHash for the same reason). The mix
 * is a multiply-xorshift over 8-byte words (in the style of wyhash/xxh3's short-input paths), good enough
 * for bucket selection; it is not a cryptographic MAC. Stateless apart from the seed; any thread.
 */
final class Hashing {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long P1 = 0x9E3779B97F4A7C15L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;

    private final long seed;

    Hashing(long seed) {
        this.seed = seed;
    }

    long hash(byte[] b, int off, int len) {
        long h = seed ^ (len * P1);
        int i = off;
        int end = off + len;
        while (end - i >= 8) {
            long w = (long) LONGS.get(b, i);
            h = Long.rotateLeft(h ^ (w * P2), 31) * P1;
            i += 8;
        }
        long tail = 0;
        int shift = 0;
        while (i < end) {
            tail |= (b[i++] & 0xFFL) << shift;
            shift += 8;
        }
        h ^= tail * P3;
        // final avalanche (murmur3 fmix64)
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
