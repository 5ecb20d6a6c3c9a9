package io.demikv.libos.sched;

import io.demikv.libos.Endpoint;
import io.demikv.libos.Sga;

/**
 * One pending operation, the unit the {@link Scheduler} runs: Demikernel's coroutine, written as a state
 * machine that its {@link Operator} advances. A task's id is its qtoken. Task objects are pooled and reused
 * for later operations; the generation in the qtoken tells a stale token from a live one.
 *
 * <p>The request fields ({@link #opcode}, {@link #qd}, {@link #sga}, {@link #endpoint}, {@link #arg},
 * {@link #attachment}, {@link #progress}) belong to the operator while the task is pending; the result
 * fields are set by {@link Scheduler#complete}/{@link Scheduler#fail}. Libos thread only.
 */
public final class Task {
    static final byte FREE = 0;
    static final byte PARKED = 1;
    static final byte RUNNABLE = 2;
    static final byte DONE = 3;

    final int index;
    int generation;
    byte state = FREE;
    TaskList list;
    Task prev;
    Task next;
    /** The scheduler pass in which this task was last put on the run queue (see {@link Scheduler#runOnce}). */
    long queuedInPass;
    /** Order of completion, for {@code waitAny}: smaller finished earlier. */
    long completionSeq;

    Operator operator;
    /** What the operation is (an {@link io.demikv.libos.Opcode}). */
    public int opcode;
    /** The queue it runs on. */
    public int qd;
    /** The data a push carries. */
    public Sga sga;
    /** The address of a connect or pushTo. */
    public long endpoint = Endpoint.NONE;
    /** An operator-defined argument (a byte count, a log position). */
    public long arg;
    /** An operator-defined progress counter (bytes sent so far). */
    public long progress;
    /** An operator-defined object (a socket state). */
    public Object attachment;

    int resultOpcode;
    int resultErrno;
    Sga resultSga;
    int resultQd = -1;
    long resultPeer = Endpoint.NONE;
    long resultValue;

    Task(int index) {
        this.index = index;
    }

    /** This task's qtoken. */
    public long qt() {
        return Scheduler.token(index, generation);
    }

    public boolean isDone() {
        return state == DONE;
    }

    public boolean isPending() {
        return state == PARKED || state == RUNNABLE;
    }

    /** True while the task is on the run queue (or is being polled from it). */
    public boolean isRunnable() {
        return state == RUNNABLE;
    }

    /** When the task completed relative to other tasks of its scheduler: smaller is earlier. Valid once done. */
    public long completionSeq() {
        return completionSeq;
    }

    void resetRequest() {
        opcode = 0;
        qd = -1;
        sga = null;
        endpoint = Endpoint.NONE;
        arg = 0;
        progress = 0;
        attachment = null;
        operator = null;
        resultOpcode = 0;
        resultErrno = 0;
        resultSga = null;
        resultQd = -1;
        resultPeer = Endpoint.NONE;
        resultValue = 0;
        completionSeq = 0;
    }
}
