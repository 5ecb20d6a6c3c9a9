package io.demikv.catnip.phy.dpdk;

import io.demikv.catnip.Catnip;
import io.demikv.catnip.ffi.NetNamespace;
import io.demikv.catnip.net.Captures;
import io.demikv.catnip.phy.Device;
import io.demikv.catnip.phy.PcapDevice;
import io.demikv.catnip.phy.PcapWriter;
import io.demikv.catnip.phy.RawSocketDevice;
import io.demikv.catnip.phy.dpdk.ffi.Dpdk;
import io.demikv.catnip.phy.dpdk.ffi.ShimLibrary;
import io.demikv.config.InetStackConfig;
import io.demikv.config.Ipv4Address;
import io.demikv.libos.LibOsFactory;
import io.demikv.libos.LibOsOptions;
import io.demikv.libos.WaitPolicy;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.memory.MemoryProvider;
import io.demikv.libos.time.NanoClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Catnip on DPDK against the Linux kernel's own stack, over veth pairs between namespaces the test makes (and a
 * TAP): through {@code catnip.device: dpdk} in a YAML config with {@code net_af_packet}, through {@code net_af_xdp}
 * and through {@code net_tap}; the kernel pings us and a kernel UDP socket exchanges datagrams with ours both ways. Also measures the ping RTT over
 * DPDK against the raw-socket device on the same veth, and checks mbuf lifetimes.
 *
 * <p>All DPDK tests live in this one class, in order, because EAL runs once per process: {@link #setUp} starts it
 * (with {@code --vdev net_af_packet…} inside the stack's namespace) and every later port is probed by device
 * arguments. Skipped, with the reason printed, when not root, without {@code ip}, or without the shim (no DPDK
 * development files at build time). The namespaces are deleted afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DpdkPeerTest {
    private static final long STACK_MAC = 0x02_00_00_d6_00_02L;
    /** Without hugepages, without shared files; the rewrite turns -l 0 into --lcores=0@(all CPUs). */
    private static final List<String> BASE_EAL = List.of("-l", "0", "--no-pci", "--no-huge", "-m", "256",
            "--no-shconf");
    private static final int ROUNDS = 20;

    @RegisterExtension
    final Captures captures = new Captures();
    private final Namespaces namespaces = new Namespaces();
    private final String s = Long.toString(ProcessHandle.current().pid() % 100_000);
    // Pair A: net_af_packet (and the raw socket, for comparison).
    private final String kernelA = "dpdk-ka" + s;
    private final String stackA = "dpdk-sa" + s;
    private final String kernelIfA = "dka" + s;
    private final String stackIfA = "dsa" + s;
    private final String kernelIpA = "10.214.1.1";
    private final String stackIpA = "10.214.1.2";
    // Pair B: net_af_xdp.
    private final String kernelB = "dpdk-kb" + s;
    private final String stackB = "dpdk-sb" + s;
    private final String kernelIfB = "dkb" + s;
    private final String stackIfB = "dsb" + s;
    private final String kernelIpB = "10.214.2.1";
    private final String stackIpB = "10.214.2.2";
    // net_tap: DPDK makes the TAP interface in namespace C, where the kernel uses it.
    private final String kernelC = "dpdk-kc" + s;
    private final String tapIf = "dtp" + s;
    private final String kernelIpC = "10.214.3.1";
    private final String stackIpC = "10.214.3.2";
    private final String afPacket = "net_af_packet" + s + ",iface=" + stackIfA;
    private final String afXdp = "net_af_xdp" + s + ",iface=" + stackIfB + ",start_queue=0,queue_count=1";
    private List<String> eal;
    private String skipped;
    private final List<String> rtt = new ArrayList<>();
    /** The device the last {@link #catnip} call opened (under its pcap decorator). */
    private Device opened;

    @BeforeAll
    void setUp() {
        skipped = unavailableReason();
        if (skipped != null) {
            System.out.println("[dpdk] DpdkPeerTest skipped: " + skipped);
            return;
        }
        namespaces.vethPair(kernelA, kernelIfA, kernelIpA + "/24", stackA, stackIfA);
        namespaces.vethPair(kernelB, kernelIfB, kernelIpB + "/24", stackB, stackIfB);
        namespaces.namespace(kernelC);
        eal = new ArrayList<>(BASE_EAL);
        eal.add("--vdev");
        eal.add(afPacket);
        // The af_packet vdev is probed by rte_eal_init: its socket opens in the namespace of the calling thread.
        List<String> effective = NetNamespace.call(stackA, () -> Eal.init(eal));
        System.out.println("[dpdk] EAL runs (" + Dpdk.version() + ") with " + effective);
    }

    private static String unavailableReason() {
        if (!Namespaces.isRoot()) {
            return "not root: the test creates network namespaces and veth pairs, and DPDK needs root";
        }
        if (!Namespaces.have("ip")) {
            return "the `ip` command is missing (apt-get install iproute2)";
        }
        return ShimLibrary.unavailableReason();
    }

    @BeforeEach
    void skipWhenUnavailable() {
        assumeTrue(skipped == null, skipped);
    }

    @AfterAll
    void tearDown() {
        namespaces.close();
        if (!rtt.isEmpty()) {
            System.out.println("[dpdk] ping RTT from the kernel's namespace (200 pings, 10 ms apart):");
            rtt.forEach(line -> System.out.println("[dpdk]   " + line));
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void catnipDeviceDpdkInTheConfigAnswersPingAndUdpOverAfPacket(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("catnip-dpdk.yaml");
        Files.writeString(yaml, """
                demikernel:
                  local_ipv4_addr: "%s"
                  local_link_addr: "02:00:00:d6:00:02"
                catnip:
                  device: dpdk
                dpdk:
                  eal_init: [%s]
                libos:
                  name: catnip
                """.formatted(stackIpA, eal.stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(", "))));
        Catnip catnip = NetNamespace.call(stackA, () -> (Catnip) LibOsFactory.create("catnip",
                new LibOsOptions(yaml.toString(), WaitPolicy.DEFAULT, -1, -1)));
        try {
            DpdkDevice device = assertInstanceOf(DpdkDevice.class, catnip.stack().device());
            assertTrue(device.name().startsWith("net_af_packet"), device.toString());
            assertEquals(8191, device.mbufCount());
            assertEquals(1500, device.mtu());
            KernelPeer.PingResult ping = KernelPeer.ping(catnip, kernelA, stackIpA, 5, "0.2");
            assertEquals(5, ping.received(), ping.output());
            assertTrue(catnip.stack().arp().repliesSent() >= 1, "the kernel resolved us by ARP");
            KernelPeer.udpBothWays(catnip, kernelA, kernelIpA, stackIpA, ROUNDS);
            assertZeroCopyBothWays(device);
        } finally {
            catnip.close();
        }
    }

    @Test
    @Order(2)
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void afXdpPortAnswersPingAndUdpAndItsRttIsMeasured() throws Exception {
        // One session: DPDK 22.11 cannot open an af_xdp queue again in the same process (see DpdkDevice).
        Catnip catnip = catnip(stackB, stackIpB, pool -> openAfXdp(pool));
        try {
            DpdkDevice device = assertInstanceOf(DpdkDevice.class, opened);
            assertTrue(device.name().startsWith("net_af_xdp"), device.toString());
            KernelPeer.PingResult ping = KernelPeer.ping(catnip, kernelB, stackIpB, 5, "0.2");
            assertEquals(5, ping.received(), ping.output());
            KernelPeer.udpBothWays(catnip, kernelB, kernelIpB, stackIpB, ROUNDS);
            assertZeroCopyBothWays(device);
            rtt.add("DPDK net_af_xdp: " + pingRtt(catnip, kernelB, stackIpB));
        } finally {
            catnip.close();
        }
    }

    @Test
    @Order(3)
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void measuresPingRttOverDpdkAfPacketAndTheRawSocket() throws Exception {
        // The vdev of EAL's arguments was unplugged when test 1 closed it: opening it again probes it anew.
        Catnip dpdk = catnip(stackA, stackIpA,
                pool -> DpdkDevice.open(eal, DpdkDevice.Settings.DEFAULTS.withDevargs(afPacket), STACK_MAC, pool));
        try {
            rtt.add("DPDK net_af_packet: " + pingRtt(dpdk, kernelA, stackIpA));
        } finally {
            dpdk.close();
        }
        Catnip raw = catnip(stackA, stackIpA, pool -> new RawSocketDevice(stackIfA, STACK_MAC, pool));
        try {
            rtt.add("raw AF_PACKET socket: " + pingRtt(raw, kernelA, stackIpA));
        } finally {
            raw.close();
        }
    }

    @Test
    @Order(4)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void netTapPortAnswersPingAndUdp() throws Exception {
        Catnip catnip = catnip(kernelC, stackIpC, pool -> DpdkDevice.open(eal,
                DpdkDevice.Settings.DEFAULTS.withDevargs("net_tap" + s + ",iface=" + tapIf), STACK_MAC, pool));
        try {
            Namespaces.run("ip", "-n", kernelC, "addr", "add", kernelIpC + "/24", "dev", tapIf);
            Namespaces.run("ip", "-n", kernelC, "link", "set", tapIf, "up");
            DpdkDevice device = assertInstanceOf(DpdkDevice.class, opened);
            KernelPeer.PingResult ping = KernelPeer.ping(catnip, kernelC, stackIpC, 5, "0.2");
            assertEquals(5, ping.received(), ping.output());
            KernelPeer.udpBothWays(catnip, kernelC, kernelIpC, stackIpC, ROUNDS);
            assertZeroCopyBothWays(device);
        } finally {
            catnip.close();
        }
    }

    @Test
    @Order(5)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void receivedBuffersOutliveTheirPortAndEalIsOncePerProcessAndFreePortsAreFound() throws Exception {
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> Eal.init(List.of("--no-pci", "--no-huge")));
        assertTrue(twice.getMessage().contains("one EAL per process"), twice.getMessage());

        try (BufferPool pool = new BufferPool(MemoryProvider.nativeMemory(), BufferPool.DEFAULT_HEADROOM)) {
            // Every earlier port was closed and unplugged: without device arguments there is none to take.
            DpdkDevice.Settings small = DpdkDevice.Settings.DEFAULTS.withMbufs(1024);
            IllegalStateException none = assertThrows(IllegalStateException.class,
                    () -> DpdkDevice.openPort(small, 0, pool));
            assertTrue(none.getMessage().contains("no DPDK port is available"), none.getMessage());
            // A port probed (here by hand) but not open is the first free one.
            int probed = NetNamespace.call(stackA, () -> {
                try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
                    return Dpdk.devProbe(a.allocateFrom(afPacket));
                }
            });
            assertEquals(0, probed, "rte_dev_probe " + afPacket);
            DpdkDevice device = NetNamespace.call(stackA, () -> DpdkDevice.openPort(small, 0, pool));
            assertTrue(device.name().startsWith("net_af_packet"), device.toString());
            assertEquals(1024, device.mbufCount());
            assertEquals(device.portMac(), device.macAddress(), "0 means the port's own MAC (not promiscuous)");
            // The kernel's ARP requests for an address nobody has are broadcast: they reach us.
            Process ping = new ProcessBuilder("ip", "netns", "exec", kernelA, "ping", "-c", "3", "-i", "0.2", "-W", "1",
                    "10.214.1.9").redirectErrorStream(true).start();
            DemiBuffer[] frames = new DemiBuffer[DpdkDevice.BURST];
            DemiBuffer kept = null;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (kept == null && System.nanoTime() < end) {
                int n = device.receive(frames, frames.length);
                for (int i = 0; i < n; i++) {
                    if (kept == null && frames[i].length() >= 42) {
                        kept = frames[i];
                    } else {
                        frames[i].release();
                    }
                    frames[i] = null;
                }
            }
            ping.waitFor(10, TimeUnit.SECONDS);
            assertTrue(kept != null, "no frame from the kernel");
            assertEquals(1, device.mbufsHeld());
            assertEquals(1, pool.outstanding());
            byte[] before = kept.memory().asSlice(kept.offset(), kept.length()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            device.close(); // the pool must stay: the frame is still held
            byte[] after = kept.memory().asSlice(kept.offset(), kept.length()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            assertTrue(java.util.Arrays.equals(before, after), "a held frame keeps its bytes after close");
            assertEquals(0x0806, ((after[12] & 0xFF) << 8) | (after[13] & 0xFF), "an ARP request");
            kept.release(); // the last one: the pool goes now
            assertEquals(0, device.mbufsHeld());
            assertEquals(0, pool.outstanding());
        }
    }

    private void assertZeroCopyBothWays(DpdkDevice device) {
        assertEquals(0, device.rxCopied(), "every received frame was an mbuf of ours");
        assertEquals(0, device.rxDropped());
        // Echo replies (ICMP, then the UDP server's echoes) are built in the received mbuf and sent as it.
        assertTrue(device.txZeroCopy() >= 5 + ROUNDS, "zero-copy transmits: " + device.txZeroCopy());
        // Our client's datagrams (sgaAlloc memory) and ARP are copied once into mbufs.
        assertTrue(device.txCopied() >= ROUNDS, "copied transmits: " + device.txCopied());
        assertEquals(0, device.txDropped());
        assertEquals(0, device.mbufsHeld(), "every popped datagram was freed, so every mbuf is back");
        System.out.println("[dpdk] " + device + ": rx " + device.rxPackets() + ", tx " + device.txPackets()
                + " (" + device.txZeroCopy() + " without a copy, " + device.txCopied() + " copied)");
    }

    private DpdkDevice openAfXdp(BufferPool pool) {
        try {
            return DpdkDevice.open(eal, DpdkDevice.Settings.DEFAULTS.withDevargs(afXdp), STACK_MAC, pool);
        } catch (IllegalStateException e) {
            System.out.println("[dpdk] net_af_xdp unavailable here: " + e.getMessage());
            Assumptions.abort("net_af_xdp unavailable here: " + e.getMessage());
            throw e;
        }
    }

    /** A Catnip at {@code ip} over the device {@code opener} makes inside namespace {@code ns}, recorded to pcap. */
    private Catnip catnip(String ns, String ip, Function<BufferPool, Device> opener) {
        BufferPool pool = new BufferPool(MemoryProvider.nativeMemory(), BufferPool.DEFAULT_HEADROOM);
        try {
            Device device = NetNamespace.call(ns, () -> opener.apply(pool));
            opened = device;
            PcapWriter[] w = new PcapWriter[1];
            w[0] = PcapWriter.create(captures.file(ns, () -> w[0].flush()));
            return new Catnip(NanoClock.SYSTEM, WaitPolicy.DEFAULT, pool, new PcapDevice(device, w[0], NanoClock.SYSTEM),
                    Ipv4Address.parse(ip).value(), InetStackConfig.DEFAULTS);
        } catch (RuntimeException | Error e) {
            pool.close();
            throw e;
        }
    }

    /** Pings 200 times, 10 ms apart, after a warm-up (ARP, JIT); returns the summary. */
    private static String pingRtt(Catnip catnip, String kernelNs, String target) throws Exception {
        KernelPeer.ping(catnip, kernelNs, target, 20, "0.01");
        KernelPeer.PingResult r = KernelPeer.ping(catnip, kernelNs, target, 200, "0.01");
        assertTrue(r.received() >= 190, r.output());
        return r.toString();
    }
}
