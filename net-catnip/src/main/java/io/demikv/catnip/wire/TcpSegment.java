package io.demikv.catnip.wire;

/**
 * A checked view of a TCP header (RFC 9293 §3.1). Sequence and acknowledgment numbers are returned as
 * raw {@code int}s; compare them only through the TCP layer's sequence-number type, never with {@code <}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (data offset > 5)  |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * {@link #wrap} checks that the fixed 20 bytes fit; {@link #check} checks the data offset; then
 * {@link #parseOptions} reads the options. The checksum covers the IPv4 pseudo-header (protocol 6), the header
 * and the data. Libos thread only.
 */
public final class TcpSegment extends View {
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int SEQUENCE_OFFSET = 4;
    public static final int ACKNOWLEDGMENT_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_OFFSET = 18;
    public static final int HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    @Override
    int minimumLength() {
        return HEADER_LENGTH;
    }

    /** Checks {@code 20 <= data offset * 4 <= length} (RFC 9293 §3.1). */
    public WireStatus check() {
        int h = headerLength();
        if (h < HEADER_LENGTH || h > length) {
            return WireStatus.BAD_HEADER_LENGTH;
        }
        return WireStatus.OK;
    }

    /** True when the checksum verifies over the pseudo-header and the whole window (header and data). */
    public boolean checksumValid(int sourceIp, int destinationIp) {
        long sum = Checksum.pseudoHeader(sourceIp, destinationIp, Ipv4Packet.PROTOCOL_TCP, length);
        return Checksum.finish(Checksum.add(segment, base, length, sum)) == 0;
    }

    /**
     * Parses the options between the fixed header and the data offset into {@code out}. Requires
     * {@link #check} OK. Returns {@link WireStatus#MALFORMED_OPTION} for an impossible option.
     */
    public WireStatus parseOptions(TcpOptions out) {
        return out.parse(segment, base + HEADER_LENGTH, headerLength() - HEADER_LENGTH);
    }

    public int sourcePort() {
        return Bytes.u16(segment, base + SOURCE_PORT_OFFSET);
    }

    public int destinationPort() {
        return Bytes.u16(segment, base + DESTINATION_PORT_OFFSET);
    }

    public int sequence() {
        return Bytes.i32(segment, base + SEQUENCE_OFFSET);
    }

    public int acknowledgment() {
        return Bytes.i32(segment, base + ACKNOWLEDGMENT_OFFSET);
    }

    /** The header length in bytes (data offset * 4), options included. */
    public int headerLength() {
        return (Bytes.u8(segment, base + DATA_OFFSET_OFFSET) >>> 4) * 4;
    }

    /** The eight flag bits (CWR..FIN). */
    public int flags() {
        return Bytes.u8(segment, base + FLAGS_OFFSET);
    }

    public boolean has(int flag) {
        return (flags() & flag) != 0;
    }

    public int window() {
        return Bytes.u16(segment, base + WINDOW_OFFSET);
    }

    public int checksum() {
        return Bytes.u16(segment, base + CHECKSUM_OFFSET);
    }

    public int urgentPointer() {
        return Bytes.u16(segment, base + URGENT_OFFSET);
    }

    /** Data bytes after the header. Requires {@link #check} OK. */
    public int dataLength() {
        return length - headerLength();
    }

    /**
     * Writes the fixed header (checksum zero, reserved bits zero) with a data offset of
     * {@code headerLength / 4}; options, if any, are written by {@link TcpOptions#write} after it.
     */
    public void write(int sourcePort, int destinationPort, int sequence, int acknowledgment, int headerLength,
                      int flags, int window, int urgentPointer) {
        Bytes.u16(segment, base + SOURCE_PORT_OFFSET, sourcePort);
        Bytes.u16(segment, base + DESTINATION_PORT_OFFSET, destinationPort);
        Bytes.i32(segment, base + SEQUENCE_OFFSET, sequence);
        Bytes.i32(segment, base + ACKNOWLEDGMENT_OFFSET, acknowledgment);
        Bytes.u8(segment, base + DATA_OFFSET_OFFSET, (headerLength / 4) << 4);
        Bytes.u8(segment, base + FLAGS_OFFSET, flags);
        Bytes.u16(segment, base + WINDOW_OFFSET, window);
        Bytes.u16(segment, base + CHECKSUM_OFFSET, 0);
        Bytes.u16(segment, base + URGENT_OFFSET, urgentPointer);
    }

    /** Computes and stores the checksum over the pseudo-header and the whole window. */
    public void fillChecksum(int sourceIp, int destinationIp) {
        Bytes.u16(segment, base + CHECKSUM_OFFSET, 0);
        long sum = Checksum.pseudoHeader(sourceIp, destinationIp, Ipv4Packet.PROTOCOL_TCP, length);
        Bytes.u16(segment, base + CHECKSUM_OFFSET, Checksum.finish(Checksum.add(segment, base, length, sum)));
    }
}
