package io.demikv.libos.testkit;

import io.demikv.libos.AbstractLibOS;
import io.demikv.libos.Errno;
import io.demikv.libos.LibOS;
import io.demikv.libos.MemoryLibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import io.demikv.libos.WaitPolicy;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.memory.MemoryProvider;
import io.demikv.libos.time.ManualClock;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * Helpers for tests of anything that runs on a {@link LibOS}: deterministic libOSes on a virtual clock, bounded
 * "run until" loops, payload builders and leak checks. Every helper fails with an {@link AssertionError} that
 * says what was expected, so tests read as plain statements. Test thread only (the libOS's thread).
 */
public final class LibOsTestKit {
    /** Passes {@link #runUntil} allows by default: enough for any in-memory exchange, small enough to fail fast. */
    public static final int DEFAULT_MAX_PASSES = 100_000;

    private LibOsTestKit() {
    }

    /** A fresh virtual clock at 1 s. */
    public static ManualClock virtualClock() {
        return new ManualClock();
    }

    /** A buffer pool over plain native memory (no hugepages), so tests behave the same on every machine. */
    public static BufferPool nativePool() {
        return new BufferPool(MemoryProvider.nativeMemory(), BufferPool.DEFAULT_HEADROOM);
    }

    /**
     * A memory libOS on {@code clock} with {@link WaitPolicy#BLOCKING}: every idle step of a wait advances the
     * virtual clock (to the wait's deadline or the next timer at most), so timeouts take no real time.
     */
    public static MemoryLibOS virtualMemoryLibOS(ManualClock clock) {
        return new MemoryLibOS(clock, WaitPolicy.BLOCKING, nativePool());
    }

    /**
     * Runs {@code libos.poll()} until {@code condition} holds, at most {@code maxPasses} passes; returns the
     * passes it took (0 when it already held).
     *
     * @throws AssertionError naming {@code what} when the condition still does not hold
     */
    public static int runUntil(LibOS libos, BooleanSupplier condition, int maxPasses, String what) {
        for (int pass = 0; pass <= maxPasses; pass++) {
            if (condition.getAsBoolean()) {
                return pass;
            }
            if (pass < maxPasses) {
                libos.poll();
            }
        }
        throw new AssertionError("still not true after " + maxPasses + " passes: " + what);
    }

    public static int runUntil(LibOS libos, BooleanSupplier condition, String what) {
        return runUntil(libos, condition, DEFAULT_MAX_PASSES, what);
    }

    /**
     * As {@link #runUntil} but also advances {@code clock} by {@code stepNanos} after every pass that does not
     * satisfy the condition, for protocols driven by timers.
     */
    public static int runUntil(LibOS libos, ManualClock clock, long stepNanos, BooleanSupplier condition,
                               int maxPasses, String what) {
        for (int pass = 0; pass <= maxPasses; pass++) {
            if (condition.getAsBoolean()) {
                return pass;
            }
            if (pass < maxPasses) {
                libos.poll();
                clock.advance(stepNanos);
            }
        }
        throw new AssertionError("still not true after " + maxPasses + " passes of " + stepNanos + " ns: " + what);
    }

    /**
     * Waits for {@code qt} (forever on the libOS's terms: pass a bounded timeout where the test could hang)
     * and checks that it succeeded with {@code expectedOpcode}; returns {@code result}.
     */
    public static QResult expect(LibOS libos, long qt, long timeoutNanos, int expectedOpcode, QResult result) {
        if (qt < 0) {
            throw new AssertionError("operation refused: " + Errno.name((int) qt));
        }
        int rc = libos.wait(qt, timeoutNanos, result);
        if (rc != 0) {
            throw new AssertionError("wait on " + qt + " failed: " + Errno.name(rc));
        }
        if (result.opcode() != expectedOpcode) {
            throw new AssertionError("expected " + Opcode.name(expectedOpcode) + ", got " + result);
        }
        return result;
    }

    /** Pushes {@code sga} to {@code qd}, waits for the push and checks it succeeded. */
    public static void pushAndWait(LibOS libos, int qd, Sga sga, long timeoutNanos) {
        expect(libos, libos.push(qd, sga), timeoutNanos, Opcode.PUSH, new QResult());
    }

    /** An array holding exactly {@code bytes} (one segment). */
    public static Sga sga(LibOS libos, byte[] bytes) {
        Sga sga = libos.sgaAlloc(bytes.length);
        if (sga == null) {
            throw new AssertionError("sgaAlloc(" + bytes.length + ") returned null");
        }
        DemiBuffer b = sga.segment(0);
        MemorySegment.copy(bytes, 0, b.memory(), ValueLayout.JAVA_BYTE, b.offset(), bytes.length);
        return sga;
    }

    /** An array holding the UTF-8 bytes of {@code text}. */
    public static Sga sga(LibOS libos, String text) {
        return sga(libos, text.getBytes(StandardCharsets.UTF_8));
    }

    /** All data bytes of {@code sga}, in segment order. */
    public static byte[] bytes(Sga sga) {
        byte[] out = new byte[Math.toIntExact(sga.length())];
        sga.copyTo(out, 0);
        return out;
    }

    /** The data of {@code sga} as UTF-8 text. */
    public static String text(Sga sga) {
        return new String(bytes(sga), StandardCharsets.UTF_8);
    }

    /**
     * Asserts that everything the application got has been given back: no scatter-gather array and no buffer
     * outstanding, no operation pending or result untaken.
     */
    public static void assertNoLeaks(AbstractLibOS libos) {
        StringBuilder problems = new StringBuilder();
        if (libos.sgasOutstanding() != 0) {
            problems.append(" sgasOutstanding=").append(libos.sgasOutstanding());
        }
        if (libos.buffers().outstanding() != 0) {
            problems.append(" buffersOutstanding=").append(libos.buffers().outstanding());
        }
        if (libos.scheduler().liveTasks() != 0) {
            problems.append(" liveTasks=").append(libos.scheduler().liveTasks());
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("leak:" + problems);
        }
    }
}
