package io.demikv.catnip.wire;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ipv4IcmpUdpTest {
    /** 10.0.0.1:1234 to 10.0.0.2:7, "hello", IP id 0x1c46, DF, TTL 64; checksums computed independently. */
    static final String UDP_FRAME = "020000000002" + "020000000001" + "0800"
            + "45000021" + "1c464000" + "40110a84" + "0a000001" + "0a000002"
            + "04d20007000da326" + "68656c6c6f";
    /** Echo request 10.0.0.1 to 10.0.0.2, id 0x1234, seq 1, data "abcdefgh". */
    static final String ICMP_FRAME = "020000000002" + "020000000001" + "0800"
            + "45000024" + "00004000" + "400126d7" + "0a000001" + "0a000002"
            + "0800543512340001" + "6162636465666768";
    static final String ICMP_REPLY = "00005c3512340001" + "6162636465666768";

    @Test
    void parsesAUdpDatagramInIpv4() {
        MemorySegment s = Frames.segment(Frames.hex(UDP_FRAME));
        Ipv4Packet ip = new Ipv4Packet();
        assertEquals(WireStatus.OK, ip.wrap(s, 14, (int) s.byteSize() - 14));
        assertEquals(WireStatus.OK, ip.check());
        assertTrue(ip.checksumValid());
        assertEquals(4, ip.version());
        assertEquals(20, ip.headerLength());
        assertEquals(33, ip.totalLength());
        assertEquals(0x1c46, ip.identification());
        assertFalse(ip.isFragment());
        assertEquals(64, ip.ttl());
        assertEquals(Ipv4Packet.PROTOCOL_UDP, ip.protocol());
        assertEquals(0x0A000001, ip.source());
        assertEquals(0x0A000002, ip.destination());
        assertEquals(13, ip.payloadLength());

        UdpDatagram udp = new UdpDatagram();
        assertEquals(WireStatus.OK, udp.wrap(s, 34, 13));
        assertEquals(WireStatus.OK, udp.check());
        assertEquals(1234, udp.sourcePort());
        assertEquals(7, udp.destinationPort());
        assertEquals(13, udp.lengthField());
        assertEquals(5, udp.dataLength());
        assertEquals(0xa326, udp.checksum());
        assertTrue(udp.checksumValid(0x0A000001, 0x0A000002));
        assertFalse(udp.checksumValid(0x0A000001, 0x0A000003), "pseudo-header covers the destination");
    }

    @Test
    void buildsTheSameUdpFrameByteForByte() {
        MemorySegment s = Frames.filled(47);
        MemorySegment.copy(Frames.hex("68656c6c6f"), 0, s, ValueLayout.JAVA_BYTE, 42, 5);
        EthernetFrame eth = new EthernetFrame();
        eth.wrap(s, 0, 47);
        eth.write(0x020000000002L, 0x020000000001L, EthernetFrame.ETHERTYPE_IPV4);
        UdpDatagram udp = new UdpDatagram();
        assertEquals(WireStatus.OK, udp.wrap(s, 34, 13));
        udp.write(1234, 7, 0x0A000001, 0x0A000002, true);
        Ipv4Packet ip = new Ipv4Packet();
        assertEquals(WireStatus.OK, ip.wrap(s, 14, 33));
        ip.write(33, 0x1c46, Ipv4Packet.FLAG_DF, 64, Ipv4Packet.PROTOCOL_UDP, 0x0A000001, 0x0A000002);
        assertEquals(UDP_FRAME, Frames.hex(s, 0, 47));
    }

    @Test
    void sendsAComputedZeroUdpChecksumAsAllOnesAndAcceptsZeroAsNone() {
        // Find data whose checksum computes to 0, then check the wire carries 0xFFFF (RFC 768).
        MemorySegment s = Frames.filled(10);
        UdpDatagram udp = new UdpDatagram();
        udp.wrap(s, 0, 10);
        for (int v = 0; v < 0x10000; v++) {
            s.set(Bytes.U16, 8, (short) v);
            udp.write(1, 2, 0x0A000001, 0x0A000002, true);
            if (udp.checksum() == 0xFFFF) {
                assertTrue(udp.checksumValid(0x0A000001, 0x0A000002));
                udp.write(1, 2, 0x0A000001, 0x0A000002, false);
                assertEquals(0, udp.checksum());
                assertTrue(udp.checksumValid(0x0A000001, 0x0A000002), "zero means no checksum");
                return;
            }
        }
        throw new AssertionError("no payload gave a zero checksum");
    }

    @Test
    void rejectsBadIpv4HeadersWithAStatus() {
        byte[] frame = Frames.hex(UDP_FRAME);
        Ipv4Packet ip = new Ipv4Packet();
        assertEquals(WireStatus.TRUNCATED, ip.wrap(Frames.segment(frame), 14, 19));

        byte[] v6 = frame.clone();
        v6[14] = 0x65;
        ip.wrap(Frames.segment(v6), 14, 33);
        assertEquals(WireStatus.BAD_VERSION, ip.check());

        byte[] ihl = frame.clone();
        ihl[14] = 0x44;
        ip.wrap(Frames.segment(ihl), 14, 33);
        assertEquals(WireStatus.BAD_HEADER_LENGTH, ip.check());

        byte[] longIhl = frame.clone();
        longIhl[14] = 0x4F; // 60-byte header in a 33-byte packet
        ip.wrap(Frames.segment(longIhl), 14, 33);
        assertEquals(WireStatus.BAD_HEADER_LENGTH, ip.check());

        byte[] total = frame.clone();
        total[17] = 34; // one byte more than present
        ip.wrap(Frames.segment(total), 14, 33);
        assertEquals(WireStatus.BAD_LENGTH, ip.check());

        byte[] sum = frame.clone();
        sum[24] ^= 0x01;
        ip.wrap(Frames.segment(sum), 14, 33);
        assertEquals(WireStatus.OK, ip.check());
        assertFalse(ip.checksumValid());
    }

    @Test
    void recognisesFragments() {
        byte[] frame = Frames.hex(UDP_FRAME);
        Ipv4Packet ip = new Ipv4Packet();
        frame[20] = 0x20; // MF, offset 0
        frame[21] = 0;
        ip.wrap(Frames.segment(frame), 14, 33);
        assertTrue(ip.isFragment());
        frame[20] = 0x00;
        frame[21] = 0x10; // offset 16 * 8
        ip.wrap(Frames.segment(frame), 14, 33);
        assertTrue(ip.isFragment());
    }

    @Test
    void skipsIpv4OptionsSafely() {
        // The UDP frame with a 4-byte option (NOP NOP NOP EOL): IHL 6, total 37, checksum recomputed.
        byte[] base = Frames.hex(UDP_FRAME);
        byte[] f = new byte[base.length + 4];
        System.arraycopy(base, 0, f, 0, 34);
        f[34] = 1;
        f[35] = 1;
        f[36] = 1;
        f[37] = 0;
        System.arraycopy(base, 34, f, 38, 13);
        f[14] = 0x46;
        f[17] = 37;
        MemorySegment s = Frames.segment(f);
        Ipv4Packet ip = new Ipv4Packet();
        ip.wrap(s, 14, 37);
        ip.fillChecksum();
        assertEquals(WireStatus.OK, ip.check());
        assertTrue(ip.checksumValid());
        assertEquals(24, ip.headerLength());
        assertEquals(13, ip.payloadLength());
        UdpDatagram udp = new UdpDatagram();
        udp.wrap(s, 14 + ip.headerLength(), ip.payloadLength());
        assertEquals(7, udp.destinationPort());
        assertTrue(udp.checksumValid(ip.source(), ip.destination()));
    }

    @Test
    void rejectsUdpLengthFieldsThatDoNotFit() {
        byte[] frame = Frames.hex(UDP_FRAME);
        UdpDatagram udp = new UdpDatagram();
        assertEquals(WireStatus.TRUNCATED, udp.wrap(Frames.segment(frame), 34, 7));
        frame[39] = 14; // length 14 > 13 bytes present
        udp.wrap(Frames.segment(frame), 34, 13);
        assertEquals(WireStatus.BAD_LENGTH, udp.check());
        frame[39] = 7; // below the header
        udp.wrap(Frames.segment(frame), 34, 13);
        assertEquals(WireStatus.BAD_LENGTH, udp.check());
    }

    @Test
    void parsesAnEchoRequestAndBuildsItsReply() {
        MemorySegment s = Frames.segment(Frames.hex(ICMP_FRAME));
        Ipv4Packet ip = new Ipv4Packet();
        ip.wrap(s, 14, 36);
        assertEquals(WireStatus.OK, ip.check());
        assertTrue(ip.checksumValid());
        Icmpv4Packet icmp = new Icmpv4Packet();
        assertEquals(WireStatus.OK, icmp.wrap(s, 34, ip.payloadLength()));
        assertTrue(icmp.checksumValid());
        assertEquals(Icmpv4Packet.TYPE_ECHO_REQUEST, icmp.type());
        assertEquals(0x1234, icmp.identifier());
        assertEquals(1, icmp.sequence());
        assertEquals(8, icmp.dataLength());

        MemorySegment r = Frames.filled(16);
        MemorySegment.copy(s, 42, r, 8, 8);
        Icmpv4Packet reply = new Icmpv4Packet();
        reply.wrap(r, 0, 16);
        reply.writeEcho(Icmpv4Packet.TYPE_ECHO_REPLY, 0x1234, 1);
        assertEquals(ICMP_REPLY, Frames.hex(r, 0, 16));
        assertEquals(WireStatus.TRUNCATED, new Icmpv4Packet().wrap(s, 34, 7));
    }

    @Test
    void incrementalEchoReplyChecksumMatchesTheBuiltOne() {
        MemorySegment s = Frames.segment(Frames.hex(ICMP_FRAME));
        Icmpv4Packet icmp = new Icmpv4Packet();
        icmp.wrap(s, 34, 16);
        icmp.type(Icmpv4Packet.TYPE_ECHO_REPLY);
        icmp.checksum(Checksum.update(icmp.checksum(), 0x0800, 0x0000));
        assertEquals(ICMP_REPLY, Frames.hex(s, 34, 16));
    }
}
