package io.demikv.libos;

import io.demikv.libos.sched.Operator;
import io.demikv.libos.sched.Task;
import io.demikv.libos.sched.TaskList;

/**
 * An in-memory PDPIX queue: each push delivers one array to one pop, in order, without copying (the popped
 * array holds views of the pushed buffers, which stay alive until both sides free them; the pusher must not
 * change the bytes afterwards). Close drops what is queued and cancels waiting pops. Both operations take the
 * fast path: a push completes at once, a pop completes at once when something is queued, and a push
 * hands its data straight to the oldest waiting pop. Unbounded. Libos thread only.
 */
final class MemoryQueue extends IoQueue implements Operator {
    private final AbstractLibOS libos;
    private final TaskList waitingPops = new TaskList();
    private Sga[] ring = new Sga[16];
    private int head;
    private int count;
    private boolean closed;

    MemoryQueue(AbstractLibOS libos) {
        this.libos = libos;
    }

    @Override
    public String kind() {
        return "memory";
    }

    @Override
    public long push(Sga sga) {
        // The popper gets views: the same bytes, but its own windows, so trimming what it popped cannot change
        // the pusher's array (which the push result hands back for reuse).
        Sga copy = libos.newSga();
        for (int i = 0; i < sga.segmentCount(); i++) {
            copy.add(libos.buffers().share(sga.segment(i)));
        }
        Task popper = waitingPops.pollFirst();
        if (popper != null) {
            libos.scheduler().complete(popper, copy, -1, Endpoint.NONE, copy.length());
        } else {
            enqueue(copy);
        }
        Task t = libos.scheduler().acquire(this, Opcode.PUSH, qd());
        t.sga = sga;
        libos.completePush(t, sga.length());
        return t.qt();
    }

    @Override
    public long pop(int maxBytes) {
        Task t = libos.scheduler().acquire(this, Opcode.POP, qd());
        if (count > 0) {
            Sga sga = dequeue();
            libos.scheduler().complete(t, sga, -1, Endpoint.NONE, sga.length());
        } else {
            waitingPops.addLast(t);
        }
        return t.qt();
    }

    /** Memory-queue tasks never sit on the run queue: pushes complete pops directly. */
    @Override
    public void poll(Task task, long nowNanos) {
        libos.scheduler().park(task);
        waitingPops.addLast(task);
    }

    private void enqueue(Sga sga) {
        if (count == ring.length) {
            Sga[] grown = new Sga[ring.length * 2];
            for (int i = 0; i < count; i++) {
                grown[i] = ring[(head + i) & (ring.length - 1)];
            }
            ring = grown;
            head = 0;
        }
        ring[(head + count) & (ring.length - 1)] = sga;
        count++;
    }

    private Sga dequeue() {
        Sga sga = ring[head];
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        count--;
        return sga;
    }

    @Override
    public int close() {
        if (closed) {
            return -Errno.EBADF;
        }
        closed = true;
        Task t;
        while ((t = waitingPops.pollFirst()) != null) {
            libos.scheduler().fail(t, Errno.ECANCELED);
        }
        while (count > 0) {
            libos.sgaFree(dequeue());
        }
        return 0;
    }
}
