/**
 * TCP (RFC 9293), to be written in this package in the structure of the other layers: connection lifecycle
 * split by state (passive/active open, established, closing), sender, receiver, retransmitter, congestion
 * control. For now it holds {@link io.demikv.catnip.tcp.SeqNumber}, the one place of wrapping sequence
 * arithmetic; the header view is {@link io.demikv.catnip.wire.TcpSegment} with
 * {@link io.demikv.catnip.wire.TcpOptions}. Until the state machine exists, {@code Catnip.socket(AF_INET,
 * SOCK_STREAM)} returns {@code -EPROTONOSUPPORT}.
 */
package io.demikv.catnip.tcp;
