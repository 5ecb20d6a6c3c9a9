package io.demikv.storage.device.spdk;

import java.nio.file.Path;

/**
 * How to open an {@link SpdkNvmeDevice}. Immutable; any thread.
 *
 * @param pciAddress  the controller's PCI address, {@code 0000:01:00.0} (see {@code lspci -D}); the device
 *                    must be bound to vfio-pci or uio by {@code spdk/scripts/setup.sh}
 * @param namespaceId the NVMe namespace (1 for most drives)
 * @param queueDepth  commands in flight at most on the I/O queue pair
 * @param libraryDir  where {@code libspdk_nvme.so} and {@code libspdk_env_dpdk.so} are
 *                    ({@code spdk/build/lib}), or null for the dynamic linker's search path
 * @param dmaBytes    hugepage memory to allocate for buffers ({@code spdk_zmalloc}) at open
 */
public record SpdkOptions(String pciAddress, int namespaceId, int queueDepth, Path libraryDir, long dmaBytes) {
    public SpdkOptions {
        if (pciAddress == null || !pciAddress.matches("[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]")) {
            throw new IllegalArgumentException("pci address must look like 0000:01:00.0 (lspci -D), got " + pciAddress);
        }
        if (namespaceId < 1) {
            throw new IllegalArgumentException("namespace id must be at least 1: " + namespaceId);
        }
        if (queueDepth < 1 || queueDepth > 65535) {
            throw new IllegalArgumentException("queue depth must be in 1..65535: " + queueDepth);
        }
    }

    /** The transport id string SPDK parses. */
    public String transportId() {
        return "trtype:PCIe traddr:" + pciAddress;
    }
}
