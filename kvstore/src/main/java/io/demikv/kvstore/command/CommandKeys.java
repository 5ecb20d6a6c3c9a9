package io.demikv.kvstore.command;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Which arguments of a logged write command are keys, from the command table's key positions (first, last,
 * step, as {@code COMMAND GETKEYS} uses them): the log rewrite tracks the keys that writes touch while it runs.
 * Built once from the {@link Commands}; server thread only.
 */
public final class CommandKeys {
    /** The command is not in the table. */
    public static final int UNKNOWN = -1;
    /** The command's keys cannot be told from fixed positions (movable keys): treat every argument as a key. */
    public static final int ALL_ARGUMENTS = -2;

    private final CommandTable table;

    public CommandKeys(Commands commands) {
        this.table = commands.table();
    }

    /**
     * Writes the indexes of {@code argv}'s key arguments into {@code out} and returns how many, or
     * {@link #UNKNOWN} / {@link #ALL_ARGUMENTS}. {@code out} must hold {@code argv.length} entries.
     */
    public int keys(byte[][] argv, int[] out) {
        CommandSpec c = table.lookup(new String(argv[0], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
        if (c == null) {
            return UNKNOWN;
        }
        if (c.isContainer() && argv.length > 1) {
            CommandSpec sub = c.subcommand(new String(argv[1], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
            if (sub == null) {
                return UNKNOWN;
            }
            c = sub;
        }
        if (c.has(CommandFlag.MOVABLEKEYS)) {
            return ALL_ARGUMENTS;
        }
        int argc = argv.length;
        int n = 0;
        if (c.firstKey > 0) {
            int last = c.lastKey < 0 ? argc + c.lastKey : c.lastKey;
            for (int i = c.firstKey; i <= last && i < argc; i += Math.max(1, c.keyStep)) {
                out[n++] = i;
            }
        }
        return n;
    }
}
