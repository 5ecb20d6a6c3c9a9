package io.demikv.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks shared by the section records' constructors, so that a record built in code obeys
 * the same limits the loader enforces with file and line. Stateless; any thread.
 */
final class Check {
    private Check() {
    }

    static long range(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " is out of range (" + min + ".." + max + ")");
        }
        return value;
    }

    static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + ": " + value + " is negative");
        }
        return value;
    }

    /**
     * Linux's {@code dev_valid_name}: 1..15 bytes (IFNAMSIZ is 16 with the terminator), not
     * {@code .} or {@code ..}, no {@code /}, {@code :} or whitespace.
     *
     * @return null when valid, else what is wrong
     */
    static String interfaceNameProblem(String name) {
        if (name.isEmpty()) {
            return "an interface name must not be empty";
        }
        if (name.length() > 15) {
            return "'" + name + "' is longer than 15 characters (Linux IFNAMSIZ)";
        }
        if (name.equals(".") || name.equals("..")) {
            return "'" + name + "' is not a valid interface name";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x21 || c > 0x7e) {
                return "'" + name + "' is not a valid interface name (no '/', ':', spaces or non-ASCII)";
            }
        }
        return null;
    }

    static String interfaceName(String field, String name, boolean mayBeEmpty) {
        Objects.requireNonNull(name, field);
        if (mayBeEmpty && name.isEmpty()) {
            return name;
        }
        String problem = interfaceNameProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException(field + ": " + problem);
        }
        return name;
    }
}
