package io.demikv.catnip.interop;

import io.demikv.catnip.ffi.NetNamespace;
import io.demikv.catnip.phy.Device;
import io.demikv.catnip.phy.TapDevice;
import io.demikv.catnip.real.Netns;
import io.demikv.libos.memory.BufferPool;

import java.util.function.Function;

/**
 * {@link InProcessInteropContract} over a TAP device: the kernel's end is the TAP interface, ours its file
 * descriptor (opened inside the kernel's namespace, where the persistent TAP lives).
 */
class TapInteropTest extends InProcessInteropContract {
    @Override
    Link createLink() {
        return Link.tap("iopt", 2);
    }

    @Override
    Function<BufferPool, Device> opener() {
        return pool -> NetNamespace.call(link.kernelNs, () -> new TapDevice(link.stackIf, Link.STACK_MAC, 1500, pool));
    }

    /** The TAP's transmit drops: frames the kernel had for us while its queue (txqueuelen) was full. */
    @Override
    String deviceReport() {
        String[] stats = Netns.run("ip", "-n", link.kernelNs, "-s", "-o", "link", "show", link.kernelIf).split("\\s+");
        // ... TX: bytes packets errors dropped carrier collsns \    <values>
        for (int i = 0; i < stats.length; i++) {
            if (stats[i].equals("TX:")) {
                for (int j = i; j < stats.length; j++) {
                    if (stats[j].matches("\\d+")) {
                        return "; tap: " + stats[j + 3] + " frames dropped by the kernel (queue full)";
                    }
                }
            }
        }
        return "";
    }
}
