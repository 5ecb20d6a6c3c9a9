package io.demikv.catnip.wire;

/**
 * A checked view of a UDP datagram (RFC 768).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Length             |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Data ...
 * +-+-+-+-+-
 * </pre>
 * The checksum covers an IPv4 pseudo-header (source, destination, protocol 17, UDP length), the header and
 * the data. A transmitted checksum of zero means "none computed" (RFC 768), so a computed zero is sent as
 * 0xFFFF; RFC 1122 §4.1.3.4 requires verifying a non-zero checksum and discarding the datagram on failure.
 * Libos thread only.
 */
public final class UdpDatagram extends View {
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;
    public static final int HEADER_LENGTH = 8;

    @Override
    int minimumLength() {
        return HEADER_LENGTH;
    }

    /** Checks {@code 8 <= length field <= bytes present}; bytes past the length field are not the datagram's. */
    public WireStatus check() {
        int declared = lengthField();
        if (declared < HEADER_LENGTH || declared > length) {
            return WireStatus.BAD_LENGTH;
        }
        return WireStatus.OK;
    }

    public int sourcePort() {
        return Bytes.u16(segment, base + SOURCE_PORT_OFFSET);
    }

    public int destinationPort() {
        return Bytes.u16(segment, base + DESTINATION_PORT_OFFSET);
    }

    /** The length field: header plus data. */
    public int lengthField() {
        return Bytes.u16(segment, base + LENGTH_OFFSET);
    }

    public int checksum() {
        return Bytes.u16(segment, base + CHECKSUM_OFFSET);
    }

    /** Data bytes according to the length field. Requires {@link #check} OK. */
    public int dataLength() {
        return lengthField() - HEADER_LENGTH;
    }

    /**
     * True when the checksum is absent (zero) or verifies over the pseudo-header and {@link #lengthField()}
     * bytes. Requires {@link #check} OK.
     */
    public boolean checksumValid(int sourceIp, int destinationIp) {
        if (checksum() == 0) {
            return true;
        }
        int n = lengthField();
        long sum = Checksum.pseudoHeader(sourceIp, destinationIp, Ipv4Packet.PROTOCOL_UDP, n);
        return Checksum.finish(Checksum.add(segment, base, n, sum)) == 0;
    }

    /**
     * Writes the header over a window of header plus data: ports, length = window length, and the checksum
     * over the pseudo-header, header and data ({@code withChecksum}), or zero ("none") otherwise.
     */
    public void write(int sourcePort, int destinationPort, int sourceIp, int destinationIp, boolean withChecksum) {
        Bytes.u16(segment, base + SOURCE_PORT_OFFSET, sourcePort);
        Bytes.u16(segment, base + DESTINATION_PORT_OFFSET, destinationPort);
        Bytes.u16(segment, base + LENGTH_OFFSET, length);
        Bytes.u16(segment, base + CHECKSUM_OFFSET, 0);
        if (withChecksum) {
            long sum = Checksum.pseudoHeader(sourceIp, destinationIp, Ipv4Packet.PROTOCOL_UDP, length);
            int c = Checksum.finish(Checksum.add(segment, base, length, sum));
            // RFC 768: a computed zero is transmitted as all ones; zero would mean "no checksum".
            Bytes.u16(segment, base + CHECKSUM_OFFSET, c == 0 ? 0xFFFF : c);
        }
    }
}
