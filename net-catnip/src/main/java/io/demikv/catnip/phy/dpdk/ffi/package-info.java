/**
 * Every native call of the DPDK device: {@link io.demikv.catnip.phy.dpdk.ffi.ShimLibrary} finds and loads
 * {@code libdemikv_dpdk_shim.so} (built from {@code src/main/c} when DPDK's development files exist),
 * {@link io.demikv.catnip.phy.dpdk.ffi.Dpdk} holds the downcalls, {@link io.demikv.catnip.phy.dpdk.ffi.PktRecord}
 * reads and writes the shim's per-packet records, and {@link io.demikv.catnip.phy.dpdk.ffi.ThreadNetns} closes a
 * port in the network namespace it was opened in.
 */
package io.demikv.catnip.phy.dpdk.ffi;
