package io.demikv.catnip.net;

import io.demikv.catnip.net.TestNet.Host;
import io.demikv.catnip.wire.Frames;
import io.demikv.libos.Endpoint;
import io.demikv.libos.LibOS;
import io.demikv.libos.QResult;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.MemoryProvider;
import io.demikv.libos.testkit.LibOsTestKit;
import io.demikv.catnip.phy.Injector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile frames into a whole host: random bytes, truncations and bit flips of valid frames addressed to it.
 * Nothing may throw out of the stack, every buffer must come back, and the host must still work afterwards.
 * Specific bad inputs land in their counters.
 */
class StackFuzzTest {
    static final String IP_B = "10.0.0.2";
    /** a (10.0.0.1, 02:..:01) to b (10.0.0.2, 02:..:02), UDP 1234 -> 7 "hello". */
    static final String UDP_TO_B = "020000000002020000000001080045000021" + "1c46400040110a840a0000010a000002"
            + "04d20007000da32668656c6c6f";

    @RegisterExtension
    final Captures captures = new Captures();

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void hostileFramesNeverBreakTheHost(long seed) {
        try (TestNet net = new TestNet(captures)) {
            Host b = net.host("b", IP_B, "02:00:00:00:00:02");
            Host a = net.host("a", "10.0.0.1", "02:00:00:00:00:01");
            BufferPool raw = new BufferPool(MemoryProvider.nativeMemory(), 0);
            var wire = net.link.attach(0x02_00_00_00_00_99L, raw);
            int server = b.catnip.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
            b.catnip.bind(server, Endpoint.of(0, 7));
            Random random = new Random(seed);
            byte[] valid = Frames.hex(UDP_TO_B);
            byte[] arp = Frames.hex("ffffffffffff" + "020000000001" + "0806"
                    + "0001080006040001" + "020000000001" + "0a000001" + "000000000000" + "0a000002");
            for (int i = 0; i < 3_000; i++) {
                byte[] f;
                switch (random.nextInt(3)) {
                    case 0 -> {
                        f = new byte[random.nextInt(100)];
                        random.nextBytes(f);
                        if (f.length >= 6) {
                            System.arraycopy(valid, 0, f, 0, 6); // addressed to b
                        }
                    }
                    case 1 -> f = java.util.Arrays.copyOf(random.nextBoolean() ? valid : arp, random.nextInt(valid.length + 1));
                    default -> {
                        f = (random.nextBoolean() ? valid : arp).clone();
                        for (int k = 1 + random.nextInt(3); k > 0; k--) {
                            f[6 + random.nextInt(f.length - 6)] ^= (byte) (1 << random.nextInt(8));
                        }
                    }
                }
                TestNet.inject(wire, raw, f);
                if (i % 16 == 0) {
                    net.round();
                }
            }
            net.runFor(100_000_000L);
            // Drain whatever valid datagrams got through, then check the host still works end to end.
            QResult r = new QResult();
            long pop = b.catnip.pop(server);
            while (TestNet.done(b, pop)) {
                b.catnip.scheduler().take(pop, r);
                b.catnip.sgaFree(r.sga());
                pop = b.catnip.pop(server);
            }
            int client = a.catnip.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
            a.catnip.sgaFree(net.await(a, a.catnip.pushTo(client, LibOsTestKit.sga(a.catnip, "alive"),
                    Endpoint.of(b.ip, 7)), "push after the storm").sga());
            QResult got = net.await(b, pop, "pop after the storm");
            assertEquals("alive", LibOsTestKit.text(got.sga()));
            b.catnip.sgaFree(got.sga());
            b.catnip.close(server);
            LibOsTestKit.assertNoLeaks(b.catnip);
            raw.close();
        }
    }

    @Test
    void countsEachKindOfBadPacketWhereItIsDropped() {
        try (TestNet net = new TestNet(captures)) {
            Host b = net.host("b", IP_B, "02:00:00:00:00:02");
            BufferPool raw = new BufferPool(MemoryProvider.nativeMemory(), 0);
            var wire = net.link.attach(0x02_00_00_00_00_01L, raw);
            int server = b.catnip.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
            b.catnip.bind(server, Endpoint.of(0, 7));
            byte[] valid = Frames.hex(UDP_TO_B);

            byte[] badIpSum = valid.clone();
            badIpSum[24] ^= 0x40;
            byte[] badUdpSum = valid.clone();
            badUdpSum[40] ^= 0x01;
            byte[] noUdpSum = valid.clone();
            noUdpSum[40] = 0;
            noUdpSum[41] = 0;
            byte[] fragment = Injector.withIpv4Fixup(valid, f -> f[20] = 0x20); // MF
            byte[] otherHost = Injector.withIpv4Fixup(valid, f -> f[33] = 9);
            byte[] noSocket = valid.clone();
            noSocket[37] = 8; // port 8, UDP checksum now wrong: fix by zeroing it
            noSocket[40] = 0;
            noSocket[41] = 0;
            byte[] padded = java.util.Arrays.copyOf(valid, 60); // Ethernet minimum frame, zero padding

            for (byte[] f : new byte[][] {valid, badIpSum, badUdpSum, noUdpSum, fragment, otherHost, noSocket, padded}) {
                TestNet.inject(wire, raw, f);
            }
            net.runFor(1_000_000);
            var s = b.catnip.stack();
            assertEquals(1, s.ipv4().badChecksum());
            assertEquals(1, s.udp().badChecksum());
            assertEquals(1, s.ipv4().fragmentsDropped());
            assertEquals(1, s.ipv4().notForUs());
            assertEquals(1, s.udp().noSocket());
            int delivered = 0;
            QResult r = new QResult();
            long pop = b.catnip.pop(server);
            while (TestNet.done(b, pop)) {
                b.catnip.scheduler().take(pop, r);
                assertEquals("hello", LibOsTestKit.text(r.sga()), "padding is not data");
                b.catnip.sgaFree(r.sga());
                delivered++;
                pop = b.catnip.pop(server);
            }
            assertEquals(3, delivered, "valid, zero checksum (none) and padded");
            assertTrue(s.ethernet().received() >= 8);
            raw.close();
        }
    }
}
