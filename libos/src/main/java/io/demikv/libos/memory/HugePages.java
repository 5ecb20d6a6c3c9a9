package io.demikv.libos.memory;

import io.demikv.libos.ffi.Mman;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hugepage-backed slab memory ({@code mmap(MAP_HUGETLB)}), used when {@code /proc/meminfo} shows free
 * hugepages. Set {@code -Ddemikv.hugepages=false} to never use them. Start-up thread only.
 */
public final class HugePages {
    private HugePages() {
    }

    /** Free hugepages and their size in bytes, from /proc/meminfo: {@code {free, sizeBytes}}; zeros if none. */
    public static long[] status() {
        long free = 0;
        long size = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("HugePages_Free:")) {
                    free = Long.parseLong(line.substring(15).trim());
                } else if (line.startsWith("Hugepagesize:")) {
                    size = Long.parseLong(line.substring(13).replace("kB", "").trim()) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return new long[] {0, 0};
        }
        return new long[] {free, size};
    }

    /** A provider over hugepages, or {@code null} when none are free or they are disabled. */
    public static MemoryProvider providerIfAvailable() {
        if (!Boolean.parseBoolean(System.getProperty("demikv.hugepages", "true"))) {
            return null;
        }
        long[] st = status();
        if (st[0] <= 0 || st[1] <= 0) {
            return null;
        }
        long pageSize = st[1];
        MemorySegment probe = Mman.mapAnonymous(pageSize, Mman.MAP_HUGETLB);
        if (probe == null) {
            return null;
        }
        Mman.unmap(probe);
        return new Provider(pageSize);
    }

    private static final class Provider implements MemoryProvider {
        private final long pageSize;
        // Every mapping is tied to this arena, which unmaps it on close: a buffer used after close then throws
        // IllegalStateException instead of touching unmapped memory (a crash of the whole JVM).
        private final Arena arena = Arena.ofShared();
        private boolean fellBack;

        Provider(long pageSize) {
            this.pageSize = pageSize;
        }

        @Override
        public MemorySegment allocate(long bytes) {
            long rounded = (bytes + pageSize - 1) / pageSize * pageSize;
            MemorySegment m = Mman.mapAnonymous(rounded, Mman.MAP_HUGETLB | Mman.MAP_POPULATE);
            if (m == null) {
                // The hugepage pool ran dry: keep serving from normal pages rather than failing.
                fellBack = true;
                m = Mman.mapAnonymous(rounded, 0);
                if (m == null) {
                    throw new OutOfMemoryError("mmap of " + rounded + " bytes failed");
                }
            }
            MemorySegment scoped = m.reinterpret(rounded, arena, Mman::unmap);
            return scoped.asSlice(0, bytes);
        }

        @Override
        public String describe() {
            return "hugepages " + (pageSize / 1024) + " kB" + (fellBack ? " (pool exhausted, some normal pages)" : "");
        }

        @Override
        public void close() {
            if (arena.scope().isAlive()) {
                arena.close();
            }
        }
    }
}
