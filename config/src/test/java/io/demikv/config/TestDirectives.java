package io.demikv.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A directive schema shaped like the server's, plus helpers to load YAML text in tests. */
final class TestDirectives {
    static final DirectiveSchema SCHEMA = DirectiveSchema.builder()
            .add("bind", DirectiveType.text(), "127.0.0.1")
            .add("port", DirectiveType.integer(0, 65535), "6379")
            .add("protected-mode", DirectiveType.yesNo(), "yes")
            .add("requirepass", DirectiveType.text(), "")
            .add("dir", DirectiveType.text(v -> v.isEmpty() ? "dir must not be empty" : null), "./")
            .add("appendonly", DirectiveType.yesNo(), "no")
            .add("appendfilename", DirectiveType.text(), "appendonly.aof")
            .add("appendfsync", DirectiveType.oneOf("always", "everysec", "no"), "everysec")
            .add("maxclients", DirectiveType.integer(1, Integer.MAX_VALUE), "10000")
            .add("proto-max-bulk-len", DirectiveType.memory(1024 * 1024, Long.MAX_VALUE), "512mb")
            .add("client-query-buffer-limit", DirectiveType.memory(1024 * 1024, Long.MAX_VALUE), "1gb")
            .add("maxmemory", DirectiveType.memory(0, Long.MAX_VALUE), "0")
            .add("hz", DirectiveType.integer(1, 500), "10")
            .addImmutable("databases", DirectiveType.integer(1, Integer.MAX_VALUE), "16")
            .add("timeout", DirectiveType.integer(0, Integer.MAX_VALUE), "0")
            .add("tcp-keepalive", DirectiveType.integer(0, Integer.MAX_VALUE), "300")
            .add("loglevel", DirectiveType.oneOf("debug", "verbose", "notice", "warning", "nothing"), "notice")
            .add("save", DirectiveType.text(), "3600 1 300 100 60 10000")
            .build();

    private TestDirectives() {
    }

    static ConfigLoader loader() {
        return new ConfigLoader(SCHEMA, Map.of());
    }

    static ConfigLoader loader(Map<String, String> environment) {
        return new ConfigLoader(SCHEMA, environment);
    }

    /** Writes {@code yaml} to {@code dir/name} and returns its path. */
    static Path write(Path dir, String name, String yaml) {
        try {
            return Files.writeString(dir.resolve(name), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
