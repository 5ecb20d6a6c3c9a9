package io.demikv.libos.sched;

/** Called on the libos thread when a timer scheduled through {@link Timers} expires. */
@FunctionalInterface
public interface TimerCallback {
    void onTimer(long timerId, long nowNanos);
}
