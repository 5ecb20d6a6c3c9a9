package io.demikv.catnip.arp;

/**
 * Told when a packet that waited for address resolution leaves or is given up. The {@code token} is what the
 * sender passed (a push's qtoken), so a listener can tell a live operation from one that finished meanwhile.
 * Libos thread only.
 */
@FunctionalInterface
public interface TransmitListener {
    /** {@link ArpLayer#transmit} handed the packet to the device at once. */
    int SENT = 0;
    /** {@link ArpLayer#transmit} queued the packet until the next hop resolves; the listener will hear. */
    int QUEUED = 1;

    /** The packet was transmitted ({@code errno == 0}) or dropped with a positive errno ({@code EHOSTUNREACH}). */
    void onTransmitted(long token, int errno);
}
