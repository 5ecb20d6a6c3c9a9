package io.demikv.kvstore.command;

import java.util.List;

/**
 * A key specification of COMMAND INFO (Redis 7): keys start at argument {@code index} and run to
 * {@code lastKey} (relative to the start; negative counts from the end) every {@code keyStep} arguments.
 * Only the {@code index}/{@code range} kinds exist here since every command we have uses them.
 * Immutable.
 *
 * @param notes optional free text, or null
 * @param flags Redis's key-spec flags, e.g. {@code RO}, {@code access}
 */
public record KeySpec(String notes, List<String> flags, int index, int lastKey, int keyStep, int limit) {
    public KeySpec {
        flags = List.copyOf(flags);
    }

    /** {@code "RW access update"} style flags, one key at {@code index}. */
    public static KeySpec single(int index, String flags) {
        return new KeySpec(null, List.of(flags.split(" ")), index, 0, 1, 0);
    }

    public static KeySpec range(int index, int lastKey, int keyStep, String flags) {
        return new KeySpec(null, List.of(flags.split(" ")), index, lastKey, keyStep, 0);
    }

    public KeySpec withNotes(String text) {
        return new KeySpec(text, flags, index, lastKey, keyStep, limit);
    }
}
