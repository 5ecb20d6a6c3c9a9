package io.demikv.kvstore.catnip;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.ThreadFactory;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Puts test threads into a network namespace made by {@code ip netns add}, through setns(2) (which moves only the
 * calling thread). Sockets a thread opens afterwards live in that namespace for good, so a Java client (Lettuce)
 * can play the kernel side of a link without the whole JVM moving. kvstore does not compile against net-catnip, so
 * this is its own three downcalls. Needs {@code CAP_SYS_ADMIN}.
 */
final class KernelNamespace {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle OPEN = downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETNS = downcall("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private KernelNamespace() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d);
    }

    /** Moves the calling thread into namespace {@code name} for the rest of its life. */
    static void enter(String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment path = a.allocateFrom("/run/netns/" + name);
            int fd = (int) OPEN.invokeExact(path, O_RDONLY_CLOEXEC);
            if (fd < 0) {
                throw new IllegalStateException("cannot open /run/netns/" + name);
            }
            int rc = (int) SETNS.invokeExact(fd, CLONE_NEWNET);
            int ignored = (int) CLOSE.invokeExact(fd);
            if (rc != 0) {
                throw new IllegalStateException("setns into " + name + " failed (root needed)");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Threads that start inside namespace {@code name} (and so does every thread they start). */
    static ThreadFactory threads(String name) {
        return r -> Thread.ofPlatform().daemon().name("kernel-ns-" + name).unstarted(() -> {
            enter(name);
            r.run();
        });
    }
}
