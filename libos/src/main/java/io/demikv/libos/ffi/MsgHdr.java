package io.demikv.libos.ffi;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct msghdr} of sendmsg(2) (LP64):
 * <pre>
 *  0          8            12       16         24            32            40               48          52   56
 *  +----------+------------+--------+----------+-------------+-------------+----------------+-----------+----+
 *  | msg_name | msg_namelen|  pad   | msg_iov  | msg_iovlen  | msg_control | msg_controllen | msg_flags |pad |
 *  +----------+------------+--------+----------+-------------+-------------+----------------+-----------+----+
 * </pre>
 * Pointers are stored as 64-bit integers. Any thread, on a segment it owns.
 */
public final class MsgHdr {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("msg_name"),
            ValueLayout.JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ValueLayout.JAVA_LONG.withName("msg_iov"),
            ValueLayout.JAVA_LONG.withName("msg_iovlen"),
            ValueLayout.JAVA_LONG.withName("msg_control"),
            ValueLayout.JAVA_LONG.withName("msg_controllen"),
            ValueLayout.JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4));
    public static final long NAME_OFFSET = offset("msg_name");
    public static final long NAMELEN_OFFSET = offset("msg_namelen");
    public static final long IOV_OFFSET = offset("msg_iov");
    public static final long IOVLEN_OFFSET = offset("msg_iovlen");
    public static final long CONTROL_OFFSET = offset("msg_control");
    public static final long CONTROLLEN_OFFSET = offset("msg_controllen");
    public static final long FLAGS_OFFSET = offset("msg_flags");
    public static final long SIZE = LAYOUT.byteSize();

    private MsgHdr() {
    }

    private static long offset(String field) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    /** Fills a header with no control data: {@code name} may be {@link MemorySegment#NULL}. */
    public static void set(MemorySegment hdr, MemorySegment name, int nameLength, MemorySegment iov, int iovCount) {
        hdr.set(ValueLayout.JAVA_LONG, NAME_OFFSET, name.address());
        hdr.set(ValueLayout.JAVA_INT, NAMELEN_OFFSET, nameLength);
        hdr.set(ValueLayout.JAVA_LONG, IOV_OFFSET, iov.address());
        hdr.set(ValueLayout.JAVA_LONG, IOVLEN_OFFSET, iovCount);
        hdr.set(ValueLayout.JAVA_LONG, CONTROL_OFFSET, 0L);
        hdr.set(ValueLayout.JAVA_LONG, CONTROLLEN_OFFSET, 0L);
        hdr.set(ValueLayout.JAVA_INT, FLAGS_OFFSET, 0);
    }
}
