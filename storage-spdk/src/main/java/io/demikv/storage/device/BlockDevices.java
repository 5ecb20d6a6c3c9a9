package io.demikv.storage.device;

import io.demikv.storage.config.StorageConfig;
import io.demikv.storage.device.spdk.SpdkNvmeDevice;
import io.demikv.storage.device.spdk.SpdkOptions;
import io.demikv.storage.device.uring.UringBlockDevice;
import io.demikv.storage.device.uring.UringOptions;

/**
 * Opens the block device a {@link StorageConfig} names: io_uring over a file or block device, SPDK over an
 * NVMe drive by PCI address (only where SPDK is installed), or memory (tests, benchmarks of the software
 * path). Start-up thread.
 */
public final class BlockDevices {
    private BlockDevices() {
    }

    /**
     * @throws DeviceException when the device cannot be opened (the message says what to install or fix)
     */
    public static BlockDevice open(StorageConfig c) {
        return switch (c.backend()) {
            case IO_URING -> UringBlockDevice.open(new UringOptions(c.path(), c.sizeBytes(),
                    !c.path().startsWith("/dev/"), c.queueDepth(), UringOptions.DEFAULT_REGISTERED_BYTES
                    + 4L * c.maxRecordBytes()));
            case SPDK -> SpdkNvmeDevice.open(new SpdkOptions(c.pciAddress(), c.namespaceId(), c.queueDepth(),
                    c.spdkLibraryPath(), 0));
            case MEMORY -> new MemoryBlockDevice(new byte[(int) Math.min(Integer.MAX_VALUE & -4096L,
                    c.sizeBytes() > 0 ? c.sizeBytes() : 64L << 20)], c.queueDepth()).recording(false);
        };
    }
}
