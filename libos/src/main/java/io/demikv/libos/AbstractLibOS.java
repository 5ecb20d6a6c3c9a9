package io.demikv.libos;

import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.sched.Scheduler;
import io.demikv.libos.sched.Task;
import io.demikv.libos.sched.Timers;
import io.demikv.libos.time.ManualClock;
import io.demikv.libos.time.NanoClock;

import java.util.concurrent.locks.LockSupport;

/**
 * What every libOS shares: the queue table, the scheduler and the {@code wait*} loops with their
 * {@link WaitPolicy}, the {@link Sga} pool, and in-memory queues. A concrete libOS adds sockets (or a
 * device) by overriding {@link #socket} and, for efficient idling, {@link #block}. Libos thread only.
 */
public abstract class AbstractLibOS implements LibOS {
    protected final NanoClock clock;
    protected final Scheduler scheduler;
    protected final QueueTable queues = new QueueTable();
    protected final BufferPool buffers;
    private final WaitPolicy waitPolicy;
    private Sga freeSgas;
    private long sgasOutstanding;
    private long idlePasses;
    private long parkNanos;
    /** Set during a pass by {@link #blockWhenIdle()}; cleared when the wait idles or finds work. */
    private boolean blockNow;
    /** Set during a pass by {@link #keepPolling()}; cleared when the wait idles or finds work. */
    private boolean pollNeeded;
    private boolean closed;

    protected AbstractLibOS(NanoClock clock, WaitPolicy waitPolicy, BufferPool buffers) {
        this.clock = clock;
        this.waitPolicy = waitPolicy;
        this.buffers = buffers;
        this.scheduler = new Scheduler();
        this.scheduler.setFinishHook(this::onTaskFinished);
        this.parkNanos = waitPolicy.minParkNanos();
    }

    @Override
    public final Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public final BufferPool buffers() {
        return buffers;
    }

    @Override
    public final long nowNanos() {
        return clock.nanoTime();
    }

    public final WaitPolicy waitPolicy() {
        return waitPolicy;
    }

    public final QueueTable queueTable() {
        return queues;
    }

    /** Scatter-gather arrays handed out and not yet freed; for leak checks. */
    public final long sgasOutstanding() {
        return sgasOutstanding;
    }

    // ---------------------------------------------------------------- queues

    @Override
    public int socket(int domain, int type, int protocol) {
        return -Errno.EOPNOTSUPP;
    }

    @Override
    public final int bind(int qd, long endpoint) {
        IoQueue q = queues.get(qd);
        return q == null ? -Errno.EBADF : q.bind(endpoint);
    }

    @Override
    public final int listen(int qd, int backlog) {
        IoQueue q = queues.get(qd);
        if (q == null) {
            return -Errno.EBADF;
        }
        return backlog < 0 ? -Errno.EINVAL : q.listen(backlog);
    }

    @Override
    public final long accept(int qd) {
        IoQueue q = queues.get(qd);
        return q == null ? -Errno.EBADF : q.accept();
    }

    @Override
    public final long connect(int qd, long endpoint) {
        IoQueue q = queues.get(qd);
        if (q == null) {
            return -Errno.EBADF;
        }
        return endpoint == Endpoint.NONE ? -Errno.EINVAL : q.connect(endpoint);
    }

    @Override
    public final long push(int qd, Sga sga) {
        IoQueue q = queues.get(qd);
        if (q == null) {
            return -Errno.EBADF;
        }
        int bad = checkPushable(sga);
        if (bad != 0) {
            return bad;
        }
        int held = ++sga.pendingPushes;
        return holdUntilFinished(sga, held, q.push(sga));
    }

    @Override
    public final long pushTo(int qd, Sga sga, long endpoint) {
        IoQueue q = queues.get(qd);
        if (q == null) {
            return -Errno.EBADF;
        }
        int bad = checkPushable(sga);
        if (bad != 0) {
            return bad;
        }
        if (endpoint == Endpoint.NONE) {
            return -Errno.EDESTADDRREQ;
        }
        int held = ++sga.pendingPushes;
        return holdUntilFinished(sga, held, q.pushTo(sga, endpoint));
    }

    /**
     * Ties the hold taken on {@code sga} to the push task {@code qt}: {@link #onTaskFinished} drops it when the
     * task finishes, however it finishes (completion, failure, cancellation by close). A push refused at once
     * ({@code qt < 0}) or finished at once without the array attached drops it here.
     */
    private long holdUntilFinished(Sga sga, int held, long qt) {
        if (qt < 0) {
            if (sga.pendingPushes == held) {
                sga.pendingPushes--;
            }
            return qt;
        }
        Task t = scheduler.lookup(qt);
        if (t != null && t.isPending()) {
            t.sga = sga;
        } else if (sga.pendingPushes == held) {
            sga.pendingPushes--;
        }
        return qt;
    }

    /** The scheduler's finish hook: a push task that finishes in any way releases its hold on its array. */
    private void onTaskFinished(Task t) {
        Sga sga = t.sga;
        if (sga != null && t.opcode == Opcode.PUSH) {
            t.sga = null;
            if (sga.pendingPushes > 0) {
                sga.pendingPushes--;
            }
        }
    }

    private static int checkPushable(Sga sga) {
        if (sga == null || sga.state != Sga.OWNED || sga.segmentCount() == 0 || sga.length() == 0) {
            return -Errno.EINVAL;
        }
        return 0;
    }

    @Override
    public final long pop(int qd) {
        IoQueue q = queues.get(qd);
        return q == null ? -Errno.EBADF : q.pop(Integer.MAX_VALUE);
    }

    @Override
    public final int close(int qd) {
        IoQueue q = queues.get(qd);
        if (q == null) {
            return -Errno.EBADF;
        }
        int rc = q.close();
        queues.remove(qd);
        return rc;
    }

    @Override
    public final int queue() {
        return queues.install(new MemoryQueue(this));
    }

    /** Installs a queue made by a subclass; returns its qd or -errno. */
    protected final int install(IoQueue q) {
        return queues.install(q);
    }

    // ---------------------------------------------------------------- completions for queue implementations

    /**
     * Completes a push: releases the hold on its array, which the result carries back ({@link QResult#sga()})
     * so the application can reuse or free it. For queue implementations.
     */
    public final void completePush(Task t, long bytes) {
        // The scheduler's finish hook (onTaskFinished) releases the hold, as for every way a push finishes.
        scheduler.complete(t, t.sga, -1, Endpoint.NONE, bytes);
    }

    /**
     * Fails a push; the hold on its array is released as for {@link #completePush} (and for a push that a
     * queue cancels with {@link Scheduler#fail} directly). For queue implementations.
     */
    public final void failPush(Task t, int errno) {
        scheduler.fail(t, errno);
    }

    // ---------------------------------------------------------------- memory

    @Override
    public final Sga sgaAlloc(int length) {
        if (length <= 0 || length > BufferPool.MAX_BUFFER_BYTES || closed) {
            return null;
        }
        DemiBuffer b = buffers.allocate(length);
        if (b == null) {
            return null;
        }
        Sga sga = newSga();
        sga.add(b);
        return sga;
    }

    /** An empty array owned by the caller; for libOS implementations that fill it from a pop. */
    public final Sga newSga() {
        Sga sga = freeSgas;
        if (sga != null) {
            freeSgas = sga.nextFree;
            sga.nextFree = null;
        } else {
            sga = new Sga();
        }
        sga.state = Sga.OWNED;
        sgasOutstanding++;
        return sga;
    }

    /** An array that holds one buffer (taking over the caller's reference). */
    public final Sga wrap(DemiBuffer buffer) {
        Sga sga = newSga();
        sga.add(buffer);
        return sga;
    }

    @Override
    public final int sgaFree(Sga sga) {
        if (sga == null || sga.state != Sga.OWNED) {
            return -Errno.EINVAL;
        }
        if (sga.pendingPushes > 0) {
            return -Errno.EBUSY;
        }
        sga.releaseSegments();
        sga.state = Sga.FREE;
        sga.nextFree = freeSgas;
        freeSgas = sga;
        sgasOutstanding--;
        return 0;
    }

    // ---------------------------------------------------------------- waiting

    @Override
    public final int poll() {
        return scheduler.runOnce(clock.nanoTime());
    }

    @Override
    public final int wait(long qt, long timeoutNanos, QResult result) {
        if (result == null) {
            return -Errno.EINVAL;
        }
        Task t = scheduler.lookup(qt);
        if (t == null) {
            return -Errno.EINVAL;
        }
        if (t.isDone()) {
            return scheduler.take(qt, result);
        }
        long deadline = deadline(clock.nanoTime(), timeoutNanos);
        resetIdle();
        while (true) {
            long now = clock.nanoTime();
            int work = scheduler.runOnce(now);
            if (t.qt() != qt) {
                // Only possible if an operator took the result itself: the token is gone.
                return -Errno.EINVAL;
            }
            if (t.isDone()) {
                return scheduler.take(qt, result);
            }
            if (now >= deadline) {
                return -Errno.ETIMEDOUT;
            }
            idle(work, deadline);
        }
    }

    /**
     * Among {@code qts[0..n)} already completed, the one that completed first; its index, -1 when none has,
     * or -2 when a token is unknown or taken.
     */
    private int firstCompleted(long[] qts, int n) {
        int best = -1;
        long bestSeq = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            Task t = scheduler.lookup(qts[i]);
            if (t == null) {
                return -2;
            }
            if (t.isDone() && t.completionSeq() < bestSeq) {
                best = i;
                bestSeq = t.completionSeq();
            }
        }
        return best;
    }

    /**
     * {@inheritDoc}
     *
     * <p>When several of the tokens have completed, the one that completed first wins, so a busy token early
     * in the array cannot starve later ones. A token may appear more than once.
     */
    @Override
    public final int waitAny(long[] qts, int n, long timeoutNanos, QResult result) {
        if (qts == null || result == null || n <= 0 || n > qts.length) {
            return -Errno.EINVAL;
        }
        int i = firstCompleted(qts, n);
        if (i == -2) {
            return -Errno.EINVAL;
        }
        if (i >= 0) {
            scheduler.take(qts[i], result);
            return i;
        }
        long deadline = deadline(clock.nanoTime(), timeoutNanos);
        resetIdle();
        while (true) {
            long now = clock.nanoTime();
            int work = scheduler.runOnce(now);
            i = firstCompleted(qts, n);
            if (i == -2) {
                return -Errno.EINVAL;
            }
            if (i >= 0) {
                scheduler.take(qts[i], result);
                return i;
            }
            if (now >= deadline) {
                return -Errno.ETIMEDOUT;
            }
            idle(work, deadline);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Runs one pass first even when results are already waiting, then hands out the oldest results first.
     * Returns {@code -EINVAL} when {@code max} is not in {@code 1..results.length} or one of those entries is
     * null.
     */
    @Override
    public final int waitNext(QResult[] results, int max, long timeoutNanos) {
        if (results == null || max <= 0 || max > results.length) {
            return -Errno.EINVAL;
        }
        for (int i = 0; i < max; i++) {
            if (results[i] == null) {
                return -Errno.EINVAL;
            }
        }
        long deadline = deadline(clock.nanoTime(), timeoutNanos);
        resetIdle();
        while (true) {
            long now = clock.nanoTime();
            int work = scheduler.runOnce(now);
            int n = 0;
            while (n < max && scheduler.takeNext(results[n])) {
                n++;
            }
            if (n > 0) {
                return n;
            }
            if (now >= deadline) {
                return -Errno.ETIMEDOUT;
            }
            idle(work, deadline);
        }
    }

    /** The absolute deadline of a wait: {@link Long#MAX_VALUE} (never) for a negative timeout; no overflow. */
    static long deadline(long start, long timeoutNanos) {
        if (timeoutNanos < 0) {
            return Long.MAX_VALUE;
        }
        return Timers.deadlineAfter(start, timeoutNanos);
    }

    private void resetIdle() {
        idlePasses = 0;
        parkNanos = waitPolicy.minParkNanos();
    }

    /**
     * After a pass inside a wait ({@code now < deadline}): back off while passes do no work (spin, yield, then
     * block with doubling park times), never blocking past the wait's deadline or the next timer's.
     */
    private void idle(int work, long deadline) {
        if (work > 0) {
            blockNow = false;
            pollNeeded = false;
            resetIdle();
            return;
        }
        idlePasses++;
        boolean bounded = pollNeeded || !sleepsUntilEvent();
        pollNeeded = false;
        if (blockNow) {
            // What the wait is waiting for will signal a wake fd (blockWhenIdle): skip spinning and yielding.
            blockNow = false;
            idlePasses = Math.max(idlePasses, waitPolicy.spinPolls() + waitPolicy.yieldPolls() + 1);
        }
        if (idlePasses <= waitPolicy.spinPolls()) {
            Thread.onSpinWait();
            return;
        }
        if (idlePasses - waitPolicy.spinPolls() <= waitPolicy.yieldPolls()) {
            Thread.yield();
            return;
        }
        long now = clock.nanoTime();
        // A libOS whose blocking ends at any event sleeps until the wait's deadline or the next timer (at most a
        // second), unless a poller must still be polled; others park, the park time doubling up to its maximum.
        long nanos = Math.min(bounded ? parkNanos : MAX_EVENT_SLEEP_NANOS, untilOrZero(now, deadline));
        long timerDeadline = scheduler.timers().nextDeadline();
        if (timerDeadline != Long.MAX_VALUE) {
            nanos = Math.min(nanos, untilOrZero(now, timerDeadline));
        }
        if (nanos > 0) {
            block(nanos);
        }
        parkNanos = Math.min(Math.max(1, parkNanos * 2), waitPolicy.maxParkNanos());
    }

    /** {@code deadline - now}: 0 once the deadline has passed, {@link Long#MAX_VALUE} if the difference overflows. */
    private static long untilOrZero(long now, long deadline) {
        if (deadline <= now) {
            return 0;
        }
        long d = deadline - now;
        return d < 0 ? Long.MAX_VALUE : d;
    }

    /**
     * Registers a file descriptor (an eventfd, say, that a device signals when it posts completions) whose
     * readiness must end {@link #block}: a poller that waits for such a device can then let {@code wait} sleep
     * instead of polling. Returns false when this libOS's blocking cannot watch descriptors (it parks or spins):
     * the caller then has to keep reporting work while it waits. The default returns false.
     */
    public boolean addWakeFd(int fd) {
        return false;
    }

    /** Undoes {@link #addWakeFd} (before the descriptor is closed). */
    public void removeWakeFd(int fd) {
    }

    /** The longest single sleep of a libOS that {@linkplain #sleepsUntilEvent() sleeps until an event}. */
    static final long MAX_EVENT_SLEEP_NANOS = 1_000_000_000L;

    /**
     * True when {@link #block} ends as soon as any I/O of this libOS may be ready (Catnap's epoll_wait), so an idle
     * wait can sleep until its deadline or the next timer instead of waking every park time to poll. A poller
     * that must still be polled in the meantime (a device without a {@linkplain #addWakeFd wake fd}) says so with
     * {@link #keepPolling()}. The default is false (park, bounded by the wait policy's park times).
     */
    protected boolean sleepsUntilEvent() {
        return false;
    }

    /**
     * Called by a poller during a pass that must be repeated soon although it did no work (it polls something no
     * event announces): the wait's sleep stays bounded by the wait policy's park time.
     */
    public final void keepPolling() {
        pollNeeded = true;
    }

    /**
     * Called by a poller during a pass: if this pass does no work, the wait should block right away (skipping its
     * spin and yield phases) because what it waits for arrives through a {@linkplain #addWakeFd wake fd}, and is
     * completed by a kernel thread that spinning on this CPU would only delay (io_uring's workers inherit the
     * submitter's CPU affinity).
     */
    public final void blockWhenIdle() {
        blockNow = true;
    }

    /**
     * Blocks for at most {@code nanos} or until I/O may be ready. The default parks the thread, or advances
     * a {@link ManualClock} (virtual time passes instantly). Catnap blocks in epoll instead.
     */
    protected void block(long nanos) {
        if (clock instanceof ManualClock manual) {
            manual.advance(nanos);
        } else {
            LockSupport.parkNanos(nanos);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (IoQueue q : queues.snapshot()) {
            q.close();
            queues.remove(q.qd());
        }
        buffers.close();
    }
}
