package io.demikv.config;

/**
 * ASCII-only case folding, as C's {@code strcasecmp} in the "C" locale does it. Java's own
 * {@code equalsIgnoreCase} also folds letters such as the Kelvin sign or the long s into ASCII, which
 * would accept names Redis rejects. Stateless; any thread.
 */
final class Ascii {
    private Ascii() {
    }

    static boolean equalsIgnoreCase(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            if (lower(a.charAt(i)) != lower(b.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static String toLowerCase(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = s.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    chars[j] = lower(chars[j]);
                }
                return new String(chars);
            }
        }
        return s;
    }

    static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
}
