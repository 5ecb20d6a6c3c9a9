package io.demikv.config;

import java.nio.file.Path;

/**
 * Where a setting came from, as it is printed in a {@link ConfigException}: {@code file:line},
 * {@code argument --key}, {@code environment variable NAME} or {@code default}.
 * Immutable; used by the loader on the caller's thread.
 */
record Origin(String description) {
    static final Origin DEFAULT = new Origin("default");

    static Origin fileLine(Path file, int oneBasedLine) {
        return new Origin(file + ":" + oneBasedLine);
    }

    static Origin argument(String option) {
        return new Origin("argument " + option);
    }

    static Origin environment(String variable) {
        return new Origin("environment variable " + variable);
    }

    @Override
    public String toString() {
        return description;
    }
}
