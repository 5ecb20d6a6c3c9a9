package io.demikv.libos.sched;

/**
 * The code that advances a kind of {@link Task} (a socket's pops, a log's pushes). The scheduler calls
 * {@link #poll} for runnable tasks; a parked task is only polled again after someone (a readiness event,
 * another task) calls {@link Scheduler#wake}. Libos thread only.
 */
@FunctionalInterface
public interface Operator {
    /**
     * Tries to make progress on {@code task}. Either completes it (through {@link Scheduler#complete} or
     * {@link Scheduler#fail}), parks it ({@link Scheduler#park}) until a wake-up, or leaves it runnable to be
     * polled again next pass.
     *
     * <p>Only completions (and {@link Poller} work) count as work: a libOS whose pass completed nothing backs
     * off per its {@code WaitPolicy} even while tasks stay runnable. An operator that waits for an event
     * should park and be woken by the poller that sees the event, not stay runnable.
     */
    void poll(Task task, long nowNanos);
}
