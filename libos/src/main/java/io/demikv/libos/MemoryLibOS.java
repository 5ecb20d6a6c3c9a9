package io.demikv.libos;

import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.time.NanoClock;

/**
 * A libOS with only in-memory queues ({@link #queue()}): for tests, in-process pipelines and measuring the
 * PDPIX overhead itself. Sockets are not supported ({@code -EOPNOTSUPP}). Libos thread only.
 */
public final class MemoryLibOS extends AbstractLibOS {
    public MemoryLibOS(NanoClock clock, WaitPolicy waitPolicy, BufferPool buffers) {
        super(clock, waitPolicy, buffers);
    }

    public MemoryLibOS() {
        this(NanoClock.SYSTEM, WaitPolicy.DEFAULT, new BufferPool());
    }

    @Override
    public String name() {
        return "memory";
    }
}
