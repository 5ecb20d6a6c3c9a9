package io.demikv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DirectiveRegistryTest {
    private DirectiveRegistry registry;

    @BeforeEach
    void freshRegistry() {
        registry = new DirectiveRegistry(TestDirectives.SCHEMA);
    }

    @Test
    void startsWithParsedDefaults() {
        assertEquals(6379, registry.getInt("port"));
        assertEquals(536870912L, registry.getLong("proto-max-bulk-len"));
        assertTrue(registry.getBoolean("protected-mode"));
        assertEquals("everysec", registry.getString("appendfsync"));
        assertEquals("", registry.getString("requirepass"));
    }

    @Test
    void printsValuesAsConfigGetDoes() {
        assertEquals("yes", registry.getAsString("protected-mode"));
        assertEquals("536870912", registry.getAsString("proto-max-bulk-len"));
        assertEquals("6379", registry.getAsString("PORT"));
    }

    @Test
    void matchingUsesCaseInsensitiveGlobInDeclarationOrder() {
        assertEquals(List.of("appendonly", "appendfilename", "appendfsync"),
                List.copyOf(registry.matching("APPEND*").keySet()));
        assertEquals(Map.of("port", "6379"), registry.matching("port"));
        assertEquals(Map.of("hz", "10"), registry.matching("h?"));
        assertEquals(List.of("proto-max-bulk-len", "client-query-buffer-limit"),
                List.copyOf(registry.matching("*-[bl]*-l*").keySet()));
        assertTrue(registry.matching("nosuch*").isEmpty());
        assertEquals(TestDirectives.SCHEMA.size(), registry.all().size());
    }

    @Test
    void trySetValidatesAndApplies() {
        assertNull(registry.trySet("port", "7000"));
        assertEquals(7000, registry.getInt("port"));
        assertNull(registry.trySet("APPENDFSYNC", "Always"));
        assertEquals("always", registry.getString("appendfsync"));
        assertNull(registry.trySet("maxmemory", "100mb"));
        assertEquals(104857600L, registry.getLong("maxmemory"));
        assertNull(registry.trySet("appendonly", "YES"));
        assertTrue(registry.getBoolean("appendonly"));
    }

    @Test
    void trySetRejectsBadValuesWithRedisReasonsAndKeepsTheOldValue() {
        assertEquals("argument must be between 0 and 65535 inclusive", registry.trySet("port", "65536"));
        assertEquals("argument couldn't be parsed into an integer", registry.trySet("port", "0x10"));
        assertEquals("argument couldn't be parsed into an integer", registry.trySet("port", "010"));
        assertEquals("argument couldn't be parsed into an integer", registry.trySet("port", " 1"));
        assertEquals("argument must be 'yes' or 'no'", registry.trySet("appendonly", "true"));
        assertEquals("argument(s) must be one of the following: always, everysec, no",
                registry.trySet("appendfsync", "often"));
        assertEquals("argument must be a memory value", registry.trySet("maxmemory", "-1"));
        assertEquals("argument must be between 1048576 and 9223372036854775807 inclusive",
                registry.trySet("proto-max-bulk-len", "1k"));
        assertEquals("dir must not be empty", registry.trySet("dir", ""));
        assertEquals(6379, registry.getInt("port"));
        assertFalse(registry.getBoolean("appendonly"));
    }

    @Test
    void immutableDirectivesCannotBeSetAtRuntime() {
        assertEquals("can't set immutable config", registry.trySet("databases", "4"));
        assertEquals("can't set immutable config", registry.check("databases", "4"));
        assertEquals(16, registry.getInt("databases"));
    }

    @Test
    void checkDoesNotApply() {
        assertNull(registry.check("hz", "20"));
        assertEquals(10, registry.getInt("hz"));
    }

    @Test
    void unknownNamesAndWrongGettersAreCallerBugs() {
        assertThrows(IllegalArgumentException.class, () -> registry.getInt("nosuch"));
        assertThrows(IllegalArgumentException.class, () -> registry.trySet("nosuch", "1"));
        assertThrows(IllegalArgumentException.class, () -> registry.getBoolean("port"));
        assertThrows(IllegalArgumentException.class, () -> registry.getInt("maxmemory"));
        assertThrows(IllegalArgumentException.class, () -> registry.getString("port"));
        assertFalse(TestDirectives.SCHEMA.contains("nosuch"));
        assertTrue(TestDirectives.SCHEMA.contains("Proto-Max-Bulk-Len"));
        assertFalse(TestDirectives.SCHEMA.contains("\u212Aeepalive".replace("\u212A", "tcp-\u212A")));
    }

    @Test
    void schemaRejectsBadDeclarations() {
        assertThrows(IllegalArgumentException.class, () -> DirectiveSchema.builder()
                .add("port", DirectiveType.integer(0, 65535), "6379")
                .add("port", DirectiveType.integer(0, 65535), "6380"));
        assertThrows(IllegalArgumentException.class, () -> DirectiveSchema.builder()
                .add("port", DirectiveType.integer(0, 65535), "99999"));
        assertThrows(IllegalArgumentException.class, () -> DirectiveSchema.builder()
                .add("Port", DirectiveType.integer(0, 65535), "1"));
        assertThrows(IllegalArgumentException.class, () -> DirectiveType.oneOf());
        assertThrows(IllegalArgumentException.class, () -> DirectiveType.integer(5, 1));
        assertThrows(IllegalArgumentException.class, () -> DirectiveType.memory(-1, 10));
    }

    @Test
    void integerTypeReadsLikeRedisString2ll() {
        DirectiveType type = DirectiveType.integer(Long.MIN_VALUE, Long.MAX_VALUE);
        assertNull(type.check("-9223372036854775808"));
        assertNull(type.check("9223372036854775807"));
        assertNull(type.check("0"));
        assertNull(type.check("-1"));
        for (String bad : new String[] {"", "-", "+1", "01", "-0", "1 ", "9223372036854775808", "1e3", "1.0"}) {
            assertEquals("argument couldn't be parsed into an integer", type.check(bad), bad);
        }
    }
}
