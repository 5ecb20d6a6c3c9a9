package io.demikv.catnip.wire;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EthernetAndArpTest {
    /** Who has 10.0.0.1? Tell 10.0.0.2 (02:00:00:00:00:02), broadcast. */
    static final String ARP_REQUEST = "ffffffffffff" + "020000000002" + "0806"
            + "0001" + "0800" + "06" + "04" + "0001" + "020000000002" + "0a000002" + "000000000000" + "0a000001";

    @Test
    void parsesAnArpRequestFrame() {
        MemorySegment s = Frames.segment(Frames.hex(ARP_REQUEST));
        EthernetFrame eth = new EthernetFrame();
        assertEquals(WireStatus.OK, eth.wrap(s, 0, (int) s.byteSize()));
        assertEquals(EthernetFrame.BROADCAST, eth.destination());
        assertEquals(0x020000000002L, eth.source());
        assertEquals(EthernetFrame.ETHERTYPE_ARP, eth.etherType());
        assertEquals(28, eth.payloadLength());

        ArpPacket arp = new ArpPacket();
        assertEquals(WireStatus.OK, arp.wrap(s, 14, 28));
        assertEquals(WireStatus.OK, arp.check());
        assertEquals(ArpPacket.OP_REQUEST, arp.operation());
        assertEquals(0x020000000002L, arp.senderMac());
        assertEquals(0x0A000002, arp.senderIp());
        assertEquals(0L, arp.targetMac());
        assertEquals(0x0A000001, arp.targetIp());
    }

    @Test
    void buildsTheSameArpRequestByteForByte() {
        MemorySegment s = Frames.filled(42);
        EthernetFrame eth = new EthernetFrame();
        assertEquals(WireStatus.OK, eth.wrap(s, 0, 42));
        eth.write(EthernetFrame.BROADCAST, 0x020000000002L, EthernetFrame.ETHERTYPE_ARP);
        ArpPacket arp = new ArpPacket();
        assertEquals(WireStatus.OK, arp.wrap(s, 14, 28));
        arp.write(ArpPacket.OP_REQUEST, 0x020000000002L, 0x0A000002, 0, 0x0A000001);
        assertEquals(ARP_REQUEST, Frames.hex(s, 0, 42));
    }

    @Test
    void rejectsShortFramesAndForeignArpKinds() {
        MemorySegment s = Frames.segment(Frames.hex(ARP_REQUEST));
        assertEquals(WireStatus.TRUNCATED, new EthernetFrame().wrap(s, 0, 13));
        assertEquals(WireStatus.TRUNCATED, new EthernetFrame().wrap(s, 40, 14), "window past the segment");
        assertEquals(WireStatus.TRUNCATED, new EthernetFrame().wrap(s, -1, 14));
        assertEquals(WireStatus.TRUNCATED, new ArpPacket().wrap(s, 14, 27));

        byte[] ipv6 = Frames.hex(ARP_REQUEST);
        ipv6[14 + 3] = (byte) 0xDD; // protocol type 0x08DD: not IPv4
        ArpPacket arp = new ArpPacket();
        arp.wrap(Frames.segment(ipv6), 14, 28);
        assertEquals(WireStatus.UNSUPPORTED, arp.check());
    }

    @Test
    void tellsGroupAddressesFromStations() {
        assertTrue(EthernetFrame.isGroup(EthernetFrame.BROADCAST));
        assertTrue(EthernetFrame.isGroup(0x01005E000001L));
        assertFalse(EthernetFrame.isGroup(0x020000000001L));
    }
}
