package io.demikv.libos.ffi;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct epoll_event} of epoll_ctl(2), an element of a caller's array. On x86-64 the kernel
 * declares it packed ({@code __EPOLL_PACKED}), 12 bytes; elsewhere (aarch64) the 64-bit data is aligned:
 * <pre>
 *  x86-64:  0        4                   12          aarch64:  0        4     8                  16
 *           +--------+-------------------+                     +--------+-----+------------------+
 *           | events |  data (u64)       |                     | events | pad |   data (u64)     |
 *           +--------+-------------------+                     +--------+-----+------------------+
 * </pre>
 * Any thread, on a segment it owns.
 */
public final class EpollEvent {
    /** True where the kernel packs the struct (x86-64). */
    public static final boolean PACKED = isX86();

    public static final StructLayout LAYOUT = PACKED
            ? MemoryLayout.structLayout(
                    ValueLayout.JAVA_INT.withName("events"),
                    ValueLayout.JAVA_LONG_UNALIGNED.withName("data"))
            : MemoryLayout.structLayout(
                    ValueLayout.JAVA_INT.withName("events"),
                    MemoryLayout.paddingLayout(4),
                    ValueLayout.JAVA_LONG.withName("data"));
    public static final long EVENTS_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("events"));
    public static final long DATA_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("data"));
    public static final long SIZE = LAYOUT.byteSize();

    private EpollEvent() {
    }

    private static boolean isX86() {
        String arch = System.getProperty("os.arch", "");
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    public static int events(MemorySegment array, int index) {
        return array.get(ValueLayout.JAVA_INT, index * SIZE + EVENTS_OFFSET);
    }

    public static long data(MemorySegment array, int index) {
        return array.get(ValueLayout.JAVA_LONG_UNALIGNED, index * SIZE + DATA_OFFSET);
    }

    public static void set(MemorySegment array, int index, int events, long data) {
        array.set(ValueLayout.JAVA_INT, index * SIZE + EVENTS_OFFSET, events);
        array.set(ValueLayout.JAVA_LONG_UNALIGNED, index * SIZE + DATA_OFFSET, data);
    }
}
