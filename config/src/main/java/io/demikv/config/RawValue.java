package io.demikv.config;

import java.util.List;

/**
 * A setting's value before it is typed: the shape YAML gave it (scalar, sequence, mapping) plus the
 * origin of every part, so that a type or range error can name the exact file line or argument.
 * Command-line and environment values are turned into the same shapes. Immutable.
 */
sealed interface RawValue {
    Origin origin();

    /** Short name of the shape, for "expected X, got Y" messages. */
    String shapeName();

    /** A plain value; {@code isNull} marks YAML's empty value, {@code ~} or {@code null}. */
    record Scalar(String text, boolean isNull, Origin origin) implements RawValue {
        @Override
        public String shapeName() {
            return isNull ? "no value" : "'" + text + "'";
        }
    }

    /** A YAML list. */
    record Sequence(List<RawValue> items, Origin origin) implements RawValue {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String shapeName() {
            return "a list";
        }
    }

    /** A YAML mapping whose keys are scalars, in file order. */
    record Mapping(List<Entry> entries, Origin origin) implements RawValue {
        public Mapping {
            entries = List.copyOf(entries);
        }

        @Override
        public String shapeName() {
            return "a mapping";
        }
    }

    /** One key/value pair of a {@link Mapping}. */
    record Entry(Scalar key, RawValue value) {
    }
}
