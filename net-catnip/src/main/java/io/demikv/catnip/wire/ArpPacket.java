package io.demikv.catnip.wire;

/**
 * A checked view of an ARP packet for IPv4 over Ethernet (RFC 826), the only kind this stack speaks:
 * hardware type 1, protocol type 0x0800, address lengths 6 and 4.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Hardware type (1)        |     Protocol type (0x0800)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | HW len (6)    | Proto len (4) |     Operation (1 req, 2 rep)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Sender hardware address (6)  ...                     |
 * |    ...                        | Sender protocol address (4)   |
 * |    ...                        | Target hardware address (6)   |
 * |                                                   ...         |
 * |                  Target protocol address (4)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * {@link #wrap} checks the length; {@link #check} checks the type and length fields. Libos thread only.
 */
public final class ArpPacket extends View {
    public static final int HARDWARE_TYPE_OFFSET = 0;
    public static final int PROTOCOL_TYPE_OFFSET = 2;
    public static final int HARDWARE_LENGTH_OFFSET = 4;
    public static final int PROTOCOL_LENGTH_OFFSET = 5;
    public static final int OPERATION_OFFSET = 6;
    public static final int SENDER_MAC_OFFSET = 8;
    public static final int SENDER_IP_OFFSET = 14;
    public static final int TARGET_MAC_OFFSET = 18;
    public static final int TARGET_IP_OFFSET = 24;
    public static final int LENGTH = 28;

    public static final int HARDWARE_ETHERNET = 1;
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    @Override
    int minimumLength() {
        return LENGTH;
    }

    /** {@link WireStatus#OK} for Ethernet/IPv4 ARP, {@link WireStatus#UNSUPPORTED} for any other kind. */
    public WireStatus check() {
        if (length < LENGTH) {
            return WireStatus.TRUNCATED;
        }
        if (Bytes.u16(segment, base + HARDWARE_TYPE_OFFSET) != HARDWARE_ETHERNET
                || Bytes.u16(segment, base + PROTOCOL_TYPE_OFFSET) != EthernetFrame.ETHERTYPE_IPV4
                || Bytes.u8(segment, base + HARDWARE_LENGTH_OFFSET) != 6
                || Bytes.u8(segment, base + PROTOCOL_LENGTH_OFFSET) != 4) {
            return WireStatus.UNSUPPORTED;
        }
        return WireStatus.OK;
    }

    public int operation() {
        return Bytes.u16(segment, base + OPERATION_OFFSET);
    }

    public long senderMac() {
        return Bytes.mac(segment, base + SENDER_MAC_OFFSET);
    }

    public int senderIp() {
        return Bytes.i32(segment, base + SENDER_IP_OFFSET);
    }

    public long targetMac() {
        return Bytes.mac(segment, base + TARGET_MAC_OFFSET);
    }

    public int targetIp() {
        return Bytes.i32(segment, base + TARGET_IP_OFFSET);
    }

    /** Writes a whole Ethernet/IPv4 ARP packet (all 28 bytes). */
    public void write(int operation, long senderMac, int senderIp, long targetMac, int targetIp) {
        Bytes.u16(segment, base + HARDWARE_TYPE_OFFSET, HARDWARE_ETHERNET);
        Bytes.u16(segment, base + PROTOCOL_TYPE_OFFSET, EthernetFrame.ETHERTYPE_IPV4);
        Bytes.u8(segment, base + HARDWARE_LENGTH_OFFSET, 6);
        Bytes.u8(segment, base + PROTOCOL_LENGTH_OFFSET, 4);
        Bytes.u16(segment, base + OPERATION_OFFSET, operation);
        Bytes.mac(segment, base + SENDER_MAC_OFFSET, senderMac);
        Bytes.i32(segment, base + SENDER_IP_OFFSET, senderIp);
        Bytes.mac(segment, base + TARGET_MAC_OFFSET, targetMac);
        Bytes.i32(segment, base + TARGET_IP_OFFSET, targetIp);
    }
}
