package io.demikv.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Loads the configuration at start-up, as Demikernel and {@code redis-server} do, with this precedence
 * (later wins): built-in defaults &lt; the YAML file &lt; environment &lt; command line.
 * <ul>
 *   <li>The file is the first argument when it does not start with {@code -}, else the file named by
 *       {@code CONFIG_PATH}, else none (all defaults).</li>
 *   <li>{@code LIBOS} selects {@code libos.name} ({@code catnap}, {@code catnip}, {@code catmint}).</li>
 *   <li>Then {@code --key value} pairs: a server directive ({@code --port 7000}), a dotted path into the
 *       sections ({@code --inetstack_config.mtu 9000}, {@code --server.port 7000}) or {@code --libos}.</li>
 * </ul>
 * Any unknown key, wrong type or out-of-range value throws a {@link ConfigException} naming the file and
 * line, the argument, or the environment variable. The environment is injected so tests need not touch
 * the process's own. Call from the main thread at start-up; each {@link #load} is independent.
 *
 * <pre>{@code
 * Config config = ConfigLoader.withSystemEnvironment(ServerDirectives.SCHEMA).load(args);
 * }</pre>
 */
public final class ConfigLoader {
    /** Names the YAML file when no file argument is given (as in Demikernel). */
    public static final String CONFIG_PATH = "CONFIG_PATH";
    /** Selects the libOS, overriding the file (as in Demikernel). */
    public static final String LIBOS = "LIBOS";

    private final DirectiveSchema schema;
    private final Map<String, String> environment;

    /**
     * @param schema      the server directives that {@code server:} and {@code --name} may set
     * @param environment the environment variables to honour (copied)
     */
    public ConfigLoader(DirectiveSchema schema, Map<String, String> environment) {
        this.schema = Objects.requireNonNull(schema, "schema");
        this.environment = Map.copyOf(environment);
    }

    /** A loader that reads the process environment. */
    public static ConfigLoader withSystemEnvironment(DirectiveSchema schema) {
        return new ConfigLoader(schema, System.getenv());
    }

    /**
     * Loads defaults, then the file, then the environment, then {@code args}.
     *
     * @param args the program arguments: {@code [file] [--key value]...}
     * @throws ConfigException for any bad configuration
     */
    public Config load(String... args) {
        CommandLine commandLine = CommandLine.parse(args, schema);
        Optional<Path> file = commandLine.file();
        String namedBy = "the first argument";
        String configPath = environment.get(CONFIG_PATH);
        if (file.isEmpty() && configPath != null && !configPath.isEmpty()) {
            file = Optional.of(Path.of(configPath));
            namedBy = CONFIG_PATH;
        }
        List<Setting> layered = new ArrayList<>();
        if (file.isPresent()) {
            layered.addAll(YamlSource.read(file.get(), namedBy));
        }
        String libos = environment.get(LIBOS);
        if (libos != null && !libos.isEmpty()) {
            Origin origin = Origin.environment(LIBOS);
            layered.add(new Setting(Fields.LIBOS_NAME.path(), origin, new RawValue.Scalar(libos, false, origin)));
        }
        layered.addAll(commandLine.settings());
        return ConfigBinder.bind(layered, schema, file);
    }
}
