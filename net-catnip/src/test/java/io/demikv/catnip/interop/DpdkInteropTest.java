package io.demikv.catnip.interop;

import io.demikv.catnip.net.Captures;
import io.demikv.catnip.phy.dpdk.ffi.ShimLibrary;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Catnip on DPDK ({@code net_af_packet} and {@code net_af_xdp} over a veth pair) against the kernel's TCP and UDP:
 * our echo server runs in a child JVM ({@link EchoServerMain}, inside the stack's namespace: EAL starts once per
 * process, and another test class may already have started it in this one), configured by a YAML file as
 * {@code --libos catnip} would be; kernel clients (several TCP connections at once, message sizes from 1 byte to
 * 1 MB, then a UDP socket) check every echoed byte, and the kernel pings us. Root and the DPDK shim needed,
 * otherwise skipped with the reason printed. A capture of the kernel's interface is kept when a test fails; the
 * child's output is printed. Namespaces are deleted afterwards; the child is stopped (and killed after 10 s).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DpdkInteropTest {
    static final int PORT = 7;

    @RegisterExtension
    final Captures captures = new Captures();

    private static String unavailableReason() {
        String why = Link.unavailableReason("ethtool", "ping");
        return why != null ? why : ShimLibrary.unavailableReason();
    }

    @ParameterizedTest
    @ValueSource(strings = {"net_af_packet", "net_af_xdp"})
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void kernelClientsEchoThroughOurServerOnDpdk(String driver) throws Exception {
        String skipped = unavailableReason();
        if (skipped != null) {
            System.out.println("[interop] DpdkInteropTest skipped: " + skipped);
        }
        assumeTrue(skipped == null, skipped);
        int subnet = driver.equals("net_af_packet") ? 3 : 4;
        try (Link link = Link.veth(driver.equals("net_af_packet") ? "iopp" : "iopx", subnet)) {
            KernelCapture.start(captures, link.kernelNs, link.kernelIf, "kernel-" + link.kernelIf);
            Path dir = Files.createTempDirectory("catnip-dpdk-interop");
            Path yaml = dir.resolve("catnip.yaml");
            String devargs = driver + "0,iface=" + link.stackIf
                    + (driver.equals("net_af_xdp") ? ",start_queue=0,queue_count=1" : "");
            Files.writeString(yaml, """
                    demikernel:
                      local_ipv4_addr: "%s"
                      local_link_addr: "%s"
                    catnip:
                      device: dpdk
                    dpdk:
                      eal_init: ["-l", "0", "--no-pci", "--no-huge", "-m", "256", "--no-shconf", "--vdev", "%s"]
                    inetstack_config:
                      mtu: 1500
                      arp_table:
                        "%s": "%s"
                    tcp_socket_options:
                      nodelay: true
                    """.formatted(link.stackIp, Link.STACK_MAC_TEXT, devargs, link.kernelIp, Link.KERNEL_MAC));
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", link.stackNs,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), EchoServerMain.class.getName(),
                    yaml.toString(), Integer.toString(PORT), "200"));
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            StringBuffer output = new StringBuffer();
            CompletableFuture<Boolean> ready = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        output.append(line).append('\n');
                        if (line.equals("ready")) {
                            ready.complete(true);
                        }
                    }
                } catch (IOException ignored) {
                    // the child ended
                }
                ready.complete(false);
            });
            try {
                assertTrue(ready.get(60, TimeUnit.SECONDS), "the child did not start:\n" + output);
                String ping = Link.kernelRun(link, 30, "ping", "-c", "5", "-i", "0.2", "-W", "2", link.stackIp);
                assertTrue(ping.contains("5 received"), ping);
                long bytes = KernelSide.tcpEchoClients(link.kernelNs, link.stackIp, PORT, 4, KernelSide.SIZES, 2);
                int resent = KernelSide.udpEchoClient(link.kernelNs, link.kernelIp, link.stackIp, PORT, 300, 1472);
                System.out.println("[interop] " + driver + ": TCP echoed " + bytes + " bytes over 4 connections, "
                        + "300 UDP datagrams (" + resent + " resent)");
            } finally {
                child.getOutputStream().close(); // the child's stop signal
                if (!child.waitFor(10, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                    child.waitFor(5, TimeUnit.SECONDS);
                }
                System.out.print(output.toString().lines().filter(l -> !l.isBlank())
                        .map(l -> "[child " + driver + "] " + l + "\n").reduce("", String::concat));
            }
            assertEquals(0, child.exitValue(), "the child's exit status");
            assertTrue(output.toString().contains(" 0 bad checksums"), "the kernel's checksums verify");
        }
    }
}
