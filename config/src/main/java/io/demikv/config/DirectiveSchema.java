package io.demikv.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The set of server directives the server understands, in declaration order. The server declares it
 * once at start-up and hands it to {@link ConfigLoader}; the loader rejects any {@code server:} key or
 * {@code --name} option not in it. Names are matched case-insensitively (ASCII), as Redis does.
 * Immutable once built; any thread. The {@link Builder} is for one thread.
 *
 * <pre>{@code
 * DirectiveSchema schema = DirectiveSchema.builder()
 *     .add("port", DirectiveType.integer(0, 65535), "6379")
 *     .add("appendfsync", DirectiveType.oneOf("always", "everysec", "no"), "everysec")
 *     .add("proto-max-bulk-len", DirectiveType.memory(1024 * 1024, Long.MAX_VALUE), "512mb")
 *     .addImmutable("databases", DirectiveType.integer(1, Integer.MAX_VALUE), "16")
 *     .build();
 * }</pre>
 */
public final class DirectiveSchema {
    private final List<Directive> directives;
    private final Map<String, Integer> indexByName;

    private DirectiveSchema(List<Directive> directives) {
        this.directives = List.copyOf(directives);
        this.indexByName = new HashMap<>();
        for (int i = 0; i < this.directives.size(); i++) {
            indexByName.put(this.directives.get(i).name(), i);
        }
    }

    /** Starts an empty schema. */
    public static Builder builder() {
        return new Builder();
    }

    /** All directives, in declaration order. */
    public List<Directive> directives() {
        return directives;
    }

    /** Number of directives. */
    public int size() {
        return directives.size();
    }

    /** True when {@code name} (any ASCII case) is a directive. */
    public boolean contains(String name) {
        return indexOf(name) >= 0;
    }

    /**
     * The directive called {@code name} (any ASCII case).
     *
     * @throws IllegalArgumentException when there is none
     */
    public Directive get(String name) {
        int index = indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("no server directive named '" + name + "'");
        }
        return directives.get(index);
    }

    /** Position of {@code name} (any ASCII case) in {@link #directives()}, or -1. */
    int indexOf(String name) {
        Integer index = indexByName.get(Ascii.toLowerCase(name));
        return index == null ? -1 : index;
    }

    /** Collects directive declarations; rejects duplicates. One thread. */
    public static final class Builder {
        private final List<Directive> directives = new ArrayList<>();
        private final Map<String, Directive> byName = new HashMap<>();

        private Builder() {
        }

        /** Adds a directive that {@code CONFIG SET} may change. */
        public Builder add(String name, DirectiveType type, String defaultValue) {
            return add(new Directive(name, type, defaultValue, true));
        }

        /** Adds a directive that only a restart may change. */
        public Builder addImmutable(String name, DirectiveType type, String defaultValue) {
            return add(new Directive(name, type, defaultValue, false));
        }

        /** Adds a prepared directive. */
        public Builder add(Directive directive) {
            if (byName.putIfAbsent(directive.name(), directive) != null) {
                throw new IllegalArgumentException("directive declared twice: " + directive.name());
            }
            directives.add(directive);
            return this;
        }

        /** The immutable schema. */
        public DirectiveSchema build() {
            return new DirectiveSchema(directives);
        }
    }
}
