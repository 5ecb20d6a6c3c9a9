package io.demikv.ycsb;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reports failed operations without flooding a benchmark's output: the first failure is printed with
 * its stack trace, the rest are only counted, and {@link #summarize} prints the count when the last
 * YCSB thread cleans up. Thread-safe.
 */
final class ErrorLog {
    private static final AtomicBoolean FIRST_LOGGED = new AtomicBoolean();
    private static final LongAdder FAILURES = new LongAdder();

    private ErrorLog() {
    }

    static void failed(String operation, String key, Throwable cause) {
        FAILURES.increment();
        if (FIRST_LOGGED.compareAndSet(false, true)) {
            System.err.println("demikv-ycsb: " + operation + " " + key + " failed: " + cause
                    + " (later failures are counted, not logged; YCSB counts them as Return=ERROR)");
            cause.printStackTrace(System.err);
        }
    }

    static long failures() {
        return FAILURES.sum();
    }

    /** Prints the total once all threads are done and resets, so a later session starts clean. */
    static void summarize() {
        long n = FAILURES.sumThenReset();
        if (n > 1) {
            System.err.println("demikv-ycsb: " + n + " operations failed in total (the first is logged above)");
        }
        FIRST_LOGGED.set(false);
    }
}
