package io.demikv.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a YAML configuration file into leaf {@link Setting}s with their file and line. It only
 * composes the YAML into a node tree and reads scalar text: no Java object is ever constructed from
 * the file, and any tag other than YAML's core ones ({@code !!str}, {@code !!int}, ...) is refused.
 * Sections ({@link Fields#isSection}) are walked; everything else is a leaf whose value is kept raw for
 * the binder to type. Duplicate keys are errors. Stateless; runs on the loader's thread.
 */
final class YamlSource {
    /** The only tags a configuration may carry (all implicit, resolved from plain text). */
    private static final Set<Tag> ALLOWED_TAGS =
            Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP, Tag.SEQ, Tag.MAP);

    private final Path file;

    private YamlSource(Path file) {
        this.file = file;
    }

    /**
     * Reads {@code file}.
     *
     * @param namedBy how the file was named, for the "not found" message (e.g. {@code CONFIG_PATH})
     * @throws ConfigException when the file is missing, unreadable, not YAML or not a mapping of sections
     */
    static List<Setting> read(Path file, String namedBy) {
        String text = readText(file, namedBy);
        Node root = compose(file, text);
        List<Setting> settings = new ArrayList<>();
        if (root == null || isNull(root)) {
            return settings; // an empty file: all defaults
        }
        YamlSource source = new YamlSource(file);
        if (!(root instanceof MappingNode mapping)) {
            throw new ConfigException(source.origin(root).description(), "",
                    "the file must be a mapping of sections such as libos:, demikernel: and server:");
        }
        source.walkSection("", mapping, settings);
        return settings;
    }

    private static String readText(Path file, String namedBy) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), "",
                    "configuration file not found (named by " + namedBy + ")", e);
        } catch (CharacterCodingException e) {
            throw new ConfigException(file.toString(), "", "configuration file is not UTF-8 text", e);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "",
                    "cannot read configuration file (named by " + namedBy + "): " + e, e);
        }
    }

    private static Node compose(Path file, String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(50);
        options.setNestingDepthLimit(20);
        options.setCodePointLimit(1 << 20);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        try (Reader reader = new StringReader(text)) {
            return yaml.compose(reader);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? file.toString() : file + ":" + (mark.getLine() + 1);
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            throw new ConfigException(where, "", "invalid YAML: " + problem, e);
        } catch (YAMLException e) {
            throw new ConfigException(file.toString(), "", "invalid YAML: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("a StringReader does not fail", e);
        }
    }

    private void walkSection(String section, MappingNode mapping, List<Setting> out) {
        Map<String, Integer> seen = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            RawValue.Scalar key = key(section, tuple.getKeyNode(), seen);
            String path = section.isEmpty() ? key.text() : section + "." + key.text();
            Node value = tuple.getValueNode();
            if (Fields.isSection(path)) {
                checkTag(path, value);
                if (value instanceof MappingNode child) {
                    walkSection(path, child, out);
                } else if (!isNull(value)) {
                    throw new ConfigException(origin(value).description(), path,
                            "expected a section (a mapping of keys), got " + toRaw(path, value).shapeName());
                }
            } else {
                out.add(new Setting(path, key.origin(), toRaw(path, value)));
            }
        }
    }

    private RawValue.Scalar key(String section, Node keyNode, Map<String, Integer> seen) {
        checkTag(section, keyNode);
        if (!(keyNode instanceof ScalarNode scalar) || isNull(keyNode)) {
            throw new ConfigException(origin(keyNode).description(), section, "keys must be plain names");
        }
        int line = keyNode.getStartMark().getLine() + 1;
        Integer first = seen.putIfAbsent(scalar.getValue(), line);
        if (first != null) {
            String path = section.isEmpty() ? scalar.getValue() : section + "." + scalar.getValue();
            throw new ConfigException(origin(keyNode).description(), path,
                    "duplicate key (first set at line " + first + ")");
        }
        return new RawValue.Scalar(scalar.getValue(), false, origin(keyNode));
    }

    private RawValue toRaw(String path, Node node) {
        checkTag(path, node);
        return switch (node) {
            case ScalarNode scalar -> new RawValue.Scalar(scalar.getValue(), isNull(node), origin(node));
            case SequenceNode sequence -> {
                List<RawValue> items = new ArrayList<>();
                for (Node item : sequence.getValue()) {
                    items.add(toRaw(path, item));
                }
                yield new RawValue.Sequence(items, origin(node));
            }
            case MappingNode mapping -> {
                Map<String, Integer> seen = new HashMap<>();
                List<RawValue.Entry> entries = new ArrayList<>();
                for (NodeTuple tuple : mapping.getValue()) {
                    entries.add(new RawValue.Entry(key(path, tuple.getKeyNode(), seen),
                            toRaw(path, tuple.getValueNode())));
                }
                yield new RawValue.Mapping(entries, origin(node));
            }
            default -> throw new ConfigException(origin(node).description(), path, "unsupported YAML node");
        };
    }

    /** Refuses explicit application tags such as {@code !!java.net.URL} or {@code !Foo}. */
    private void checkTag(String path, Node node) {
        if (!ALLOWED_TAGS.contains(node.getTag())) {
            throw new ConfigException(origin(node).description(), path,
                    "YAML tag " + node.getTag() + " is not allowed (use plain values, lists and mappings)");
        }
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    private Origin origin(Node node) {
        return Origin.fileLine(file, node.getStartMark().getLine() + 1);
    }
}
