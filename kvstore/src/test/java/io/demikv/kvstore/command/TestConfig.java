package io.demikv.kvstore.command;

import io.demikv.config.ConfigLoader;
import io.demikv.config.DirectiveRegistry;
import java.util.Map;

/** Directive registries for tests, built the way the server builds them (Redis-style arguments). */
final class TestConfig {
    private TestConfig() {
    }

    /** Defaults overridden by {@code --name value} pairs, e.g. {@code with("requirepass", "s3cret")}. */
    static DirectiveRegistry with(String... nameValuePairs) {
        String[] args = new String[nameValuePairs.length];
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            args[i] = "--" + nameValuePairs[i];
            args[i + 1] = nameValuePairs[i + 1];
        }
        return new ConfigLoader(ServerDirectives.SCHEMA, Map.of()).load(args).server();
    }
}
