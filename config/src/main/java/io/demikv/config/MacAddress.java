package io.demikv.config;

import java.util.HexFormat;

/**
 * An Ethernet (EUI-48) address held in the low 48 bits of a {@code long}, first octet in bits 47..40,
 * so protocol code can compare and write it without objects. Parsed from six two-digit hex groups
 * separated by {@code :} (or consistently by {@code -}), in either case. Immutable; any thread.
 *
 * @param value the address in bits 47..0; the upper 16 bits are zero
 */
public record MacAddress(long value) {
    /** 00:00:00:00:00:00, which the configuration uses for "not set". */
    public static final MacAddress ZERO = new MacAddress(0);
    /** ff:ff:ff:ff:ff:ff. */
    public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);

    /** Checks that only the low 48 bits are used. */
    public MacAddress {
        if ((value & ~0xffff_ffff_ffffL) != 0) {
            throw new IllegalArgumentException("a MAC address has 48 bits: " + Long.toHexString(value));
        }
    }

    /**
     * Parses {@code aa:bb:cc:dd:ee:ff}.
     *
     * @throws IllegalArgumentException with a message fit for a configuration error
     */
    public static MacAddress parse(String text) {
        if (text.length() != 17) {
            throw invalid(text);
        }
        char separator = text.charAt(2);
        if (separator != ':' && separator != '-') {
            throw invalid(text);
        }
        long value = 0;
        for (int group = 0; group < 6; group++) {
            int at = group * 3;
            if (group > 0 && text.charAt(at - 1) != separator) {
                throw invalid(text);
            }
            char hi = text.charAt(at);
            char lo = text.charAt(at + 1);
            if (!HexFormat.isHexDigit(hi) || !HexFormat.isHexDigit(lo)) {
                throw invalid(text);
            }
            value = value << 8 | HexFormat.fromHexDigit(hi) << 4 | HexFormat.fromHexDigit(lo);
        }
        return new MacAddress(value);
    }

    /** True for the all-zero address, meaning "not configured". */
    public boolean isZero() {
        return value == 0;
    }

    /** True when the group bit (least significant bit of the first octet) is set: not a station address. */
    public boolean isMulticast() {
        return (value >>> 40 & 1) != 0;
    }

    /** The six octets, first octet first (wire order). */
    public byte[] toBytes() {
        byte[] bytes = new byte[6];
        for (int i = 0; i < 6; i++) {
            bytes[i] = (byte) (value >>> (40 - 8 * i));
        }
        return bytes;
    }

    /** Lower-case colon form, e.g. {@code aa:bb:cc:dd:ee:ff}. */
    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(toBytes());
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException(
                "'" + text + "' is not a MAC address (expected six hex pairs like aa:bb:cc:dd:ee:ff)");
    }
}
