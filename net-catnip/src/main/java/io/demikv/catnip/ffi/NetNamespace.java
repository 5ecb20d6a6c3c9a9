package io.demikv.catnip.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.function.Supplier;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Runs code with the calling thread inside a named network namespace ({@code ip netns add NAME} makes
 * {@code /run/netns/NAME}), through setns(2), then moves the thread back. Sockets and devices opened meanwhile
 * stay in that namespace for their whole life, which is how a process puts a raw-socket device (or a kernel
 * test peer) into a namespace without running in it. setns(2) with {@code CLONE_NEWNET} changes only the
 * calling thread. Needs {@code CAP_SYS_ADMIN}. Start-up and test code only.
 */
public final class NetNamespace {
    static final int CLONE_NEWNET = 0x40000000;
    private static final MethodHandle SETNS = Native.withErrno("setns",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private NetNamespace() {
    }

    /**
     * Calls {@code action} inside namespace {@code name} and returns its result; the thread is back in its own
     * namespace afterwards, also when {@code action} throws.
     *
     * @throws IllegalStateException when the namespace cannot be entered (no such namespace, not root)
     */
    public static <T> T call(String name, Supplier<T> action) {
        if (name == null || name.isEmpty() || name.length() > 255 || name.contains("/") || name.equals("..")) {
            throw new IllegalArgumentException("bad namespace name '" + name + "'");
        }
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment state = scratch.allocate(Native.CALL_STATE);
            int home = Native.open(state, scratch.allocateFrom("/proc/thread-self/ns/net"),
                    Native.O_RDONLY | Native.O_CLOEXEC);
            if (home < 0) {
                throw new IllegalStateException("cannot open this thread's namespace: " + Errors.describe(home));
            }
            int target = Native.open(state, scratch.allocateFrom("/run/netns/" + name), Native.O_RDONLY | Native.O_CLOEXEC);
            if (target < 0) {
                Native.close(state, home);
                throw new IllegalStateException("no network namespace '" + name + "': " + Errors.describe(target)
                        + " (create it with: ip netns add " + name + ")");
            }
            try {
                int rc = setns(state, target);
                if (rc < 0) {
                    throw new IllegalStateException("setns into '" + name + "' failed: " + Errors.describe(rc));
                }
                try {
                    return action.get();
                } finally {
                    int back = setns(state, home);
                    if (back < 0) {
                        // Leaving the thread in the wrong namespace would silently misdirect later sockets.
                        throw new IllegalStateException("cannot return to the original namespace: " + Errors.describe(back));
                    }
                }
            } finally {
                Native.close(state, target);
                Native.close(state, home);
            }
        }
    }

    private static int setns(MemorySegment state, int fd) {
        try {
            int rc = (int) SETNS.invokeExact(state, fd, CLONE_NEWNET);
            return rc < 0 ? -Native.errno(state) : rc;
        } catch (Throwable t) {
            throw Native.broken("setns", t);
        }
    }
}
