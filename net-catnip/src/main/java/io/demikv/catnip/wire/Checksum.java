package io.demikv.catnip.wire;

import java.lang.foreign.MemorySegment;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of the data
 * as 16-bit big-endian words, an odd last byte padded with zero. Used by IPv4 (RFC 791 §3.1), ICMP (RFC 792),
 * UDP (RFC 768) and TCP (RFC 9293 §3.1), the last two over a pseudo-header too.
 *
 * <p>Sums are carried in a {@code long} accumulator and folded once at the end (RFC 1071 §2(C), "deferred
 * carries"): one's complement addition is addition modulo 0xFFFF, so adding 32- or 64-bit chunks and folding
 * gives the same result as adding 16-bit words. Partial sums compose with {@link #add}, as long as every part
 * but the last has even length. {@link #update} adjusts a checksum for one changed 16-bit word without a
 * full pass (RFC 1624 eqn. 3). Pure functions; any thread.
 */
public final class Checksum {
    private Checksum() {
    }

    /**
     * Adds {@code length} bytes at {@code offset} to the running sum {@code sum}. The window must lie inside
     * the segment (callers check); an odd length pads the last byte on the right (RFC 1071 §4.1).
     */
    public static long add(MemorySegment s, long offset, int length, long sum) {
        long at = offset;
        long end = offset + length;
        // 8 bytes per step: adding both 32-bit halves keeps every carry (2^32 = 1 mod 0xFFFF twice over).
        while (end - at >= 8) {
            long v = s.get(Bytes.U64, at);
            sum += (v >>> 32) + (v & 0xFFFF_FFFFL);
            at += 8;
        }
        while (end - at >= 2) {
            sum += s.get(Bytes.U16, at) & 0xFFFF;
            at += 2;
        }
        if (at < end) {
            sum += (Bytes.u8(s, at) << 8);
        }
        return sum;
    }

    /** Adds one 16-bit word. */
    public static long addWord(long sum, int word) {
        return sum + (word & 0xFFFF);
    }

    /** Adds a 32-bit value as two 16-bit words (an IPv4 address). */
    public static long addInt(long sum, int value) {
        return sum + (value >>> 16) + (value & 0xFFFF);
    }

    /** Folds the carries of {@code sum} into 16 bits (the one's complement sum, not yet complemented). */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum of a sum: the complement of its fold. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /** The checksum of {@code length} bytes at {@code offset}. Verifying data that includes its checksum gives 0. */
    public static int of(MemorySegment s, long offset, int length) {
        return finish(add(s, offset, length, 0));
    }

    /**
     * The sum of the IPv4 pseudo-header of UDP (RFC 768) and TCP (RFC 9293 §3.1): source, destination, zero
     * byte and protocol, and the length of the transport header plus data.
     */
    public static long pseudoHeader(int source, int destination, int protocol, int length) {
        long sum = addInt(0, source);
        sum = addInt(sum, destination);
        sum += protocol & 0xFF;
        sum += length & 0xFFFF;
        return sum;
    }

    /**
     * The checksum after one 16-bit word of the covered data changes from {@code oldWord} to {@code newWord}
     * (RFC 1624 eqn. 3: {@code HC' = ~(~HC + ~m + m')}), as for a TTL or an address rewrite.
     */
    public static int update(int oldChecksum, int oldWord, int newWord) {
        long sum = (~oldChecksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return finish(sum);
    }
}
