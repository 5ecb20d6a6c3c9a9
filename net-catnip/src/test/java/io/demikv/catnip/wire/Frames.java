package io.demikv.catnip.wire;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;

/** Byte helpers for wire tests: hex in, segments out, and segments pre-filled with 0xA5 to build into. */
public final class Frames {
    private Frames() {
    }

    public static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    public static String hex(MemorySegment s, long offset, int length) {
        byte[] b = new byte[length];
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, offset, b, 0, length);
        return HexFormat.of().formatHex(b);
    }

    /** A native segment holding {@code bytes}. */
    public static MemorySegment segment(byte[] bytes) {
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, bytes.length));
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return s.asSlice(0, bytes.length);
    }

    /** A native segment of {@code length} bytes, every one 0xA5, so a builder that skips a byte shows. */
    public static MemorySegment filled(int length) {
        MemorySegment s = Arena.ofAuto().allocate(length);
        s.fill((byte) 0xA5);
        return s;
    }
}
