package io.demikv.bench.jmh;

import io.demikv.libos.LibOS;
import io.demikv.libos.MemoryLibOS;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import io.demikv.libos.WaitPolicy;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.time.NanoClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The PDPIX overhead itself: one push, one pop and the waits for both over an in-memory queue, the
 * libOS's own cost without any device. Target: under 100 ns and about 0 B/op ({@code -prof gc}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
@State(Scope.Thread)
public class MemoryQueueRoundTrip {
    private LibOS libos;
    private int qd;
    private Sga message;
    private final QResult pushed = new QResult();
    private final QResult popped = new QResult();

    @Setup(Level.Trial)
    public void setUp() {
        libos = new MemoryLibOS(NanoClock.SYSTEM, WaitPolicy.BUSY_POLL, new BufferPool());
        qd = libos.queue();
        message = libos.sgaAlloc(64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        libos.sgaFree(message);
        libos.close();
    }

    /** push, wait(push), pop, wait(pop), free the popped array. */
    @Benchmark
    public long pushPopWait() {
        long pushQt = libos.push(qd, message);
        libos.wait(pushQt, -1, pushed);
        long popQt = libos.pop(qd);
        libos.wait(popQt, -1, popped);
        long n = popped.sga().length();
        libos.sgaFree(popped.sga());
        return n;
    }

    /** pop first (it parks), then push hands the data straight to it. */
    @Benchmark
    public long popThenPush() {
        long popQt = libos.pop(qd);
        long pushQt = libos.push(qd, message);
        libos.wait(pushQt, -1, pushed);
        libos.wait(popQt, -1, popped);
        long n = popped.sga().length();
        libos.sgaFree(popped.sga());
        return n;
    }
}
