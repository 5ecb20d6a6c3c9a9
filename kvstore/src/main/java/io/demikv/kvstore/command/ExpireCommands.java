package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.DocArg.integer;
import static io.demikv.kvstore.command.DocArg.key;
import static io.demikv.kvstore.command.DocArg.oneof;
import static io.demikv.kvstore.command.DocArg.pure;
import static io.demikv.kvstore.command.DocArg.unixTime;

import io.demikv.kvstore.db.Entry;

/**
 * Key expiry commands (Redis's {@code expire.c}): EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX/XX/GT/LT,
 * TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST. Every expiry is stored and logged as an absolute Unix time
 * in milliseconds. Server thread only.
 */
final class ExpireCommands extends Family {
    private static final int NX = 1;
    private static final int XX = 2;
    private static final int GT = 4;
    private static final int LT = 8;
    private static final byte[] PEXPIREAT = Ctx.ascii("PEXPIREAT");

    ExpireCommands(ServerState s) {
        super(s);
    }

    @Override
    void register(CommandTable t) {
        DocArg condition = oneof("condition", pure("NX"), pure("XX"), pure("GT"), pure("LT"))
                .since("7.0.0").optional();
        t.add(expire("expire", "Set a key's time to live in seconds", "1.0.0", integer("seconds"), condition)
                .handler(x -> expire(x, false, true)));
        t.add(expire("pexpire", "Set a key's time to live in milliseconds", "2.6.0", integer("milliseconds"),
                condition).handler(x -> expire(x, false, false)));
        t.add(expire("expireat", "Set the expiration for a key as a UNIX timestamp", "1.2.0",
                unixTime("unix-time-seconds"), condition).handler(x -> expire(x, true, true)));
        t.add(expire("pexpireat", "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
                "2.6.0", unixTime("unix-time-milliseconds"), condition).handler(x -> expire(x, true, false)));
        t.add(ttl("ttl", "Get the time to live for a key in seconds", "1.0.0", false, false));
        t.add(ttl("pttl", "Get the time to live for a key in milliseconds", "2.6.0", true, false));
        t.add(ttl("expiretime", "Get the expiration Unix timestamp for a key", "7.0.0", false, true));
        t.add(ttl("pexpiretime", "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", true,
                true));
        t.add(cmd("persist", 2, "write fast", 1, 1, 1).acl("keyspace")
                .specs(KeySpec.single(1, "RW update"))
                .doc("Remove the expiration from a key", "2.2.0", "generic", "O(1)", key("key"))
                .handler(this::persist));
    }

    private static CommandSpec expire(String name, String summary, String since, DocArg when, DocArg cond) {
        return cmd(name, -3, "write fast", 1, 1, 1).acl("keyspace")
                .specs(KeySpec.single(1, "RW update"))
                .doc(summary, since, "generic", "O(1)", key("key"), when, cond)
                .history("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.");
    }

    private CommandSpec ttl(String name, String summary, String since, boolean ms, boolean absolute) {
        CommandSpec c = cmd(name, 2, "readonly fast", 1, 1, 1).acl("keyspace")
                .specs(KeySpec.single(1, "RO access"))
                .doc(summary, since, "generic", "O(1)", key("key"))
                .handler(x -> ttl(x, ms, absolute));
        if (!absolute) {
            c.tips("nondeterministic_output");
            c.history("2.8.0", "Added the -2 reply.");
        }
        return c;
    }

    private void expire(Ctx x, boolean absolute, boolean seconds) {
        int flags = 0;
        for (int j = 3; j < x.argc(); j++) {
            if (x.args.is(j, "nx")) {
                flags |= NX;
            } else if (x.args.is(j, "xx")) {
                flags |= XX;
            } else if (x.args.is(j, "gt")) {
                flags |= GT;
            } else if (x.args.is(j, "lt")) {
                flags |= LT;
            } else {
                x.errorWithArg("ERR Unsupported option ", j, "");
                return;
            }
        }
        if ((flags & NX) != 0 && (flags & (XX | GT | LT)) != 0) {
            x.error("ERR NX and XX, GT or LT options at the same time are not compatible");
            return;
        }
        if ((flags & GT) != 0 && (flags & LT) != 0) {
            x.error("ERR GT and LT options at the same time are not compatible");
            return;
        }
        if (!x.longOrReply(2)) {
            return;
        }
        long when = x.lval;
        long base = absolute ? 0 : x.nowMs;
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                x.error(Errors.invalidExpire(x.cmd.fullName));
                return;
            }
            when *= 1000;
        }
        if (when > Long.MAX_VALUE - base) {
            x.error(Errors.invalidExpire(x.cmd.fullName));
            return;
        }
        when += base;
        Entry e = x.write(1);
        if (e == null) {
            x.reply.integer(0);
            return;
        }
        if (flags != 0) {
            long current = x.db.expireOf(e);
            if (((flags & NX) != 0 && current != -1)
                    || ((flags & XX) != 0 && current == -1)
                    || ((flags & GT) != 0 && (when <= current || current == -1))
                    || ((flags & LT) != 0 && current != -1 && when >= current)) {
                x.reply.integer(0);
                return;
            }
        }
        if (when <= x.nowMs) {
            // Already in the past: delete now and log an explicit DEL, as Redis does.
            x.db.delete(e);
            x.dirty();
            x.propagateAs(Ctx.ascii(s.lazyExpire ? "UNLINK" : "DEL"), x.arg(1));
            x.reply.integer(1);
            return;
        }
        x.db.setExpire(e, when);
        x.reply.integer(1);
        x.dirty();
        if (!(absolute && !seconds) && x.logging()) {
            byte[][] argv = new byte[x.argc()][];
            argv[0] = PEXPIREAT;
            argv[1] = x.arg(1);
            argv[2] = Numbers.toBytes(when);
            for (int j = 3; j < argv.length; j++) {
                argv[j] = x.arg(j);
            }
            x.propagateAs(argv);
        }
    }

    private void ttl(Ctx x, boolean ms, boolean absolute) {
        Entry e = x.readNoTouch(1);
        if (e == null) {
            x.reply.integer(-2);
            return;
        }
        long expire = x.db.expireOf(e);
        if (expire == -1) {
            x.reply.integer(-1);
            return;
        }
        long t = absolute ? expire : Math.max(0, expire - x.nowMs);
        x.reply.integer(ms ? t : (t + 500) / 1000);
    }

    private void persist(Ctx x) {
        Entry e = x.write(1);
        if (e != null && x.db.removeExpire(e)) {
            x.dirty();
            x.reply.integer(1);
        } else {
            x.reply.integer(0);
        }
    }
}
