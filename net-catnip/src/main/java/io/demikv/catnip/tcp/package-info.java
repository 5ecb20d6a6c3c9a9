/**
 * TCP (RFC 9293), split by lifecycle as Demikernel's {@code tcp/}:
 * <ul>
 *   <li>here: {@link io.demikv.catnip.tcp.TcpLayer} (input checks, 4-tuple demultiplexing, ports, RFC 6528
 *       initial sequence numbers, segment output), {@link io.demikv.catnip.tcp.TcpQueue} (the PDPIX stream
 *       socket), {@link io.demikv.catnip.tcp.ControlBlock} (one connection: RFC 9293 §3.10.7.4's input
 *       processing, the output loop, timers), {@link io.demikv.catnip.tcp.SeqNumber} (the one place where
 *       sequence numbers are compared), {@link io.demikv.catnip.tcp.TcpConfig};</li>
 *   <li>{@code passive/}: the listening socket, its SYN queue and backlog;</li>
 *   <li>{@code active/}: connect and the SYN-SENT state;</li>
 *   <li>{@code established/}: sender and send queue, receiver and reassembly queue, the retransmitter
 *       (RFC 6298, fast retransmit and recovery, persist), and {@code congestion/} (NewReno, CUBIC);</li>
 *   <li>{@code closing/}: close, FIN in every state, TIME-WAIT, resets, linger.</li>
 * </ul>
 * The header view is {@link io.demikv.catnip.wire.TcpSegment} with {@link io.demikv.catnip.wire.TcpOptions}.
 * Time is always passed in; timers run on the libOS {@link io.demikv.libos.sched.Timers}. See
 * {@code docs/catnip.md}, "TCP", for the semantics.
 */
package io.demikv.catnip.tcp;
