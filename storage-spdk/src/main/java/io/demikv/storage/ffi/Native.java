package io.demikv.storage.ffi;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The plumbing of this package's downcalls: the native linker, libc's symbols and the capture of
 * {@code errno} right after a call, so the JVM's own native code cannot overwrite it first. Any thread.
 */
final class Native {
    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LIBC = LINKER.defaultLookup();
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    static {
        if (ValueLayout.ADDRESS.byteSize() != 8) {
            throw new ExceptionInInitializerError("storage ffi supports 64-bit Linux only");
        }
    }

    private Native() {
    }

    /** libc's {@code name}; the handle takes the errno capture segment as its first argument. */
    static MethodHandle withErrno(String name, FunctionDescriptor descriptor, Linker.Option... more) {
        Linker.Option[] options = new Linker.Option[more.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(more, 0, options, 1, more.length);
        return LINKER.downcallHandle(LIBC.findOrThrow(name), descriptor, options);
    }

    static int errno(MemorySegment callState) {
        return callState.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
    }

    static IllegalStateException broken(String call, Throwable t) {
        return new IllegalStateException(call + " downcall failed", t);
    }
}
