package io.demikv.config;

/**
 * Bad configuration found at start-up (or in a programmatic override): an unknown key, a value of the
 * wrong type or out of range, a missing or unreadable file.
 *
 * <p>The message always has the shape {@code config error: <where>: <key path>: <what is wrong>}, where
 * {@code <where>} is {@code file:line} for a YAML value, {@code argument --key} for a command-line
 * value, {@code environment variable NAME} for an environment value, or just the file for a file-level
 * problem. Start-up code should print {@link #getMessage()} and exit; nothing else needs to catch it.
 * Thrown on whichever thread called the loader.
 */
public final class ConfigException extends RuntimeException {
    private final String where;
    private final String keyPath;
    private final String detail;

    /**
     * @param where   {@code file:line}, {@code argument --key}, a file path, or empty when unknown
     * @param keyPath dotted key path such as {@code inetstack_config.mtu}, or empty for file-level errors
     * @param detail  what is wrong and, where it helps, what to do
     */
    public ConfigException(String where, String keyPath, String detail) {
        this(where, keyPath, detail, null);
    }

    /** As {@link #ConfigException(String, String, String)}, keeping the low-level cause. */
    public ConfigException(String where, String keyPath, String detail, Throwable cause) {
        super(format(where, keyPath, detail), cause);
        this.where = where == null ? "" : where;
        this.keyPath = keyPath == null ? "" : keyPath;
        this.detail = detail;
    }

    /** Where the bad value came from: {@code file:line}, {@code argument --key}, a path, or empty. */
    public String where() {
        return where;
    }

    /** The dotted key path, or empty for a file-level error. */
    public String keyPath() {
        return keyPath;
    }

    /** The problem without location, e.g. {@code 70000 is out of range (68..9216)}. */
    public String detail() {
        return detail;
    }

    private static String format(String where, String keyPath, String detail) {
        StringBuilder sb = new StringBuilder("config error: ");
        if (where != null && !where.isEmpty()) {
            sb.append(where).append(": ");
        }
        if (keyPath != null && !keyPath.isEmpty()) {
            sb.append(keyPath).append(": ");
        }
        return sb.append(detail).toString();
    }
}
