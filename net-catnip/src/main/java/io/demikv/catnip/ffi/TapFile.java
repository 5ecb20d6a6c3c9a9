package io.demikv.catnip.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A TAP device's file (Linux {@code Documentation/networking/tuntap.rst}): {@code open("/dev/net/tun")}, then
 * {@code ioctl(TUNSETIFF)} with {@code IFF_TAP | IFF_NO_PI}, which attaches to the named TAP device or creates
 * it; each read(2) returns one Ethernet frame and each write(2) sends one, without the 4-byte packet-info
 * header. Opened non-blocking. Needs {@code CAP_NET_ADMIN}. The device disappears when the file closes unless
 * it was made persistent ({@code ip tuntap add}).
 *
 * <p>Calls return a count or a negated errno; {@link #open} throws {@link IllegalStateException} with what to
 * fix. One thread (the libOS's) only.
 */
public final class TapFile implements AutoCloseable {
    static final long TUNSETIFF = 0x400454caL;
    static final short IFF_TAP = 0x0002;
    static final short IFF_NO_PI = 0x1000;
    static final int EAGAIN = 11;

    private static final MethodHandle READ = Native.withErrno("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle WRITE = Native.withErrno("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment callState = arena.allocate(Native.CALL_STATE);
    private final int fd;
    private final String name;
    private boolean closed;

    private TapFile(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /**
     * Opens (creating if needed) the TAP device {@code name}.
     *
     * @throws IllegalArgumentException for a name Linux would refuse
     * @throws IllegalStateException    when the kernel refuses, with what to do
     */
    public static TapFile open(String name) {
        if (!Native.validInterfaceName(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a Linux interface name (1..15 characters, "
                    + "no '/', ':' or spaces)");
        }
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment state = scratch.allocate(Native.CALL_STATE);
            int fd = Native.open(state, scratch.allocateFrom("/dev/net/tun"),
                    Native.O_RDWR | Native.O_NONBLOCK | Native.O_CLOEXEC);
            if (fd < 0) {
                throw new IllegalStateException("cannot open /dev/net/tun: " + Errors.describe(fd)
                        + " (load the tun module: modprobe tun; a TAP device needs root)");
            }
            MemorySegment ifreq = scratch.allocate(40, 8);
            Native.ifreqName(ifreq, name);
            ifreq.set(ValueLayout.JAVA_SHORT, 16, (short) (IFF_TAP | IFF_NO_PI));
            int rc = Native.ioctl(state, fd, TUNSETIFF, ifreq);
            if (rc < 0) {
                Native.close(state, fd);
                throw new IllegalStateException("TUNSETIFF '" + name + "' failed: " + Errors.describe(rc)
                        + " (a TAP device needs CAP_NET_ADMIN; EBUSY means another process has it open)");
            }
            return new TapFile(fd, name);
        }
    }

    /** The device name. */
    /** The file descriptor, for poll(2); it stays owned by this object. */
    public int fd() {
        return fd;
    }

    public String name() {
        return name;
    }

    /** Reads one frame into {@code capacity} bytes at {@code address}: its length, 0 when none waits, or -errno. */
    public int read(long address, int capacity) {
        long n;
        try {
            n = (long) READ.invokeExact(callState, fd, address, (long) capacity);
        } catch (Throwable t) {
            throw Native.broken("read", t);
        }
        if (n < 0) {
            int e = Native.errno(callState);
            return e == EAGAIN ? 0 : -e;
        }
        return (int) n;
    }

    /** Writes one frame: bytes written or -errno ({@code -EIO} while the device is down). */
    public int write(long address, int length) {
        long n;
        try {
            n = (long) WRITE.invokeExact(callState, fd, address, (long) length);
        } catch (Throwable t) {
            throw Native.broken("write", t);
        }
        return n < 0 ? -Native.errno(callState) : (int) n;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Native.close(callState, fd);
        arena.close();
    }
}
