package io.demikv.libos;

/**
 * An IPv4 socket address packed into a {@code long}: bits 16..47 hold the address (network order read as
 * an unsigned big-endian int), bits 0..15 the port. Packing keeps addresses out of the heap on the hot
 * path. {@link #NONE} (-1) means "no address". Pure functions; any thread.
 */
public final class Endpoint {
    public static final long NONE = -1L;
    /** 0.0.0.0 port 0. */
    public static final long ANY = 0L;

    private Endpoint() {
    }

    public static long of(int ipv4, int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return ((ipv4 & 0xFFFF_FFFFL) << 16) | port;
    }

    public static int ipv4(long endpoint) {
        return (int) (endpoint >>> 16);
    }

    public static int port(long endpoint) {
        return (int) (endpoint & 0xFFFF);
    }

    /** Parses dotted-quad {@code a.b.c.d}; returns -1 (as long) when it is not one. */
    public static long parseIpv4(CharSequence s) {
        int parts = 0;
        int value = 0;
        int octet = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                octet = (octet < 0 ? 0 : octet * 10) + (c - '0');
                if (octet > 255) {
                    return -1;
                }
            } else if (c == '.' && octet >= 0 && parts < 3) {
                value = (value << 8) | octet;
                parts++;
                octet = -1;
            } else {
                return -1;
            }
        }
        if (parts != 3 || octet < 0) {
            return -1;
        }
        return ((value << 8) | octet) & 0xFFFF_FFFFL;
    }

    /**
     * Parses {@code HOST:PORT} where HOST is a dotted quad, {@code localhost} or {@code *}.
     *
     * @throws IllegalArgumentException naming the bad text (a start-up configuration error)
     */
    public static long parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected HOST:PORT, got '" + hostPort + "'");
        }
        String host = hostPort.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + hostPort + "'");
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range in '" + hostPort + "'");
        }
        long ip;
        if (host.equals("localhost")) {
            ip = 0x7F00_0001L;
        } else if (host.equals("*")) {
            ip = 0;
        } else {
            ip = parseIpv4(host);
        }
        if (ip < 0) {
            throw new IllegalArgumentException("not an IPv4 address: '" + host + "' in '" + hostPort + "'");
        }
        return of((int) ip, port);
    }

    public static String ipv4ToString(int ip) {
        return ((ip >>> 24) & 0xFF) + "." + ((ip >>> 16) & 0xFF) + "." + ((ip >>> 8) & 0xFF) + "." + (ip & 0xFF);
    }

    public static String toString(long endpoint) {
        if (endpoint == NONE) {
            return "none";
        }
        return ipv4ToString(ipv4(endpoint)) + ":" + port(endpoint);
    }

    public static boolean isLoopback(long endpoint) {
        return (ipv4(endpoint) >>> 24) == 127;
    }
}
