package io.demikv.catnip.phy;

import io.demikv.catnip.ffi.TapFile;
import io.demikv.libos.memory.BufferPool;

/**
 * A {@link Device} over a Linux TAP interface (through {@link TapFile}, pure FFM): the kernel sees our frames
 * as arriving on the TAP interface and its frames to that interface come to us. The stack is the station on
 * the far side of the TAP, so it has its own MAC ({@code demikernel.local_link_addr}), different from the TAP
 * interface's. Bring the interface up and address it from the kernel side:
 * {@code ip addr add 10.0.0.1/24 dev tap0; ip link set tap0 up}. Needs root ({@code CAP_NET_ADMIN}).
 * Libos thread only.
 */
public final class TapDevice extends KernelFrameDevice {
    private final TapFile tap;

    /**
     * Opens (creating if needed) TAP device {@code name}.
     *
     * @param mac  the stack's own station address (must not be 0)
     * @param mtu  the IP MTU to assume (set the interface to the same with {@code ip link set NAME mtu N})
     * @param pool where received frames go
     * @throws IllegalArgumentException for a zero MAC or a bad name
     * @throws IllegalStateException    when the device cannot be opened, saying why
     */
    public TapDevice(String name, long mac, int mtu, BufferPool pool) {
        super(pool, requireMac(mac), mtu);
        this.tap = TapFile.open(name);
    }

    private static long requireMac(long mac) {
        if (mac == 0) {
            throw new IllegalArgumentException("a TAP device needs the stack's own MAC address "
                    + "(demikernel.local_link_addr), not 00:00:00:00:00:00");
        }
        return mac;
    }

    public String name() {
        return tap.name();
    }

    @Override
    int readFrame(long address, int capacity) {
        return tap.read(address, capacity);
    }

    @Override
    int writeFrame(long address, int length) {
        return tap.write(address, length);
    }

    @Override
    void closeFile() {
        tap.close();
    }

    @Override
    int fileDescriptor() {
        return tap.fd();
    }
}
