package io.demikv.config;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The type of a server directive (a redis.conf option): how its text is checked, parsed and printed.
 * The problems it reports use Redis's own words, so that {@code CONFIG SET} can answer
 * {@code ERR CONFIG SET failed (possibly related to argument 'port') - <problem>} as Redis does.
 *
 * <p>Values are held as {@link Long} ({@link Int}, {@link Memory}), {@link Boolean} ({@link YesNo}) or
 * {@link String} ({@link Text}, {@link OneOf}: the canonical lower-case choice). Immutable; any thread.
 * The server builds these once, through the factory methods, when it declares its directives.
 */
public sealed interface DirectiveType {

    /**
     * Checks {@code text}.
     *
     * @return null when it is a valid value, else the problem in Redis's words
     */
    String check(String text);

    /**
     * Parses text that {@link #check(String)} accepted.
     *
     * @throws IllegalArgumentException when the text is invalid (a caller bug: check first)
     */
    Object parse(String text);

    /** Prints a parsed value as {@code CONFIG GET} shows it. */
    String format(Object value);

    /** A short description for messages and documentation, e.g. {@code integer 0..65535}. */
    String describe();

    /** Any string. */
    static DirectiveType text() {
        return new Text(s -> null);
    }

    /**
     * A string accepted by {@code check}.
     *
     * @param check returns null for a valid value, else the problem (it must not throw)
     */
    static DirectiveType text(Function<String, String> check) {
        return new Text(check);
    }

    /** A decimal integer in {@code min..max}, written as Redis's {@code string2ll} reads it. */
    static DirectiveType integer(long min, long max) {
        return new Int(min, max);
    }

    /** {@code yes} or {@code no}, in any case. */
    static DirectiveType yesNo() {
        return new YesNo();
    }

    /** One of the given lower-case words, matched in any case. */
    static DirectiveType oneOf(String... choices) {
        return new OneOf(List.of(choices));
    }

    /** A memory size in bytes in {@code min..max}, written as {@link MemorySize} reads it. */
    static DirectiveType memory(long min, long max) {
        return new Memory(min, max);
    }

    /** See {@link #text(Function)}. */
    record Text(Function<String, String> checker) implements DirectiveType {
        /** Rejects a null checker. */
        public Text {
            Objects.requireNonNull(checker, "checker");
        }

        @Override
        public String check(String text) {
            return checker.apply(text);
        }

        @Override
        public Object parse(String text) {
            return requireValid(this, text);
        }

        @Override
        public String format(Object value) {
            return (String) value;
        }

        @Override
        public String describe() {
            return "string";
        }
    }

    /** See {@link #integer(long, long)}. */
    record Int(long min, long max) implements DirectiveType {
        /** Requires {@code min <= max}. */
        public Int {
            if (min > max) {
                throw new IllegalArgumentException("min " + min + " > max " + max);
            }
        }

        @Override
        public String check(String text) {
            OptionalLong value = Decimal.parseLong(text);
            if (value.isEmpty()) {
                return "argument couldn't be parsed into an integer";
            }
            return rangeProblem(value.getAsLong(), min, max);
        }

        @Override
        public Object parse(String text) {
            requireValid(this, text);
            return Decimal.parseLong(text).orElseThrow();
        }

        @Override
        public String format(Object value) {
            return Long.toString((Long) value);
        }

        @Override
        public String describe() {
            return "integer " + min + ".." + max;
        }
    }

    /** See {@link #yesNo()}. */
    record YesNo() implements DirectiveType {
        @Override
        public String check(String text) {
            return Ascii.equalsIgnoreCase(text, "yes") || Ascii.equalsIgnoreCase(text, "no") ? null
                    : "argument must be 'yes' or 'no'";
        }

        @Override
        public Object parse(String text) {
            requireValid(this, text);
            return Ascii.equalsIgnoreCase(text, "yes");
        }

        @Override
        public String format(Object value) {
            return (Boolean) value ? "yes" : "no";
        }

        @Override
        public String describe() {
            return "yes|no";
        }
    }

    /** See {@link #oneOf(String...)}. */
    record OneOf(List<String> choices) implements DirectiveType {
        /** Requires at least one lower-case choice. */
        public OneOf {
            choices = List.copyOf(choices);
            if (choices.isEmpty()) {
                throw new IllegalArgumentException("an enum directive needs at least one choice");
            }
            for (String choice : choices) {
                if (choice.isEmpty() || !choice.equals(Ascii.toLowerCase(choice))) {
                    throw new IllegalArgumentException("choices are lower case: " + choice);
                }
            }
        }

        @Override
        public String check(String text) {
            return canonical(text) != null ? null
                    : "argument(s) must be one of the following: " + String.join(", ", choices);
        }

        @Override
        public Object parse(String text) {
            requireValid(this, text);
            return canonical(text);
        }

        @Override
        public String format(Object value) {
            return (String) value;
        }

        @Override
        public String describe() {
            return String.join("|", choices);
        }

        private String canonical(String text) {
            for (String choice : choices) {
                if (Ascii.equalsIgnoreCase(choice, text)) {
                    return choice;
                }
            }
            return null;
        }
    }

    /** See {@link #memory(long, long)}. */
    record Memory(long min, long max) implements DirectiveType {
        /** Requires {@code 0 <= min <= max}. */
        public Memory {
            if (min < 0 || min > max) {
                throw new IllegalArgumentException("bad memory range " + min + ".." + max);
            }
        }

        @Override
        public String check(String text) {
            long bytes = MemorySize.parse(text);
            if (bytes == MemorySize.INVALID) {
                return "argument must be a memory value";
            }
            return rangeProblem(bytes, min, max);
        }

        @Override
        public Object parse(String text) {
            requireValid(this, text);
            return MemorySize.parse(text);
        }

        @Override
        public String format(Object value) {
            return Long.toString((Long) value); // CONFIG GET prints memory values in bytes, as Redis does
        }

        @Override
        public String describe() {
            return "memory " + min + ".." + max + " bytes";
        }
    }

    private static String rangeProblem(long value, long min, long max) {
        return value < min || value > max ? "argument must be between " + min + " and " + max + " inclusive" : null;
    }

    private static String requireValid(DirectiveType type, String text) {
        String problem = type.check(text);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return text;
    }
}
