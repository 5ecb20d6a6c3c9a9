package io.demikv.catnip.ffi;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The shared plumbing of Catnip's downcalls: the native linker, libc's symbols, and {@code errno} captured
 * right after each call ({@link Linker.Option#captureCallState}), so the JVM's own native code cannot
 * overwrite it before Java reads it. Every wrapper in this package returns a result or a negated errno and
 * throws only for a bug in a handle's type. Any thread.
 */
final class Native {
    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    // Linux x86-64 / aarch64 values.
    static final int O_RDWR = 2;
    static final int O_RDONLY = 0;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;

    static final MethodHandle CLOSE = withErrno("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    /** int open(const char *, int, ...): the mode is the variadic argument. */
    static final MethodHandle OPEN = variadic("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), 2);
    /** int ioctl(int, unsigned long, ...): the argument pointer is the variadic argument. */
    static final MethodHandle IOCTL = variadic("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS), 2);

    static {
        if (ValueLayout.ADDRESS.byteSize() != 8) {
            throw new ExceptionInInitializerError("Catnip's native devices support 64-bit Linux only");
        }
    }

    private Native() {
    }

    @SuppressWarnings("restricted") // the JVM runs with --enable-native-access (see the parent pom)
    static MethodHandle withErrno(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LOOKUP.findOrThrow(name), descriptor, Linker.Option.captureCallState("errno"));
    }

    /** A downcall to a variadic libc function whose variadic arguments start at {@code firstVariadic}. */
    @SuppressWarnings("restricted")
    static MethodHandle variadic(String name, FunctionDescriptor descriptor, int firstVariadic) {
        return LINKER.downcallHandle(LOOKUP.findOrThrow(name), descriptor, Linker.Option.captureCallState("errno"),
                Linker.Option.firstVariadicArg(firstVariadic));
    }

    static int errno(MemorySegment callState) {
        return callState.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
    }

    static IllegalStateException broken(String call, Throwable t) {
        return new IllegalStateException(call + " downcall failed", t);
    }

    /** close(2); returns 0 or -errno. */
    static int close(MemorySegment callState, int fd) {
        try {
            int rc = (int) CLOSE.invokeExact(callState, fd);
            return rc < 0 ? -errno(callState) : rc;
        } catch (Throwable t) {
            throw broken("close", t);
        }
    }

    /** open(2); returns the fd or -errno. */
    static int open(MemorySegment callState, MemorySegment path, int flags) {
        try {
            int fd = (int) OPEN.invokeExact(callState, path, flags, 0);
            return fd < 0 ? -errno(callState) : fd;
        } catch (Throwable t) {
            throw broken("open", t);
        }
    }

    /** ioctl(2) with a pointer argument; returns the result or -errno. */
    static int ioctl(MemorySegment callState, int fd, long request, MemorySegment arg) {
        try {
            int rc = (int) IOCTL.invokeExact(callState, fd, request, arg);
            return rc < 0 ? -errno(callState) : rc;
        } catch (Throwable t) {
            throw broken("ioctl", t);
        }
    }

    /**
     * Writes {@code name} into a {@code struct ifreq} (40 bytes: {@code char ifr_name[IFNAMSIZ=16]} and a
     * 24-byte union), zeroing the rest. The caller checked the name fits.
     */
    static void ifreqName(MemorySegment ifreq, String name) {
        ifreq.fill((byte) 0);
        byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        MemorySegment.copy(bytes, 0, ifreq, ValueLayout.JAVA_BYTE, 0, bytes.length);
    }

    /** Linux's rule for interface names: 1..15 bytes (IFNAMSIZ - 1), no '/', ':' or whitespace. */
    static boolean validInterfaceName(String name) {
        if (name == null || name.isEmpty() || name.length() > 15) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c > '~' || c == '/' || c == ':') {
                return false;
            }
        }
        return true;
    }
}
