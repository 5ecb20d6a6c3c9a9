package io.demikv.catnip.icmp;

/** Hears ICMP echo replies to {@link Icmpv4Layer#ping}. Libos thread only. */
@FunctionalInterface
public interface EchoListener {
    void onEchoReply(int sourceIp, int identifier, int sequence, int dataLength, long nowNanos);
}
