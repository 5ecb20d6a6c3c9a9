package io.demikv.kvstore.server.ffi;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Resets a signal's disposition to the default through libc's {@code signal(2)}. A process started in the
 * background by a non-interactive shell inherits SIGINT as ignored, and the JVM then refuses a handler for it;
 * Redis installs its handler regardless, so the server resets the disposition first. Start-up thread only.
 */
public final class SignalDisposition {
    /** Linux signal numbers (signal(7)). */
    public static final int SIGINT = 2;
    public static final int SIGTERM = 15;

    private SignalDisposition() {
    }

    /** {@code signal(signo, SIG_DFL)}; returns false when libc is not reachable (the disposition stays). */
    public static boolean resetToDefault(int signo) {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle signal = linker.downcallHandle(linker.defaultLookup().find("signal").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MemorySegment previous = (MemorySegment) signal.invokeExact(signo, MemorySegment.NULL); // SIG_DFL is 0
            return previous.address() != -1L; // SIG_ERR
        } catch (Throwable e) {
            return false;
        }
    }
}
