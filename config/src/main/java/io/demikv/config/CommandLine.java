package io.demikv.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses command-line arguments the way {@code redis-server} takes them: an optional configuration
 * file path first, then {@code --key value} pairs (or {@code --key=value}). The value is always the
 * next argument, even when it starts with {@code -}. A key is:
 * <ul>
 *   <li>{@code libos}: short for {@code libos.name};</li>
 *   <li>a dotted path into the sections, e.g. {@code inetstack_config.mtu} or {@code server.port};</li>
 *   <li>otherwise a server directive name, e.g. {@code port}, meaning {@code server.port}.</li>
 * </ul>
 * List keys ({@code dpdk.eal_init}) split their value on whitespace; map keys
 * ({@code inetstack_config.arp_table}) take {@code ip=mac,ip=mac}. Unknown keys are left for the
 * binder to report. Immutable result; runs on the loader's thread.
 *
 * @param file     the positional file path, if given
 * @param settings the overrides, in argument order
 */
record CommandLine(Optional<Path> file, List<Setting> settings) {

    CommandLine {
        settings = List.copyOf(settings);
    }

    static CommandLine parse(String[] args, DirectiveSchema schema) {
        Optional<Path> file = Optional.empty();
        List<Setting> settings = new ArrayList<>();
        int i = 0;
        if (args.length > 0 && !args[0].startsWith("-")) {
            file = Optional.of(Path.of(args[0]));
            i = 1;
        }
        while (i < args.length) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new ConfigException(Origin.argument(arg).description(), "",
                        "expected --key value (a configuration file may only be the first argument)");
            }
            String key;
            String value;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                key = arg.substring(2, equals);
                value = arg.substring(equals + 1);
                i += 1;
            } else {
                key = arg.substring(2);
                if (i + 1 >= args.length) {
                    throw new ConfigException(Origin.argument(arg).description(), "",
                            "missing value (write --" + key + " VALUE)");
                }
                value = args[i + 1];
                i += 2;
            }
            if (key.isEmpty()) {
                throw new ConfigException(Origin.argument(arg).description(), "", "expected --key value");
            }
            Origin origin = Origin.argument("--" + key);
            String path = toPath(key, schema);
            settings.add(new Setting(path, origin, toRaw(path, value, origin)));
        }
        return new CommandLine(file, settings);
    }

    private static String toPath(String key, DirectiveSchema schema) {
        if (key.equals("libos")) {
            return Fields.LIBOS_NAME.path();
        }
        if (key.indexOf('.') < 0 && schema.contains(key)) {
            return Fields.SERVER + "." + key;
        }
        return key;
    }

    private static RawValue toRaw(String path, String value, Origin origin) {
        Field<?> field = Fields.byPath(path);
        Field.Shape shape = field == null ? Field.Shape.SCALAR : field.shape();
        return switch (shape) {
            case SCALAR -> new RawValue.Scalar(value, false, origin);
            case LIST -> {
                List<RawValue> items = new ArrayList<>();
                for (String word : value.trim().split("\\s+")) {
                    if (!word.isEmpty()) {
                        items.add(new RawValue.Scalar(word, false, origin));
                    }
                }
                yield new RawValue.Sequence(items, origin);
            }
            case MAP -> {
                List<RawValue.Entry> entries = new ArrayList<>();
                for (String pair : value.split(",")) {
                    String trimmed = pair.trim();
                    if (trimmed.isEmpty()) {
                        continue;
                    }
                    int eq = trimmed.indexOf('=');
                    if (eq < 0) {
                        throw new ConfigException(origin.description(), path,
                                "expected key=value pairs separated by commas, got '" + trimmed + "'");
                    }
                    entries.add(new RawValue.Entry(
                            new RawValue.Scalar(trimmed.substring(0, eq).trim(), false, origin),
                            new RawValue.Scalar(trimmed.substring(eq + 1).trim(), false, origin)));
                }
                yield new RawValue.Mapping(entries, origin);
            }
        };
    }
}
