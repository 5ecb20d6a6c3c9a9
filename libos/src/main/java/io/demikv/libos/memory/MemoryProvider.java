package io.demikv.libos.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Where slab memory for buffer pools comes from. {@link #standard()} uses hugepages when the machine has a
 * hugetlbfs pool with free pages (see {@link HugePages}) and plain native memory otherwise. A libOS for a
 * device with its own DMA memory (DPDK mempools, registered RDMA memory) provides its own.
 */
public interface MemoryProvider extends AutoCloseable {
    /** Zeroed, 64-byte aligned memory that lives until {@link #close()} (after which using it throws). */
    MemorySegment allocate(long bytes);

    /** A short description for start-up logs ("hugepages 2048 kB" or "heap-backed native"). */
    String describe();

    /** Releases all memory handed out; idempotent. */
    @Override
    void close();

    /** Native memory from an arena that the provider owns. */
    static MemoryProvider nativeMemory() {
        return new MemoryProvider() {
            private final Arena arena = Arena.ofShared();

            @Override
            public MemorySegment allocate(long bytes) {
                return arena.allocate(bytes, 64);
            }

            @Override
            public String describe() {
                return "native (no hugepages)";
            }

            @Override
            public void close() {
                if (arena.scope().isAlive()) {
                    arena.close();
                }
            }
        };
    }

    /** Hugepages where available, native memory otherwise. */
    static MemoryProvider standard() {
        MemoryProvider huge = HugePages.providerIfAvailable();
        return huge != null ? huge : nativeMemory();
    }
}
