package io.demikv.catnip.ethernet;

import io.demikv.libos.memory.DemiBuffer;

/**
 * A layer above Ethernet (ARP, IPv4) that takes received payloads. Libos thread only.
 */
@FunctionalInterface
public interface FrameHandler {
    /**
     * Takes one payload: {@code payload}'s window starts after the Ethernet header; the handler owns the
     * buffer's reference and must release or pass it on.
     */
    void receive(DemiBuffer payload, long nowNanos);
}
