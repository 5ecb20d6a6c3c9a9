package io.demikv.config;

import java.util.Objects;

/**
 * One server directive: its redis.conf name, type, default and whether {@code CONFIG SET} may change it
 * at runtime. Declared by the server in a {@link DirectiveSchema}. Immutable; any thread.
 *
 * @param name         lower-case name such as {@code port} or {@code proto-max-bulk-len}
 * @param type         how values are checked, parsed and printed
 * @param defaultValue the default as redis.conf would write it, e.g. {@code 512mb}; must pass {@code type}
 * @param mutable      false for directives only a restart can change ({@code CONFIG SET} answers
 *                     {@code can't set immutable config})
 */
public record Directive(String name, DirectiveType type, String defaultValue, boolean mutable) {
    /** Checks the name's form and that the default is a valid value of the type. */
    public Directive {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        if (!isValidName(name)) {
            throw new IllegalArgumentException(
                    "directive names are lower-case letters, digits and '-': '" + name + "'");
        }
        String problem = type.check(defaultValue);
        if (problem != null) {
            throw new IllegalArgumentException(
                    "default of " + name + " ('" + defaultValue + "') is invalid: " + problem);
        }
    }

    private static boolean isValidName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
