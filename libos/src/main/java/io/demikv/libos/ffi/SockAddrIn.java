package io.demikv.libos.ffi;

import io.demikv.libos.Endpoint;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@code struct sockaddr_in} of ip(7), a flyweight over a caller's segment:
 * <pre>
 *  0        2        4                 8                    16
 *  +--------+--------+-----------------+--------------------+
 *  | family |  port  |     address     |   zero (8 bytes)   |
 *  +--------+--------+-----------------+--------------------+
 *   host      network   network order
 *   order     order
 * </pre>
 * Reads and writes {@link Endpoint}-packed addresses; never allocates. Any thread, on a segment it owns.
 */
public final class SockAddrIn {
    public static final int AF_INET = 2;

    private static final ValueLayout.OfShort NET_SHORT = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NET_INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sin_family"),
            NET_SHORT.withName("sin_port"),
            NET_INT.withName("sin_addr"),
            MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_BYTE).withName("sin_zero"));

    public static final long FAMILY_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin_family"));
    public static final long PORT_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin_port"));
    public static final long ADDR_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin_addr"));
    public static final long ZERO_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin_zero"));
    /** {@code sizeof(struct sockaddr_in)}: 16. */
    public static final int SIZE = (int) LAYOUT.byteSize();

    private SockAddrIn() {
    }

    /** Writes an {@code AF_INET} address for {@code endpoint} into {@code seg} (at least {@link #SIZE} bytes). */
    public static void write(MemorySegment seg, long endpoint) {
        seg.set(ValueLayout.JAVA_SHORT, FAMILY_OFFSET, (short) AF_INET);
        seg.set(NET_SHORT, PORT_OFFSET, (short) Endpoint.port(endpoint));
        seg.set(NET_INT, ADDR_OFFSET, Endpoint.ipv4(endpoint));
        seg.set(ValueLayout.JAVA_LONG, ZERO_OFFSET, 0L);
    }

    /** The endpoint in {@code seg}, or {@link Endpoint#NONE} when it is not an {@code AF_INET} address. */
    public static long read(MemorySegment seg) {
        if (seg.get(ValueLayout.JAVA_SHORT, FAMILY_OFFSET) != AF_INET) {
            return Endpoint.NONE;
        }
        int port = seg.get(NET_SHORT, PORT_OFFSET) & 0xFFFF;
        int ip = seg.get(NET_INT, ADDR_OFFSET);
        return Endpoint.of(ip, port);
    }
}
