package io.demikv.catnip.phy.dpdk;

import io.demikv.catnip.Catnip;
import io.demikv.catnip.ffi.NetNamespace;
import io.demikv.libos.Endpoint;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.testkit.LibOsTestKit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Linux kernel in a namespace as Catnip's peer: {@code ping} against our ICMP, and a kernel UDP socket
 * exchanging datagrams with ours both ways (as the raw-socket and TAP real-peer tests do). Runs our stack on the
 * calling thread while the kernel works. Bounded: fixed counts and timeouts.
 */
final class KernelPeer {
    private static final Pattern RECEIVED = Pattern.compile("(\\d+) received");
    private static final Pattern TIME = Pattern.compile("time=([0-9.]+) ms");

    private KernelPeer() {
    }

    /** What {@code ping} printed: replies received and their RTTs in ms (min, p50, p99, max, mean). */
    record PingResult(int received, double min, double p50, double p99, double max, double mean, String output) {
        @Override
        public String toString() {
            return String.format("%d received, rtt min %.3f / p50 %.3f / p99 %.3f / max %.3f / mean %.3f ms",
                    received, min, p50, p99, max, mean);
        }
    }

    /** Pings {@code target} from namespace {@code ns} ({@code count} at {@code interval} s) while polling us. */
    static PingResult ping(Catnip catnip, String ns, String target, int count, String interval) throws Exception {
        Process ping = new ProcessBuilder("ip", "netns", "exec", ns, "ping", "-c", String.valueOf(count), "-i",
                interval, "-W", "2", target).redirectErrorStream(true).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ping.isAlive() && System.nanoTime() < end) {
            catnip.poll();
        }
        String out = new String(ping.getInputStream().readAllBytes());
        assertTrue(ping.waitFor(1, TimeUnit.SECONDS), "ping did not finish: " + out);
        Matcher r = RECEIVED.matcher(out);
        int received = r.find() ? Integer.parseInt(r.group(1)) : 0;
        java.util.List<Double> times = new java.util.ArrayList<>();
        Matcher t = TIME.matcher(out);
        while (t.find()) {
            times.add(Double.parseDouble(t.group(1)));
        }
        if (times.isEmpty()) {
            return new PingResult(received, 0, 0, 0, 0, 0, out);
        }
        java.util.Collections.sort(times);
        double mean = times.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        return new PingResult(received, times.getFirst(), times.get((times.size() - 1) / 2),
                times.get((int) Math.ceil(times.size() * 0.99) - 1), times.getLast(), mean, out);
    }

    /**
     * {@code rounds} times: a kernel datagram to our echo server and back, and one from our client to the kernel
     * and a reply back.
     */
    static void udpBothWays(Catnip catnip, String kernelNs, String kernelIp, String stackIp, int rounds) throws Exception {
        DatagramChannel kernel = NetNamespace.call(kernelNs, () -> {
            try {
                DatagramChannel ch = DatagramChannel.open();
                ch.bind(new InetSocketAddress(kernelIp, 9000));
                ch.configureBlocking(false);
                return ch;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try (kernel) {
            int server = catnip.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
            assertEquals(0, catnip.bind(server, Endpoint.parse("0.0.0.0:7")));
            int client = catnip.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
            QResult r = new QResult();
            InetSocketAddress us = new InetSocketAddress(stackIp, 7);
            ByteBuffer in = ByteBuffer.allocate(2048);
            long timeout = TimeUnit.SECONDS.toNanos(5);
            for (int i = 0; i < rounds; i++) {
                String text = "kernel->dpdk " + i;
                long pop = catnip.pop(server);
                kernel.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), us);
                assertEquals(0, catnip.wait(pop, timeout, r), "no datagram from the kernel");
                assertEquals(Opcode.POP, r.opcode(), r.toString());
                assertEquals(text, LibOsTestKit.text(r.sga()));
                assertEquals(Endpoint.parse(kernelIp + ":9000"), r.peer());
                var popped = r.sga();
                long push = catnip.pushTo(server, popped, r.peer());
                assertEquals(0, catnip.wait(push, timeout, r));
                assertEquals(Opcode.PUSH, r.opcode(), r.toString());
                catnip.sgaFree(popped);
                in.clear();
                InetSocketAddress from = receiveFrom(catnip, kernel, in);
                assertEquals(us, from);
                assertEquals(text, StandardCharsets.UTF_8.decode(in.flip()).toString());

                String mine = "dpdk->kernel " + i;
                long push2 = catnip.pushTo(client, LibOsTestKit.sga(catnip, mine), Endpoint.parse(kernelIp + ":9000"));
                assertEquals(0, catnip.wait(push2, timeout, r));
                assertEquals(Opcode.PUSH, r.opcode(), r.toString());
                catnip.sgaFree(r.sga());
                in.clear();
                InetSocketAddress back = receiveFrom(catnip, kernel, in);
                assertEquals(mine, StandardCharsets.UTF_8.decode(in.flip()).toString());
                long pop2 = catnip.pop(client);
                kernel.send(ByteBuffer.wrap(("re: " + mine).getBytes(StandardCharsets.UTF_8)), back);
                assertEquals(0, catnip.wait(pop2, timeout, r));
                assertEquals("re: " + mine, LibOsTestKit.text(r.sga()));
                catnip.sgaFree(r.sga());
            }
            assertEquals(0, catnip.stack().udp().badChecksum(), "the kernel's checksums verify (tx offload is off)");
            assertEquals(0, catnip.stack().ipv4().badChecksum());
            catnip.close(server);
            catnip.close(client);
        }
    }

    private static InetSocketAddress receiveFrom(Catnip catnip, DatagramChannel kernel, ByteBuffer in) throws Exception {
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
