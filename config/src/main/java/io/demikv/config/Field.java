package io.demikv.config;

import java.util.function.BiFunction;

/**
 * One typed key of the Demikernel-style sections, such as {@code inetstack_config.mtu}: its dotted
 * path, the shape its raw value must have, its default, and the conversion that checks type and range
 * and reports problems as {@link ConfigException}s naming the value's origin. Immutable; any thread.
 *
 * @param <T> the typed value
 */
final class Field<T> {
    /** The YAML shape a value takes; also tells the command-line parser how to split a value. */
    enum Shape {
        /** One plain value. */
        SCALAR,
        /** A list of plain values; on the command line, whitespace-separated. */
        LIST,
        /** A mapping of plain values; on the command line, {@code key=value,key=value}. */
        MAP
    }

    private final String path;
    private final Shape shape;
    private final T defaultValue;
    private final BiFunction<String, RawValue, T> converter;

    /**
     * @param converter takes the path and raw value; throws {@link ConfigException} for a bad value
     */
    Field(String path, Shape shape, T defaultValue, BiFunction<String, RawValue, T> converter) {
        this.path = path;
        this.shape = shape;
        this.defaultValue = defaultValue;
        this.converter = converter;
    }

    String path() {
        return path;
    }

    /** The part of the path before the last dot, e.g. {@code tcp_socket_options.keepalive}. */
    String section() {
        return path.substring(0, path.lastIndexOf('.'));
    }

    /** The last part of the path, e.g. {@code enabled}. */
    String key() {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    Shape shape() {
        return shape;
    }

    T defaultValue() {
        return defaultValue;
    }

    /** Types {@code value}, or throws a {@link ConfigException} that names its origin and this path. */
    T convert(RawValue value) {
        return converter.apply(path, value);
    }

    @Override
    public String toString() {
        return path;
    }
}
