package io.demikv.catnip.phy.dpdk.ffi;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The network namespace a thread was in when a DPDK port was opened, so that the port is closed there too.
 * Drivers over kernel interfaces ({@code net_af_packet}, {@code net_af_xdp}, {@code net_tap}) name their
 * interface by index or name in the namespace of the thread that calls them: stopping an af_xdp port from
 * another namespace would detach the XDP program of whatever interface has that index there. {@link #run}
 * enters the remembered namespace (setns(2), this thread only) when the calling thread is elsewhere, and comes
 * back. Start-up and shutdown only; any thread.
 */
public final class ThreadNetns implements AutoCloseable {
    private static final Path SELF = Path.of("/proc/thread-self/ns/net");
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle OPEN = variadicOpen();
    private static final MethodHandle SETNS = libc("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final String id;
    private int fd;

    private ThreadNetns(String id, int fd) {
        this.id = id;
        this.fd = fd;
    }

    @SuppressWarnings("restricted") // the JVM runs with --enable-native-access (see the parent pom)
    private static MethodHandle libc(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), d);
    }

    @SuppressWarnings("restricted")
    private static MethodHandle variadicOpen() {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("open"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    }

    /** The calling thread's namespace (holds an fd to it until {@link #close()}); never throws. */
    public static ThreadNetns current() {
        String id = idOfThisThread();
        int fd = -1;
        try (Arena a = Arena.ofConfined()) {
            fd = (int) OPEN.invokeExact(a.allocateFrom(SELF.toString()), O_RDONLY_CLOEXEC, 0);
        } catch (Throwable t) {
            fd = -1;
        }
        return new ThreadNetns(id, fd);
    }

    private static String idOfThisThread() {
        try {
            return Files.readSymbolicLink(SELF).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    /**
     * Runs {@code action} in the remembered namespace: directly when the thread is already there (or the
     * namespace could not be recorded), else after setns(2) into it, returning to the thread's own afterwards.
     * When setns fails (no CAP_SYS_ADMIN), the action is skipped and false returned.
     */
    public boolean run(Runnable action) {
        if (fd < 0 || id.isEmpty() || id.equals(idOfThisThread())) {
            action.run();
            return true;
        }
        ThreadNetns home = current();
        try {
            if (home.fd < 0 || setns(fd) != 0) {
                return false;
            }
            try {
                action.run();
            } finally {
                if (setns(home.fd) != 0) {
                    // Leaving the thread elsewhere would silently misdirect its later sockets.
                    throw new IllegalStateException("cannot return to the thread's network namespace " + home.id);
                }
            }
            return true;
        } finally {
            home.close();
        }
    }

    private static int setns(int nsFd) {
        try {
            return (int) SETNS.invokeExact(nsFd, CLONE_NEWNET);
        } catch (Throwable t) {
            throw new IllegalStateException("setns downcall failed", t);
        }
    }

    @Override
    public void close() {
        if (fd >= 0) {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                throw new IllegalStateException("close downcall failed", t);
            }
            fd = -1;
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
