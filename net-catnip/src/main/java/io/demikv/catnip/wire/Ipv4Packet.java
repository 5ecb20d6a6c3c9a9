package io.demikv.catnip.wire;

/**
 * A checked view of an IPv4 header (RFC 791 §3.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |    DSCP   |ECN|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (IHL > 5)          |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * {@link #wrap} checks that the fixed 20 bytes fit; {@link #check} checks version, IHL and total length
 * against the bytes present, after which {@link #headerLength()} and {@link #payloadLength()} are safe to use
 * for slicing. Options are covered by the checksum and otherwise skipped: this stack acts on none of them
 * (RFC 1122 §3.2.1.8 lets a host ignore options it does not implement). Libos thread only.
 */
public final class Ipv4Packet extends View {
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int DSCP_ECN_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SOURCE_OFFSET = 12;
    public static final int DESTINATION_OFFSET = 16;
    /** The header without options. */
    public static final int HEADER_LENGTH = 20;
    /** IHL is 4 bits of 32-bit words. */
    public static final int MAX_HEADER_LENGTH = 60;

    /** Don't Fragment (RFC 791 §3.1, flags bit 1). */
    public static final int FLAG_DF = 0x4000;
    /** More Fragments (flags bit 2). */
    public static final int FLAG_MF = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;

    /** 255.255.255.255 (RFC 919 limited broadcast). */
    public static final int BROADCAST = 0xFFFF_FFFF;

    @Override
    int minimumLength() {
        return HEADER_LENGTH;
    }

    /**
     * Checks version 4, {@code 20 <= IHL*4 <= length} and {@code IHL*4 <= total length <= length} (RFC 791
     * §3.1; RFC 1122 §3.2.1.1 says to discard a datagram with another version). Bytes after the total length
     * (Ethernet padding) are not part of the packet. The checksum is checked separately by
     * {@link #checksumValid()}.
     */
    public WireStatus check() {
        if (length < HEADER_LENGTH) {
            return WireStatus.TRUNCATED;
        }
        if (version() != 4) {
            return WireStatus.BAD_VERSION;
        }
        int ihl = headerLength();
        if (ihl < HEADER_LENGTH || ihl > length) {
            return WireStatus.BAD_HEADER_LENGTH;
        }
        int total = totalLength();
        if (total < ihl || total > length) {
            return WireStatus.BAD_LENGTH;
        }
        return WireStatus.OK;
    }

    /** True when the header checksum verifies (RFC 791 §3.1, RFC 1122 §3.2.1.2). Requires {@link #check} OK. */
    public boolean checksumValid() {
        return Checksum.of(segment, base, headerLength()) == 0;
    }

    public int version() {
        return Bytes.u8(segment, base + VERSION_IHL_OFFSET) >>> 4;
    }

    /** The header length in bytes (IHL * 4), options included. */
    public int headerLength() {
        return (Bytes.u8(segment, base + VERSION_IHL_OFFSET) & 0x0F) * 4;
    }

    public int dscpEcn() {
        return Bytes.u8(segment, base + DSCP_ECN_OFFSET);
    }

    public int totalLength() {
        return Bytes.u16(segment, base + TOTAL_LENGTH_OFFSET);
    }

    /** Total length minus header length: the transport bytes. Requires {@link #check} OK. */
    public int payloadLength() {
        return totalLength() - headerLength();
    }

    public int identification() {
        return Bytes.u16(segment, base + IDENTIFICATION_OFFSET);
    }

    /** The flags and fragment offset word. */
    public int flagsAndFragment() {
        return Bytes.u16(segment, base + FLAGS_FRAGMENT_OFFSET);
    }

    /** True for any fragment of a fragmented datagram: MF set or a non-zero offset (RFC 791 §2.3). */
    public boolean isFragment() {
        int word = flagsAndFragment();
        return (word & FLAG_MF) != 0 || (word & FRAGMENT_OFFSET_MASK) != 0;
    }

    public int ttl() {
        return Bytes.u8(segment, base + TTL_OFFSET);
    }

    public int protocol() {
        return Bytes.u8(segment, base + PROTOCOL_OFFSET);
    }

    public int checksum() {
        return Bytes.u16(segment, base + CHECKSUM_OFFSET);
    }

    public int source() {
        return Bytes.i32(segment, base + SOURCE_OFFSET);
    }

    public int destination() {
        return Bytes.i32(segment, base + DESTINATION_OFFSET);
    }

    /**
     * Writes a whole 20-byte header without options, checksum included: version 4, IHL 5, DSCP/ECN 0, the
     * given flags (offset 0). Requires a window of at least 20 bytes ({@link #wrap}).
     */
    public void write(int totalLength, int identification, int flags, int ttl, int protocol, int source,
                      int destination) {
        Bytes.u8(segment, base + VERSION_IHL_OFFSET, 0x45);
        Bytes.u8(segment, base + DSCP_ECN_OFFSET, 0);
        Bytes.u16(segment, base + TOTAL_LENGTH_OFFSET, totalLength);
        Bytes.u16(segment, base + IDENTIFICATION_OFFSET, identification);
        Bytes.u16(segment, base + FLAGS_FRAGMENT_OFFSET, flags);
        Bytes.u8(segment, base + TTL_OFFSET, ttl);
        Bytes.u8(segment, base + PROTOCOL_OFFSET, protocol);
        Bytes.i32(segment, base + SOURCE_OFFSET, source);
        Bytes.i32(segment, base + DESTINATION_OFFSET, destination);
        fillChecksum();
    }

    /** Computes and stores the header checksum over {@link #headerLength()} bytes. */
    public void fillChecksum() {
        Bytes.u16(segment, base + CHECKSUM_OFFSET, 0);
        Bytes.u16(segment, base + CHECKSUM_OFFSET, Checksum.of(segment, base, headerLength()));
    }
}
