package io.demikv.libos.time;

/** A monotonic clock in nanoseconds. Protocol code takes time as a parameter; only the libOS reads a clock. */
@FunctionalInterface
public interface NanoClock {
    long nanoTime();

    NanoClock SYSTEM = System::nanoTime;
}
