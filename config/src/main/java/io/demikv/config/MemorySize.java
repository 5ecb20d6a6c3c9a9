package io.demikv.config;

/**
 * Memory sizes written the way redis.conf writes them ({@code memtoull} in Redis's {@code util.c}):
 * digits, then an optional case-insensitive unit: none or {@code b} = 1, {@code k} = 1000,
 * {@code kb} = 1024, {@code m} = 1000², {@code mb} = 1024², {@code g} = 1000³, {@code gb} = 1024³.
 * A sign, spaces, fractions, other units or a result above {@link Long#MAX_VALUE} are rejected.
 * Stateless; any thread.
 */
public final class MemorySize {
    /** Returned by {@link #parse(String)} for text that is not a memory size. */
    public static final long INVALID = -1;

    private MemorySize() {
    }

    /**
     * Parses {@code text} such as {@code 512mb}, {@code 1GB}, {@code 100k} or {@code 4096}.
     *
     * @return the number of bytes, or {@link #INVALID} when the text is not a valid memory size
     */
    public static long parse(String text) {
        int digits = 0;
        while (digits < text.length() && text.charAt(digits) >= '0' && text.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == 0) {
            return INVALID;
        }
        long multiplier = multiplier(text.substring(digits));
        if (multiplier < 0) {
            return INVALID;
        }
        int first = 0;
        while (first < digits - 1 && text.charAt(first) == '0') {
            first++; // strtoull takes leading zeros
        }
        if (digits - first > 19) {
            return INVALID;
        }
        long value;
        try {
            value = Long.parseLong(text, first, digits, 10);
        } catch (NumberFormatException overflow) {
            return INVALID;
        }
        if (value > Long.MAX_VALUE / multiplier) {
            return INVALID;
        }
        return value * multiplier;
    }

    private static long multiplier(String unit) {
        // Redis compares units with strcasecmp: ASCII folding only (the Kelvin sign is not a k).
        return switch (Ascii.toLowerCase(unit)) {
            case "", "b" -> 1L;
            case "k" -> 1000L;
            case "kb" -> 1024L;
            case "m" -> 1000L * 1000;
            case "mb" -> 1024L * 1024;
            case "g" -> 1000L * 1000 * 1000;
            case "gb" -> 1024L * 1024 * 1024;
            default -> -1L;
        };
    }
}
