package io.demikv.config;

/**
 * An IPv4 address held as a 32-bit integer in network order (the first octet in the top byte), so
 * protocol code can compare and write it without objects. Parsed from strict dotted-quad text: four
 * decimal octets 0..255, no leading zeros (which some parsers read as octal), nothing else.
 * Immutable; any thread.
 *
 * @param value the address, first octet in bits 31..24
 */
public record Ipv4Address(int value) {
    /** 127.0.0.1, the default local address (Catnap on loopback). */
    public static final Ipv4Address LOOPBACK = of(127, 0, 0, 1);

    /** Builds an address from its four octets, each 0..255. */
    public static Ipv4Address of(int a, int b, int c, int d) {
        for (int octet : new int[] {a, b, c, d}) {
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("octet " + octet + " is out of range (0..255)");
            }
        }
        return new Ipv4Address(a << 24 | b << 16 | c << 8 | d);
    }

    /**
     * Parses {@code a.b.c.d}.
     *
     * @throws IllegalArgumentException with a message fit for a configuration error
     */
    public static Ipv4Address parse(String text) {
        int value = 0;
        int octets = 0;
        int i = 0;
        int n = text.length();
        while (octets < 4) {
            int start = i;
            int octet = 0;
            while (i < n && i - start < 4 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                octet = octet * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || octet > 255 || (digits > 1 && text.charAt(start) == '0')) {
                throw invalid(text);
            }
            value = value << 8 | octet;
            octets++;
            if (octets < 4) {
                if (i >= n || text.charAt(i) != '.') {
                    throw invalid(text);
                }
                i++;
            }
        }
        if (i != n) {
            throw invalid(text);
        }
        return new Ipv4Address(value);
    }

    /** True for 127.0.0.0/8. */
    public boolean isLoopback() {
        return value >>> 24 == 127;
    }

    /** The four octets, first octet first (network order). */
    public byte[] toBytes() {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    /** Dotted-quad text, e.g. {@code 10.0.0.2}. */
    @Override
    public String toString() {
        return (value >>> 24) + "." + (value >>> 16 & 0xff) + "." + (value >>> 8 & 0xff) + "." + (value & 0xff);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException(
                "'" + text + "' is not an IPv4 address (expected a.b.c.d with each part 0..255)");
    }
}
