package io.demikv.storage.bench;

import io.demikv.libos.AbstractLibOS;
import io.demikv.libos.Errno;
import io.demikv.libos.MemoryLibOS;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import io.demikv.libos.WaitPolicy;
import io.demikv.libos.catnap.Catnap;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.memory.MemoryProvider;
import io.demikv.libos.time.NanoClock;
import io.demikv.storage.cattree.Cattree;
import io.demikv.storage.cattree.CattreeLog;
import io.demikv.storage.cattree.Durability;
import io.demikv.storage.cattree.LogOptions;
import io.demikv.storage.config.StorageConfig;
import io.demikv.storage.device.BlockDevice;
import io.demikv.storage.device.BlockDevices;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The persistence benchmark: durable append latency of Cattree alone (no network, no server), for record
 * sizes from 64 B to 64 KiB and queue depths (pushes in flight) from 1 to 32. For each cell it formats a
 * fresh log, keeps {@code depth} pushes outstanding for the given time, records each push's latency (push
 * to completion) in an HdrHistogram, and prints p50/p99/p99.9 in microseconds, ops/s, MB/s and flushes per
 * push (the group-commit ratio); the same rows go to a CSV file for plotting.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ... io.demikv.storage.bench.AppendLatency \
 *     [--file target/append-latency.log] [--file-mb 512] [--sizes 64,512,4096,65536] [--depths 1,4,32] \
 *     [--seconds 0.5] [--durability flush|fua|buffered] [--csv append-latency.csv] [--config storage.yaml]
 * </pre>
 * {@code --config} takes the {@code storage:} section of a YAML file instead (e.g. the SPDK backend with a
 * PCI address). Runs on the main thread, which is the libOS thread.
 */
public final class AppendLatency {
    private AppendLatency() {
    }

    /** One measured cell. */
    record Row(int size, int depth, long ops, double seconds, double p50, double p99, double p999, double max,
               double flushesPerOp) {
        double opsPerSecond() {
            return ops / seconds;
        }

        double megabytesPerSecond() {
            return ops * (double) size / seconds / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of("target/append-latency.log");
        long fileMb = 512;
        int[] sizes = {64, 512, 4096, 65536};
        int[] depths = {1, 4, 32};
        double seconds = 0.5;
        Durability durability = Durability.FLUSH;
        Path csv = Path.of("append-latency.csv");
        Path config = null;
        boolean catnap = true;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--file" -> file = Path.of(v);
                case "--file-mb" -> fileMb = Long.parseLong(v);
                case "--sizes" -> sizes = ints(v);
                case "--depths" -> depths = ints(v);
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--durability" -> durability = Durability.valueOf(v.toUpperCase());
                case "--csv" -> csv = Path.of(v);
                case "--config" -> config = Path.of(v);
                case "--libos" -> catnap = switch (v) {
                    case "catnap" -> true;
                    case "memory" -> false;
                    default -> throw new IllegalArgumentException("--libos takes catnap or memory, not " + v);
                };
                case "-h", "--help" -> {
                    System.out.println("usage: AppendLatency [--file PATH] [--file-mb N] [--sizes 64,512,...]"
                            + " [--depths 1,4,32] [--seconds S] [--durability flush|fua|buffered] [--csv PATH]"
                            + " [--config storage.yaml] [--libos catnap|memory]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (try --help)");
            }
            i++;
        }
        StorageConfig storage = config != null ? StorageConfig.fromYaml(config)
                : StorageConfig.file(file, fileMb << 20).withDurability(durability);
        if (file.getParent() != null && config == null) {
            Files.createDirectories(file.getParent());
        }
        List<Row> rows = new ArrayList<>();
        String device;
        try (BlockDevice probe = BlockDevices.open(storage)) {
            device = probe.describe();
        }
        System.out.printf("Cattree durable append latency: %s, %s, %.2f s per cell, %s%n", device,
                storage.durability(), seconds, catnap ? "catnap (sleeps in epoll on the ring's eventfd)"
                        : "memory libOS (busy-polls the ring)");
        System.out.printf("%8s %5s %10s %11s %9s %9s %9s %9s %9s %8s%n", "size", "depth", "ops", "ops/s", "p50 us",
                "p99 us", "p99.9 us", "max us", "MB/s", "fl/op");
        for (int size : sizes) {
            for (int depth : depths) {
                Row r = runCell(storage, size, depth, seconds, catnap);
                rows.add(r);
                System.out.printf("%8d %5d %10d %11.0f %9.1f %9.1f %9.1f %9.1f %9.1f %8.3f%n", r.size(), r.depth(),
                        r.ops(), r.opsPerSecond(), r.p50(), r.p99(), r.p999(), r.max(), r.megabytesPerSecond(),
                        r.flushesPerOp());
            }
        }
        writeCsv(csv, device, storage.durability(), rows);
        System.out.println("CSV: " + csv.toAbsolutePath());
    }

    private static int[] ints(String csv) {
        String[] parts = csv.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i].trim());
        }
        return out;
    }

    /** Formats a fresh log and measures one (size, depth) cell. */
    static Row runCell(StorageConfig storage, int size, int depth, double seconds, boolean catnap) {
        BufferPool pool = new BufferPool(MemoryProvider.nativeMemory(), BufferPool.DEFAULT_HEADROOM);
        try (AbstractLibOS libos = catnap ? new Catnap(WaitPolicy.DEFAULT, pool)
                : new MemoryLibOS(NanoClock.SYSTEM, WaitPolicy.BUSY_POLL, pool);
             Cattree cattree = Cattree.attach(libos)) {
            int maxRecord = Math.max(LogOptions.DEFAULT_MAX_RECORD, size);
            LogOptions options = storage.logOptions().withMaxRecordBytes(maxRecord)
                    .withStagingBytes(Math.max(8 << 20, (int) Math.min(64L << 20, (long) size * depth * 4)));
            CattreeLog log = cattree.create(BlockDevices.open(storage), options);
            int qd = log.qd();
            Sga[] free = new Sga[depth];
            for (int i = 0; i < depth; i++) {
                free[i] = libos.sgaAlloc(size);
                DemiBuffer b = free[i].segment(0);
                for (int k = 0; k < size; k++) {
                    b.memory().set(java.lang.foreign.ValueLayout.JAVA_BYTE, b.offset() + k, (byte) (k * 7 + i));
                }
            }
            long[] started = new long[1 << 16];
            Histogram h = new Histogram(60_000_000_000L, 3);
            QResult[] results = new QResult[depth];
            for (int i = 0; i < depth; i++) {
                results[i] = new QResult();
            }
            long warmup = (long) (Math.min(0.2, seconds / 2) * 1e9);
            long begin = System.nanoTime();
            long measureFrom = begin + warmup;
            long end = measureFrom + (long) (seconds * 1e9);
            long flushesAtStart = -1;
            long ops = 0;
            int outstanding = 0;
            boolean full = false;
            // Fill the pipeline.
            for (int i = 0; i < depth; i++) {
                long qt = libos.push(qd, free[i]);
                if (qt < 0) {
                    throw new IllegalStateException("push refused: " + Errno.name((int) qt));
                }
                started[(int) qt & 0xFFFF] = System.nanoTime();
                outstanding++;
            }
            while (outstanding > 0) {
                int n = libos.waitNext(results, depth, 10_000_000_000L);
                if (n < 0) {
                    throw new IllegalStateException("wait failed: " + Errno.name(n) + " on " + log);
                }
                long now = System.nanoTime();
                // Record every latency before pushing again: a new push may reuse a finished task's slot.
                for (int i = 0; i < n; i++) {
                    QResult r = results[i];
                    if (r.failed()) {
                        if (r.errno() != Errno.ENOSPC) {
                            throw new IllegalStateException("push failed: " + r + " on " + log);
                        }
                        full = true; // the log is full: end the cell early
                    } else if (now >= measureFrom) {
                        if (flushesAtStart < 0) {
                            flushesAtStart = log.flushes();
                        }
                        h.recordValue(now - started[(int) r.qt() & 0xFFFF]);
                        ops++;
                    }
                }
                for (int i = 0; i < n; i++) {
                    QResult r = results[i];
                    outstanding--;
                    if (!r.failed() && now < end && !full) {
                        long qt = libos.push(qd, r.sga());
                        if (qt < 0) {
                            throw new IllegalStateException("push refused: " + Errno.name((int) qt));
                        }
                        started[(int) qt & 0xFFFF] = System.nanoTime();
                        outstanding++;
                    }
                }
            }
            double elapsed = (Math.min(System.nanoTime(), end) - measureFrom) / 1e9;
            for (Sga sga : free) {
                libos.sgaFree(sga); // each array came back with its push result; -EINVAL if already free
            }
            long flushes = flushesAtStart < 0 ? 0 : log.flushes() - flushesAtStart;
            return new Row(size, depth, ops, Math.max(elapsed, 1e-9), h.getValueAtPercentile(50) / 1e3,
                    h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3,
                    ops == 0 ? 0 : (double) flushes / ops);
        }
    }

    private static void writeCsv(Path csv, String device, Durability durability, List<Row> rows) throws IOException {
        if (csv.getParent() != null) {
            Files.createDirectories(csv.getParent());
        }
        try (PrintStream out = new PrintStream(Files.newOutputStream(csv))) {
            out.println("device,durability,size_bytes,queue_depth,ops,seconds,ops_per_s,p50_us,p99_us,p999_us,max_us,"
                    + "mb_per_s,flushes_per_op");
            for (Row r : rows) {
                out.printf("\"%s\",%s,%d,%d,%d,%.3f,%.0f,%.1f,%.1f,%.1f,%.1f,%.2f,%.4f%n", device, durability,
                        r.size(), r.depth(), r.ops(), r.seconds(), r.opsPerSecond(), r.p50(), r.p99(), r.p999(),
                        r.max(), r.megabytesPerSecond(), r.flushesPerOp());
            }
        }
    }
}
