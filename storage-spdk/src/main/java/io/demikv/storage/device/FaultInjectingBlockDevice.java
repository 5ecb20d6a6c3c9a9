package io.demikv.storage.device;

import io.demikv.libos.Errno;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * A decorator that makes any {@link BlockDevice} fail the way disks do, for tests (smoltcp's
 * {@code FaultInjector} idea): an errno on a write or a flush ({@code EIO}), a short write (fewer bytes than
 * asked, the rest to be resubmitted), a torn write (only the first blocks reach the device, then
 * {@code EIO}), and a full disk (writes past a limit are cut short there, then fail with {@code ENOSPC}).
 * Faults are armed by the test and apply to commands submitted afterwards; failed commands never reach the
 * inner device and complete at the next {@link #pollCompletions}.
 *
 * <p>Single thread: the polling thread.
 */
public final class FaultInjectingBlockDevice implements BlockDevice {
    private static final int NONE = 0;
    private static final int FAIL = 1;
    private static final int SHORT = 2;
    private static final int TORN = 3;

    private final BlockDevice inner;
    private final long[] slotToken;
    private final int[] slotMode;
    private final int[] slotValue;
    private final int[] freeSlots;
    private int freeCount;
    private final ArrayDeque<long[]> synthetic = new ArrayDeque<>();

    private int writeErrno;
    private long writesUntilFailure = -1;
    private boolean stickyWriteFailure;
    private int flushErrno;
    private long flushesUntilFailure = -1;
    private boolean stickyFlushFailure;
    private int shortWriteBytes = -1;
    private int tornWriteBytes = -1;
    private long fullAt = Long.MAX_VALUE;
    private long faultsInjected;

    private CompletionHandler downstream;
    private final CompletionHandler mapper = this::onInner;

    public FaultInjectingBlockDevice(BlockDevice inner) {
        this.inner = inner;
        int n = inner.queueDepth();
        slotToken = new long[n];
        slotMode = new int[n];
        slotValue = new int[n];
        freeSlots = new int[n];
        for (int i = 0; i < n; i++) {
            freeSlots[i] = n - 1 - i;
        }
        freeCount = n;
    }

    /** The decorated device. */
    public BlockDevice inner() {
        return inner;
    }

    /** Fails the write {@code after} writes from now with {@code errno}; {@code sticky}: and every later one. */
    public FaultInjectingBlockDevice failWrite(long after, int errno, boolean sticky) {
        writesUntilFailure = after;
        writeErrno = errno;
        stickyWriteFailure = sticky;
        return this;
    }

    /** Fails the flush {@code after} flushes from now with {@code errno}; {@code sticky}: and every later one. */
    public FaultInjectingBlockDevice failFlush(long after, int errno, boolean sticky) {
        flushesUntilFailure = after;
        flushErrno = errno;
        stickyFlushFailure = sticky;
        return this;
    }

    /** The next write transfers only {@code bytes} (a block multiple, less than asked) and says so. */
    public FaultInjectingBlockDevice shortNextWrite(int bytes) {
        shortWriteBytes = bytes;
        return this;
    }

    /** The next write transfers only its first {@code bytes} (a block multiple), then fails with EIO. */
    public FaultInjectingBlockDevice tearNextWrite(int bytes) {
        tornWriteBytes = bytes;
        return this;
    }

    /** The disk is full at {@code offset}: writes are cut short there; a write that starts there fails ENOSPC. */
    public FaultInjectingBlockDevice fullAt(long offset) {
        fullAt = offset;
        return this;
    }

    /** Disarms every fault. */
    public FaultInjectingBlockDevice heal() {
        writesUntilFailure = -1;
        flushesUntilFailure = -1;
        shortWriteBytes = -1;
        tornWriteBytes = -1;
        fullAt = Long.MAX_VALUE;
        return this;
    }

    /** Commands that got a fault so far. */
    public long faultsInjected() {
        return faultsInjected;
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
    public int inFlight() {
        return inner.inFlight() + synthetic.size();
    }

    @Override
    public MemorySegment allocateDma(long bytes) {
        return inner.allocateDma(bytes);
    }

    @Override
    public int submitWrite(MemorySegment buffer, long offset, int length, int flags, long token) {
        if (inFlight() >= queueDepth()) {
            return -Errno.EAGAIN;
        }
        if (writesUntilFailure >= 0) {
            if (writesUntilFailure == 0) {
                if (!stickyWriteFailure) {
                    writesUntilFailure = -1;
                }
                return fault(token, -writeErrno);
            }
            writesUntilFailure--;
        }
        if (offset >= fullAt) {
            return fault(token, -Errno.ENOSPC);
        }
        int mode = NONE;
        int value = 0;
        int len = length;
        if (offset + length > fullAt) {
            mode = SHORT;
            len = (int) (fullAt - offset);
        } else if (tornWriteBytes >= 0) {
            mode = TORN;
            len = Math.min(tornWriteBytes, length);
            tornWriteBytes = -1;
        } else if (shortWriteBytes >= 0) {
            mode = SHORT;
            len = Math.min(shortWriteBytes, length);
            shortWriteBytes = -1;
        }
        if (mode != NONE) {
            faultsInjected++;
            value = len;
            if (len == 0) {
                return fault(token, mode == TORN ? -Errno.EIO : 0);
            }
        }
        int slot = slot(token, mode, value);
        int rc = inner.submitWrite(buffer, offset, len, flags, slot);
        if (rc < 0) {
            release(slot);
        }
        return rc;
    }

    @Override
    public int submitRead(MemorySegment buffer, long offset, int length, long token) {
        if (inFlight() >= queueDepth()) {
            return -Errno.EAGAIN;
        }
        int slot = slot(token, NONE, 0);
        int rc = inner.submitRead(buffer, offset, length, slot);
        if (rc < 0) {
            release(slot);
        }
        return rc;
    }

    @Override
    public int submitFlush(long token) {
        if (inFlight() >= queueDepth()) {
            return -Errno.EAGAIN;
        }
        if (flushesUntilFailure >= 0) {
            if (flushesUntilFailure == 0) {
                if (!stickyFlushFailure) {
                    flushesUntilFailure = -1;
                }
                return fault(token, -flushErrno);
            }
            flushesUntilFailure--;
        }
        int slot = slot(token, NONE, 0);
        int rc = inner.submitFlush(slot);
        if (rc < 0) {
            release(slot);
        }
        return rc;
    }

    private int fault(long token, int result) {
        faultsInjected++;
        synthetic.addLast(new long[] {token, result});
        return 0;
    }

    private int slot(long token, int mode, int value) {
        int s = freeSlots[--freeCount];
        slotToken[s] = token;
        slotMode[s] = mode;
        slotValue[s] = value;
        return s;
    }

    private void release(int slot) {
        freeSlots[freeCount++] = slot;
    }

    @Override
    public int submit() {
        return inner.submit();
    }

    @Override
    public int pollCompletions(int max, CompletionHandler handler) {
        int n = 0;
        while (n < max && !synthetic.isEmpty()) {
            long[] c = synthetic.pollFirst();
            n++;
            handler.onComplete(c[0], (int) c[1]);
        }
        if (n < max) {
            downstream = handler;
            try {
                int rc = inner.pollCompletions(max - n, mapper);
                if (rc < 0) {
                    return rc;
                }
                n += rc;
            } finally {
                downstream = null;
            }
        }
        return n;
    }

    private void onInner(long innerToken, int result) {
        int s = (int) innerToken;
        long token = slotToken[s];
        int mode = slotMode[s];
        int value = slotValue[s];
        release(s);
        if (result >= 0 && mode == SHORT) {
            result = Math.min(result, value);
        } else if (result >= 0 && mode == TORN) {
            result = -Errno.EIO;
        }
        downstream.onComplete(token, result);
    }

    @Override
    public boolean supportsFua() {
        return inner.supportsFua();
    }

    @Override
    public String describe() {
        return "fault-injecting " + inner.describe();
    }

    @Override
    public void close() {
        inner.close();
    }
}
