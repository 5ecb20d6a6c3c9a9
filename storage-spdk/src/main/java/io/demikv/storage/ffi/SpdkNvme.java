package io.demikv.storage.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * FFM bindings to SPDK's user-space NVMe driver ({@code spdk/nvme.h}, {@code spdk/env.h}), the calls an
 * SPDK-backed block device needs:
 * <ul>
 *   <li>environment: {@code spdk_env_opts_init}, {@code spdk_env_init} (DPDK EAL, hugepages, VFIO/UIO);</li>
 *   <li>controller: {@code spdk_nvme_transport_id_parse} then {@code spdk_nvme_connect} (probe and attach of
 *       one transport id, e.g. {@code trtype:PCIe traddr:0000:01:00.0}), {@code spdk_nvme_detach};</li>
 *   <li>namespace: {@code spdk_nvme_ctrlr_get_ns}, {@code spdk_nvme_ns_is_active},
 *       {@code spdk_nvme_ns_get_sector_size}, {@code spdk_nvme_ns_get_num_sectors};</li>
 *   <li>I/O queue pair: {@code spdk_nvme_ctrlr_alloc_io_qpair}, {@code spdk_nvme_ns_cmd_write/read/flush}
 *       with a completion callback (one FFM upcall stub, see {@link #callback}),
 *       {@code spdk_nvme_qpair_process_completions}, {@code spdk_nvme_ctrlr_free_io_qpair};</li>
 *   <li>DMA memory: {@code spdk_zmalloc} with {@code SPDK_MALLOC_DMA}, {@code spdk_free}.</li>
 * </ul>
 * Structs are treated as opaque (options are filled by SPDK's own init functions, a transport id by its
 * parser); only {@code spdk_env_opts.name} (the first field in every SPDK release) and
 * {@code spdk_nvme_cpl.status} (bytes 14-15, NVMe base specification 1.4, figure 124) are touched.
 *
 * <p>The libraries are found with {@link #load}: {@code libspdk_nvme.so} and {@code libspdk_env_dpdk.so}
 * from a given directory or the dynamic linker's search path. <b>Not tested here</b>: no SPDK package and no
 * NVMe device exist on the project's machines. Start-up and the device's thread.
 */
public final class SpdkNvme {
    /** {@code SPDK_NVME_IO_FLAGS_FORCE_UNIT_ACCESS}. */
    public static final int IO_FLAGS_FUA = 1 << 30;
    /** {@code SPDK_MALLOC_DMA}. */
    public static final int MALLOC_DMA = 0x01;
    public static final int SOCKET_ID_ANY = -1;
    /** Bytes reserved for opaque structs SPDK fills (spdk_env_opts, spdk_nvme_transport_id). */
    public static final int OPAQUE_BYTES = 4096;
    /** Offset of the 16-bit status field in {@code struct spdk_nvme_cpl}. */
    public static final int CPL_STATUS_OFFSET = 14;

    /** The libraries needed, in load order. */
    public static final List<String> LIBRARIES = List.of("libspdk_env_dpdk.so", "libspdk_nvme.so");

    private final MethodHandle envOptsInit;
    private final MethodHandle envInit;
    private final MethodHandle tridParse;
    private final MethodHandle connect;
    private final MethodHandle detach;
    private final MethodHandle getNs;
    private final MethodHandle nsIsActive;
    private final MethodHandle nsSectorSize;
    private final MethodHandle nsNumSectors;
    private final MethodHandle allocQpair;
    private final MethodHandle freeQpair;
    private final MethodHandle cmdWrite;
    private final MethodHandle cmdRead;
    private final MethodHandle cmdFlush;
    private final MethodHandle processCompletions;
    private final MethodHandle zmalloc;
    private final MethodHandle free;

    private SpdkNvme(SymbolLookup lookup) {
        Linker l = Linker.nativeLinker();
        envOptsInit = l.downcallHandle(find(lookup, "spdk_env_opts_init"), FunctionDescriptor.ofVoid(ADDRESS));
        envInit = l.downcallHandle(find(lookup, "spdk_env_init"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        tridParse = l.downcallHandle(find(lookup, "spdk_nvme_transport_id_parse"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        connect = l.downcallHandle(find(lookup, "spdk_nvme_connect"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        detach = l.downcallHandle(find(lookup, "spdk_nvme_detach"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getNs = l.downcallHandle(find(lookup, "spdk_nvme_ctrlr_get_ns"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        nsIsActive = l.downcallHandle(find(lookup, "spdk_nvme_ns_is_active"),
                FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));
        nsSectorSize = l.downcallHandle(find(lookup, "spdk_nvme_ns_get_sector_size"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        nsNumSectors = l.downcallHandle(find(lookup, "spdk_nvme_ns_get_num_sectors"),
                FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        allocQpair = l.downcallHandle(find(lookup, "spdk_nvme_ctrlr_alloc_io_qpair"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        freeQpair = l.downcallHandle(find(lookup, "spdk_nvme_ctrlr_free_io_qpair"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        FunctionDescriptor rw = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT);
        cmdWrite = l.downcallHandle(find(lookup, "spdk_nvme_ns_cmd_write"), rw);
        cmdRead = l.downcallHandle(find(lookup, "spdk_nvme_ns_cmd_read"), rw);
        cmdFlush = l.downcallHandle(find(lookup, "spdk_nvme_ns_cmd_flush"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        processCompletions = l.downcallHandle(find(lookup, "spdk_nvme_qpair_process_completions"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        zmalloc = l.downcallHandle(find(lookup, "spdk_zmalloc"),
                FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT));
        free = l.downcallHandle(find(lookup, "spdk_free"), FunctionDescriptor.ofVoid(ADDRESS));
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new IllegalStateException("SPDK symbol " + name
                + " not found: the SPDK libraries are too old or incomplete (SPDK 21.01 or newer is needed)"));
    }

    /**
     * Loads the SPDK libraries from {@code directory} (may be null: the dynamic linker's search path,
     * {@code LD_LIBRARY_PATH}) into {@code arena}; empty with the reasons in {@code problems} when they are not
     * there.
     */
    public static Optional<SpdkNvme> load(Path directory, Arena arena, List<String> problems) {
        List<SymbolLookup> lookups = new ArrayList<>();
        for (String lib : LIBRARIES) {
            try {
                lookups.add(directory != null && Files.exists(directory.resolve(lib))
                        ? SymbolLookup.libraryLookup(directory.resolve(lib), arena)
                        : SymbolLookup.libraryLookup(lib, arena));
            } catch (IllegalArgumentException e) {
                problems.add(lib + " not found" + (directory != null ? " in " + directory : "")
                        + " nor on the library path (" + e.getMessage() + ")");
            }
        }
        if (lookups.size() < LIBRARIES.size()) {
            return Optional.empty();
        }
        SymbolLookup all = lookups.stream().reduce(SymbolLookup::or).orElseThrow();
        try {
            return Optional.of(new SpdkNvme(all));
        } catch (IllegalStateException e) {
            problems.add(e.getMessage());
            return Optional.empty();
        }
    }

    /** The upcall stub for {@code spdk_nvme_cmd_cb}: {@code void (*)(void *ctx, const struct spdk_nvme_cpl *)}. */
    public static MemorySegment callback(MethodHandle target, Arena arena) {
        if (!target.type().equals(MethodType.methodType(void.class, MemorySegment.class, MemorySegment.class))) {
            throw new IllegalArgumentException("callback must be (MemorySegment, MemorySegment)void: " + target.type());
        }
        return Linker.nativeLinker().upcallStub(target, FunctionDescriptor.ofVoid(ADDRESS, ADDRESS.withTargetLayout(
                java.lang.foreign.MemoryLayout.sequenceLayout(16, java.lang.foreign.ValueLayout.JAVA_BYTE))), arena);
    }

    /** True when a completion's status says the command failed (its SC or SCT is non-zero). */
    public static boolean isError(MemorySegment cpl) {
        short status = cpl.get(JAVA_SHORT.withByteAlignment(1), CPL_STATUS_OFFSET);
        return ((status >>> 1) & 0x7FF) != 0;
    }

    /** spdk_env_opts_init then spdk_env_init with {@code name}; 0 or a negative errno. */
    public int initEnvironment(String name, Arena arena) {
        try {
            MemorySegment opts = arena.allocate(OPAQUE_BYTES, 16);
            envOptsInit.invokeExact(opts);
            opts.set(ADDRESS, 0, arena.allocateFrom(name));
            return (int) envInit.invokeExact(opts);
        } catch (Throwable t) {
            throw Native.broken("spdk_env_init", t);
        }
    }

    /** Parses a transport id and connects (probe + attach) the controller; NULL on failure. */
    public MemorySegment connect(String transportId, Arena arena) {
        try {
            MemorySegment trid = arena.allocate(OPAQUE_BYTES, 16);
            int rc = (int) tridParse.invokeExact(trid, arena.allocateFrom(transportId));
            if (rc != 0) {
                return MemorySegment.NULL;
            }
            return (MemorySegment) connect.invokeExact(trid, MemorySegment.NULL, 0L);
        } catch (Throwable t) {
            throw Native.broken("spdk_nvme_connect", t);
        }
    }

    public int detach(MemorySegment ctrlr) {
        try {
            return (int) detach.invokeExact(ctrlr);
        } catch (Throwable t) {
            throw Native.broken("spdk_nvme_detach", t);
        }
    }

    public MemorySegment namespace(MemorySegment ctrlr, int nsid) {
        try {
            return (MemorySegment) getNs.invokeExact(ctrlr, nsid);
        } catch (Throwable t) {
            throw Native.broken("spdk_nvme_ctrlr_get_ns", t);
        }
    }

    public boolean isActive(MemorySegment ns) {
        try {
            return (boolean) nsIsActive.invokeExact(ns);
        } catch (Throwable t) {
            throw Native.broken("spdk_nvme_ns_is_active", t);
        }
    }

    public int sectorSize(MemorySegment ns) {
        try {
            return (int) nsSectorSize.invokeExact(ns);
        } catch (Throwable t) {
            throw Native.broken("spdk_nvme_ns_get_sector_size", t);
        }
    }

    public long sectors(MemorySegment ns) {
        try {
            return (long) nsNumSectors.invokeExact(ns);
        } catch (Throwable t) {
            throw Native.broken("spdk_nvme_ns_get_num_sectors", t);
        }
    }

    /** An I/O queue pair with the controller's default options; NULL on failure. */
    public MemorySegment allocQpair(MemorySegment ctrlr) {
        try {
            return (MemorySegment) allocQpair.invokeExact(ctrlr, MemorySegment.NULL, 0L);
        } catch (Throwable t) {
            throw Native.broken("spdk_nvme_ctrlr_alloc_io_qpair", t);
        }
    }

    public int freeQpair(MemorySegment qpair) {
        try {
            return (int) freeQpair.invokeExact(qpair);
        } catch (Throwable t) {
            throw Native.broken("spdk_nvme_ctrlr_free_io_qpair", t);
        }
    }

    public int write(MemorySegment ns, MemorySegment qpair, MemorySegment buf, long lba, int count,
                     MemorySegment cb, long arg, int flags) {
        try {
            return (int) cmdWrite.invokeExact(ns, qpair, buf, lba, count, cb, MemorySegment.ofAddress(arg), flags);
        } catch (Throwable t) {
            throw Native.broken("spdk_nvme_ns_cmd_write", t);
        }
    }

    public int read(MemorySegment ns, MemorySegment qpair, MemorySegment buf, long lba, int count,
                    MemorySegment cb, long arg) {
        try {
            return (int) cmdRead.invokeExact(ns, qpair, buf, lba, count, cb, MemorySegment.ofAddress(arg), 0);
        } catch (Throwable t) {
            throw Native.broken("spdk_nvme_ns_cmd_read", t);
        }
    }

    public int flush(MemorySegment ns, MemorySegment qpair, MemorySegment cb, long arg) {
        try {
            return (int) cmdFlush.invokeExact(ns, qpair, cb, MemorySegment.ofAddress(arg));
        } catch (Throwable t) {
            throw Native.broken("spdk_nvme_ns_cmd_flush", t);
        }
    }

    /** Runs the completion callbacks of up to {@code max} finished commands (0: all); their count or -errno. */
    public int processCompletions(MemorySegment qpair, int max) {
        try {
            return (int) processCompletions.invokeExact(qpair, max);
        } catch (Throwable t) {
            throw Native.broken("spdk_nvme_qpair_process_completions", t);
        }
    }

    /** Pinned, DMA-able, zeroed memory; NULL when the hugepage pool is exhausted. */
    public MemorySegment zmalloc(long bytes, long align) {
        try {
            MemorySegment p = (MemorySegment) zmalloc.invokeExact(bytes, align, MemorySegment.NULL, SOCKET_ID_ANY,
                    MALLOC_DMA);
            return p.address() == 0 ? MemorySegment.NULL : p.reinterpret(bytes);
        } catch (Throwable t) {
            throw Native.broken("spdk_zmalloc", t);
        }
    }

    public void free(MemorySegment p) {
        try {
            free.invokeExact(p);
        } catch (Throwable t) {
            throw Native.broken("spdk_free", t);
        }
    }
}
