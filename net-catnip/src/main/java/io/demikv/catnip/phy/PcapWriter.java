package io.demikv.catnip.phy;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes frames in the classic libpcap file format (what {@code tcpdump -w} writes; Wireshark and tshark
 * read it): a 24-byte global header (magic 0xa1b2c3d4 in this machine's little-endian order, version 2.4,
 * snaplen 65535, link type 1 = Ethernet), then per frame a 16-byte record header (seconds, microseconds,
 * captured length, original length) and the bytes. Timestamps are whatever the caller passes (a virtual clock
 * in tests). For debugging and test evidence, not the hot path: it allocates. Single thread.
 */
public final class PcapWriter implements AutoCloseable {
    static final int MAGIC = 0xa1b2c3d4;
    static final int LINKTYPE_ETHERNET = 1;
    static final int SNAPLEN = 65535;

    private final OutputStream out;
    private final byte[] record = new byte[16];
    private byte[] scratch = new byte[2048];
    private long frames;

    /** Writes the global header to {@code out}, which this writer then owns. */
    public PcapWriter(OutputStream out) {
        this.out = out instanceof BufferedOutputStream ? out : new BufferedOutputStream(out, 1 << 16);
        byte[] h = new byte[24];
        le32(h, 0, MAGIC);
        le16(h, 4, 2);
        le16(h, 6, 4);
        le32(h, 8, 0);   // thiszone: UTC
        le32(h, 12, 0);  // sigfigs
        le32(h, 16, SNAPLEN);
        le32(h, 20, LINKTYPE_ETHERNET);
        try {
            this.out.write(h);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates (or replaces) {@code file}, making its parent folders. */
    public static PcapWriter create(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return new PcapWriter(Files.newOutputStream(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create capture " + file, e);
        }
    }

    /** Frames written. */
    public long frames() {
        return frames;
    }

    /** Appends one frame of {@code length} bytes at {@code offset}, stamped {@code nanos} (since the epoch of the caller's clock). */
    public void write(long nanos, MemorySegment segment, long offset, int length) {
        int captured = Math.min(length, SNAPLEN);
        if (scratch.length < captured) {
            scratch = new byte[Math.max(captured, scratch.length * 2)];
        }
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, scratch, 0, captured);
        long micros = Math.floorDiv(nanos, 1000);
        le32(record, 0, (int) Math.floorDiv(micros, 1_000_000));
        le32(record, 4, Math.floorMod(micros, 1_000_000));
        le32(record, 8, captured);
        le32(record, 12, length);
        try {
            out.write(record);
            out.write(scratch, 0, captured);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        frames++;
    }

    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void le16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    private static void le32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }
}
