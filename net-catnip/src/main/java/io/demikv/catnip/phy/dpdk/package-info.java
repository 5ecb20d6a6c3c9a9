/**
 * Reserved for the DPDK device (a later step, not written yet): a {@link io.demikv.catnip.phy.Device} over
 * {@code rte_eth_rx_burst}/{@code rte_eth_tx_burst} through FFM plus a small C shim for DPDK's inline functions,
 * EAL arguments from the {@code dpdk} config section, and a {@link io.demikv.libos.memory.MemoryProvider} over
 * DPDK mempools so received mbufs reach the application without a copy. Its native calls will live in
 * {@code io.demikv.catnip.ffi}. See docs/catnip.md.
 */
package io.demikv.catnip.phy.dpdk;
