package io.demikv.storage;

import io.demikv.libos.Errno;
import io.demikv.libos.MemoryLibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import io.demikv.libos.testkit.LibOsTestKit;
import io.demikv.storage.cattree.Cattree;
import io.demikv.storage.cattree.CattreeLog;
import io.demikv.storage.cattree.LogCorruptedException;
import io.demikv.storage.cattree.LogOptions;
import io.demikv.storage.device.BlockDevice;

import java.util.ArrayList;
import java.util.List;

/**
 * One libOS with Cattree attached, for tests: push and pop helpers that fail with a message, and
 * deterministic payloads. Test thread only.
 */
public final class StorageKit implements AutoCloseable {
    public static final long TIMEOUT = 10_000_000_000L;

    public final MemoryLibOS libos = LibOsTestKit.virtualMemoryLibOS(LibOsTestKit.virtualClock());
    public final Cattree cattree = Cattree.attach(libos);

    /** Small options for memory devices: 64 KiB segments, 8 KiB records. */
    public static LogOptions smallOptions() {
        return LogOptions.defaults().withSegmentBytes(64 << 10).withMaxRecordBytes(8 << 10)
                .withStagingBytes(64 << 10);
    }

    public CattreeLog create(BlockDevice device, LogOptions options) {
        return cattree.create(device, options);
    }

    public CattreeLog open(BlockDevice device, LogOptions options) {
        try {
            return cattree.open(device, options);
        } catch (LogCorruptedException e) {
            throw new AssertionError("open failed: " + e.getMessage(), e);
        }
    }

    /** Starts a push of {@code bytes}; the qtoken. */
    public long push(CattreeLog log, byte[] bytes) {
        long qt = libos.push(log.qd(), LibOsTestKit.sga(libos, bytes));
        if (qt < 0) {
            throw new AssertionError("push refused: " + Errno.name((int) qt));
        }
        return qt;
    }

    /** Waits for a push and checks it succeeded; frees its array. */
    public void awaitPush(long qt) {
        QResult r = LibOsTestKit.expect(libos, qt, TIMEOUT, Opcode.PUSH, new QResult());
        libos.sgaFree(r.sga());
    }

    /** Waits for an operation and returns its result (success or failure). */
    public QResult await(long qt) {
        QResult r = new QResult();
        int rc = libos.wait(qt, TIMEOUT, r);
        if (rc != 0) {
            throw new AssertionError("wait failed: " + Errno.name(rc));
        }
        return r;
    }

    /** Pushes and waits. */
    public void append(CattreeLog log, byte[] bytes) {
        awaitPush(push(log, bytes));
    }

    /** Pushes and waits, with a message for the failure. */
    public void append(CattreeLog log, byte[] bytes, String what) {
        QResult r = await(push(log, bytes));
        if (r.failed()) {
            throw new AssertionError(what + ": " + r);
        }
        free(r.sga());
    }

    /** Pops one record; null at the end of the log. */
    public byte[] pop(CattreeLog log) {
        QResult r = LibOsTestKit.expect(libos, libos.pop(log.qd()), TIMEOUT, Opcode.POP, new QResult());
        byte[] out = LibOsTestKit.bytes(r.sga());
        libos.sgaFree(r.sga());
        return r.value() == 0 ? null : out;
    }

    /** Pops until the end. */
    public List<byte[]> popAll(CattreeLog log) {
        List<byte[]> out = new ArrayList<>();
        byte[] b;
        while ((b = pop(log)) != null) {
            out.add(b);
        }
        return out;
    }

    /** Payload of record {@code i} (from 0) with {@code size} bytes: deterministic, differs per record. */
    public static byte[] payload(int i, int size) {
        byte[] b = new byte[size];
        for (int k = 0; k < size; k++) {
            b[k] = (byte) (i * 31 + k * 7 + (k >> 8));
        }
        if (size >= 4) {
            b[0] = (byte) i;
            b[1] = (byte) (i >> 8);
            b[2] = (byte) (i >> 16);
            b[3] = (byte) (i >> 24);
        }
        return b;
    }

    /** The array a result carries, freed. */
    public void free(Sga sga) {
        if (sga != null) {
            libos.sgaFree(sga);
        }
    }

    @Override
    public void close() {
        cattree.close();
        libos.close();
    }
}
