package io.demikv.kvstore.persist;

import io.demikv.kvstore.command.Args;
import io.demikv.libos.Errno;
import io.demikv.storage.cattree.ScanReport;
import io.demikv.storage.check.LogCheck;
import io.demikv.storage.device.BlockDevice;
import io.demikv.storage.device.DeviceException;
import io.demikv.storage.device.uring.UringBlockDevice;
import io.demikv.storage.device.uring.UringOptions;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code bin/demikv-check-log [--fix] [--yes] [--print] [--export-resp FILE] DIR|FILE}: Redis's
 * {@code redis-check-aof} for the Cattree log. Verifies every record (Cattree's framing: length, CRC32C,
 * sequence, epoch; then the RESP inside), prints how the log ends (last good offset, the offset of a torn tail
 * or of corruption), and:
 * <ul>
 *   <li>{@code --fix} truncates the log at the first bad record (asking first, unless {@code --yes}), losing
 *       every record from there on: the repair for "corrupt at byte offset N" at start-up;</li>
 *   <li>{@code --export-resp FILE} writes the good records as a standard Redis AOF (RESP commands, with SELECT
 *       where the database changes): {@code redis-check-aof FILE} accepts it and a Redis started with
 *       {@code appendonly yes} and {@code FILE} as {@code <dir>/appendonly.aof} loads it;</li>
 *   <li>{@code --print} prints every command.</li>
 * </ul>
 * DIR is a server's data directory (the store is found under {@code appendonlydir/}) or the directory holding
 * the store file. Exit status: 0 when the log is valid (or was fixed), 1 otherwise. Run it while the server is
 * stopped. Main thread.
 */
public final class CheckLog {
    private final PrintStream out;
    private final PrintStream err;
    private final BufferedReader in;

    CheckLog(PrintStream out, PrintStream err, BufferedReader in) {
        this.out = out;
        this.err = err;
        this.in = in;
    }

    public static void main(String[] args) {
        int rc = new CheckLog(System.out, System.err,
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))).run(args);
        System.exit(rc);
    }

    static final String USAGE = "Usage: demikv-check-log [--fix] [--yes] [--print] [--export-resp FILE] DIR|FILE";

    int run(String[] args) {
        boolean fix = false;
        boolean yes = false;
        boolean print = false;
        Path export = null;
        Path target = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--fix" -> fix = true;
                case "--yes", "-y" -> yes = true;
                case "--print" -> print = true;
                case "--export-resp" -> {
                    if (++i == args.length) {
                        err.println(USAGE);
                        return 1;
                    }
                    export = Path.of(args[i]);
                }
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return 0;
                }
                default -> {
                    if (args[i].startsWith("-") || target != null) {
                        err.println("unknown argument '" + args[i] + "'\n" + USAGE);
                        return 1;
                    }
                    target = Path.of(args[i]);
                }
            }
        }
        if (target == null) {
            err.println(USAGE);
            return 1;
        }
        Path file;
        try {
            file = resolve(target);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 1;
        }
        try (BlockDevice dev = UringBlockDevice.open(new UringOptions(file, 0, false, 8,
                UringOptions.DEFAULT_REGISTERED_BYTES + (8L << 20)))) {
            return check(dev, file, fix, yes, print, export);
        } catch (DeviceException e) {
            err.println("cannot open " + file + ": " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("cannot write " + export + ": " + e.getMessage());
            return 1;
        }
    }

    /** The store file named by {@code target}: the file, or the one {@code *.cattree} under a directory. */
    static Path resolve(Path target) {
        if (Files.isRegularFile(target) || target.toString().startsWith("/dev/")) {
            return target;
        }
        if (!Files.isDirectory(target)) {
            throw new IllegalArgumentException(target + ": no such file or directory");
        }
        List<Path> found = new ArrayList<>();
        for (Path d : List.of(target, target.resolve("appendonlydir"))) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.list(d)) {
                s.filter(p -> p.getFileName().toString().endsWith(LogStore.SUFFIX)).sorted().forEach(found::add);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot list " + d + ": " + e.getMessage());
            }
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no log store (*" + LogStore.SUFFIX + ") in " + target + " or "
                    + target.resolve("appendonlydir"));
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException("several log stores under " + target + ": " + found
                    + "; name one");
        }
        return found.get(0);
    }

    private int check(BlockDevice dev, Path file, boolean fix, boolean yes, boolean print, Path export)
            throws IOException {
        out.println("Checking the Cattree log " + file);
        RecordDecoder decoder = new RecordDecoder();
        Exporter exporter = export != null ? new Exporter(new BufferedOutputStream(Files.newOutputStream(export),
                1 << 16)) : null;
        long[] lastGood = {-1, -1};
        long[] badRecord = {-1, -1};
        String[] badReason = {null};
        byte[][] buf = {new byte[64 << 10]};
        decoder.sink((a, recordStart) -> {
            if (recordStart && exporter != null) {
                exporter.recordStart();
            }
            if (print) {
                out.println("  " + render(a));
            }
            if (exporter != null) {
                exporter.command(a);
            }
        });
        LogCheck.Result result = LogCheck.verify(dev, (seq, lsn, off, payload) -> {
            if (badRecord[0] >= 0) {
                return;
            }
            int len = (int) payload.byteSize();
            if (buf[0].length < len) {
                buf[0] = new byte[len];
            }
            java.lang.foreign.MemorySegment.copy(payload, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, buf[0], 0, len);
            if (print) {
                out.println("record seq " + seq + " at byte offset " + off + " (" + len + " bytes):");
            }
            String bad = decoder.record(buf[0], len);
            if (bad != null) {
                badRecord[0] = off;
                badRecord[1] = seq;
                badReason[0] = bad;
            } else {
                lastGood[0] = off;
                lastGood[1] = seq;
            }
        });
        decoder.finish();
        if (exporter != null) {
            exporter.close();
        }
        ScanReport r = result.report();
        out.print(LogCheck.describe(result));
        out.println("commands: " + decoder.commands() + ", last good record: "
                + (lastGood[0] >= 0 ? "seq " + lastGood[1] + " at byte offset " + lastGood[0] : "none")
                + ", good up to byte offset " + r.endOffset());
        if (decoder.droppedParts() > 0) {
            out.println("note: " + decoder.droppedParts() + " unfinished large command(s) were never acknowledged and"
                    + " are skipped");
        }
        if (exporter != null) {
            out.println("exported " + exporter.commands + " commands as RESP to " + export);
        }
        long cut = -1;
        String why = null;
        if (badRecord[0] >= 0) {
            cut = badRecord[0];
            why = "record seq " + badRecord[1] + " at byte offset " + cut + " passes its checksum but its commands do"
                    + " not decode (" + badReason[0] + ")";
        } else if (r.status() == ScanReport.Status.CORRUPT || r.status() == ScanReport.Status.TORN_TAIL) {
            cut = r.badOffset();
            why = r.status() == ScanReport.Status.CORRUPT ? "corruption at byte offset " + cut
                    : "torn tail at byte offset " + cut;
        } else if (!r.usable()) {
            out.println("the log cannot be read: " + r.reason());
            return 1;
        }
        if (cut < 0) {
            out.println("Log is valid");
            return 0;
        }
        out.println(why);
        if (!fix) {
            out.println(r.status() == ScanReport.Status.TORN_TAIL && badRecord[0] < 0
                    ? "the server truncates a torn tail itself when it starts; --fix does the same now"
                    : "Log is not valid. Use the --fix option to try fixing it.");
            return 1;
        }
        if (!yes) {
            out.print("This will truncate the log at byte offset " + cut + ", losing every record from there on.\n"
                    + "Continue? [y/N]: ");
            out.flush();
            String answer = in.readLine();
            if (answer == null || !answer.trim().toLowerCase(java.util.Locale.ROOT).startsWith("y")) {
                out.println("Aborted.");
                return 1;
            }
        }
        int rc = LogCheck.truncate(dev, cut);
        if (rc < 0) {
            out.println("Failed to truncate the log at byte offset " + cut + ": " + Errno.name(rc));
            return 1;
        }
        out.println("Successfully truncated the log at byte offset " + cut);
        return 0;
    }

    /** A command as redis-cli would echo it (for --print). */
    static String render(Args a) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < a.count(); i++) {
            if (i > 0) {
                b.append(' ');
            }
            byte[] buf = a.buf();
            int off = a.offset(i);
            int len = a.length(i);
            boolean plain = len > 0;
            for (int k = 0; k < len && plain; k++) {
                int c = buf[off + k] & 0xFF;
                plain = c > 32 && c < 127 && c != '"' && c != '\\';
            }
            if (plain) {
                b.append(new String(buf, off, len, StandardCharsets.ISO_8859_1));
                continue;
            }
            b.append('"');
            for (int k = 0; k < Math.min(len, 200); k++) {
                int c = buf[off + k] & 0xFF;
                if (c == '"' || c == '\\') {
                    b.append('\\').append((char) c);
                } else if (c >= 32 && c < 127) {
                    b.append((char) c);
                } else {
                    b.append(String.format("\\x%02x", c));
                }
            }
            b.append(len > 200 ? "...\"" : "\"");
        }
        return b.toString();
    }

    /** Writes commands as a Redis AOF: RESP arrays, with SELECT where the database changes. */
    static final class Exporter implements AutoCloseable {
        private final OutputStream out;
        private int db;
        private int written;
        long commands;

        Exporter(OutputStream out) {
            this.out = out;
        }

        /** Each record starts in database 0. */
        void recordStart() {
            db = 0;
        }

        void command(Args a) throws UncheckedIOException {
            try {
                if (a.count() == 2 && a.is(0, "select")) {
                    db = Integer.parseInt(a.string(1));
                    return;
                }
                if (db != written) {
                    String d = Integer.toString(db);
                    out.write(("*2\r\n$6\r\nSELECT\r\n$" + d.length() + "\r\n" + d + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    written = db;
                }
                out.write(("*" + a.count() + "\r\n").getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < a.count(); i++) {
                    out.write(("$" + a.length(i) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(a.buf(), a.offset(i), a.length(i));
                    out.write('\r');
                    out.write('\n');
                }
                commands++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** An IOException from inside a visitor. */
    static final class UncheckedIOException extends RuntimeException {
        UncheckedIOException(IOException e) {
            super(e);
        }
    }
}
