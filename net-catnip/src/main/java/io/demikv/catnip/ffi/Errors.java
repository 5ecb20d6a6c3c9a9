package io.demikv.catnip.ffi;

/**
 * Text for errno values that device set-up reports to people (strerror(3) without a downcall). Any thread.
 */
public final class Errors {
    private Errors() {
    }

    /** A short description of a (positive or negated) errno, with the number. */
    public static String describe(int errno) {
        int e = Math.abs(errno);
        String text = switch (e) {
            case 1 -> "EPERM: operation not permitted (run as root or grant CAP_NET_RAW/CAP_NET_ADMIN)";
            case 2 -> "ENOENT: no such file or directory";
            case 13 -> "EACCES: permission denied (run as root or grant CAP_NET_RAW/CAP_NET_ADMIN)";
            case 16 -> "EBUSY: device busy (another process holds the TAP device)";
            case 19 -> "ENODEV: no such device (is the interface name right, and is it in this network namespace?)";
            case 22 -> "EINVAL: invalid argument";
            case 24 -> "EMFILE: too many open files";
            case 93 -> "EPROTONOSUPPORT: protocol not supported";
            case 97 -> "EAFNOSUPPORT: address family not supported (no AF_PACKET in this kernel?)";
            case 100 -> "ENETDOWN: network is down (set the interface up: ip link set IF up)";
            default -> "errno " + e;
        };
        return text + " [" + e + "]";
    }
}
