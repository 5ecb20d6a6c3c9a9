package io.demikv.kvstore.command;

import io.demikv.kvstore.db.Encoding;
import io.demikv.kvstore.db.Entry;
import io.demikv.kvstore.db.Slice;
import io.demikv.kvstore.db.ValueType;

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

    /** Replies WRONGTYPE and returns true when {@code e} exists and holds another type than {@code t}. */
    static boolean wrongType(Ctx x, Entry e, ValueType t) {
        if (e != null && e.type() != t) {
            x.wrongType();
            return true;
        }
        return false;
    }

    /** Replies a collection element as a bulk string (an intset member in its decimal form). */
    static void bulk(Ctx x, Slice m) {
        if (m.isInteger()) {
            x.reply.bulk(m.integer());
        } else {
            x.reply.bulk(m.array(), m.offset(), m.length());
        }
    }

    /**
     * Redis's getRangeLongFromObjectOrReply with its default message: argument {@code i} as a long in
     * {@code [min, max]} into {@code x.lval}; replies and returns false otherwise.
     */
    static boolean rangeLong(Ctx x, int i, long min, long max) {
        if (!x.longOrReply(i)) {
            return false;
        }
        if (x.lval < min || x.lval > max) {
            x.error("ERR value is out of range, value must between " + min + " and " + max);
            return false;
        }
        return true;
    }

    /** A positive count argument (LPOP/SPOP style): replies "must be positive" for a negative one. */
    static boolean positiveCount(Ctx x, int i) {
        if (!x.parseLong(i)) {
            x.error("ERR value is out of range, must be positive");
            return false;
        }
        if (x.lval < 0) {
            x.error("ERR value is out of range, must be positive");
            return false;
        }
        return true;
    }

    /**
     * The optional {@code [COUNT n]} tail of LMPOP/ZMPOP and their blocking forms, from argument {@code from}
     * on: the count (1 when absent), or -1 after replying Redis's error (a syntax error, or "count should be
     * greater than 0").
     */
    static long mpopCount(Ctx x, int from) {
        long count = -1;
        for (int j = from; j < x.argc(); j++) {
            boolean more = j < x.argc() - 1;
            if (count == -1 && x.args.is(j, "count") && more) {
                j++;
                if (!x.parseLong(j) || x.lval < 1) {
                    x.error("ERR count should be greater than 0");
                    return -1;
                }
                count = x.lval;
            } else {
                x.syntaxError();
                return -1;
            }
        }
        return count == -1 ? 1 : count;
    }

    /** Redis's HELP reply: a status line per text line. */
    static void help(Ctx x, String... lines) {
        x.reply.array(lines.length);
        for (String l : lines) {
            x.reply.simple(l);
        }
    }
}
