package io.demikv.kvstore.command;

import java.util.List;

/**
 * A key specification of COMMAND INFO (Redis 7): where the search for keys begins and how keys are found
 * from there. Begin search: at argument {@code index}, or {@code unknown}. Find keys: a {@code range}
 * (to {@code lastKey} relative to the start, negative counting from the end, every {@code keyStep}
 * arguments), a {@code keynum} (the argument at start + {@code keynumIdx} says how many keys follow from
 * start + {@code firstKey}, every {@code keyStep}), or {@code unknown} (SORT's BY/GET/STORE). Immutable.
 *
 * @param notes optional free text, or null
 * @param flags Redis's key-spec flags, e.g. {@code RO}, {@code access}
 */
public record KeySpec(String notes, List<String> flags, Begin begin, int index, Find find, int lastKey, int keyStep,
                      int limit, int keynumIdx, int firstKey) {
    /** How the search for keys begins. */
    public enum Begin { INDEX, UNKNOWN }

    /** How keys are found once the search began. */
    public enum Find { RANGE, KEYNUM, UNKNOWN }

    public KeySpec {
        flags = List.copyOf(flags);
    }

    /** {@code "RW access update"} style flags, one key at {@code index}. */
    public static KeySpec single(int index, String flags) {
        return range(index, 0, 1, flags);
    }

    public static KeySpec range(int index, int lastKey, int keyStep, String flags) {
        return new KeySpec(null, List.of(flags.split(" ")), Begin.INDEX, index, Find.RANGE, lastKey, keyStep, 0, 0, 0);
    }

    /** Keys counted by a numkeys argument (ZUNION, SINTERCARD, LMPOP...). */
    public static KeySpec keynum(int index, int keynumIdx, int firstKey, int keyStep, String flags) {
        return new KeySpec(null, List.of(flags.split(" ")), Begin.INDEX, index, Find.KEYNUM, 0, keyStep, 0, keynumIdx,
                firstKey);
    }

    /** Keys a static spec cannot find (SORT's BY/GET patterns and its STORE anywhere in the arguments). */
    public static KeySpec unknown(String flags) {
        return new KeySpec(null, List.of(flags.split(" ")), Begin.UNKNOWN, 0, Find.UNKNOWN, 0, 0, 0, 0, 0);
    }

    public KeySpec withNotes(String text) {
        return new KeySpec(text, flags, begin, index, find, lastKey, keyStep, limit, keynumIdx, firstKey);
    }
}
