package io.demikv.libos.sched;

/**
 * A duty cycle the scheduler runs on every pass inside {@code wait}: a device's receive poll, an epoll
 * check, a timer wheel. Returns how much work it did (0 when idle), as Agrona's {@code Agent.doWork()}.
 * Libos thread only.
 */
@FunctionalInterface
public interface Poller {
    int poll(long nowNanos);
}
