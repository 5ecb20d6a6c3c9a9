package io.demikv.kvstore.command;

import io.demikv.kvstore.db.Encoding;

/**
 * Base of a command family (strings, keys, expiry, connection, server, introspection): builders for
 * table rows and helpers the families share. Server thread only.
 */
abstract class Family {
    final ServerState s;

    Family(ServerState s) {
        this.s = s;
    }

    abstract void register(CommandTable t);

    static CommandSpec cmd(String name, int arity, String flags, int first, int last, int step) {
        return new CommandSpec(name, null, arity, flags).keys(first, last, step);
    }

    /** A subcommand of a container; added to the parent. */
    static CommandSpec sub(CommandSpec parent, String name, int arity, String flags) {
        CommandSpec c = new CommandSpec(name, parent, arity, flags);
        parent.subcommands.add(c);
        return c;
    }

    /** A container command (CONFIG, CLIENT...): arity -2, no handler of its own. */
    static CommandSpec container(String name, String summary, String since, String group) {
        CommandSpec c = new CommandSpec(name, null, -2, "").keys(0, 0, 0);
        c.doc(summary, since, group, "Depends on subcommand.");
        c.handler(x -> x.error(Errors.wrongArity(c.fullName)));
        return c;
    }

    /** Redis's tryObjectEncoding for a string created whole: int, embstr or raw. */
    static Encoding encodingOf(byte[] b, int off, int len) {
        if (len <= Numbers.MAX_LONG_CHARS && Numbers.isCanonicalLong(b, off, len)) {
            return Encoding.INT;
        }
        return len <= Encoding.EMBSTR_MAX ? Encoding.EMBSTR : Encoding.RAW;
    }

    /** Encoding of argument {@code i} stored whole as a string. */
    static Encoding encodingOf(Ctx x, int i) {
        return encodingOf(x.args.buf(), x.args.offset(i), x.args.length(i));
    }

    /** Redis's HELP reply: a status line per text line. */
    static void help(Ctx x, String... lines) {
        x.reply.array(lines.length);
        for (String l : lines) {
            x.reply.simple(l);
        }
    }
}
