package io.demikv.config;

import java.util.OptionalLong;

/**
 * Strict decimal integers, as Redis's {@code string2ll} reads them: an optional {@code -}, then digits
 * without a leading zero (except {@code 0} itself), no {@code +}, no spaces, no underscores, and the
 * value must fit a signed 64-bit integer. Stateless; any thread.
 */
final class Decimal {
    private Decimal() {
    }

    static OptionalLong parseLong(String text) {
        int n = text.length();
        if (n == 0 || n > 20) {
            return OptionalLong.empty();
        }
        if (text.equals("0")) {
            return OptionalLong.of(0);
        }
        int i = text.charAt(0) == '-' ? 1 : 0;
        if (i == n || text.charAt(i) < '1' || text.charAt(i) > '9') {
            return OptionalLong.empty();
        }
        for (int j = i + 1; j < n; j++) {
            char c = text.charAt(j);
            if (c < '0' || c > '9') {
                return OptionalLong.empty();
            }
        }
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException overflow) {
            return OptionalLong.empty();
        }
    }
}
