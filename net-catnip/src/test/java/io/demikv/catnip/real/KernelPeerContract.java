package io.demikv.catnip.real;

import io.demikv.catnip.Catnip;
import io.demikv.catnip.ffi.NetNamespace;
import io.demikv.catnip.net.Captures;
import io.demikv.catnip.phy.Device;
import io.demikv.catnip.phy.PcapDevice;
import io.demikv.catnip.phy.PcapWriter;
import io.demikv.config.InetStackConfig;
import io.demikv.config.Ipv4Address;
import io.demikv.libos.Endpoint;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.WaitPolicy;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.MemoryProvider;
import io.demikv.libos.testkit.LibOsTestKit;
import io.demikv.libos.time.NanoClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Linux kernel's own stack in a network namespace the test made, talking to Catnip over a real device:
 * the kernel pings us, and a kernel UDP socket exchanges datagrams with ours both ways. A subclass makes the
 * namespaces and the device ({@link RawSocketPeerTest}, {@link TapPeerTest}). Skipped, with the reason printed,
 * where the machine cannot (not root, no {@code ip}). Every namespace is deleted afterwards; traffic never
 * leaves them. Bounded: each test has a timeout and a fixed number of packets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class KernelPeerContract {
    static final String KERNEL_IP = "10.213.%d.1";
    static final String STACK_IP = "10.213.%d.2";
    static final long STACK_MAC = 0x02_00_00_d5_00_02L;
    static final int ROUNDS = 20;

    @RegisterExtension
    final Captures captures = new Captures();
    final Netns netns = new Netns();
    String kernelNs;
    BufferPool pool;
    Catnip catnip;
    private String skipped;

    /** The subnet's third octet, distinct per subclass. */
    abstract int subnet();

    /**
     * Makes the namespaces and the link, gives the kernel side its address, and sets {@link #kernelNs} and
     * {@link #opener}.
     */
    abstract void createLink(Netns netns);

    String kernelIp() {
        return String.format(KERNEL_IP, subnet());
    }

    String stackIp() {
        return String.format(STACK_IP, subnet());
    }

    @BeforeAll
    void setUpLink() {
        skipped = Netns.unavailableReason();
        if (skipped != null) {
            System.out.println("[real peer] " + getClass().getSimpleName() + " skipped: " + skipped);
            return;
        }
        try (BufferPool trial = new BufferPool(MemoryProvider.nativeMemory(), BufferPool.DEFAULT_HEADROOM)) {
            createLink(netns);
            opener.apply(trial).close();
        } catch (RuntimeException e) {
            skipped = "cannot make the namespaces and device here: " + e.getMessage();
            System.out.println("[real peer] " + getClass().getSimpleName() + " skipped: " + skipped);
            netns.close();
        }
    }

    /** Set by {@link #createLink}: how to open the stack's device again for each test. */
    Function<BufferPool, Device> opener;

    @BeforeEach
    void startStack() {
        assumeTrue(skipped == null, skipped);
        pool = new BufferPool(MemoryProvider.nativeMemory(), BufferPool.DEFAULT_HEADROOM);
        Device device = opener.apply(pool);
        PcapWriter[] w = new PcapWriter[1];
        w[0] = PcapWriter.create(captures.file("catnip", () -> w[0].flush()));
        device = new PcapDevice(device, w[0], NanoClock.SYSTEM);
        catnip = new Catnip(NanoClock.SYSTEM, WaitPolicy.DEFAULT, pool, device, Ipv4Address.parse(stackIp()).value(),
                InetStackConfig.DEFAULTS);
    }

    @AfterEach
    void stopStack() {
        if (catnip != null) {
            catnip.close(); // its device and pool too
            catnip = null;
        }
    }

    @AfterAll
    void tearDownLink() {
        netns.close();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void kernelPingsOurStackAndGetsReplies() throws Exception {
        assumeTrue(Netns.have("ping"), "ping is not installed (apt-get install iputils-ping)");
        Process ping = new ProcessBuilder("ip", "netns", "exec", kernelNs, "ping", "-c", "5", "-i", "0.2", "-W", "2",
                stackIp()).redirectErrorStream(true).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ping.isAlive() && System.nanoTime() < end) {
            catnip.poll();
        }
        String out = new String(ping.getInputStream().readAllBytes());
        assertTrue(ping.waitFor(1, TimeUnit.SECONDS), "ping did not finish: " + out);
        assertEquals(0, ping.exitValue(), out);
        assertTrue(out.contains("5 received"), out);
        assertTrue(catnip.stack().icmp().echoRequests() >= 5);
        assertTrue(catnip.stack().arp().repliesSent() >= 1, "the kernel resolved us by ARP");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void kernelUdpSocketAndOurUdpExchangeDatagramsBothWays() throws Exception {
        DatagramChannel kernel = NetNamespace.call(kernelNs, () -> {
            try {
                DatagramChannel ch = DatagramChannel.open();
                ch.bind(new InetSocketAddress(kernelIp(), 9000));
                ch.configureBlocking(false);
                return ch;
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try (kernel) {
            int server = catnip.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
            assertEquals(0, catnip.bind(server, Endpoint.parse("0.0.0.0:7")));
            int client = catnip.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
            QResult r = new QResult();
            InetSocketAddress us = new InetSocketAddress(stackIp(), 7);
            ByteBuffer in = ByteBuffer.allocate(2048);
            for (int i = 0; i < ROUNDS; i++) {
                // Kernel client -> our server -> echo -> kernel.
                String text = "kernel->catnip " + i;
                long pop = catnip.pop(server);
                kernel.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), us);
                assertEquals(0, catnip.wait(pop, TimeUnit.SECONDS.toNanos(5), r), "no datagram from the kernel");
                assertEquals(Opcode.POP, r.opcode(), r.toString());
                assertEquals(text, LibOsTestKit.text(r.sga()));
                assertEquals(Endpoint.parse(kernelIp() + ":9000"), r.peer());
                long push = catnip.pushTo(server, r.sga(), r.peer());
                var popped = r.sga();
                assertEquals(0, catnip.wait(push, TimeUnit.SECONDS.toNanos(5), r));
                assertEquals(Opcode.PUSH, r.opcode(), r.toString());
                catnip.sgaFree(popped);
                assertEquals(text, receive(kernel, in, us));

                // Our client -> kernel server -> reply -> us.
                String mine = "catnip->kernel " + i;
                long push2 = catnip.pushTo(client, LibOsTestKit.sga(catnip, mine), Endpoint.parse(kernelIp() + ":9000"));
                assertEquals(0, catnip.wait(push2, TimeUnit.SECONDS.toNanos(5), r));
                assertEquals(Opcode.PUSH, r.opcode(), r.toString());
                catnip.sgaFree(r.sga());
                in.clear();
                InetSocketAddress from = receiveFrom(kernel, in);
                assertEquals(mine, StandardCharsets.UTF_8.decode(in.flip()).toString());
                assertEquals(catnip.localEndpoint(client), Endpoint.parse(stackIp() + ":" + from.getPort()));
                long pop2 = catnip.pop(client);
                kernel.send(ByteBuffer.wrap(("re: " + mine).getBytes(StandardCharsets.UTF_8)), from);
                assertEquals(0, catnip.wait(pop2, TimeUnit.SECONDS.toNanos(5), r));
                assertEquals("re: " + mine, LibOsTestKit.text(r.sga()));
                catnip.sgaFree(r.sga());
            }
            assertEquals(0, catnip.stack().udp().badChecksum(), "the kernel's checksums verify (tx offload is off)");
            assertEquals(0, catnip.stack().ipv4().badChecksum());
        }
    }

    /** Receives one datagram on the kernel socket while running our stack; returns its text. */
    private String receive(DatagramChannel kernel, ByteBuffer in, InetSocketAddress expectedFrom) throws Exception {
        in.clear();
        InetSocketAddress from = receiveFrom(kernel, in);
        assertEquals(expectedFrom, from);
        return StandardCharsets.UTF_8.decode(in.flip()).toString();
    }

    private InetSocketAddress receiveFrom(DatagramChannel kernel, ByteBuffer in) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end) {
            InetSocketAddress from = (InetSocketAddress) kernel.receive(in);
            if (from != null) {
                return from;
            }
            catnip.poll();
        }
        throw new AssertionError("the kernel socket received nothing within 5 s");
    }
}
