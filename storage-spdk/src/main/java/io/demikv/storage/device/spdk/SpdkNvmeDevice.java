package io.demikv.storage.device.spdk;

import io.demikv.libos.Errno;
import io.demikv.storage.device.BlockDevice;
import io.demikv.storage.device.CompletionHandler;
import io.demikv.storage.device.DeviceException;
import io.demikv.storage.ffi.SpdkNvme;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * A block device on one NVMe namespace through SPDK's user-space driver: one I/O queue pair, polled by the
 * libOS thread, no interrupts and no system calls on the I/O path (the Demikernel setting). A write with
 * {@link #FUA} sets {@code SPDK_NVME_IO_FLAGS_FORCE_UNIT_ACCESS}; a flush is NVMe FLUSH. Buffers come from
 * SPDK's hugepage allocator ({@code spdk_zmalloc}). Completions arrive in
 * {@code spdk_nvme_qpair_process_completions}, which calls back (an FFM upcall) on the polling thread.
 *
 * <p><b>Status: written against SPDK's public API but never run</b>: SPDK cannot be installed on the
 * project's machines and they have no NVMe device. {@link #open} fails with a {@link DeviceException} that
 * says what to install when the libraries are missing. See {@code docs/storage.md} for running it.
 *
 * <p>Opened at start-up; afterwards the libOS thread only (one SPDK device per process is polled at a time).
 */
public final class SpdkNvmeDevice implements BlockDevice {
    /** The device whose {@code process_completions} is running: where the static upcall delivers. */
    private static SpdkNvmeDevice polling;
    private static boolean environmentReady;
    private static final Arena GLOBAL = Arena.ofAuto();
    private static MemorySegment upcall;

    private final SpdkNvme spdk;
    private final SpdkOptions options;
    private final MemorySegment ctrlr;
    private final MemorySegment ns;
    private final MemorySegment qpair;
    private final int sectorSize;
    private final long capacity;
    private final long[] slotToken;
    private final int[] slotLength;
    private final int[] freeSlots;
    private int freeCount;
    private final List<MemorySegment> dma = new ArrayList<>();
    private CompletionHandler downstream;
    private boolean closed;

    private SpdkNvmeDevice(SpdkNvme spdk, SpdkOptions o, MemorySegment ctrlr, MemorySegment ns, MemorySegment qpair) {
        this.spdk = spdk;
        this.options = o;
        this.ctrlr = ctrlr;
        this.ns = ns;
        this.qpair = qpair;
        this.sectorSize = spdk.sectorSize(ns);
        this.capacity = spdk.sectors(ns) * sectorSize / 4096 * 4096;
        int n = o.queueDepth();
        slotToken = new long[n];
        slotLength = new int[n];
        freeSlots = new int[n];
        for (int i = 0; i < n; i++) {
            freeSlots[i] = n - 1 - i;
        }
        freeCount = n;
    }

    /**
     * Loads SPDK, initialises its environment (once per process), attaches the controller at
     * {@link SpdkOptions#pciAddress()} and allocates an I/O queue pair.
     *
     * @throws DeviceException when SPDK is not installed, the controller cannot be attached, or the namespace is
     *                         missing; the message says what to do
     */
    public static synchronized SpdkNvmeDevice open(SpdkOptions o) {
        List<String> problems = new ArrayList<>();
        SpdkNvme spdk = SpdkNvme.load(o.libraryDir(), GLOBAL, problems).orElseThrow(() -> new DeviceException(
                "the SPDK NVMe backend was selected (storage.backend: spdk, pci " + o.pciAddress()
                        + ") but SPDK is not installed here: " + String.join("; ", problems)
                        + ". Install SPDK (git clone --recursive https://github.com/spdk/spdk; cd spdk;"
                        + " sudo scripts/pkgdep.sh; ./configure --with-shared; make), bind the drive with"
                        + " 'sudo HUGEMEM=4096 PCI_ALLOWED=" + o.pciAddress() + " scripts/setup.sh', and start with"
                        + " LD_LIBRARY_PATH=<spdk>/build/lib:<spdk>/dpdk/build/lib (or set"
                        + " storage.spdk_library_path). Or use storage.backend: io_uring", Errno.ENOENT));
        if (!environmentReady) {
            int rc = spdk.initEnvironment("demikv", GLOBAL);
            if (rc != 0) {
                throw new DeviceException("spdk_env_init failed (" + rc + "): reserve hugepages and bind the device"
                        + " with spdk/scripts/setup.sh, and run as root (or with VFIO permissions)", -rc);
            }
            environmentReady = true;
            upcall = SpdkNvme.callback(callbackHandle(), GLOBAL);
        }
        MemorySegment ctrlr = spdk.connect(o.transportId(), GLOBAL);
        if (ctrlr.address() == 0) {
            throw new DeviceException("cannot attach the NVMe controller at " + o.pciAddress() + ": check 'lspci -D',"
                    + " that spdk/scripts/setup.sh bound it to vfio-pci (scripts/setup.sh status), and that no"
                    + " other process (another SPDK app, the kernel nvme driver) holds it", 19 /* ENODEV */);
        }
        MemorySegment ns = spdk.namespace(ctrlr, o.namespaceId());
        if (ns.address() == 0 || !spdk.isActive(ns)) {
            spdk.detach(ctrlr);
            throw new DeviceException("namespace " + o.namespaceId() + " of " + o.pciAddress()
                    + " does not exist or is not active", Errno.EINVAL);
        }
        int sector = spdk.sectorSize(ns);
        if (sector > 4096 || 4096 % sector != 0) {
            spdk.detach(ctrlr);
            throw new DeviceException("namespace sector size " + sector + " does not divide 4096", Errno.EINVAL);
        }
        MemorySegment qpair = spdk.allocQpair(ctrlr);
        if (qpair.address() == 0) {
            spdk.detach(ctrlr);
            throw new DeviceException("cannot allocate an I/O queue pair on " + o.pciAddress(), Errno.ENOMEM);
        }
        return new SpdkNvmeDevice(spdk, o, ctrlr, ns, qpair);
    }

    private static java.lang.invoke.MethodHandle callbackHandle() {
        try {
            return MethodHandles.lookup().findStatic(SpdkNvmeDevice.class, "onCompletion",
                    MethodType.methodType(void.class, MemorySegment.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The upcall: {@code ctx} carries the slot index. */
    private static void onCompletion(MemorySegment ctx, MemorySegment cpl) {
        SpdkNvmeDevice d = polling;
        int slot = (int) ctx.address();
        long token = d.slotToken[slot];
        int result = SpdkNvme.isError(cpl) ? -Errno.EIO : d.slotLength[slot];
        d.freeSlots[d.freeCount++] = slot;
        d.downstream.onComplete(token, result);
    }

    @Override
    public int blockSize() {
        return 4096;
    }

    @Override
    public long capacityBytes() {
        return capacity;
    }

    @Override
    public int queueDepth() {
        return options.queueDepth();
    }

    @Override
    public int inFlight() {
        return options.queueDepth() - freeCount;
    }

    @Override
    public MemorySegment allocateDma(long bytes) {
        MemorySegment m = spdk.zmalloc((bytes + 4095) / 4096 * 4096, 4096);
        if (m.address() == 0) {
            throw new DeviceException("spdk_zmalloc of " + bytes + " bytes failed: reserve more hugepages"
                    + " (HUGEMEM for scripts/setup.sh)", Errno.ENOMEM);
        }
        dma.add(m);
        return m;
    }

    private int slot(long token, int length) {
        if (freeCount == 0) {
            return -1;
        }
        int s = freeSlots[--freeCount];
        slotToken[s] = token;
        slotLength[s] = length;
        return s;
    }

    private int check(long offset, int length) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (length <= 0 || length % 4096 != 0 || offset % 4096 != 0 || offset < 0 || offset + length > capacity) {
            return -Errno.EINVAL;
        }
        return 0;
    }

    private int submitted(int rc, int slot) {
        if (rc == 0) {
            return 0;
        }
        freeSlots[freeCount++] = slot;
        return rc == -Errno.ENOMEM ? -Errno.EAGAIN : rc; // SPDK: no free request objects
    }

    @Override
    public int submitWrite(MemorySegment buffer, long offset, int length, int flags, long token) {
        int bad = check(offset, length);
        int s = bad < 0 ? -1 : slot(token, length);
        if (bad < 0 || s < 0) {
            return bad < 0 ? bad : -Errno.EAGAIN;
        }
        int ioFlags = (flags & FUA) != 0 ? SpdkNvme.IO_FLAGS_FUA : 0;
        return submitted(spdk.write(ns, qpair, buffer, offset / sectorSize, length / sectorSize, upcall, s, ioFlags), s);
    }

    @Override
    public int submitRead(MemorySegment buffer, long offset, int length, long token) {
        int bad = check(offset, length);
        int s = bad < 0 ? -1 : slot(token, length);
        if (bad < 0 || s < 0) {
            return bad < 0 ? bad : -Errno.EAGAIN;
        }
        return submitted(spdk.read(ns, qpair, buffer, offset / sectorSize, length / sectorSize, upcall, s), s);
    }

    @Override
    public int submitFlush(long token) {
        if (closed) {
            return -Errno.EBADF;
        }
        int s = slot(token, 0);
        if (s < 0) {
            return -Errno.EAGAIN;
        }
        return submitted(spdk.flush(ns, qpair, upcall, s), s);
    }

    /** SPDK rings the doorbell in each submit. */
    @Override
    public int submit() {
        return 0;
    }

    @Override
    public int pollCompletions(int max, CompletionHandler handler) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (inFlight() == 0) {
            return 0;
        }
        polling = this;
        downstream = handler;
        try {
            return spdk.processCompletions(qpair, max);
        } finally {
            downstream = null;
        }
    }

    @Override
    public boolean supportsFua() {
        return true;
    }

    @Override
    public String describe() {
        return "SPDK NVMe " + options.pciAddress() + " ns " + options.namespaceId() + " (" + (capacity >> 20)
                + " MiB, " + sectorSize + "-byte sectors, qd " + options.queueDepth() + ")";
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        CompletionHandler ignore = (t, r) -> { };
        while (inFlight() > 0) {
            pollCompletions(options.queueDepth(), ignore);
        }
        closed = true;
        spdk.freeQpair(qpair);
        spdk.detach(ctrlr);
        for (MemorySegment m : dma) {
            spdk.free(m);
        }
    }
}
