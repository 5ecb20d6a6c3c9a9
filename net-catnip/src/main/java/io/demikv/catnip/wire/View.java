package io.demikv.catnip.wire;

import io.demikv.libos.memory.DemiBuffer;

import java.lang.foreign.MemorySegment;

/**
 * What every wire view shares: the window of bytes it reads and writes. A view is a reusable flyweight:
 * {@link #wrap} points it at a window after checking that the fixed header fits, and the accessors of the
 * concrete view read fields at named offsets from there. A failed wrap leaves the view empty (length 0).
 * Libos thread only (one view per user; views hold no locks).
 */
abstract sealed class View permits EthernetFrame, ArpPacket, Ipv4Packet, Icmpv4Packet, UdpDatagram, TcpSegment {
    MemorySegment segment = MemorySegment.NULL;
    long base;
    int length;

    /** The fixed header length: {@link #wrap} refuses fewer bytes. */
    abstract int minimumLength();

    /**
     * Points the view at {@code length} bytes of {@code segment} from {@code offset}. Returns
     * {@link WireStatus#TRUNCATED} (and empties the view) when the window is outside the segment or shorter
     * than the fixed header; no field is read.
     */
    public final WireStatus wrap(MemorySegment segment, long offset, int length) {
        if (!Bytes.inside(segment, offset, length) || length < minimumLength()) {
            this.segment = MemorySegment.NULL;
            this.base = 0;
            this.length = 0;
            return WireStatus.TRUNCATED;
        }
        this.segment = segment;
        this.base = offset;
        this.length = length;
        return WireStatus.OK;
    }

    /** {@link #wrap} over the data window of {@code buffer}. */
    public final WireStatus wrap(DemiBuffer buffer) {
        return wrap(buffer.memory(), buffer.offset(), buffer.length());
    }

    /** The segment the view reads. */
    public final MemorySegment segment() {
        return segment;
    }

    /** Where the view starts in {@link #segment()}. */
    public final long offset() {
        return base;
    }

    /** The bytes of the window. */
    public final int length() {
        return length;
    }
}
