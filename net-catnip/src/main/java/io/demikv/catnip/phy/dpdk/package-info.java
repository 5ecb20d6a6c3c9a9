/**
 * The DPDK device: {@link io.demikv.catnip.phy.dpdk.DpdkDevice}, a {@link io.demikv.catnip.phy.Device} on an ethdev
 * port, received mbufs handed up without a copy ({@link io.demikv.catnip.phy.dpdk.MbufPool}); EAL initialised
 * once per process ({@link io.demikv.catnip.phy.dpdk.Eal}) with arguments from {@code dpdk.eal_init}, rewritten
 * so that EAL does not pin the JVM ({@link io.demikv.catnip.phy.dpdk.EalArguments}). Every native call lives in
 * {@code phy.dpdk.ffi}: DPDK's exported functions and the C shim ({@code src/main/c}) for its inline ones. See
 * docs/catnip.md, "DPDK".
 */
package io.demikv.catnip.phy.dpdk;
