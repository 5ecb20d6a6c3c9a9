package io.demikv.catnip.tcp;

import io.demikv.catnip.Catnip;
import io.demikv.catnip.ffi.NetNamespace;
import io.demikv.catnip.net.Captures;
import io.demikv.catnip.phy.Device;
import io.demikv.catnip.phy.PcapDevice;
import io.demikv.catnip.phy.PcapWriter;
import io.demikv.catnip.phy.RawSocketDevice;
import io.demikv.catnip.real.Netns;
import io.demikv.config.InetStackConfig;
import io.demikv.config.Ipv4Address;
import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import io.demikv.libos.WaitPolicy;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;
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

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Linux kernel's TCP against ours over a veth pair, each end in a namespace the test made, Catnip on a raw
 * {@code AF_PACKET} socket: our echo server with a kernel client, and our client with a kernel server, 10 MB
 * each way, byte for byte. Root only (skipped with the reason printed otherwise); the namespaces are deleted
 * afterwards. The kernel side's sockets are {@code java.nio} channels created inside its namespace
 * ({@link NetNamespace}) and driven by a second thread while the test thread runs our stack.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelTcpPeerTest {
    static final int BYTES = 10 << 20;
    static final long STACK_MAC = 0x02_00_00_d5_07_02L;
    static final String KERNEL_IP = "10.213.7.1";
    static final String STACK_IP = "10.213.7.2";

    @RegisterExtension
    final Captures captures = new Captures();
    final Netns netns = new Netns();
    String kernelNs;
    String stackNs;
    String stackIf;
    String skipped;
    Catnip catnip;

    @BeforeAll
    void link() {
        skipped = Netns.unavailableReason();
        if (skipped == null && !Netns.have("ethtool")) {
            skipped = "ethtool is missing (apt-get install ethtool): the kernel would send partial checksums";
        }
        if (skipped != null) {
            System.out.println("[real peer] KernelTcpPeerTest skipped: " + skipped);
            return;
        }
        String s = Netns.suffix();
        kernelNs = "tcpk" + s;
        stackNs = "tcps" + s;
        String kernelIf = "tvk" + s;
        stackIf = "tvs" + s;
        try {
            netns.addNamespace(kernelNs);
            netns.addNamespace(stackNs);
            Netns.run("ip", "link", "add", kernelIf, "netns", kernelNs, "type", "veth", "peer", "name", stackIf,
                    "netns", stackNs);
            Netns.run("ip", "-n", kernelNs, "addr", "add", KERNEL_IP + "/24", "dev", kernelIf);
            Netns.run("ip", "-n", kernelNs, "link", "set", kernelIf, "up");
            Netns.run("ip", "-n", stackNs, "link", "set", stackIf, "up");
            // Full checksums and no TSO/GSO from the kernel side (DESIGN.md, runtime facts).
            Netns.run("ip", "netns", "exec", kernelNs, "ethtool", "-K", kernelIf, "tx", "off", "tso", "off",
                    "gso", "off");
        } catch (RuntimeException e) {
            skipped = "cannot make the namespaces here: " + e.getMessage();
            System.out.println("[real peer] KernelTcpPeerTest skipped: " + skipped);
            netns.close();
        }
    }

    @BeforeEach
    void stack() {
        assumeTrue(skipped == null, skipped);
        BufferPool pool = new BufferPool(MemoryProvider.nativeMemory(), BufferPool.DEFAULT_HEADROOM);
        Device device = NetNamespace.call(stackNs, () -> new RawSocketDevice(stackIf, STACK_MAC, pool));
        PcapWriter[] w = new PcapWriter[1];
        w[0] = PcapWriter.create(captures.file("catnip", () -> w[0].flush()));
        device = new PcapDevice(device, w[0], NanoClock.SYSTEM);
        InetStackConfig inet = InetStackConfig.DEFAULTS;
        // Linux's 200 ms minimum RTO instead of RFC 6298's 1 s: a lost segment on a real link costs less.
        TcpConfig tcp = TcpConfig.defaults(inet).withRto(TcpConfig.S, 200 * TcpConfig.MS, 60 * TcpConfig.S);
        catnip = new Catnip(NanoClock.SYSTEM, WaitPolicy.DEFAULT, pool, device, Ipv4Address.parse(STACK_IP).value(),
                inet, tcp);
    }

    @AfterEach
    void stop() {
        if (catnip != null) {
            catnip.close();
            catnip = null;
        }
    }

    @AfterAll
    void unlink() {
        netns.close();
    }

    static byte[] random(long seed) {
        byte[] b = new byte[BYTES];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Reads exactly {@code n} bytes from a blocking kernel socket. */
    static byte[] readFully(SocketChannel ch, int n) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(n);
        while (in.hasRemaining()) {
            if (ch.read(in) < 0) {
                throw new IOException("end of stream after " + in.position() + " of " + n + " bytes");
            }
        }
        return in.array();
    }

    /** Our side of a connection: pushes {@code out} (up to 4 pushes in flight) while popping {@code expected}. */
    void pumpOurSide(int qd, byte[] out, byte[] expected, CompletableFuture<?> kernel) {
        QResult r = new QResult();
        long[] pushes = new long[4];
        int pushed = 0;
        int received = 0;
        long pop = catnip.pop(qd);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
        byte[] got = new byte[expected.length];
        while (received < expected.length || pushed < out.length || anyPending(pushes)) {
            assertTrue(System.nanoTime() < deadline, "transfer stalled: pushed " + pushed + ", received " + received
                    + " " + catnip.stack().tcp().connections().size() + " connections");
            if (kernel.isCompletedExceptionally()) {
                kernel.join();
            }
            for (int i = 0; i < pushes.length; i++) {
                if (pushes[i] != 0 && catnip.scheduler().lookup(pushes[i]).isDone()) {
                    catnip.scheduler().take(pushes[i], r);
                    assertEquals(Opcode.PUSH, r.opcode(), r.toString());
                    catnip.sgaFree(r.sga());
                    pushes[i] = 0;
                }
                if (pushes[i] == 0 && pushed < out.length) {
                    int n = Math.min(64 * 1024, out.length - pushed);
                    Sga sga = catnip.sgaAlloc(n);
                    DemiBuffer b = sga.segment(0);
                    MemorySegment.copy(out, pushed, b.memory(), ValueLayout.JAVA_BYTE, b.offset(), n);
                    pushes[i] = catnip.push(qd, sga);
                    assertTrue(pushes[i] > 0, Errno.name((int) pushes[i]));
                    pushed += n;
                }
            }
            if (pop != 0 && catnip.scheduler().lookup(pop).isDone()) {
                catnip.scheduler().take(pop, r);
                assertEquals(Opcode.POP, r.opcode(), r.toString());
                int n = (int) r.sga().length();
                assertTrue(n > 0 || received == expected.length, "early end of stream at " + received);
                r.sga().copyTo(got, received);
                received += n;
                catnip.sgaFree(r.sga());
                pop = received < expected.length ? catnip.pop(qd) : 0;
            }
            catnip.poll();
        }
        assertArrayEquals(expected, got, "every byte from the kernel, in order");
    }

    static boolean anyPending(long[] qts) {
        for (long qt : qts) {
            if (qt != 0) {
                return true;
            }
        }
        return false;
    }

    /** Runs our stack until {@code qt} completes or {@code seconds} pass. */
    QResult await(long qt, int seconds) {
        QResult r = new QResult();
        assertEquals(0, catnip.wait(qt, TimeUnit.SECONDS.toNanos(seconds), r), "timed out");
        return r;
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void kernelClientTalksToOurServer() throws Exception {
        int listener = catnip.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        assertEquals(0, catnip.bind(listener, Endpoint.parse("0.0.0.0:7")));
        assertEquals(0, catnip.listen(listener, 4));
        long accept = catnip.accept(listener);
        byte[] up = random(1);
        byte[] down = random(2);
        SocketChannel kernel = NetNamespace.call(kernelNs, () -> {
            try {
                return SocketChannel.open();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<byte[]> kernelSide = CompletableFuture.supplyAsync(() -> {
            try (kernel) {
                kernel.connect(new InetSocketAddress(STACK_IP, 7));
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        ByteBuffer b = ByteBuffer.wrap(up);
                        while (b.hasRemaining()) {
                            kernel.write(b);
                        }
                        kernel.shutdownOutput();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                byte[] got = readFully(kernel, BYTES);
                writer.join();
                ByteBuffer one = ByteBuffer.allocate(1);
                assertEquals(-1, kernel.read(one), "our close is a FIN after the data");
                return got;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        QResult acc = await(accept, 10);
        assertEquals(Opcode.ACCEPT, acc.opcode(), acc.toString());
        assertEquals(Endpoint.ipv4(Endpoint.parse(KERNEL_IP + ":1")), Endpoint.ipv4(acc.peer()));
        int qd = acc.newQd();
        pumpOurSide(qd, down, up, kernelSide);
        QResult eof = await(catnip.pop(qd), 10);
        assertEquals(0, eof.sga().length(), "the kernel's FIN is our end of stream");
        catnip.sgaFree(eof.sga());
        assertEquals(0, catnip.close(qd));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!kernelSide.isDone() && System.nanoTime() < end) {
            catnip.poll();
        }
        assertArrayEquals(down, kernelSide.get(1, TimeUnit.SECONDS), "every byte we sent, in order");
        report();
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void ourClientTalksToAKernelServer() throws Exception {
        byte[] up = random(3);
        byte[] down = random(4);
        ServerSocketChannel server = NetNamespace.call(kernelNs, () -> {
            try {
                ServerSocketChannel s = ServerSocketChannel.open();
                s.bind(new InetSocketAddress(KERNEL_IP, 9001));
                return s;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<byte[]> kernelSide = CompletableFuture.supplyAsync(() -> {
            try (server; SocketChannel ch = server.accept()) {
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        ByteBuffer b = ByteBuffer.wrap(down);
                        while (b.hasRemaining()) {
                            ch.write(b);
                        }
                        ch.shutdownOutput();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                byte[] got = readFully(ch, BYTES);
                writer.join();
                ByteBuffer one = ByteBuffer.allocate(1);
                assertEquals(-1, ch.read(one));
                return got;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        int qd = catnip.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        QResult c = await(catnip.connect(qd, Endpoint.parse(KERNEL_IP + ":9001")), 10);
        assertEquals(Opcode.CONNECT, c.opcode(), c.toString());
        pumpOurSide(qd, up, down, kernelSide);
        QResult eof = await(catnip.pop(qd), 10);
        assertEquals(0, eof.sga().length());
        catnip.sgaFree(eof.sga());
        assertEquals(0, catnip.close(qd));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!kernelSide.isDone() && System.nanoTime() < end) {
            catnip.poll();
        }
        assertTrue(Arrays.equals(up, kernelSide.get(1, TimeUnit.SECONDS)), "the kernel got every byte in order");
        report();
    }

    private void report() {
        TcpLayer tcp = catnip.stack().tcp();
        System.out.println("[real peer] tcp: " + tcp.received() + " segments in, " + tcp.segmentsSent() + " out, "
                + tcp.badChecksum() + " bad checksums, " + tcp.retransmissions() + " retransmissions, "
                + tcp.timeouts() + " timeouts");
        assertEquals(0, tcp.badChecksum(), "the kernel's checksums verify (tx offload off)");
    }
}
