package io.demikv.catnip.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Big-endian (network order, RFC 791 Appendix B) accessors for unaligned fields in a {@link MemorySegment}.
 * Callers check bounds first (the views do it in {@code wrap}); these add none of their own beyond the
 * segment's. Pure functions; any thread.
 */
public final class Bytes {
    /** An unaligned big-endian 16-bit field. */
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** An unaligned big-endian 32-bit field. */
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** An unaligned big-endian 64-bit word (for checksumming). */
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Bytes() {
    }

    public static int u8(MemorySegment s, long at) {
        return s.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }

    public static void u8(MemorySegment s, long at, int value) {
        s.set(ValueLayout.JAVA_BYTE, at, (byte) value);
    }

    public static int u16(MemorySegment s, long at) {
        return s.get(U16, at) & 0xFFFF;
    }

    public static void u16(MemorySegment s, long at, int value) {
        s.set(U16, at, (short) value);
    }

    /** A 32-bit field as an {@code int} (IPv4 addresses, as {@link io.demikv.config.Ipv4Address} holds them). */
    public static int i32(MemorySegment s, long at) {
        return s.get(U32, at);
    }

    public static void i32(MemorySegment s, long at, int value) {
        s.set(U32, at, value);
    }

    /** A 48-bit MAC address, first octet in bits 47..40 (as {@link io.demikv.config.MacAddress} holds it). */
    public static long mac(MemorySegment s, long at) {
        return ((long) u16(s, at) << 32) | (s.get(U32, at + 2) & 0xFFFF_FFFFL);
    }

    public static void mac(MemorySegment s, long at, long mac) {
        s.set(U16, at, (short) (mac >>> 32));
        s.set(U32, at + 2, (int) mac);
    }

    /** True when {@code [offset, offset + length)} is a non-negative window inside {@code s}. */
    static boolean inside(MemorySegment s, long offset, int length) {
        return s != null && offset >= 0 && length >= 0 && offset + length <= s.byteSize();
    }
}
