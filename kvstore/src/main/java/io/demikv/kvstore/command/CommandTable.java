package io.demikv.kvstore.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The top-level commands by name, looked up case-insensitively straight from an argument slice with no
 * allocation (an open-addressing table hashed on ASCII-lower-cased bytes). Built at start-up, then read
 * only. Server thread only.
 */
final class CommandTable {
    private static final int SLOTS = 1024; // power of two, well above the command count
    private final CommandSpec[] slots = new CommandSpec[SLOTS];
    private final List<CommandSpec> all = new ArrayList<>();

    void add(CommandSpec spec) {
        if (lookup(spec.name) != null) {
            throw new IllegalStateException("duplicate command " + spec.name);
        }
        if (all.size() >= SLOTS / 2) {
            throw new IllegalStateException("command table full");
        }
        byte[] n = spec.name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int i = hash(n, 0, n.length) & (SLOTS - 1);
        while (slots[i] != null) {
            i = (i + 1) & (SLOTS - 1);
        }
        slots[i] = spec;
        all.add(spec);
    }

    /** The command named by argument {@code i}, or null. */
    CommandSpec lookup(Args args, int i) {
        byte[] b = args.buf();
        int off = args.offset(i);
        int len = args.length(i);
        int s = hash(b, off, len) & (SLOTS - 1);
        for (CommandSpec c; (c = slots[s]) != null; s = (s + 1) & (SLOTS - 1)) {
            if (c.name.length() == len && args.is(i, c.name)) {
                return c;
            }
        }
        return null;
    }

    /** By name (any case), for COMMAND INFO/DOCS and tests; "config|get" finds a subcommand. */
    CommandSpec lookup(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        int bar = n.indexOf('|');
        String top = bar < 0 ? n : n.substring(0, bar);
        for (CommandSpec c : all) {
            if (c.name.equals(top)) {
                return bar < 0 ? c : c.subcommand(n.substring(bar + 1));
            }
        }
        return null;
    }

    List<CommandSpec> all() {
        return Collections.unmodifiableList(all);
    }

    private static int hash(byte[] b, int off, int len) {
        int h = 0x811c9dc5;
        for (int i = off; i < off + len; i++) {
            int c = b[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            h = (h ^ (c & 0xff)) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }
}
