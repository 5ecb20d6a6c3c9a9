package io.demikv.catnip.wire;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpSegmentTest {
    /** A Linux-style SYN 10.0.0.1:40000 to 10.0.0.2:80: MSS 1460, SACK-permitted, timestamps, NOP, WS 7. */
    static final String SYN = "9c400050" + "01020304" + "00000000" + "a002faf0" + "54100000"
            + "020405b4" + "0402080a" + "11223344" + "00000000" + "01030307";
    /** Our SYN-ACK layout: MSS 1460, NOP + WS 7, SACK-permitted + timestamps. */
    static final String SYN_ACK = "00509c40" + "fffffff0" + "01020305" + "a012ffff" + "82100000"
            + "020405b4" + "01030307" + "0402080a" + "11223344" + "55667788";

    @Test
    void parsesALinuxSynWithItsOptions() {
        MemorySegment s = Frames.segment(Frames.hex(SYN));
        TcpSegment tcp = new TcpSegment();
        assertEquals(WireStatus.OK, tcp.wrap(s, 0, 40));
        assertEquals(WireStatus.OK, tcp.check());
        assertTrue(tcp.checksumValid(0x0A000001, 0x0A000002));
        assertEquals(40000, tcp.sourcePort());
        assertEquals(80, tcp.destinationPort());
        assertEquals(0x01020304, tcp.sequence());
        assertEquals(0, tcp.acknowledgment());
        assertEquals(40, tcp.headerLength());
        assertEquals(TcpSegment.SYN, tcp.flags());
        assertTrue(tcp.has(TcpSegment.SYN));
        assertFalse(tcp.has(TcpSegment.ACK));
        assertEquals(64240, tcp.window());
        assertEquals(0, tcp.dataLength());

        TcpOptions o = new TcpOptions();
        assertEquals(WireStatus.OK, tcp.parseOptions(o));
        assertEquals(1460, o.mss());
        assertEquals(7, o.windowScale());
        assertTrue(o.sackPermitted());
        assertTrue(o.hasTimestamps());
        assertEquals(0x11223344, o.timestampValue());
        assertEquals(0, o.timestampEcho());
    }

    @Test
    void buildsASynAckByteForByte() {
        MemorySegment s = Frames.filled(40);
        TcpSegment tcp = new TcpSegment();
        assertEquals(WireStatus.OK, tcp.wrap(s, 0, 40));
        TcpOptions o = new TcpOptions().mss(1460).windowScale(7).sackPermitted(true).timestamps(0x11223344, 0x55667788);
        assertEquals(20, o.encodedLength());
        tcp.write(80, 40000, 0xfffffff0, 0x01020305, 20 + o.encodedLength(), TcpSegment.SYN | TcpSegment.ACK, 65535, 0);
        assertEquals(20, o.write(s, 20));
        tcp.fillChecksum(0x0A000002, 0x0A000001);
        assertEquals(SYN_ACK, Frames.hex(s, 0, 40));
        TcpOptions back = new TcpOptions();
        assertEquals(WireStatus.OK, tcp.parseOptions(back));
        assertEquals(1460, back.mss());
        assertEquals(0x55667788, back.timestampEcho());
    }

    @Test
    void writesAlignedLayoutsForEveryCombination() {
        for (int mask = 0; mask < 16; mask++) {
            TcpOptions o = new TcpOptions();
            if ((mask & 1) != 0) {
                o.mss(536);
            }
            if ((mask & 2) != 0) {
                o.windowScale(14);
            }
            if ((mask & 4) != 0) {
                o.sackPermitted(true);
            }
            if ((mask & 8) != 0) {
                o.timestamps(1, 2);
            }
            MemorySegment s = Frames.filled(40);
            int n = o.write(s, 0);
            assertEquals(o.encodedLength(), n, "mask " + mask);
            assertEquals(0, n % 4, "mask " + mask);
            TcpOptions back = new TcpOptions();
            assertEquals(WireStatus.OK, back.parse(s, 0, n), "mask " + mask);
            assertEquals(o.mss(), back.mss());
            assertEquals(o.windowScale(), back.windowScale());
            assertEquals(o.sackPermitted(), back.sackPermitted());
            assertEquals(o.hasTimestamps(), back.hasTimestamps());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "02",             // MSS kind without a length byte
            "0203",           // MSS with length 3
            "020405",         // MSS running past the end
            "0301",           // length below 2
            "0300",           // length 0 (would loop forever if trusted)
            "03020e",         // window scale with length 2
            "0403",           // SACK-permitted with length 3
            "080a11223344",   // timestamps cut short
            "0506000000",     // SACK with a partial block
            "fe01"            // unknown kind with length 1
    })
    void rejectsMalformedOptions(String hex) {
        byte[] b = Frames.hex(hex);
        assertEquals(WireStatus.MALFORMED_OPTION, new TcpOptions().parse(Frames.segment(b), 0, b.length), hex);
    }

    @Test
    void skipsUnknownOptionsAndStopsAtEndOfList() {
        byte[] b = Frames.hex("1e04abcd" + "020405b4" + "00" + "030307");
        TcpOptions o = new TcpOptions();
        assertEquals(WireStatus.OK, o.parse(Frames.segment(b), 0, b.length));
        assertEquals(1460, o.mss());
        assertEquals(-1, o.windowScale(), "options after EOL are padding");
    }

    @Test
    void clampsWindowScaleAbove14() {
        byte[] b = Frames.hex("03031e01");
        TcpOptions o = new TcpOptions();
        assertEquals(WireStatus.OK, o.parse(Frames.segment(b), 0, b.length));
        assertEquals(14, o.windowScale());
    }

    @Test
    void rejectsDataOffsetsThatDoNotFit() {
        byte[] syn = Frames.hex(SYN);
        TcpSegment tcp = new TcpSegment();
        assertEquals(WireStatus.TRUNCATED, tcp.wrap(Frames.segment(syn), 0, 19));
        tcp.wrap(Frames.segment(syn), 0, 39);
        assertEquals(WireStatus.BAD_HEADER_LENGTH, tcp.check(), "40-byte header in 39 bytes");
        syn[12] = 0x40;
        tcp.wrap(Frames.segment(syn), 0, 40);
        assertEquals(WireStatus.BAD_HEADER_LENGTH, tcp.check(), "data offset 4");
    }
}
