package io.demikv.catnip.phy;

import io.demikv.libos.memory.DemiBuffer;

/**
 * Layer 1, as Demikernel's physical layer: a device moves bursts of whole Ethernet frames (no FCS) and does
 * nothing else. Two methods carry the traffic; two describe the link.
 *
 * <h2>Ownership</h2>
 * <ul>
 *   <li>{@link #receive}: the device fills {@code frames[0..n)} with frames it received, one buffer each,
 *       data window = the frame; the caller owns them and releases each one.</li>
 *   <li>{@link #transmit}: the device takes over the caller's reference to every one of
 *       {@code frames[0..count)}, whether it sends it or not (a full queue drops, as a NIC's does: IP is
 *       best effort, TCP retransmits). The caller must not write a frame's bytes after handing it over.</li>
 * </ul>
 * Neither method blocks. Implementations: {@link InMemoryLink} ports for tests, {@link RawSocketDevice}
 * ({@code AF_PACKET}), {@link TapDevice}; decorators {@link FaultInjectingDevice} and {@link PcapDevice}
 * wrap any of them; {@code phy.dpdk.DpdkDevice} runs on DPDK. Libos thread only.
 */
public interface Device extends AutoCloseable {
    /** Receives up to {@code max} frames (at most {@code frames.length}) into {@code frames}; returns how many. */
    int receive(DemiBuffer[] frames, int max);

    /** Transmits {@code frames[0..count)}, taking every reference; returns how many were sent. */
    int transmit(DemiBuffer[] frames, int count);

    /** The station address frames to this device carry, bits 47..0 (as {@link io.demikv.config.MacAddress}). */
    long macAddress();

    /** The largest IP packet the link carries (Ethernet payload), e.g. 1500. */
    int mtu();

    /**
     * A file descriptor that polls readable (poll(2) {@code POLLIN}) whenever {@link #receive} may return a
     * frame, for an idle libOS to sleep on; -1 when the device has none (an in-memory port, DPDK's af_packet and
     * af_xdp drivers, which have no receive interrupts), and then the libOS naps instead. The device owns it.
     */
    default int readyFd() {
        return -1;
    }

    /** Releases the device's resources; frames it still holds are released. */
    @Override
    void close();
}
