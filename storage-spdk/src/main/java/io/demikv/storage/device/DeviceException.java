package io.demikv.storage.device;

/**
 * A block device could not be opened or set up at start-up: a missing file or library, a file system that
 * refuses {@code O_DIRECT}, a kernel without io_uring. The message says what to install or change;
 * {@link #errno()} is the system's reason where there is one (0 otherwise). Thrown on the opening thread.
 */
public final class DeviceException extends IllegalStateException {
    private final int errno;

    public DeviceException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public DeviceException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** The positive errno behind the failure, or 0. */
    public int errno() {
        return errno;
    }
}
