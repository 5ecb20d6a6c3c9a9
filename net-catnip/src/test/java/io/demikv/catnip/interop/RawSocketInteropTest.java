package io.demikv.catnip.interop;

import io.demikv.catnip.ffi.NetNamespace;
import io.demikv.catnip.phy.Device;
import io.demikv.catnip.phy.RawSocketDevice;
import io.demikv.libos.memory.BufferPool;

import io.demikv.libos.memory.MemoryProvider;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link InProcessInteropContract} over a veth pair, Catnip on a raw {@code AF_PACKET} socket at our end. */
class RawSocketInteropTest extends InProcessInteropContract {
    private RawSocketDevice device;

    @Override
    Link createLink() {
        return Link.veth("iopr", 1);
    }

    @Override
    Function<BufferPool, Device> opener() {
        return pool -> NetNamespace.call(link.stackNs,
                () -> device = new RawSocketDevice(link.stackIf, Link.STACK_MAC, pool));
    }

    /**
     * The default socket buffer (about 208 KiB) holds fewer than 100 frames: one window from a kernel peer overflowed
     * it (about 9,000 of 38,000 frames dropped and 17-30 retransmission timeouts in the 16-client echo test).
     */
    @Test
    void socketBufferHoldsAWholeWindowOfFrames() {
        assumeTrue(link != null, "no link here");
        try (BufferPool pool = new BufferPool(MemoryProvider.nativeMemory(), BufferPool.DEFAULT_HEADROOM)) {
            RawSocketDevice d = (RawSocketDevice) opener().apply(pool);
            try {
                assertTrue(d.receiveBufferBytes() >= 4 << 20, "receive buffer " + d.receiveBufferBytes() + " bytes");
                assertEquals(0, d.receiveDrops());
            } finally {
                d.close();
            }
        }
    }

    @Override
    String deviceReport() {
        return "; raw socket: " + device.receiveDrops() + " frames dropped on receive (buffer full), "
                + device.transmitErrors() + " transmit errors";
    }
}
