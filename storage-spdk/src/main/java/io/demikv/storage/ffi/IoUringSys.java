package io.demikv.storage.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The three io_uring system calls through {@code syscall(2)} (no liburing: most of it is static inline and
 * the raw ABI is small), and the kernel ABI they use: {@code struct io_uring_params}, {@code io_uring_sqe},
 * {@code io_uring_cqe} offsets and the constants from {@code linux/io_uring.h}. x86-64 system call numbers.
 * One instance per ring; the ring's thread.
 */
public final class IoUringSys implements AutoCloseable {
    public static final long SYS_IO_URING_SETUP = 425;
    public static final long SYS_IO_URING_ENTER = 426;
    public static final long SYS_IO_URING_REGISTER = 427;

    // ---- struct io_uring_params (120 bytes)
    public static final int PARAMS_BYTES = 120;
    public static final int P_SQ_ENTRIES = 0;
    public static final int P_CQ_ENTRIES = 4;
    public static final int P_FLAGS = 8;
    public static final int P_FEATURES = 20;
    /** struct io_sqring_offsets sq_off at 40: head, tail, ring_mask, ring_entries, flags, dropped, array. */
    public static final int P_SQ_OFF = 40;
    /** struct io_cqring_offsets cq_off at 80: head, tail, ring_mask, ring_entries, overflow, cqes, flags. */
    public static final int P_CQ_OFF = 80;
    public static final int OFF_HEAD = 0;
    public static final int OFF_TAIL = 4;
    public static final int OFF_RING_MASK = 8;
    public static final int OFF_RING_ENTRIES = 12;
    public static final int SQ_OFF_ARRAY = 24;
    public static final int CQ_OFF_CQES = 20;

    // ---- struct io_uring_sqe (64 bytes)
    public static final int SQE_BYTES = 64;
    public static final int SQE_OPCODE = 0;
    public static final int SQE_FLAGS = 1;
    public static final int SQE_FD = 4;
    public static final int SQE_OFF = 8;
    public static final int SQE_ADDR = 16;
    public static final int SQE_LEN = 24;
    /** rw_flags for reads and writes, fsync_flags for FSYNC. */
    public static final int SQE_OP_FLAGS = 28;
    public static final int SQE_USER_DATA = 32;
    public static final int SQE_BUF_INDEX = 40;

    // ---- struct io_uring_cqe (16 bytes)
    public static final int CQE_BYTES = 16;
    public static final int CQE_USER_DATA = 0;
    public static final int CQE_RES = 8;

    // ---- mmap offsets, features, opcodes, flags
    public static final long IORING_OFF_SQ_RING = 0L;
    public static final long IORING_OFF_CQ_RING = 0x8000000L;
    public static final long IORING_OFF_SQES = 0x10000000L;
    public static final int IORING_FEAT_SINGLE_MMAP = 1;
    public static final int IORING_OP_FSYNC = 3;
    public static final int IORING_OP_READ_FIXED = 4;
    public static final int IORING_OP_WRITE_FIXED = 5;
    public static final int IORING_OP_READ = 22;
    public static final int IORING_OP_WRITE = 23;
    public static final int IOSQE_FIXED_FILE = 1;
    /** The next SQE starts only after this one completed in full (otherwise it completes with -ECANCELED). */
    public static final int IOSQE_IO_LINK = 4;
    public static final int IORING_FSYNC_DATASYNC = 1;
    /** pwritev2(2)'s RWF_DSYNC: this write is durable when it completes (FUA on devices that have it). */
    public static final int RWF_DSYNC = 2;
    public static final int IORING_ENTER_GETEVENTS = 1;
    public static final int IORING_REGISTER_BUFFERS = 0;
    public static final int IORING_REGISTER_FILES = 2;
    /** Signal an eventfd for every completion posted to the CQ. */
    public static final int IORING_REGISTER_EVENTFD = 4;
    /** Sets the CPU affinity of the ring's async workers (a cpu_set_t; Linux 5.14). */
    public static final int IORING_REGISTER_IOWQ_AFF = 17;

    private static final MethodHandle SETUP = Native.withErrno("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle ENTER = Native.withErrno("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle REGISTER = Native.withErrno("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState = arena.allocate(Native.CALL_STATE);

    /** io_uring_setup(2): the ring fd or -errno; the kernel fills {@code params}. */
    public int setup(int entries, MemorySegment params) {
        try {
            long rc = (long) SETUP.invokeExact(callState, SYS_IO_URING_SETUP, (long) entries, params);
            return rc >= 0 ? (int) rc : -Native.errno(callState);
        } catch (Throwable t) {
            throw Native.broken("io_uring_setup", t);
        }
    }

    /** io_uring_enter(2) without a signal mask: how many SQEs the kernel consumed, or -errno. */
    public int enter(int fd, int toSubmit, int minComplete, int flags) {
        try {
            long rc = (long) ENTER.invokeExact(callState, SYS_IO_URING_ENTER, (long) fd, (long) toSubmit,
                    (long) minComplete, (long) flags, MemorySegment.NULL, 0L);
            return rc >= 0 ? (int) rc : -Native.errno(callState);
        } catch (Throwable t) {
            throw Native.broken("io_uring_enter", t);
        }
    }

    /** io_uring_register(2): 0 (or a positive result) or -errno. */
    public int register(int fd, int opcode, MemorySegment arg, int count) {
        try {
            long rc = (long) REGISTER.invokeExact(callState, SYS_IO_URING_REGISTER, (long) fd, (long) opcode, arg,
                    (long) count);
            return rc >= 0 ? (int) rc : -Native.errno(callState);
        } catch (Throwable t) {
            throw Native.broken("io_uring_register", t);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
