package io.demikv.catnip.net;

import io.demikv.catnip.InetStack;
import io.demikv.catnip.net.TestNet.Host;
import io.demikv.catnip.phy.Faults;
import io.demikv.config.InetStackConfig;
import io.demikv.config.Ipv4Address;
import io.demikv.config.MacAddress;
import io.demikv.libos.Endpoint;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import io.demikv.libos.testkit.LibOsTestKit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * UDP echo over a link that loses, duplicates, reorders and corrupts frames in both directions. UDP promises
 * nothing about loss, order or duplicates, but it must never deliver a corrupted datagram: every one popped
 * must be exactly one that was sent, and the corrupted ones must show up in the drop counters (most in the
 * UDP or IPv4 checksum counters). ARP entries are static, as corrupted ARP (which has no checksum) would
 * poison caches for a TTL: that is Ethernet's FCS's job on a real link.
 */
class FaultyLinkTest {
    static final Faults FAULTS = new Faults(0.10, 0.05, 0.10, 0.05, 3);
    static final int DATAGRAMS = 300;

    @RegisterExtension
    final Captures captures = new Captures();

    static InetStackConfig config(String peerIp, String peerMac) {
        return new InetStackConfig(1500, 1460, Map.of(Ipv4Address.parse(peerIp), MacAddress.parse(peerMac)),
                Duration.ofSeconds(15), Duration.ofMillis(20), 3, false, false, false);
    }

    /** Payload i: a sequence number, pattern bytes of a length that varies with i, and a CRC-32 of both. */
    static byte[] payload(int i) {
        int n = 16 + (i * 37) % 900;
        ByteBuffer b = ByteBuffer.allocate(n);
        b.putInt(i);
        for (int k = 4; k < n - 8; k++) {
            b.put((byte) (i * 31 + k));
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, n - 8);
        b.putLong(n - 8, crc.getValue());
        return b.array();
    }

    /** The sequence number of a payload that is exactly one we sent, or -1. */
    static int check(byte[] got) {
        if (got.length < 16) {
            return -1;
        }
        int i = ByteBuffer.wrap(got).getInt();
        return i >= 0 && i < DATAGRAMS && java.util.Arrays.equals(got, payload(i)) ? i : -1;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 0xC0FFEE, 20240601})
    void deliversOnlyIntactDatagramsAndDropsCorruptedOnesByChecksum(long seed) {
        try (TestNet net = new TestNet(captures)) {
            Host a = net.host("a", "10.0.0.1", "02:00:00:00:00:01", config("10.0.0.2", "02:00:00:00:00:02"), FAULTS, seed);
            Host b = net.host("b", "10.0.0.2", "02:00:00:00:00:02", config("10.0.0.1", "02:00:00:00:00:01"), FAULTS, seed * 31 + 7);
            String seeds = "seeds a=" + seed + " b=" + (seed * 31 + 7);
            int server = b.catnip.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
            b.catnip.bind(server, Endpoint.of(0, 7));
            int client = a.catnip.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
            a.catnip.bind(client, Endpoint.of(0, 0));

            long serverPop = b.catnip.pop(server);
            long clientPop = a.catnip.pop(client);
            Set<Integer> echoed = new HashSet<>();
            int serverGot = 0;
            int sent = 0;
            QResult r = new QResult();
            long deadline = net.clock.nanoTime() + 5_000_000_000L;
            while (net.clock.nanoTime() < deadline) {
                if (sent < DATAGRAMS) {
                    long qt = a.catnip.pushTo(client, LibOsTestKit.sga(a.catnip, payload(sent)), Endpoint.of(b.ip, 7));
                    net.runUntil(() -> TestNet.done(a, qt), seeds + ": push " + sent);
                    a.catnip.scheduler().take(qt, r);
                    assertEquals(Opcode.PUSH, r.opcode(), seeds + " " + r);
                    a.catnip.sgaFree(r.sga());
                    sent++;
                }
                net.round();
                if (TestNet.done(b, serverPop)) {
                    b.catnip.scheduler().take(serverPop, r);
                    byte[] got = LibOsTestKit.bytes(r.sga());
                    assertTrue(check(got) >= 0, seeds + ": the server popped a datagram nobody sent");
                    serverGot++;
                    long peer = r.peer();
                    Sga echo = r.sga();
                    long push = b.catnip.pushTo(server, echo, peer);
                    net.runUntil(() -> TestNet.done(b, push), seeds + ": echo push");
                    b.catnip.scheduler().take(push, r);
                    b.catnip.sgaFree(echo);
                    serverPop = b.catnip.pop(server);
                }
                if (TestNet.done(a, clientPop)) {
                    a.catnip.scheduler().take(clientPop, r);
                    byte[] got = LibOsTestKit.bytes(r.sga());
                    int i = check(got);
                    assertTrue(i >= 0, seeds + ": the client popped a corrupted echo");
                    echoed.add(i);
                    a.catnip.sgaFree(r.sga());
                    clientPop = a.catnip.pop(client);
                }
                if (sent == DATAGRAMS) {
                    net.clock.advance(1_000_000);
                }
            }
            long corrupted = a.faults.corrupted() + b.faults.corrupted();
            long caught = checksumDrops(a.catnip.stack()) + checksumDrops(b.catnip.stack());
            long otherDrops = otherDrops(a.catnip.stack()) + otherDrops(b.catnip.stack());
            String summary = seeds + ": sent " + sent + ", server got " + serverGot + ", echoes back " + echoed.size()
                    + ", lost " + (a.faults.lost() + b.faults.lost()) + ", duplicated "
                    + (a.faults.duplicated() + b.faults.duplicated()) + ", reordered "
                    + (a.faults.reordered() + b.faults.reordered()) + ", corrupted " + corrupted
                    + ", caught by checksum " + caught + ", other drops " + otherDrops;
            System.out.println("[faulty link] " + summary);
            assertEquals(DATAGRAMS, sent);
            assertTrue(corrupted > 0, summary);
            assertTrue(caught > 0, "corruption must be caught by a checksum: " + summary);
            // Loss 10% each way: about 81% of echoes come back; 60% is far outside chance.
            assertTrue(echoed.size() > DATAGRAMS * 0.6, summary);
            assertTrue(a.faults.reordered() + b.faults.reordered() > 0, summary);
        }
    }

    private static long checksumDrops(InetStack s) {
        return s.udp().badChecksum() + s.ipv4().badChecksum() + s.icmp().badChecksum();
    }

    private static long otherDrops(InetStack s) {
        return s.ethernet().dropped() + s.ipv4().malformed() + s.ipv4().notForUs() + s.ipv4().badSource()
                + s.ipv4().fragmentsDropped() + s.ipv4().unknownProtocol() + s.udp().malformed() + s.udp().noSocket()
                + s.arp().dropped();
    }
}
