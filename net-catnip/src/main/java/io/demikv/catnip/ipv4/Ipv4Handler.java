package io.demikv.catnip.ipv4;

import io.demikv.libos.memory.DemiBuffer;

/**
 * A transport above IPv4 (ICMP, UDP, later TCP). Libos thread only.
 */
@FunctionalInterface
public interface Ipv4Handler {
    /**
     * Takes one datagram's payload: {@code payload}'s window is exactly the transport bytes (IPv4 header and
     * link padding removed); the handler owns the reference.
     */
    void receive(DemiBuffer payload, int sourceIp, int destinationIp, long nowNanos);
}
