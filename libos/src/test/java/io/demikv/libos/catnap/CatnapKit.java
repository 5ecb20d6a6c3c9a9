package io.demikv.libos.catnap;

import io.demikv.libos.Endpoint;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import io.demikv.libos.memory.DemiBuffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Helpers shared by the Catnap tests: arrays from bytes and back, waiting with a bound, connected pairs. */
final class CatnapKit {
    static final long LOOPBACK_ANY_PORT = Endpoint.of(0x7F00_0001, 0);
    static final long WAIT = TimeUnit.SECONDS.toNanos(10);

    private CatnapKit() {
    }

    static Sga sgaOf(LibOS os, byte[] data) {
        Sga sga = os.sgaAlloc(data.length);
        DemiBuffer b = sga.segment(0);
        MemorySegment.copy(data, 0, b.memory(), ValueLayout.JAVA_BYTE, b.offset(), data.length);
        return sga;
    }

    static Sga sgaOf(LibOS os, String text) {
        return sgaOf(os, text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    static byte[] bytesOf(Sga sga) {
        byte[] out = new byte[(int) sga.length()];
        sga.copyTo(out, 0);
        return out;
    }

    static String textOf(Sga sga) {
        return new String(bytesOf(sga), java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Deterministic bytes: position {@code i} of stream {@code seed}. */
    static byte patternByte(long i, int seed) {
        return (byte) ((i * 31 + seed * 7 + (i >>> 8)) & 0xFF);
    }

    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = patternByte(i, seed);
        }
        return b;
    }

    /** Waits for {@code qt} (bounded) and asserts the wait itself succeeded. */
    static QResult await(LibOS os, long qt) {
        QResult r = new QResult();
        int rc = os.wait(qt, WAIT, r);
        assertEquals(0, rc, "wait(" + qt + ") returned " + io.demikv.libos.Errno.name(rc));
        return r;
    }

    /** Waits for {@code qt} and asserts the operation succeeded with {@code opcode}. */
    static QResult expect(LibOS os, long qt, int opcode) {
        assertPositive(qt);
        QResult r = await(os, qt);
        assertEquals(Opcode.name(opcode), Opcode.name(r.opcode()), () -> "result " + r);
        return r;
    }

    static void assertPositive(long qt) {
        if (qt <= 0) {
            throw new AssertionError("expected a qtoken, got " + io.demikv.libos.Errno.name((int) qt));
        }
    }

    /** A TCP socket listening on 127.0.0.1 at an ephemeral port. */
    static int listener(Catnap c) {
        int qd = c.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        assertEquals(0, c.bind(qd, LOOPBACK_ANY_PORT));
        assertEquals(0, c.listen(qd, 512));
        return qd;
    }

    /** Connects a new client socket to {@code listener}; returns {client qd, server qd}. */
    static int[] connectedPair(Catnap c, int listener) {
        int client = c.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        long cqt = c.connect(client, c.localEndpoint(listener));
        long aqt = c.accept(listener);
        QResult accepted = expect(c, aqt, Opcode.ACCEPT);
        expect(c, cqt, Opcode.CONNECT);
        return new int[] {client, accepted.newQd()};
    }

    /** Pushes {@code data} and waits until it is sent. */
    static void pushAll(Catnap c, int qd, byte[] data) {
        Sga sga = sgaOf(c, data);
        QResult r = expect(c, c.push(qd, sga), Opcode.PUSH);
        assertEquals(data.length, r.value());
        assertEquals(0, c.sgaFree(sga));
    }

    /** Pops until {@code n} bytes arrived (or EOF) and returns them. */
    static byte[] popBytes(Catnap c, int qd, int n) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(n);
        while (out.size() < n) {
            QResult r = expect(c, c.pop(qd), Opcode.POP);
            byte[] got = bytesOf(r.sga());
            assertEquals(0, c.sgaFree(r.sga()));
            if (got.length == 0) {
                break;
            }
            out.write(got, 0, got.length);
        }
        return out.toByteArray();
    }

    /** Open file descriptors of this process (Linux /proc). */
    static int openFds() {
        String[] names = new java.io.File("/proc/self/fd").list();
        return names == null ? -1 : names.length;
    }
}
