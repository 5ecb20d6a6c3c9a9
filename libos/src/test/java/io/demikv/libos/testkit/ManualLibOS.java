package io.demikv.libos.testkit;

import io.demikv.libos.AbstractLibOS;
import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.IoQueue;
import io.demikv.libos.Opcode;
import io.demikv.libos.Sga;
import io.demikv.libos.WaitPolicy;
import io.demikv.libos.sched.Operator;
import io.demikv.libos.sched.Task;
import io.demikv.libos.sched.TaskList;
import io.demikv.libos.time.NanoClock;

/**
 * A libOS whose {@link #manualQueue() manual queues} complete nothing by themselves: pushes and pops stay
 * pending until the test completes them ({@link #completeNextPush}, {@link #failNextPush},
 * {@link #deliver}). For testing what applications and libOS layers do while operations are in flight (a
 * held array, a timeout, a cancellation by close). It also has the in-memory queues of every libOS.
 * Test thread only.
 */
public final class ManualLibOS extends AbstractLibOS {
    public ManualLibOS(NanoClock clock, WaitPolicy waitPolicy) {
        super(clock, waitPolicy, LibOsTestKit.nativePool());
    }

    @Override
    public String name() {
        return "manual";
    }

    /** Opens a manual queue; returns its qd. */
    public int manualQueue() {
        return install(new ManualQueue(this));
    }

    /** The manual queue of {@code qd}. */
    public ManualQueue manual(int qd) {
        IoQueue q = queueTable().get(qd);
        if (!(q instanceof ManualQueue m)) {
            throw new AssertionError("qd " + qd + " is not an open manual queue");
        }
        return m;
    }

    /** Completes the oldest pending push of {@code qd} with all its bytes; false when none is pending. */
    public boolean completeNextPush(int qd) {
        Task t = manual(qd).pushes.pollFirst();
        if (t == null) {
            return false;
        }
        completePush(t, t.sga.length());
        return true;
    }

    /** Fails the oldest pending push of {@code qd} with {@code errno}; false when none is pending. */
    public boolean failNextPush(int qd, int errno) {
        Task t = manual(qd).pushes.pollFirst();
        if (t == null) {
            return false;
        }
        failPush(t, errno);
        return true;
    }

    /** Completes the oldest pending pop of {@code qd} with {@code data} (which it takes over); false when none. */
    public boolean deliver(int qd, Sga data) {
        Task t = manual(qd).pops.pollFirst();
        if (t == null) {
            return false;
        }
        scheduler.complete(t, data, -1, Endpoint.NONE, data.length());
        return true;
    }

    /** A queue whose operations wait for the test. */
    public static final class ManualQueue extends IoQueue implements Operator {
        private final ManualLibOS libos;
        final TaskList pushes = new TaskList();
        final TaskList pops = new TaskList();

        ManualQueue(ManualLibOS libos) {
            this.libos = libos;
        }

        @Override
        public String kind() {
            return "manual";
        }

        public int pendingPushes() {
            return pushes.size();
        }

        public int pendingPops() {
            return pops.size();
        }

        @Override
        public long push(Sga sga) {
            Task t = libos.scheduler().acquire(this, Opcode.PUSH, qd());
            t.sga = sga;
            pushes.addLast(t);
            return t.qt();
        }

        @Override
        public long pop(int maxBytes) {
            Task t = libos.scheduler().acquire(this, Opcode.POP, qd());
            pops.addLast(t);
            return t.qt();
        }

        @Override
        public void poll(Task task, long nowNanos) {
            libos.scheduler().park(task);
        }

        /** Cancels everything pending with {@code ECANCELED}, as the contract of close asks. */
        @Override
        public int close() {
            Task t;
            while ((t = pushes.pollFirst()) != null) {
                // Deliberately the plain scheduler call: the hold must be released however a push finishes.
                libos.scheduler().fail(t, Errno.ECANCELED);
            }
            while ((t = pops.pollFirst()) != null) {
                libos.scheduler().fail(t, Errno.ECANCELED);
            }
            return 0;
        }
    }
}
