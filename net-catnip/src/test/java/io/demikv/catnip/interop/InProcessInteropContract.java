package io.demikv.catnip.interop;

import io.demikv.catnip.Catnip;
import io.demikv.catnip.net.Captures;
import io.demikv.catnip.phy.Device;
import io.demikv.catnip.phy.PcapDevice;
import io.demikv.catnip.phy.PcapWriter;
import io.demikv.catnip.real.Netns;
import io.demikv.catnip.tcp.TcpConfig;
import io.demikv.catnip.tcp.TcpState;
import io.demikv.config.InetStackConfig;
import io.demikv.config.Ipv4Address;
import io.demikv.libos.Endpoint;
import io.demikv.libos.WaitPolicy;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.MemoryProvider;
import io.demikv.libos.time.NanoClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Interoperability of Catnip with the Linux kernel's stack over a real device, our stack in this JVM: the kernel
 * arpings and pings us; kernel TCP clients (several at once) and a kernel UDP socket go through our echo server;
 * our TCP and UDP clients go through a kernel echo server. Subclasses make the link and open the device
 * ({@link RawSocketInteropTest}, {@link TapInteropTest}).
 *
 * <p>Each test records what the kernel's interface saw ({@code tcpdump}) and what our device saw
 * ({@link PcapDevice}); both files are kept under {@code net-catnip/target*}{@code /pcap/} and printed when the test
 * fails. Root only: otherwise skipped with the reason printed. The namespaces (and with them every interface) are
 * deleted after the class; traffic never leaves them; every test and every socket call is bounded in time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class InProcessInteropContract {
    static final int PORT = 7;

    @RegisterExtension
    final Captures captures = new Captures();
    Link link;
    private String skipped;
    private Catnip catnip;

    /** Makes the link (namespaces, interfaces, kernel address). */
    abstract Link createLink();

    /** Opens our device on {@link #link}, in the right namespace. */
    abstract Function<BufferPool, Device> opener();

    /** Device counters worth printing after a transfer ("" when none). */
    String deviceReport() {
        return "";
    }

    @BeforeAll
    void setUpLink() {
        skipped = Link.unavailableReason("ethtool", "ping");
        if (skipped == null) {
            try {
                link = createLink();
            } catch (RuntimeException e) {
                skipped = "cannot make the namespaces and the link here: " + e.getMessage();
            }
        }
        if (skipped != null) {
            System.out.println("[interop] " + getClass().getSimpleName() + " skipped: " + skipped);
        }
    }

    @BeforeEach
    void startStack() {
        assumeTrue(skipped == null, skipped);
        KernelCapture.start(captures, link.kernelNs, link.kernelIf, "kernel-" + link.kernelIf);
        BufferPool pool = new BufferPool(MemoryProvider.nativeMemory(), BufferPool.DEFAULT_HEADROOM);
        Device device = opener().apply(pool);
        PcapWriter[] w = new PcapWriter[1];
        w[0] = PcapWriter.create(captures.file("catnip", () -> w[0].flush()));
        device = new PcapDevice(device, w[0], NanoClock.SYSTEM);
        InetStackConfig inet = InetStackConfig.DEFAULTS;
        // Linux's 200 ms minimum RTO, as the kernel peer uses: a lost frame on a real link costs less than 1 s.
        TcpConfig tcp = TcpConfig.defaults(inet).withRto(TcpConfig.S, 200 * TcpConfig.MS, 60 * TcpConfig.S);
        catnip = new Catnip(NanoClock.SYSTEM, WaitPolicy.DEFAULT, pool, device,
                Ipv4Address.parse(link.stackIp).value(), inet, tcp);
    }

    @AfterEach
    void stopStack() {
        if (catnip != null) {
            catnip.close();
            catnip = null;
        }
    }

    @AfterAll
    void tearDownLink() {
        if (link != null) {
            link.close();
        }
    }

    /**
     * Runs our echo server on the test thread (which owns the stack: devices are confined to the thread that made
     * them) while {@code kernel} runs on another thread; returns its result once it is done and the server is
     * closed, or rethrows its failure.
     */
    private <T> T serving(EchoService echo, Callable<T> kernel) throws Exception {
        echo.open();
        FutureTask<T> task = new FutureTask<>(kernel);
        Thread.ofPlatform().name("kernel-side").start(task);
        echo.run(() -> !task.isDone());
        assertNull(echo.failure.get(), "our echo server failed");
        return task.get(1, TimeUnit.SECONDS);
    }

    /** Runs {@code command} in the kernel's namespace, bounded, while our stack answers; returns its output. */
    private String kernelRun(int seconds, String... command) throws Exception {
        return serving(new EchoService(catnip, PORT), () -> run(seconds, command));
    }

    private String run(int seconds, String... command) throws Exception {
        return Link.kernelRun(link, seconds, command);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void kernelArpingGetsAnswersWithOurMac() throws Exception {
        assumeTrue(Netns.have("arping"), "arping is not installed (apt-get install arping)");
        // Flush what the kernel learned, so every request is a real broadcast who-has.
        Netns.run("ip", "-n", link.kernelNs, "neigh", "flush", "dev", link.kernelIf);
        String out = kernelRun(30, "arping", "-c", "3", "-w", "10", "-i", link.kernelIf, link.stackIp);
        System.out.println("[interop] " + out.strip().replace('\n', '|'));
        assertTrue(out.toLowerCase(Locale.ROOT).contains(Link.STACK_MAC_TEXT), "answers carry our MAC:\n" + out);
        assertTrue(out.contains("3 packets transmitted, 3 packets received"), out);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void kernelPingGetsAnswersSmallAndNearTheMtu() throws Exception {
        String small = kernelRun(30, "ping", "-c", "5", "-i", "0.2", "-W", "2", link.stackIp);
        assertTrue(small.contains("5 received"), small);
        // 1472 bytes of ICMP data: a 1500-byte IPv4 datagram, the largest without fragmentation.
        String big = kernelRun(30, "ping", "-c", "3", "-i", "0.2", "-W", "2", "-s", "1472", "-M", "do", link.stackIp);
        assertTrue(big.contains("3 received"), big);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void kernelTcpClientsEchoThroughOurServer() throws Exception {
        EchoService e = new EchoService(catnip, PORT);
        int clients = 16;
        long bytes = serving(e, () -> KernelSide.tcpEchoClients(link.kernelNs, link.stackIp, PORT, clients,
                KernelSide.SIZES, 2));
        assertEquals(clients, e.accepted.get());
        // Each client saw our FIN, which we send only after its own FIN: every close went through.
        assertEquals(clients, e.closedByPeer.get(), "every kernel FIN reached our server");
        assertEquals(bytes, e.bytesEchoed.get());
        settle();
        report();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void kernelUdpSocketEchoesThroughOurServer() throws Exception {
        int resent = serving(new EchoService(catnip, PORT),
                () -> KernelSide.udpEchoClient(link.kernelNs, link.kernelIp, link.stackIp, PORT, 500, 1472));
        System.out.println("[interop] kernel UDP client: 500 datagrams echoed, " + resent + " resent");
        assertEquals(0, catnip.stack().udp().badChecksum(), "the kernel's UDP checksums verify");
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void ourTcpClientEchoesThroughAKernelServer() throws Exception {
        try (KernelSide.EchoServer server = new KernelSide.EchoServer(link.kernelNs, link.kernelIp, 9007)) {
            long to = Endpoint.parse(link.kernelIp + ":9007");
            for (int c = 0; c < 3; c++) {
                OurSide.tcpEcho(catnip, to, KernelSide.SIZES, 2, 2000 + c);
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.completed.get() < 3 && System.nanoTime() < end) {
                catnip.poll(); // our FINs, retransmitted if needed, and the kernel's
            }
            assertNull(server.failure.get(), "the kernel server saw an error");
            assertEquals(3, server.completed.get(), "the kernel server saw each of our closes as end of stream");
            settle();
        }
        report();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void ourUdpClientEchoesThroughAKernelServer() throws Exception {
        try (KernelSide.EchoServer server = new KernelSide.EchoServer(link.kernelNs, link.kernelIp, 9007)) {
            int resent = OurSide.udpEcho(catnip, Endpoint.parse(link.kernelIp + ":9007"), 500, 1472);
            System.out.println("[interop] our UDP client: 500 datagrams echoed, " + resent + " resent");
        }
        assertEquals(0, catnip.stack().udp().badChecksum(), "the kernel's UDP checksums verify");
    }

    /**
     * Runs the stack until every connection is in TIME-WAIT or gone (at most 5 s): the kernel's last FIN is then
     * acknowledged, and it will not retransmit it into the next test's fresh stack (which would rightly answer
     * with a reset).
     */
    private void settle() {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        boolean[] open = {true};
        while (open[0] && System.nanoTime() < end) {
            catnip.poll();
            open[0] = false;
            catnip.stack().tcp().connections().forEach(cb -> open[0] |= cb.state() != TcpState.TIME_WAIT);
        }
        StringBuilder left = new StringBuilder();
        catnip.stack().tcp().connections().forEach(cb -> {
            if (cb.state() != TcpState.TIME_WAIT) {
                left.append(' ').append(TcpState.name(cb.state()));
            }
        });
        assertEquals("", left.toString(), "connections still closing after 5 s");
    }

    /** The kernel's own counters of segments it dropped (nstat, per namespace), the nonzero ones. */
    private String kernelDrops() {
        if (!Netns.have("nstat")) {
            return "(nstat missing)";
        }
        StringBuilder b = new StringBuilder();
        for (String line : Netns.run("ip", "netns", "exec", link.kernelNs, "nstat", "-az").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && (f[0].contains("Drop") || f[0].contains("Prune") || f[0].contains("OFO")
                    || f[0].contains("Retrans") || f[0].contains("InErrs")) && !f[1].equals("0")) {
                b.append(f[0]).append('=').append(f[1]).append(' ');
            }
        }
        return b.isEmpty() ? "no drops" : b.toString().trim();
    }

    private void report() {
        var tcp = catnip.stack().tcp();
        System.out.println("[interop] " + getClass().getSimpleName() + " tcp: " + tcp.received() + " segments in, "
                + tcp.segmentsSent() + " out, " + tcp.retransmissions() + " retransmissions, " + tcp.timeouts()
                + " timeouts, " + tcp.resetsSent() + " resets sent, " + tcp.badChecksum() + " bad checksums"
                + deviceReport() + "; kernel: " + kernelDrops());
        assertEquals(0, tcp.badChecksum(), "the kernel's TCP checksums verify (tx offload is off)");
        assertEquals(0, tcp.resetsSent(), "every connection opened and closed cleanly: no reset from us");
    }
}
