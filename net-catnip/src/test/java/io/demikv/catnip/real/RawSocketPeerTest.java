package io.demikv.catnip.real;

import io.demikv.catnip.ffi.NetNamespace;
import io.demikv.catnip.phy.RawSocketDevice;

/**
 * Catnip on a raw {@code AF_PACKET} socket at one end of a veth pair, the kernel at the other, each end in a
 * namespace of its own. Our MAC differs from the veth's, so the socket also exercises promiscuous mode. The
 * kernel side runs {@code ethtool -K <veth> tx off}: otherwise it hands out partial checksums.
 */
class RawSocketPeerTest extends KernelPeerContract {
    @Override
    int subnet() {
        return 1;
    }

    @Override
    void createLink(Netns netns) {
        String s = Netns.suffix();
        kernelNs = "catnip-k" + s;
        String stackNs = "catnip-s" + s;
        String kernelIf = "cvk" + s;
        String stackIf = "cvs" + s;
        netns.addNamespace(kernelNs);
        netns.addNamespace(stackNs);
        Netns.run("ip", "link", "add", kernelIf, "netns", kernelNs, "type", "veth", "peer", "name", stackIf,
                "netns", stackNs);
        Netns.run("ip", "-n", kernelNs, "addr", "add", kernelIp() + "/24", "dev", kernelIf);
        Netns.run("ip", "-n", kernelNs, "link", "set", kernelIf, "up");
        Netns.run("ip", "-n", stackNs, "link", "set", stackIf, "up");
        if (Netns.have("ethtool")) {
            Netns.run("ip", "netns", "exec", kernelNs, "ethtool", "-K", kernelIf, "tx", "off");
        } else {
            System.out.println("[real peer] ethtool missing: the kernel may send partial UDP checksums");
        }
        opener = pool -> NetNamespace.call(stackNs, () -> new RawSocketDevice(stackIf, STACK_MAC, pool));
    }
}
