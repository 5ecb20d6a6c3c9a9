package io.demikv.catnip.wire;

/**
 * A checked view of an ICMPv4 message (RFC 792); the identifier and sequence fields are those of the echo
 * messages, the only ones this stack builds.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Identifier          |        Sequence Number        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Data ...
 * +-+-+-+-+-
 * </pre>
 * The checksum covers the whole message (the view's window). Libos thread only.
 */
public final class Icmpv4Packet extends View {
    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int IDENTIFIER_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 6;
    public static final int HEADER_LENGTH = 8;

    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DESTINATION_UNREACHABLE = 3;
    public static final int TYPE_ECHO_REQUEST = 8;

    @Override
    int minimumLength() {
        return HEADER_LENGTH;
    }

    /** True when the checksum over the whole window verifies (RFC 792). */
    public boolean checksumValid() {
        return Checksum.of(segment, base, length) == 0;
    }

    public int type() {
        return Bytes.u8(segment, base + TYPE_OFFSET);
    }

    public void type(int type) {
        Bytes.u8(segment, base + TYPE_OFFSET, type);
    }

    public int code() {
        return Bytes.u8(segment, base + CODE_OFFSET);
    }

    public int checksum() {
        return Bytes.u16(segment, base + CHECKSUM_OFFSET);
    }

    public void checksum(int value) {
        Bytes.u16(segment, base + CHECKSUM_OFFSET, value);
    }

    public int identifier() {
        return Bytes.u16(segment, base + IDENTIFIER_OFFSET);
    }

    public int sequence() {
        return Bytes.u16(segment, base + SEQUENCE_OFFSET);
    }

    /** Bytes after the 8-byte header. */
    public int dataLength() {
        return length - HEADER_LENGTH;
    }

    /** Writes an echo header (type, code 0, identifier, sequence) and the checksum over the whole window. */
    public void writeEcho(int type, int identifier, int sequence) {
        Bytes.u8(segment, base + TYPE_OFFSET, type);
        Bytes.u8(segment, base + CODE_OFFSET, 0);
        Bytes.u16(segment, base + IDENTIFIER_OFFSET, identifier);
        Bytes.u16(segment, base + SEQUENCE_OFFSET, sequence);
        fillChecksum();
    }

    /** Computes and stores the checksum over the whole window. */
    public void fillChecksum() {
        Bytes.u16(segment, base + CHECKSUM_OFFSET, 0);
        Bytes.u16(segment, base + CHECKSUM_OFFSET, Checksum.of(segment, base, length));
    }
}
