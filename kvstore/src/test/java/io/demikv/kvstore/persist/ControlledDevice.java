package io.demikv.kvstore.persist;

import io.demikv.storage.device.BlockDevice;
import io.demikv.storage.device.CompletionHandler;
import io.demikv.storage.device.FaultInjectingBlockDevice;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Test decorator around Cattree's {@link FaultInjectingBlockDevice} that a test thread can steer while the
 * server thread owns the device: faults are armed on the device's own thread (at its next poll), and flush
 * completions can be held back (a flush that "takes forever") and released.
 */
final class ControlledDevice implements BlockDevice {
    private final FaultInjectingBlockDevice inner;
    private volatile Consumer<FaultInjectingBlockDevice> arm;
    private volatile boolean holdFlushes;
    private final ArrayDeque<long[]> held = new ArrayDeque<>();
    private volatile int flushesCompleted;

    ControlledDevice(BlockDevice device) {
        this.inner = new FaultInjectingBlockDevice(device);
    }

    /** Runs {@code action} on the device's thread at its next poll (e.g. {@code d -> d.failWrite(0, EIO, true)}). */
    void arm(Consumer<FaultInjectingBlockDevice> action) {
        arm = action;
    }

    void holdFlushes(boolean on) {
        holdFlushes = on;
    }

    int flushesCompleted() {
        return flushesCompleted;
    }

    private void applyArm() {
        Consumer<FaultInjectingBlockDevice> a = arm;
        if (a != null) {
            arm = null;
            a.accept(inner);
        }
    }

    @Override
    public int pollCompletions(int max, CompletionHandler handler) {
        applyArm();
        int n = 0;
        if (!holdFlushes) {
            long[] c;
            while ((c = held.pollFirst()) != null) {
                handler.onComplete(c[0], (int) c[1]);
                flushesCompleted++;
                n++;
            }
        }
        int rc = inner.pollCompletions(max, (token, result) -> {
            if ((token >>> 56) == 2) { // Cattree's flush token (LogWriter.KIND_FLUSH)
                if (holdFlushes) {
                    held.add(new long[] {token, result});
                    return;
                }
                flushesCompleted++;
            }
            handler.onComplete(token, result);
        });
        return rc < 0 ? rc : rc + n;
    }

    @Override
    public int inFlight() {
        return inner.inFlight() + held.size();
    }

    @Override
    public int blockSize() {
        return inner.blockSize();
    }

    @Override
    public long capacityBytes() {
        return inner.capacityBytes();
    }

    @Override
    public int queueDepth() {
        return inner.queueDepth();
    }

    @Override
    public MemorySegment allocateDma(long bytes) {
        return inner.allocateDma(bytes);
    }

    @Override
    public int submitWrite(MemorySegment buffer, long offset, int length, int flags, long token) {
        applyArm();
        return inner.submitWrite(buffer, offset, length, flags, token);
    }

    @Override
    public int submitRead(MemorySegment buffer, long offset, int length, long token) {
        return inner.submitRead(buffer, offset, length, token);
    }

    @Override
    public int submitFlush(long token) {
        applyArm();
        return inner.submitFlush(token);
    }

    @Override
    public int submit() {
        return inner.submit();
    }

    @Override
    public boolean supportsFua() {
        return inner.supportsFua();
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() {
        inner.close();
    }
}
