package io.demikv.storage.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The file system calls a block-device backend needs: open(2) with {@code O_DIRECT}, close(2), lseek(2)
 * (the size of a file or block device), fallocate(2), fdatasync(2), ioctl(2) {@code BLKSSZGET}, and
 * shared mmap(2) of a ring. Each returns the result or a negated errno, as raw system calls do. One
 * instance per thread (it owns a small errno capture segment); start-up and device threads.
 */
public final class Posix implements AutoCloseable {
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_DIRECT = 040000;
    public static final int O_CLOEXEC = 02000000;
    public static final int SEEK_END = 2;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_POPULATE = 0x8000;
    /** eventfd(2) flags (linux/eventfd.h: O_NONBLOCK, O_CLOEXEC). */
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;
    /** ioctl: the logical sector size of a block device (linux/fs.h). */
    public static final long BLKSSZGET = 0x1268;

    private static final MethodHandle OPEN = Native.withErrno("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = Native.withErrno("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle LSEEK = Native.withErrno("lseek",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FALLOCATE = Native.withErrno("fallocate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FDATASYNC = Native.withErrno("fdatasync",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IOCTL_PTR = Native.withErrno("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MMAP = Native.withErrno("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle EVENTFD = Native.withErrno("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle MUNMAP = Native.withErrno("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState = arena.allocate(Native.CALL_STATE);
    private final MemorySegment intOut = arena.allocate(JAVA_INT);

    /** open(2); the fd or -errno. */
    public int open(String path, int flags, int mode) {
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(callState, a.allocateFrom(path), flags, mode);
            return fd >= 0 ? fd : -Native.errno(callState);
        } catch (Throwable t) {
            throw Native.broken("open", t);
        }
    }

    public int close(int fd) {
        try {
            int rc = (int) CLOSE.invokeExact(callState, fd);
            return rc == 0 ? 0 : -Native.errno(callState);
        } catch (Throwable t) {
            throw Native.broken("close", t);
        }
    }

    /** The size of the open file or block device (lseek to the end), or -errno. */
    public long size(int fd) {
        try {
            long rc = (long) LSEEK.invokeExact(callState, fd, 0L, SEEK_END);
            return rc >= 0 ? rc : -Native.errno(callState);
        } catch (Throwable t) {
            throw Native.broken("lseek", t);
        }
    }

    /** fallocate(2) with mode 0: allocates [offset, offset+length) so writes there need no allocation. */
    public int fallocate(int fd, long offset, long length) {
        try {
            int rc = (int) FALLOCATE.invokeExact(callState, fd, 0, offset, length);
            return rc == 0 ? 0 : -Native.errno(callState);
        } catch (Throwable t) {
            throw Native.broken("fallocate", t);
        }
    }

    /** eventfd(2) with {@code EFD_NONBLOCK | EFD_CLOEXEC} and a zero count; the fd or -errno. */
    public int eventfd() {
        try {
            int fd = (int) EVENTFD.invokeExact(callState, 0, EFD_NONBLOCK | EFD_CLOEXEC);
            return fd >= 0 ? fd : -Native.errno(callState);
        } catch (Throwable t) {
            throw Native.broken("eventfd", t);
        }
    }

    public int fdatasync(int fd) {
        try {
            int rc = (int) FDATASYNC.invokeExact(callState, fd);
            return rc == 0 ? 0 : -Native.errno(callState);
        } catch (Throwable t) {
            throw Native.broken("fdatasync", t);
        }
    }

    /** The logical sector size of a block device, or -errno ({@code -ENOTTY} for a regular file). */
    public int logicalSectorSize(int fd) {
        try {
            int rc = (int) IOCTL_PTR.invokeExact(callState, fd, BLKSSZGET, intOut);
            return rc == 0 ? intOut.get(JAVA_INT, 0) : -Native.errno(callState);
        } catch (Throwable t) {
            throw Native.broken("ioctl", t);
        }
    }

    /** mmap(2); the mapping sized {@code length}, or {@code null} with {@link #lastErrno()} set. */
    public MemorySegment mmap(long length, int prot, int flags, int fd, long offset) {
        try {
            MemorySegment p = (MemorySegment) MMAP.invokeExact(callState, MemorySegment.NULL, length, prot, flags, fd,
                    offset);
            if (p.address() == -1L) {
                return null;
            }
            return p.reinterpret(length);
        } catch (Throwable t) {
            throw Native.broken("mmap", t);
        }
    }

    /** The errno of the last failed call that returns a pointer. */
    public int lastErrno() {
        return Native.errno(callState);
    }

    public int munmap(MemorySegment mapping) {
        try {
            int rc = (int) MUNMAP.invokeExact(callState, mapping, mapping.byteSize());
            return rc == 0 ? 0 : -Native.errno(callState);
        } catch (Throwable t) {
            throw Native.broken("munmap", t);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
