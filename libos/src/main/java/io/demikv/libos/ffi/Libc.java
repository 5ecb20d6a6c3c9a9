package io.demikv.libos.ffi;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The shared plumbing of this package's downcalls: the native linker, libc's symbols, and the capture of
 * {@code errno} right after a call ({@link Linker.Option#captureCallState}), so a value set by the call
 * cannot be overwritten by the JVM's own native code before Java reads it. Any thread.
 */
final class Libc {
    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    /** The layout of the capture segment passed as the first argument of every errno-capturing handle. */
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    static {
        if (ValueLayout.ADDRESS.byteSize() != 8) {
            // Pointers are passed and stored as 64-bit integers (see LinuxSockets, IoVec).
            throw new ExceptionInInitializerError("the ffi package supports 64-bit Linux only");
        }
    }

    private Libc() {
    }

    /** A downcall to libc's {@code name} whose handle takes the capture segment as its first argument. */
    @SuppressWarnings("restricted") // the JVM runs with --enable-native-access (see the parent pom)
    static MethodHandle withErrno(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LOOKUP.findOrThrow(name), descriptor, CAPTURE_ERRNO);
    }

    /** As {@link #withErrno}, or {@code null} when this libc lacks the symbol (an older glibc). */
    @SuppressWarnings("restricted")
    static MethodHandle withErrnoIfPresent(String name, FunctionDescriptor descriptor) {
        return LOOKUP.find(name).map(s -> LINKER.downcallHandle(s, descriptor, CAPTURE_ERRNO)).orElse(null);
    }

    /** The {@code errno} the last call through a handle stored in {@code callState}. */
    static int errno(MemorySegment callState) {
        return callState.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
    }

    /** A downcall itself threw: a bug in a handle's declared type, never an expected failure. */
    static IllegalStateException broken(String call, Throwable t) {
        return new IllegalStateException(call + " downcall failed", t);
    }
}
