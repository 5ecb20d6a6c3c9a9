package io.demikv.storage.config;

import io.demikv.storage.cattree.Durability;
import io.demikv.storage.cattree.LogOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where and how the log is stored: the {@code storage:} section of a YAML configuration. Immutable; any
 * thread.
 *
 * <pre>
 * storage:
 *   backend: io_uring          # io_uring (a file or block device) | spdk (an NVMe drive by PCI address)
 *   path: data/appendonly.log  # io_uring: the file or /dev/... block device
 *   size: 1gb                  # io_uring, files: preallocated (fallocate + zero fill) at first open
 *   pci_address: 0000:01:00.0  # spdk: the controller (lspci -D), bound by spdk/scripts/setup.sh
 *   namespace: 1               # spdk
 *   spdk_library_path: /opt/spdk/build/lib   # spdk: where libspdk_nvme.so is (else LD_LIBRARY_PATH)
 *   queue_depth: 64
 *   durability: flush          # flush | fua | buffered
 *   segment_size: 64mb         # at create
 *   max_record: 1mb            # at create
 * </pre>
 *
 * @param backend         which block device
 * @param path            the file or block device (io_uring)
 * @param sizeBytes       the file size to preallocate (io_uring files; 0: keep the file's size)
 * @param pciAddress      the NVMe controller (spdk)
 * @param namespaceId     the NVMe namespace (spdk)
 * @param spdkLibraryPath the directory holding SPDK's shared libraries, or null (spdk)
 * @param queueDepth      device commands in flight at most
 * @param durability      when pushes complete
 * @param segmentBytes    segment size for a new log (0: automatic)
 * @param maxRecordBytes  the largest record for a new log
 */
public record StorageConfig(Backend backend, Path path, long sizeBytes, String pciAddress, int namespaceId,
                            Path spdkLibraryPath, int queueDepth, Durability durability, long segmentBytes,
                            int maxRecordBytes) {
    /** The block-device backends. */
    public enum Backend {
        IO_URING, SPDK, MEMORY
    }

    private static final Set<String> KEYS = Set.of("backend", "path", "size", "pci_address", "namespace",
            "spdk_library_path", "queue_depth", "durability", "segment_size", "max_record");

    /** A file of {@code sizeBytes} on io_uring, durable pushes, queue depth 64. */
    public static StorageConfig file(Path path, long sizeBytes) {
        return new StorageConfig(Backend.IO_URING, path, sizeBytes, null, 1, null, 64, Durability.FLUSH, 0,
                LogOptions.DEFAULT_MAX_RECORD);
    }

    public StorageConfig withDurability(Durability d) {
        return new StorageConfig(backend, path, sizeBytes, pciAddress, namespaceId, spdkLibraryPath, queueDepth, d,
                segmentBytes, maxRecordBytes);
    }

    /** The log options these settings imply. */
    public LogOptions logOptions() {
        return LogOptions.defaults().withDurability(durability).withSegmentBytes(segmentBytes)
                .withMaxRecordBytes(maxRecordBytes);
    }

    /**
     * Reads the {@code storage:} section of {@code file} (other sections are ignored).
     *
     * @throws IllegalArgumentException naming the file, the key and what is wrong
     */
    public static StorageConfig fromYaml(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return fromYaml(text, file.toString());
    }

    /** As {@link #fromYaml(Path)} over YAML text; {@code where} names it in messages. */
    public static StorageConfig fromYaml(String text, String where) {
        Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        if (!(root instanceof Map<?, ?> top) || !(top.get("storage") instanceof Map<?, ?> section)) {
            throw new IllegalArgumentException(where + ": no storage: section");
        }
        for (Object k : section.keySet()) {
            if (!KEYS.contains(String.valueOf(k))) {
                throw new IllegalArgumentException(where + ": storage." + k + ": unknown key (known: " + KEYS + ")");
            }
        }
        String backendText = string(section, "backend", "io_uring").toLowerCase(Locale.ROOT);
        Backend backend = switch (backendText) {
            case "io_uring", "iouring", "uring" -> Backend.IO_URING;
            case "spdk" -> Backend.SPDK;
            case "memory" -> Backend.MEMORY;
            default -> throw new IllegalArgumentException(where + ": storage.backend: " + backendText
                    + " is not io_uring, spdk or memory");
        };
        String path = string(section, "path", null);
        String pci = string(section, "pci_address", null);
        if (backend == Backend.IO_URING && path == null) {
            throw new IllegalArgumentException(where + ": storage.path is required for the io_uring backend");
        }
        if (backend == Backend.SPDK && pci == null) {
            throw new IllegalArgumentException(where + ": storage.pci_address is required for the spdk backend"
                    + " (e.g. 0000:01:00.0, see lspci -D)");
        }
        String lib = string(section, "spdk_library_path", null);
        Durability durability;
        try {
            durability = Durability.valueOf(string(section, "durability", "flush").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": storage.durability must be flush, fua or buffered");
        }
        return new StorageConfig(backend, path == null ? null : Path.of(path), size(section, "size", 0, where), pci,
                (int) size(section, "namespace", 1, where), lib == null ? null : Path.of(lib),
                (int) size(section, "queue_depth", 64, where), durability, size(section, "segment_size", 0, where),
                (int) size(section, "max_record", LogOptions.DEFAULT_MAX_RECORD, where));
    }

    private static String string(Map<?, ?> m, String key, String dflt) {
        Object v = m.get(key);
        return v == null ? dflt : String.valueOf(v);
    }

    /** A number with an optional kb/mb/gb suffix (Redis style, powers of 1024). */
    private static long size(Map<?, ?> m, String key, long dflt, String where) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        long mult = 1;
        for (String[] suffix : new String[][] {{"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"}}) {
            if (s.endsWith(suffix[0])) {
                mult = Long.parseLong(suffix[1]);
                s = s.substring(0, s.length() - 2).trim();
                break;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(s), mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(where + ": storage." + key + ": " + v + " is not a size (e.g. 64mb)");
        }
    }
}
