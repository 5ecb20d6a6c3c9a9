package io.demikv.catnip.interop;

import io.demikv.catnip.real.Netns;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The link of an interop test: the Linux kernel's stack in one namespace the test made, Catnip on the other end.
 * {@link #veth} puts the other end of a veth pair into a second namespace (opened there by a raw socket or a
 * DPDK driver); {@link #tap} makes a persistent TAP in the kernel's namespace, which Catnip opens (the TAP's
 * "wire" side is our file descriptor). The kernel end gets {@link #kernelIp} and a fixed MAC ({@link #KERNEL_MAC},
 * so configurations may carry a static ARP entry); our end gets no address, or the kernel there would answer too.
 * Closing deletes the namespaces and with them every interface in them. Root only; see
 * {@link Netns#unavailableReason()}.
 */
final class Link implements AutoCloseable {
    static final String KERNEL_MAC = "02:00:00:d7:00:01";
    static final String STACK_MAC_TEXT = "02:00:00:d7:00:02";
    static final long STACK_MAC = 0x02_00_00_d7_00_02L;

    final Netns netns = new Netns();
    final String kernelNs;
    /** Where our end lives: the stack's namespace for veth; the kernel's for TAP (the device file is ours). */
    final String stackNs;
    final String kernelIf;
    /** Our end's interface: the veth peer, or the TAP itself. */
    final String stackIf;
    final String kernelIp;
    final String stackIp;

    private Link(String kernelNs, String stackNs, String kernelIf, String stackIf, int subnet) {
        this.kernelNs = kernelNs;
        this.stackNs = stackNs;
        this.kernelIf = kernelIf;
        this.stackIf = stackIf;
        this.kernelIp = "10.215." + subnet + ".1";
        this.stackIp = "10.215." + subnet + ".2";
    }

    /**
     * A veth pair, kernel end in namespace {@code <tag>k<pid>}, ours in {@code <tag>s<pid>}; the kernel end has no
     * transmit checksum offload, TSO or GSO (DESIGN.md: else it hands out partial checksums and 64 KB frames).
     */
    static Link veth(String tag, int subnet) {
        String s = Netns.suffix();
        Link l = new Link(tag + "k" + s, tag + "s" + s, tag + "k" + s, tag + "s" + s, subnet);
        try {
            l.netns.addNamespace(l.kernelNs);
            l.netns.addNamespace(l.stackNs);
            Netns.run("ip", "link", "add", l.kernelIf, "netns", l.kernelNs, "type", "veth", "peer", "name", l.stackIf,
                    "netns", l.stackNs);
            l.kernelSide();
            Netns.run("ip", "-n", l.stackNs, "link", "set", l.stackIf, "up");
            Netns.run("ip", "netns", "exec", l.kernelNs, "ethtool", "-K", l.kernelIf, "tx", "off", "tso", "off",
                    "gso", "off");
            return l;
        } catch (RuntimeException e) {
            l.close();
            throw e;
        }
    }

    /** A persistent TAP {@code <tag>t<pid>} in namespace {@code <tag>k<pid>}; TAP peers need no ethtool. */
    static Link tap(String tag, int subnet) {
        String s = Netns.suffix();
        String ns = tag + "k" + s;
        Link l = new Link(ns, ns, tag + "t" + s, tag + "t" + s, subnet);
        try {
            l.netns.addNamespace(ns);
            Netns.run("ip", "-n", ns, "tuntap", "add", "dev", l.kernelIf, "mode", "tap");
            l.kernelSide();
            return l;
        } catch (RuntimeException e) {
            l.close();
            throw e;
        }
    }

    private void kernelSide() {
        Netns.run("ip", "-n", kernelNs, "link", "set", kernelIf, "address", KERNEL_MAC);
        Netns.run("ip", "-n", kernelNs, "addr", "add", kernelIp + "/24", "dev", kernelIf);
        Netns.run("ip", "-n", kernelNs, "link", "set", kernelIf, "up");
    }

    /** Why this machine cannot run the interop tests (null when it can); {@code tools} must be installed too. */
    static String unavailableReason(String... tools) {
        String why = Netns.unavailableReason();
        if (why != null) {
            return why;
        }
        for (String t : tools) {
            if (!Netns.have(t)) {
                return t + " is not installed";
            }
        }
        return null;
    }

    /** Runs {@code command} in the kernel's namespace, bounded; fails unless it exits 0; returns its output. */
    static String kernelRun(Link link, int seconds, String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", link.kernelNs));
        full.addAll(List.of(command));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + seconds + " s");
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }

    @Override
    public void close() {
        netns.close();
    }
}
