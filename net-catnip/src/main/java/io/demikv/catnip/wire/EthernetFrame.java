package io.demikv.catnip.wire;

/**
 * A checked view of an Ethernet II frame header (IEEE 802.3 with an EtherType, RFC 894). The frame check
 * sequence is not part of the view: devices strip it on receive and add it on transmit.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Destination MAC address (6 octets)             |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                  Source MAC address (6 octets)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           EtherType           |  Payload ...                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Use: {@code if (eth.wrap(seg, off, len) == WireStatus.OK) { eth.etherType() ... }}. Libos thread only.
 */
public final class EthernetFrame extends View {
    public static final int DESTINATION_OFFSET = 0;
    public static final int SOURCE_OFFSET = 6;
    public static final int ETHERTYPE_OFFSET = 12;
    public static final int HEADER_LENGTH = 14;
    /** Smallest frame on the wire without the FCS (64 - 4): shorter frames are padded by the sender. */
    public static final int MIN_FRAME_LENGTH = 60;

    /** EtherType of IPv4 (RFC 894). */
    public static final int ETHERTYPE_IPV4 = 0x0800;
    /** EtherType of ARP (RFC 826). */
    public static final int ETHERTYPE_ARP = 0x0806;
    /** EtherType of IPv6, which this stack ignores. */
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    /** ff:ff:ff:ff:ff:ff. */
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    @Override
    int minimumLength() {
        return HEADER_LENGTH;
    }

    public long destination() {
        return Bytes.mac(segment, base + DESTINATION_OFFSET);
    }

    public void destination(long mac) {
        Bytes.mac(segment, base + DESTINATION_OFFSET, mac);
    }

    public long source() {
        return Bytes.mac(segment, base + SOURCE_OFFSET);
    }

    public void source(long mac) {
        Bytes.mac(segment, base + SOURCE_OFFSET, mac);
    }

    public int etherType() {
        return Bytes.u16(segment, base + ETHERTYPE_OFFSET);
    }

    public void etherType(int type) {
        Bytes.u16(segment, base + ETHERTYPE_OFFSET, type);
    }

    /** Bytes after the header. */
    public int payloadLength() {
        return length - HEADER_LENGTH;
    }

    /** True for a group address (the I/G bit, the least significant bit of the first octet): multicast or broadcast. */
    public static boolean isGroup(long mac) {
        return ((mac >>> 40) & 1) != 0;
    }

    /** Writes every header field. */
    public void write(long destination, long source, int etherType) {
        destination(destination);
        source(source);
        etherType(etherType);
    }
}
