package io.demikv.kvstore.persist;

import io.demikv.libos.Errno;

/** glibc's {@code strerror} texts for the errno values a log device reports (Redis prints these in MISCONF). */
final class Strerror {
    private Strerror() {
    }

    static String of(int errno) {
        return switch (Math.abs(errno)) {
            case Errno.EIO -> "Input/output error";
            case Errno.ENOSPC -> "No space left on device";
            case Errno.EFBIG -> "File too large";
            case Errno.EBADF -> "Bad file descriptor";
            case Errno.EINVAL -> "Invalid argument";
            case Errno.ENOMEM -> "Cannot allocate memory";
            case Errno.EPERM -> "Operation not permitted";
            case Errno.ECANCELED -> "Operation canceled";
            case Errno.EMSGSIZE -> "Message too long";
            case Errno.EAGAIN -> "Resource temporarily unavailable";
            case 122 -> "Disk quota exceeded";
            case 30 -> "Read-only file system";
            default -> "Unknown error " + Math.abs(errno);
        };
    }
}
