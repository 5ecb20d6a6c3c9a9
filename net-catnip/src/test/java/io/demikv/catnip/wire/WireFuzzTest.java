package io.demikv.catnip.wire;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random, truncated and bit-flipped frames through every view: a parser answers with a status, never an
 * exception, and a view that said OK reads only inside its window.
 */
class WireFuzzTest {
    static final List<byte[]> GOLDEN = List.of(
            Frames.hex(EthernetAndArpTest.ARP_REQUEST),
            Frames.hex(Ipv4IcmpUdpTest.UDP_FRAME),
            Frames.hex(Ipv4IcmpUdpTest.ICMP_FRAME),
            Frames.hex("020000000002020000000001080045000028000040004006" + "0000" + "0a0000010a000002" + TcpSegmentTest.SYN));

    private final EthernetFrame eth = new EthernetFrame();
    private final ArpPacket arp = new ArpPacket();
    private final Ipv4Packet ip = new Ipv4Packet();
    private final Icmpv4Packet icmp = new Icmpv4Packet();
    private final UdpDatagram udp = new UdpDatagram();
    private final TcpSegment tcp = new TcpSegment();
    private final TcpOptions options = new TcpOptions();

    /** Parses {@code frame} as deep as the statuses allow, touching every accessor. Returns a digest. */
    long parseAll(byte[] frame) {
        MemorySegment s = Frames.segment(frame);
        long digest = 0;
        if (eth.wrap(s, 0, frame.length) != WireStatus.OK) {
            assertTrue(frame.length < EthernetFrame.HEADER_LENGTH);
            return 0;
        }
        digest += eth.destination() + eth.source() + eth.etherType();
        int rest = eth.payloadLength();
        if (arp.wrap(s, 14, rest) == WireStatus.OK && arp.check() == WireStatus.OK) {
            digest += arp.operation() + arp.senderIp() + arp.senderMac() + arp.targetIp() + arp.targetMac();
        }
        if (ip.wrap(s, 14, rest) != WireStatus.OK || ip.check() != WireStatus.OK) {
            return digest;
        }
        digest += ip.checksumValid() ? 1 : 0;
        digest += ip.ttl() + ip.protocol() + ip.identification() + ip.source() + ip.destination() + (ip.isFragment() ? 1 : 0);
        long at = 14 + ip.headerLength();
        int n = ip.payloadLength();
        if (icmp.wrap(s, at, n) == WireStatus.OK) {
            digest += icmp.type() + icmp.code() + icmp.identifier() + icmp.sequence() + icmp.dataLength()
                    + (icmp.checksumValid() ? 1 : 0);
        }
        if (udp.wrap(s, at, n) == WireStatus.OK && udp.check() == WireStatus.OK) {
            digest += udp.sourcePort() + udp.destinationPort() + udp.dataLength()
                    + (udp.checksumValid(ip.source(), ip.destination()) ? 1 : 0);
        }
        if (tcp.wrap(s, at, n) == WireStatus.OK && tcp.check() == WireStatus.OK) {
            digest += tcp.sequence() + tcp.acknowledgment() + tcp.flags() + tcp.window() + tcp.dataLength()
                    + (tcp.checksumValid(ip.source(), ip.destination()) ? 1 : 0);
            if (tcp.parseOptions(options) == WireStatus.OK) {
                digest += options.mss() + options.windowScale() + options.timestampValue() + options.sackBlocks();
            }
        }
        return digest;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomFramesNeverThrow(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 5_000; i++) {
            byte[] f = new byte[random.nextInt(120)];
            random.nextBytes(f);
            if (f.length > 14 && random.nextBoolean()) {
                f[12] = 0x08; // mostly IPv4 or ARP, so deeper parsers run
                f[13] = (byte) (random.nextBoolean() ? 0x00 : 0x06);
                if (f.length > 15 && random.nextBoolean()) {
                    f[14] = (byte) (0x40 | random.nextInt(16));
                }
            }
            parseAll(f);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14})
    void truncatedAndFlippedGoldenFramesNeverThrow(long seed) {
        Random random = new Random(seed);
        for (byte[] golden : GOLDEN) {
            long whole = parseAll(golden);
            assertTrue(whole != 0);
            for (int cut = 0; cut <= golden.length; cut++) {
                parseAll(java.util.Arrays.copyOf(golden, cut));
            }
            for (int i = 0; i < 2_000; i++) {
                byte[] f = golden.clone();
                int flips = 1 + random.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    f[random.nextInt(f.length)] ^= (byte) (1 << random.nextInt(8));
                }
                parseAll(java.util.Arrays.copyOf(f, random.nextInt(f.length + 1)));
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22, 23})
    void randomTcpOptionBytesNeverThrow(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(41)];
            random.nextBytes(b);
            for (int k = 0; k < b.length; k++) {
                if (random.nextInt(3) == 0) {
                    b[k] = (byte) random.nextInt(10); // known kinds and small lengths
                }
            }
            WireStatus st = options.parse(Frames.segment(b), 0, b.length);
            assertTrue(st == WireStatus.OK || st == WireStatus.MALFORMED_OPTION);
        }
        assertEquals(WireStatus.MALFORMED_OPTION, options.parse(Frames.segment(new byte[4]), 2, 4), "window outside");
    }
}
