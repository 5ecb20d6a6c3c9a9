package io.demikv.libos.sched;

import io.demikv.libos.Errno;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;

/**
 * The single-threaded, run-to-completion scheduler of a libOS. Every pending operation is a {@link Task}
 * whose id is its qtoken: {@code (generation << 32) | index}, always positive. The scheduler
 * <ul>
 *   <li>runs the registered {@link Poller}s and then every task that is runnable once the pollers are done,
 *       once each, in FIFO order, so no task starves another ({@link #runOnce}); a task woken or left
 *       runnable during the task phase is polled in the next pass;</li>
 *   <li>keeps the result of a completed task until someone takes it ({@link #take}), in completion order
 *       for {@link #takeNext};</li>
 *   <li>detects a stale or already-taken qtoken by its generation, so waiting twice is an error, not a
 *       read of someone else's result;</li>
 *   <li>calls its {@link FinishHook} exactly once per task when the task completes or fails, however that
 *       happens (the libOS releases a push's hold on its array there).</li>
 * </ul>
 * Task slots grow on demand and are reused; completed tasks wait on an intrusive list: no allocation per
 * operation in steady state. Libos thread only.
 */
public final class Scheduler {
    private static final int INITIAL_TASKS = 1024;

    /** Called once when a task completes or fails, before its result can be taken. Libos thread only. */
    @FunctionalInterface
    public interface FinishHook {
        void onFinish(Task task);
    }

    private Task[] tasks = new Task[INITIAL_TASKS];
    private int[] freeStack = new int[INITIAL_TASKS];
    private int freeTop;
    private int allocated;
    private int live;

    private final TaskList runQueue = new TaskList();
    private final TaskList completed = new TaskList();
    private long passes;
    private long completions;

    private Poller[] pollers = new Poller[0];
    private final Timers timers = new Timers();
    private FinishHook finishHook;

    public Scheduler() {
        addPoller(timers);
    }

    /** Kept for callers that pass the clock's start; the scheduler needs no start time. */
    public Scheduler(long startNanos) {
        this();
    }

    public static long token(int index, int generation) {
        return ((long) generation << 32) | (index & 0xFFFF_FFFFL);
    }

    public Timers timers() {
        return timers;
    }

    /** Sets the hook run when any task finishes; one per scheduler (the libOS's). Start-up only. */
    public void setFinishHook(FinishHook hook) {
        this.finishHook = hook;
    }

    /** Registers a duty cycle to run on every pass. Start-up only. */
    public void addPoller(Poller poller) {
        Poller[] grown = java.util.Arrays.copyOf(pollers, pollers.length + 1);
        grown[pollers.length] = poller;
        pollers = grown;
    }

    public void removePoller(Poller poller) {
        for (int i = 0; i < pollers.length; i++) {
            if (pollers[i] == poller) {
                Poller[] shrunk = new Poller[pollers.length - 1];
                System.arraycopy(pollers, 0, shrunk, 0, i);
                System.arraycopy(pollers, i + 1, shrunk, i, pollers.length - i - 1);
                pollers = shrunk;
                return;
            }
        }
    }

    /** Pending plus completed-but-not-taken tasks. */
    public int liveTasks() {
        return live;
    }

    public int runnableTasks() {
        return runQueue.size();
    }

    /** Completed tasks whose results nobody has taken yet. */
    public int completedTasks() {
        return completed.size();
    }

    /** Passes run so far by {@link #runOnce}. */
    public long passes() {
        return passes;
    }

    /**
     * A fresh task for {@code operator}, parked (the operator decides where it waits or whether to
     * {@link #wake} it). Its qtoken is {@link Task#qt()}.
     */
    public Task acquire(Operator operator, int opcode, int qd) {
        int index;
        if (freeTop > 0) {
            index = freeStack[--freeTop];
        } else {
            if (allocated == tasks.length) {
                grow();
            }
            index = allocated++;
            tasks[index] = new Task(index);
            tasks[index].generation = 1;
        }
        Task t = tasks[index];
        t.operator = operator;
        t.opcode = opcode;
        t.qd = qd;
        t.state = Task.PARKED;
        live++;
        return t;
    }

    private void grow() {
        int n = tasks.length * 2;
        tasks = java.util.Arrays.copyOf(tasks, n);
        freeStack = java.util.Arrays.copyOf(freeStack, n);
    }

    /** The pending or completed task of {@code qt}, or {@code null} when the token is unknown or taken. */
    public Task lookup(long qt) {
        if (qt <= 0) {
            return null;
        }
        int index = (int) qt;
        int generation = (int) (qt >>> 32);
        if (index < 0 || index >= allocated) {
            return null;
        }
        Task t = tasks[index];
        if (t.generation != generation || t.state == Task.FREE) {
            return null;
        }
        return t;
    }

    /** Puts a pending task on the run queue; it will be polled on the next pass. No effect on a finished task. */
    public void wake(Task t) {
        if (t.state == Task.PARKED || t.state == Task.RUNNABLE) {
            t.state = Task.RUNNABLE;
            if (t.list != runQueue) {
                enqueue(t);
            }
        }
    }

    private void enqueue(Task t) {
        t.queuedInPass = passes;
        runQueue.addLast(t);
    }

    /** Takes a task off the run queue; it waits until {@link #wake}. The operator may add it to its own list. */
    public void park(Task t) {
        if (t.state == Task.RUNNABLE || t.state == Task.PARKED) {
            if (t.list == runQueue) {
                runQueue.remove(t);
            }
            t.state = Task.PARKED;
        }
    }

    /** Completes a task successfully with the operation's own opcode. */
    public void complete(Task t, Sga sga, int newQd, long peer, long value) {
        finish(t, t.opcode, 0, sga, newQd, peer, value);
    }

    /** Completes a task as FAILED with a positive errno. */
    public void fail(Task t, int errno) {
        finish(t, Opcode.FAILED, errno, null, -1, io.demikv.libos.Endpoint.NONE, 0);
    }

    private void finish(Task t, int opcode, int errno, Sga sga, int newQd, long peer, long value) {
        if (t.state != Task.PARKED && t.state != Task.RUNNABLE) {
            throw new IllegalStateException("task " + t.qt() + " completed twice (or after its result was taken)");
        }
        if (t.list != null) {
            t.list.remove(t);
        }
        t.state = Task.DONE;
        t.resultOpcode = opcode;
        t.resultErrno = errno;
        t.resultSga = sga;
        t.resultQd = newQd;
        t.resultPeer = peer;
        t.resultValue = value;
        t.completionSeq = ++completions;
        completed.addLast(t);
        if (finishHook != null) {
            finishHook.onFinish(t);
        }
    }

    /**
     * Copies the result of a completed task into {@code out} and frees the token. Returns 0, {@code -EAGAIN}
     * when the task is still pending, or {@code -EINVAL} when the token is unknown or already taken.
     */
    public int take(long qt, QResult out) {
        Task t = lookup(qt);
        if (t == null) {
            return -Errno.EINVAL;
        }
        if (t.state != Task.DONE) {
            return -Errno.EAGAIN;
        }
        takeDone(t, out);
        return 0;
    }

    /** Takes the oldest completed result not taken yet. Returns false when there is none. */
    public boolean takeNext(QResult out) {
        Task t = completed.peek();
        if (t == null) {
            return false;
        }
        takeDone(t, out);
        return true;
    }

    private void takeDone(Task t, QResult out) {
        out.fill(t.resultOpcode, t.qd, t.qt(), t.resultErrno, t.resultSga, t.resultQd, t.resultPeer, t.resultValue);
        completed.remove(t);
        t.resetRequest();
        t.state = Task.FREE;
        int g = t.generation + 1;
        t.generation = g <= 0 ? 1 : g;
        freeStack[freeTop++] = t.index;
        live--;
    }

    /**
     * One pass: every poller, then every task that is runnable when the pollers are done, once each, oldest
     * first. Tasks woken or left runnable meanwhile wait for the next pass. Returns the work done (poller work
     * plus tasks completed while polled), 0 when idle.
     */
    public int runOnce(long nowNanos) {
        int work = 0;
        Poller[] ps = pollers;
        for (Poller p : ps) {
            work += p.poll(nowNanos);
        }
        long pass = ++passes;
        Task t;
        while ((t = runQueue.peek()) != null && t.queuedInPass != pass) {
            runQueue.remove(t);
            try {
                t.operator.poll(t, nowNanos);
            } finally {
                if (t.state == Task.RUNNABLE && t.list == null) {
                    enqueue(t);
                }
            }
            if (t.state == Task.DONE) {
                work++;
            }
        }
        return work;
    }
}
