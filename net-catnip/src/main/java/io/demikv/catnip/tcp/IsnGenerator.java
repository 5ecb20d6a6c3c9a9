package io.demikv.catnip.tcp;

/**
 * Initial sequence numbers as RFC 6528 §3 asks: {@code ISN = M + F(localip, localport, remoteip, remoteport,
 * secretkey)}, where M is a timer that ticks every 4 microseconds (RFC 9293 §3.4.1's clock) and F is a keyed
 * pseudorandom function. F here is SipHash-2-4 (Aumasson and Bernstein) with a 128-bit secret, so an off-path
 * attacker who sees the ISNs of its own connections learns nothing about another 4-tuple's. The time is
 * passed in; nothing here reads a clock. Allocation-free; libos thread only (pure apart from the key).
 */
public final class IsnGenerator {
    private final long k0;
    private final long k1;
    private final long[] v = new long[4];

    /** {@code key} is the two 64-bit halves of the secret ({@link TcpConfig#isnKey()}). */
    public IsnGenerator(long[] key) {
        this.k0 = key[0];
        this.k1 = key[1];
    }

    /** The ISN for a connection from our {@code localIp:localPort} to {@code remoteIp:remotePort} at {@code nowNanos}. */
    public int isn(int localIp, int localPort, int remoteIp, int remotePort, long nowNanos) {
        long m = nowNanos / 4_000; // RFC 6528 §3: "M is the 4 microsecond timer"
        long word0 = ((localIp & 0xFFFF_FFFFL) << 32) | (remoteIp & 0xFFFF_FFFFL);
        long word1 = ((long) (localPort & 0xFFFF) << 16) | (remotePort & 0xFFFF);
        return (int) m + (int) sipHash24(word0, word1);
    }

    /** SipHash-2-4 of a 16-byte message given as two little-endian words. */
    long sipHash24(long m0, long m1) {
        v[0] = k0 ^ 0x736f6d6570736575L;
        v[1] = k1 ^ 0x646f72616e646f6dL;
        v[2] = k0 ^ 0x6c7967656e657261L;
        v[3] = k1 ^ 0x7465646279746573L;
        compress(v, m0);
        compress(v, m1);
        compress(v, 16L << 56); // the final block: message length 16 in the top byte, no tail bytes
        v[2] ^= 0xFF;
        for (int i = 0; i < 4; i++) {
            round(v);
        }
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void compress(long[] v, long m) {
        v[3] ^= m;
        round(v);
        round(v);
        v[0] ^= m;
    }

    private static void round(long[] v) {
        v[0] += v[1];
        v[1] = Long.rotateLeft(v[1], 13);
        v[1] ^= v[0];
        v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3];
        v[3] = Long.rotateLeft(v[3], 16);
        v[3] ^= v[2];
        v[0] += v[3];
        v[3] = Long.rotateLeft(v[3], 21);
        v[3] ^= v[0];
        v[2] += v[1];
        v[1] = Long.rotateLeft(v[1], 17);
        v[1] ^= v[2];
        v[2] = Long.rotateLeft(v[2], 32);
    }
}
