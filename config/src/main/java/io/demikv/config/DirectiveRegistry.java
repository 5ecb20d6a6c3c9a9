package io.demikv.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The current value of every server directive: defaults from the {@link DirectiveSchema}, then the
 * values the loader found (file, then command line), then whatever {@code CONFIG SET} changes at
 * runtime. The server reads it through the typed getters, lists it for {@code CONFIG GET} with
 * {@link #matching(String)}, and changes it with {@link #trySet(String, String)}.
 *
 * <p>Mutable and not thread-safe: after start-up it belongs to the server's event-loop thread, which is
 * the only thread that may read or change it. Names are matched case-insensitively (ASCII).
 * Asking for a directive the schema lacks, or with the wrong typed getter, is a bug and throws
 * {@link IllegalArgumentException}.
 */
public final class DirectiveRegistry {
    private final DirectiveSchema schema;
    private final Object[] values;

    /** A registry holding every directive's default. */
    public DirectiveRegistry(DirectiveSchema schema) {
        this.schema = schema;
        this.values = new Object[schema.size()];
        for (int i = 0; i < values.length; i++) {
            Directive d = schema.directives().get(i);
            values[i] = d.type().parse(d.defaultValue());
        }
    }

    /** The schema this registry holds values for. */
    public DirectiveSchema schema() {
        return schema;
    }

    /** The value of a {@link DirectiveType#text()} or {@link DirectiveType#oneOf} directive. */
    public String getString(String name) {
        int i = index(name);
        if (!(values[i] instanceof String s)) {
            throw wrongType(i, "a string");
        }
        return s;
    }

    /** The value of an {@link DirectiveType#integer} or {@link DirectiveType#memory} directive. */
    public long getLong(String name) {
        int i = index(name);
        if (!(values[i] instanceof Long l)) {
            throw wrongType(i, "a number");
        }
        return l;
    }

    /** The value of an {@link DirectiveType#integer} directive whose range fits an {@code int}. */
    public int getInt(String name) {
        int i = index(name);
        if (!(schema.directives().get(i).type() instanceof DirectiveType.Int(long min, long max))
                || min < Integer.MIN_VALUE || max > Integer.MAX_VALUE) {
            throw wrongType(i, "an int-ranged integer");
        }
        return (int) (long) (Long) values[i];
    }

    /** The value of a {@link DirectiveType#yesNo()} directive. */
    public boolean getBoolean(String name) {
        int i = index(name);
        if (!(values[i] instanceof Boolean b)) {
            throw wrongType(i, "yes/no");
        }
        return b;
    }

    /** The value as {@code CONFIG GET} prints it: {@code yes}/{@code no}, bytes for memory sizes. */
    public String getAsString(String name) {
        int i = index(name);
        return schema.directives().get(i).type().format(values[i]);
    }

    /**
     * Every directive whose name matches the glob {@code pattern} case-insensitively (as Redis's
     * {@code CONFIG GET} matches), mapped to its printed value, in declaration order.
     */
    public Map<String, String> matching(String pattern) {
        Map<String, String> result = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            Directive d = schema.directives().get(i);
            if (Glob.matches(pattern, d.name(), true)) {
                result.put(d.name(), d.type().format(values[i]));
            }
        }
        return result;
    }

    /** Every directive mapped to its printed value, in declaration order. */
    public Map<String, String> all() {
        return matching("*");
    }

    /**
     * Checks a runtime change without making it (for an all-or-nothing multi-directive
     * {@code CONFIG SET}).
     *
     * @return null when {@link #trySet} would succeed, else the problem in Redis's words, such as
     *         {@code argument must be between 0 and 65535 inclusive} or {@code can't set immutable config}
     */
    public String check(String name, String value) {
        Directive d = schema.directives().get(index(name));
        return d.mutable() ? d.type().check(value) : "can't set immutable config";
    }

    /**
     * Changes a directive at runtime ({@code CONFIG SET}), if it is mutable and the value is valid.
     * The server wraps a problem as {@code ERR CONFIG SET failed (possibly related to argument 'NAME') -
     * PROBLEM}; it should test {@link DirectiveSchema#contains} first to answer unknown names.
     *
     * @return null when applied, else the problem (see {@link #check(String, String)}) and nothing changed
     */
    public String trySet(String name, String value) {
        String problem = check(name, value);
        if (problem == null) {
            int i = index(name);
            values[i] = schema.directives().get(i).type().parse(value);
        }
        return problem;
    }

    /**
     * Start-up assignment by the loader: immutable directives are allowed.
     *
     * @return null when applied, else the problem
     */
    String setAtStartup(String name, String value) {
        int i = index(name);
        DirectiveType type = schema.directives().get(i).type();
        String problem = type.check(value);
        if (problem == null) {
            values[i] = type.parse(value);
        }
        return problem;
    }

    private int index(String name) {
        int i = schema.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no server directive named '" + name + "'");
        }
        return i;
    }

    private IllegalArgumentException wrongType(int i, String wanted) {
        Directive d = schema.directives().get(i);
        return new IllegalArgumentException(
                "directive " + d.name() + " is " + d.type().describe() + ", not " + wanted);
    }
}
