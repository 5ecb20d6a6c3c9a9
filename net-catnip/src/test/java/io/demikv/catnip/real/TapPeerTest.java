package io.demikv.catnip.real;

import io.demikv.catnip.ffi.NetNamespace;
import io.demikv.catnip.phy.TapDevice;

/**
 * Catnip behind a TAP device whose kernel side lives in a namespace the test made. The TAP is made
 * persistent with {@code ip tuntap add} so that each test's Catnip can attach to it again; deleting the
 * namespace deletes it.
 */
class TapPeerTest extends KernelPeerContract {
    @Override
    int subnet() {
        return 2;
    }

    @Override
    void createLink(Netns netns) {
        String s = Netns.suffix();
        kernelNs = "catnip-t" + s;
        String tap = "ctp" + s;
        netns.addNamespace(kernelNs);
        Netns.run("ip", "-n", kernelNs, "tuntap", "add", "dev", tap, "mode", "tap");
        Netns.run("ip", "-n", kernelNs, "addr", "add", kernelIp() + "/24", "dev", tap);
        Netns.run("ip", "-n", kernelNs, "link", "set", tap, "up");
        opener = pool -> NetNamespace.call(kernelNs, () -> new TapDevice(tap, STACK_MAC, 1500, pool));
    }
}
