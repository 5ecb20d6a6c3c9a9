package io.demikv.libos.ffi;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct iovec} of writev(2) (LP64), an element of a caller's array:
 * <pre>
 *  0                 8                 16
 *  +-----------------+-----------------+
 *  |    iov_base     |     iov_len     |
 *  +-----------------+-----------------+
 * </pre>
 * The base is stored as a 64-bit integer so filling an entry needs no {@link MemorySegment} per buffer.
 * Any thread, on a segment it owns.
 */
public final class IoVec {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("iov_base"),
            ValueLayout.JAVA_LONG.withName("iov_len"));
    public static final long BASE_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("iov_base"));
    public static final long LEN_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("iov_len"));
    public static final long SIZE = LAYOUT.byteSize();

    private IoVec() {
    }

    public static void set(MemorySegment array, int index, long address, long length) {
        long at = index * SIZE;
        array.set(ValueLayout.JAVA_LONG, at + BASE_OFFSET, address);
        array.set(ValueLayout.JAVA_LONG, at + LEN_OFFSET, length);
    }
}
