package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.DocArg.integer;
import static io.demikv.kvstore.command.DocArg.key;
import static io.demikv.kvstore.command.DocArg.oneof;
import static io.demikv.kvstore.command.DocArg.pure;
import static io.demikv.kvstore.command.DocArg.string;
import static io.demikv.kvstore.command.DocArg.unixTime;

import io.demikv.kvstore.db.Encoding;
import io.demikv.kvstore.db.Entry;
import io.demikv.kvstore.db.ValueType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The string commands (Redis's {@code t_string.c}): GET/SET and their variants, counters, ranges, LCS.
 * Server thread only.
 */
final class StringCommands extends Family {
    // SET/GETEX option bits (Redis's OBJ_SET_* / OBJ_* flags).
    private static final int NX = 1;
    private static final int XX = 1 << 1;
    private static final int EX = 1 << 2;
    private static final int PX = 1 << 3;
    private static final int KEEPTTL = 1 << 4;
    private static final int GET = 1 << 5;
    private static final int EXAT = 1 << 6;
    private static final int PXAT = 1 << 7;
    private static final int PERSIST = 1 << 8;
    private static final int ANY_EXPIRE = EX | PX | EXAT | PXAT;

    private static final byte[] SET_NAME = Ctx.ascii("SET");
    private static final byte[] PXAT_NAME = Ctx.ascii("PXAT");
    private static final byte[] KEEPTTL_NAME = Ctx.ascii("KEEPTTL");
    private static final byte[] PEXPIREAT_NAME = Ctx.ascii("PEXPIREAT");
    private static final byte[] PERSIST_NAME = Ctx.ascii("PERSIST");

    /** Parsed options of the command being executed. */
    private int flags;
    private int expireArg;
    private long expireAtMs;

    StringCommands(ServerState s) {
        super(s);
    }

    @Override
    void register(CommandTable t) {
        DocArg expiration = oneof("expiration",
                integer("seconds").token("EX").since("2.6.12"),
                integer("milliseconds").token("PX").since("2.6.12"),
                unixTime("unix-time-seconds").token("EXAT").since("6.2.0"),
                unixTime("unix-time-milliseconds").token("PXAT").since("6.2.0"),
                pure("KEEPTTL").since("6.0.0")).optional();
        t.add(cmd("get", 2, "readonly fast", 1, 1, 1).acl("string")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Get the value of a key", "1.0.0", "string", "O(1)", key("key"))
                .handler(this::get));
        t.add(cmd("set", -3, "write denyoom", 1, 1, 1).acl("string")
                .specs(KeySpec.single(1, "RW access update variable_flags")
                        .withNotes("RW and ACCESS due to the optional `GET` argument"))
                .doc("Set the string value of a key", "1.0.0", "string", "O(1)", key("key"), string("value"),
                        oneof("condition", pure("NX"), pure("XX")).since("2.6.12").optional(),
                        pure("GET").since("6.2.0").optional(), expiration)
                .history("2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options.",
                        "6.0.0", "Added the `KEEPTTL` option.",
                        "6.2.0", "Added the `GET`, `EXAT` and `PXAT` option.",
                        "7.0.0", "Allowed the `NX` and `GET` options to be used together.")
                .handler(this::set));
        t.add(cmd("setnx", 3, "write denyoom fast", 1, 1, 1).acl("string")
                .specs(KeySpec.single(1, "OW insert"))
                .doc("Set the value of a key, only if the key does not exist", "1.0.0", "string", "O(1)",
                        key("key"), string("value"))
                .handler(this::setnx));
        t.add(cmd("setex", 4, "write denyoom", 1, 1, 1).acl("string")
                .specs(KeySpec.single(1, "OW update"))
                .doc("Set the value and expiration of a key", "2.0.0", "string", "O(1)",
                        key("key"), integer("seconds"), string("value"))
                .handler(x -> setex(x, EX)));
        t.add(cmd("psetex", 4, "write denyoom", 1, 1, 1).acl("string")
                .specs(KeySpec.single(1, "OW update"))
                .doc("Set the value and expiration in milliseconds of a key", "2.6.0", "string", "O(1)",
                        key("key"), integer("milliseconds"), string("value"))
                .handler(x -> setex(x, PX)));
        t.add(cmd("getset", 3, "write denyoom fast", 1, 1, 1).acl("string")
                .specs(KeySpec.single(1, "RW access update"))
                .doc("Set the string value of a key and return its old value", "1.0.0", "string", "O(1)",
                        key("key"), string("value"))
                .deprecated("6.2.0", "`SET` with the `!GET` argument")
                .handler(this::getset));
        t.add(cmd("getdel", 2, "write fast", 1, 1, 1).acl("string")
                .specs(KeySpec.single(1, "RW access delete"))
                .doc("Get the value of a key and delete the key", "6.2.0", "string", "O(1)", key("key"))
                .handler(this::getdel));
        t.add(cmd("getex", -2, "write fast", 1, 1, 1).acl("string")
                .specs(KeySpec.single(1, "RW access update")
                        .withNotes("RW and UPDATE because it changes the TTL"))
                .doc("Get the value of a key and optionally set its expiration", "6.2.0", "string", "O(1)",
                        key("key"), oneof("expiration",
                                integer("seconds").token("EX"),
                                integer("milliseconds").token("PX"),
                                unixTime("unix-time-seconds").token("EXAT"),
                                unixTime("unix-time-milliseconds").token("PXAT"),
                                pure("PERSIST")).optional())
                .handler(this::getex));
        t.add(cmd("mget", -2, "readonly fast", 1, -1, 1).acl("string").tips("request_policy:multi_shard")
                .specs(KeySpec.range(1, -1, 1, "RO access"))
                .doc("Get the values of all the given keys", "1.0.0", "string",
                        "O(N) where N is the number of keys to retrieve.", key("key").multiple())
                .handler(this::mget));
        t.add(cmd("mset", -3, "write denyoom", 1, -1, 2).acl("string")
                .tips("request_policy:multi_shard", "response_policy:all_succeeded")
                .specs(KeySpec.range(1, -1, 2, "OW update"))
                .doc("Set multiple keys to multiple values", "1.0.1", "string",
                        "O(N) where N is the number of keys to set.",
                        DocArg.block("key_value", key("key"), string("value")).multiple())
                .handler(x -> mset(x, false)));
        t.add(cmd("msetnx", -3, "write denyoom", 1, -1, 2).acl("string")
                .tips("request_policy:multi_shard", "response_policy:agg_min")
                .specs(KeySpec.range(1, -1, 2, "OW insert"))
                .doc("Set multiple keys to multiple values, only if none of the keys exist", "1.0.1", "string",
                        "O(N) where N is the number of keys to set.",
                        DocArg.block("key_value", key("key"), string("value")).multiple())
                .handler(x -> mset(x, true)));
        t.add(counter("incr", 2, "Increment the integer value of a key by one", "1.0.0", x -> incrBy(x, 1)));
        t.add(counter("decr", 2, "Decrement the integer value of a key by one", "1.0.0", x -> incrBy(x, -1)));
        t.add(counter("incrby", 3, "Increment the integer value of a key by the given amount", "1.0.0",
                this::incrby).doc("Increment the integer value of a key by the given amount", "1.0.0", "string",
                "O(1)", key("key"), integer("increment")));
        t.add(counter("decrby", 3, "Decrement the integer value of a key by the given number", "1.0.0",
                this::decrby).doc("Decrement the integer value of a key by the given number", "1.0.0", "string",
                "O(1)", key("key"), integer("decrement")));
        t.add(cmd("incrbyfloat", 3, "write denyoom fast", 1, 1, 1).acl("string")
                .specs(KeySpec.single(1, "RW access update"))
                .doc("Increment the float value of a key by the given amount", "2.6.0", "string", "O(1)",
                        key("key"), DocArg.dbl("increment"))
                .handler(this::incrbyfloat));
        t.add(cmd("append", 3, "write denyoom fast", 1, 1, 1).acl("string")
                .specs(KeySpec.single(1, "RW insert"))
                .doc("Append a value to a key", "2.0.0", "string",
                        "O(1). The amortized time complexity is O(1) assuming the appended value is small and "
                                + "the already present value is of any size, since the dynamic string library "
                                + "used by Redis will double the free space available on every reallocation.",
                        key("key"), string("value"))
                .handler(this::append));
        t.add(cmd("strlen", 2, "readonly fast", 1, 1, 1).acl("string")
                .specs(KeySpec.single(1, "RO"))
                .doc("Get the length of the value stored in a key", "2.2.0", "string", "O(1)", key("key"))
                .handler(this::strlen));
        t.add(cmd("getrange", 4, "readonly", 1, 1, 1).acl("string")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Get a substring of the string stored at a key", "2.4.0", "string",
                        "O(N) where N is the length of the returned string. The complexity is ultimately "
                                + "determined by the returned length, but because creating a substring from an "
                                + "existing string is very cheap, it can be considered O(1) for small strings.",
                        key("key"), integer("start"), integer("end"))
                .handler(this::getrange));
        t.add(cmd("substr", 4, "readonly", 1, 1, 1).acl("string")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Get a substring of the string stored at a key", "1.0.0", "string",
                        "O(N) where N is the length of the returned string. The complexity is ultimately "
                                + "determined by the returned length, but because creating a substring from an "
                                + "existing string is very cheap, it can be considered O(1) for small strings.",
                        key("key"), integer("start"), integer("end"))
                .deprecated("2.0.0", "`GETRANGE`")
                .handler(this::getrange));
        t.add(cmd("setrange", 4, "write denyoom", 1, 1, 1).acl("string")
                .specs(KeySpec.single(1, "RW update"))
                .doc("Overwrite part of a string at key starting at the specified offset", "2.2.0", "string",
                        "O(1), not counting the time taken to copy the new string in place. Usually, this "
                                + "string is very small so the amortized complexity is O(1). Otherwise, "
                                + "complexity is O(M) with M being the length of the value argument.",
                        key("key"), integer("offset"), string("value"))
                .handler(this::setrange));
        t.add(cmd("lcs", -3, "readonly", 1, 2, 1).acl("string")
                .specs(KeySpec.range(1, 1, 1, "RO access"))
                .doc("Find longest common substring", "7.0.0", "string",
                        "O(N*M) where N and M are the lengths of s1 and s2, respectively",
                        key("key1"), key("key2"), pure("LEN").optional(), pure("IDX").optional(),
                        integer("len").token("MINMATCHLEN").optional(), pure("WITHMATCHLEN").optional())
                .handler(this::lcs));
    }

    private static CommandSpec counter(String name, int arity, String summary, String since, Handler h) {
        return cmd(name, arity, "write denyoom fast", 1, 1, 1).acl("string")
                .specs(KeySpec.single(1, "RW access update"))
                .doc(summary, since, "string", "O(1)", key("key"))
                .handler(h);
    }

    // ------------------------------------------------------------------ GET / SET family

    private void get(Ctx x) {
        Entry e = x.read(1);
        if (e == null) {
            x.reply.nullBulk();
        } else if (e.type() != ValueType.STRING) {
            x.wrongType();
        } else {
            x.bulkValue(e);
        }
    }

    /**
     * Parses SET/GETEX options from argument 3 (SET) or 2 (GETEX) as Redis's
     * parseExtendedStringArgumentsOrReply; replies a syntax error and returns false on a bad option.
     */
    private boolean parseOptions(Ctx x, int from, boolean isSet) {
        flags = 0;
        expireArg = -1;
        int argc = x.argc();
        for (int j = from; j < argc; j++) {
            boolean hasNext = j < argc - 1;
            if (x.args.is(j, "nx") && (flags & XX) == 0 && isSet) {
                flags |= NX;
            } else if (x.args.is(j, "xx") && (flags & NX) == 0 && isSet) {
                flags |= XX;
            } else if (x.args.is(j, "get") && isSet) {
                flags |= GET;
            } else if (x.args.is(j, "keepttl") && (flags & (PERSIST | ANY_EXPIRE)) == 0 && isSet) {
                flags |= KEEPTTL;
            } else if (x.args.is(j, "persist") && !isSet && (flags & (ANY_EXPIRE | KEEPTTL)) == 0) {
                flags |= PERSIST;
            } else if (hasNext && x.args.is(j, "ex") && (flags & (KEEPTTL | PERSIST | ANY_EXPIRE)) == 0) {
                flags |= EX;
                expireArg = ++j;
            } else if (hasNext && x.args.is(j, "px") && (flags & (KEEPTTL | PERSIST | ANY_EXPIRE)) == 0) {
                flags |= PX;
                expireArg = ++j;
            } else if (hasNext && x.args.is(j, "exat") && (flags & (KEEPTTL | PERSIST | ANY_EXPIRE)) == 0) {
                flags |= EXAT;
                expireArg = ++j;
            } else if (hasNext && x.args.is(j, "pxat") && (flags & (KEEPTTL | PERSIST | ANY_EXPIRE)) == 0) {
                flags |= PXAT;
                expireArg = ++j;
            } else {
                x.syntaxError();
                return false;
            }
        }
        return true;
    }

    /**
     * Redis's getExpireMillisecondsOrReply: argument {@code i} as an absolute expiry in ms (into
     * {@link #expireAtMs}); {@code seconds} for EX/EXAT, {@code relative} for EX/PX.
     */
    private boolean expireMillis(Ctx x, int i, boolean seconds, boolean relative) {
        if (!x.longOrReply(i)) {
            return false;
        }
        long ms = x.lval;
        if (ms <= 0 || (seconds && ms > Long.MAX_VALUE / 1000)) {
            x.error(Errors.invalidExpire(x.cmd.fullName));
            return false;
        }
        if (seconds) {
            ms *= 1000;
        }
        if (relative) {
            ms += x.nowMs; // may overflow to negative, rejected below as Redis does
        }
        if (ms <= 0) {
            x.error(Errors.invalidExpire(x.cmd.fullName));
            return false;
        }
        expireAtMs = ms;
        return true;
    }

    private void set(Ctx x) {
        if (!parseOptions(x, 3, true)) {
            return;
        }
        setGeneric(x, flags, 2, expireArg, false);
    }

    /**
     * Redis's setGenericCommand. {@code valueArg}: the value's argument index; {@code expArg}: the expiry's
     * (or -1); {@code setnxReply}: reply 1/0 (SETNX) instead of OK/null.
     */
    private void setGeneric(Ctx x, int f, int valueArg, int expArg, boolean setnxReply) {
        if (expArg >= 0 && !expireMillis(x, expArg, (f & (EX | EXAT)) != 0, (f & (EX | PX)) != 0)) {
            return;
        }
        long when = expireAtMs;
        Entry old = x.write(1);
        if ((f & GET) != 0) {
            if (old == null) {
                x.reply.nullBulk();
            } else if (old.type() != ValueType.STRING) {
                x.wrongType();
                return;
            } else {
                x.bulkValue(old);
            }
        }
        boolean found = old != null;
        if (((f & NX) != 0 && found) || ((f & XX) != 0 && !found)) {
            if ((f & GET) == 0) {
                if (setnxReply) {
                    x.reply.integer(0);
                } else {
                    x.reply.nullBulk();
                }
            }
            return;
        }
        Entry e = x.setStringArg(1, valueArg, (f & KEEPTTL) != 0);
        x.dirty();
        if (expArg >= 0) {
            x.db.setExpire(e, when);
            if ((f & PXAT) == 0) {
                if (x.logging()) {
                    x.propagateAs(SET_NAME, x.arg(1), x.arg(valueArg), PXAT_NAME, Numbers.toBytes(when));
                }
            }
        } else if ((f & GET) != 0) {
            if (x.logging()) {
                x.propagateAs(withoutGet(x));
            }
        }
        if ((f & GET) == 0) {
            if (setnxReply) {
                x.reply.integer(1);
            } else {
                x.reply.ok();
            }
        }
    }

    private static byte[][] withoutGet(Ctx x) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < x.argc(); i++) {
            if (i < 3 || !x.args.is(i, "get")) {
                out.add(x.arg(i));
            }
        }
        return out.toArray(new byte[0][]);
    }

    private void setnx(Ctx x) {
        setGeneric(x, NX, 2, -1, true);
    }

    private void setex(Ctx x, int unit) {
        setGeneric(x, unit, 3, 2, false);
    }

    private void getset(Ctx x) {
        Entry old = x.write(1);
        if (old != null && old.type() != ValueType.STRING) {
            x.wrongType();
            return;
        }
        if (old == null) {
            x.reply.nullBulk();
        } else {
            x.bulkValue(old);
        }
        x.setStringArg(1, 2, false);
        x.dirty();
        if (x.logging()) {
            x.propagateAs(SET_NAME, x.arg(1), x.arg(2));
        }
    }

    private void getdel(Ctx x) {
        Entry e = x.read(1);
        if (e == null) {
            x.reply.nullBulk();
            return;
        }
        if (e.type() != ValueType.STRING) {
            x.wrongType();
            return;
        }
        x.bulkValue(e);
        x.db.delete(e);
        x.dirty();
        if (x.logging()) {
            x.propagateAs(Ctx.ascii(s.lazyUserDel ? "UNLINK" : "DEL"), x.arg(1));
        }
    }

    private void getex(Ctx x) {
        if (!parseOptions(x, 2, false)) {
            return;
        }
        int f = flags;
        int expArg = expireArg;
        Entry e = x.read(1);
        if (e == null) {
            x.reply.nullBulk();
            return;
        }
        if (e.type() != ValueType.STRING) {
            x.wrongType();
            return;
        }
        if (expArg >= 0 && !expireMillis(x, expArg, (f & (EX | EXAT)) != 0, (f & (EX | PX)) != 0)) {
            return;
        }
        long when = expireAtMs;
        x.bulkValue(e);
        if ((f & (PXAT | EXAT)) != 0 && when <= x.nowMs) {
            x.db.delete(e);
            x.dirty();
            if (x.logging()) {
                x.propagateAs(Ctx.ascii(s.lazyExpire ? "UNLINK" : "DEL"), x.arg(1));
            }
        } else if (expArg >= 0) {
            x.db.setExpire(e, when);
            x.dirty();
            if ((f & PXAT) == 0) {
                if (x.logging()) {
                    x.propagateAs(PEXPIREAT_NAME, x.arg(1), Numbers.toBytes(when));
                }
            }
        } else if ((f & PERSIST) != 0) {
            if (x.db.removeExpire(e)) {
                x.dirty();
                if (x.logging()) {
                    x.propagateAs(PERSIST_NAME, x.arg(1));
                }
            }
        }
    }

    private void mget(Ctx x) {
        int n = x.argc() - 1;
        x.reply.array(n);
        for (int i = 1; i <= n; i++) {
            Entry e = x.read(i);
            if (e == null || e.type() != ValueType.STRING) {
                x.reply.nullBulk();
            } else {
                x.bulkValue(e);
            }
        }
    }

    private void mset(Ctx x, boolean nx) {
        int argc = x.argc();
        if ((argc % 2) == 0) {
            x.error(Errors.wrongArity(x.cmd.fullName));
            return;
        }
        if (nx) {
            for (int i = 1; i < argc; i += 2) {
                if (x.write(i) != null) {
                    x.reply.integer(0);
                    return;
                }
            }
        }
        for (int i = 1; i < argc; i += 2) {
            x.setStringArg(i, i + 1, false);
        }
        x.dirty((argc - 1) / 2);
        if (nx) {
            x.reply.integer(1);
        } else {
            x.reply.ok();
        }
    }

    // ------------------------------------------------------------------ counters

    private void incrby(Ctx x) {
        if (x.longOrReply(2)) {
            incrBy(x, x.lval);
        }
    }

    private void decrby(Ctx x) {
        if (!x.longOrReply(2)) {
            return;
        }
        if (x.lval == Long.MIN_VALUE) {
            x.error("ERR decrement would overflow");
            return;
        }
        incrBy(x, -x.lval);
    }

    private final long[] scratch = new long[1];

    private void incrBy(Ctx x, long incr) {
        Entry e = x.write(1);
        long value = 0;
        if (e != null) {
            if (e.type() != ValueType.STRING) {
                x.wrongType();
                return;
            }
            if (!Numbers.parseLong(e.valueArray(), e.valueOffset(), e.valueLength(), scratch)) {
                x.error(Errors.NOT_INTEGER);
                return;
            }
            value = scratch[0];
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            x.error(Errors.OVERFLOW);
            return;
        }
        value += incr;
        byte[] nv = Numbers.toBytes(value);
        if (e == null) {
            x.addString(1, nv, Encoding.INT);
        } else {
            x.db.setStringValue(e, nv, 0, nv.length, Encoding.INT);
        }
        x.dirty();
        x.reply.integer(value);
    }

    private void incrbyfloat(Ctx x) {
        Entry e = x.write(1);
        if (e != null && e.type() != ValueType.STRING) {
            x.wrongType();
            return;
        }
        BigDecimal value;
        BigDecimal incr;
        try {
            if (e == null) {
                value = BigDecimal.ZERO;
            } else {
                value = LongDouble.parse(e.valueArray(), e.valueOffset(), e.valueLength());
            }
            incr = LongDouble.parse(x.args.buf(), x.args.offset(2), x.args.length(2));
        } catch (LongDouble.Invalid bad) {
            x.error(Errors.NOT_FLOAT);
            return;
        }
        BigDecimal sum = LongDouble.add(value, incr);
        if (sum == LongDouble.INFINITE) {
            x.error(Errors.NAN_OR_INF);
            return;
        }
        byte[] nv = Ctx.ascii(LongDouble.format(sum));
        Encoding enc = nv.length <= Encoding.EMBSTR_MAX ? Encoding.EMBSTR : Encoding.RAW;
        if (e == null) {
            x.addString(1, nv, enc);
        } else {
            x.db.setStringValue(e, nv, 0, nv.length, enc);
        }
        x.dirty();
        x.reply.bulk(nv);
        // Replay must not depend on float formatting: log the result, keeping the TTL.
        if (x.logging()) {
            x.propagateAs(SET_NAME, x.arg(1), nv, KEEPTTL_NAME);
        }
    }

    // ------------------------------------------------------------------ in-place edits and ranges

    private boolean lengthOk(Ctx x, long size, long append) {
        long total = size + append;
        if (total > s.protoMaxBulkLen || total < size || total < append) {
            x.error(Errors.STRING_TOO_LONG);
            return false;
        }
        return true;
    }

    private void append(Ctx x) {
        Entry e = x.write(1);
        int alen = x.args.length(2);
        if (e == null) {
            x.db.addString(x.args.buf(), x.args.offset(1), x.args.length(1), x.args.buf(), x.args.offset(2),
                    alen, encodingOf(x, 2));
            x.dirty();
            x.reply.integer(alen);
            return;
        }
        if (e.type() != ValueType.STRING) {
            x.wrongType();
            return;
        }
        int oldLen = e.valueLength();
        if (!lengthOk(x, oldLen, alen)) {
            return;
        }
        byte[] nv = new byte[oldLen + alen];
        System.arraycopy(e.valueArray(), e.valueOffset(), nv, 0, oldLen);
        System.arraycopy(x.args.buf(), x.args.offset(2), nv, oldLen, alen);
        x.db.setStringValue(e, nv, 0, nv.length, Encoding.RAW);
        x.dirty();
        x.reply.integer(nv.length);
    }

    private void strlen(Ctx x) {
        Entry e = x.read(1);
        if (e == null) {
            x.reply.integer(0);
        } else if (e.type() != ValueType.STRING) {
            x.wrongType();
        } else {
            x.reply.integer(e.valueLength());
        }
    }

    private void getrange(Ctx x) {
        if (!x.longOrReply(2)) {
            return;
        }
        long start = x.lval;
        if (!x.longOrReply(3)) {
            return;
        }
        long end = x.lval;
        Entry e = x.read(1);
        if (e == null) {
            x.reply.bulk(EMPTY);
            return;
        }
        if (e.type() != ValueType.STRING) {
            x.wrongType();
            return;
        }
        byte[] v = e.valueArray();
        int base = e.valueOffset();
        long len = e.valueLength();
        if (start < 0 && end < 0 && start > end) {
            x.reply.bulk(EMPTY);
            return;
        }
        if (start < 0) {
            start = len + start;
        }
        if (end < 0) {
            end = len + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (end < 0) {
            end = 0;
        }
        if (end >= len) {
            end = len - 1;
        }
        if (start > end || len == 0) {
            x.reply.bulk(EMPTY);
        } else {
            x.reply.bulk(v, base + (int) start, (int) (end - start + 1));
        }
    }

    private static final byte[] EMPTY = new byte[0];

    private void setrange(Ctx x) {
        if (!x.longOrReply(2)) {
            return;
        }
        long offset = x.lval;
        if (offset < 0) {
            x.error(Errors.OFFSET_RANGE);
            return;
        }
        int vlen = x.args.length(3);
        Entry e = x.write(1);
        byte[] target;
        if (e == null) {
            if (vlen == 0) {
                x.reply.integer(0);
                return;
            }
            if (!lengthOk(x, offset, vlen)) {
                return;
            }
            target = new byte[(int) (offset + vlen)];
        } else {
            if (e.type() != ValueType.STRING) {
                x.wrongType();
                return;
            }
            int oldLen = e.valueLength();
            if (vlen == 0) {
                x.reply.integer(oldLen);
                return;
            }
            if (!lengthOk(x, offset, vlen)) {
                return;
            }
            target = new byte[(int) Math.max(oldLen, offset + vlen)];
            System.arraycopy(e.valueArray(), e.valueOffset(), target, 0, oldLen);
        }
        System.arraycopy(x.args.buf(), x.args.offset(3), target, (int) offset, vlen);
        if (e == null) {
            x.addString(1, target, Encoding.RAW);
        } else {
            x.db.setStringValue(e, target, 0, target.length, Encoding.RAW);
        }
        x.dirty();
        x.reply.integer(target.length);
    }

    // ------------------------------------------------------------------ LCS

    private void lcs(Ctx x) {
        Entry ea = x.read(1);
        Entry eb = x.read(2);
        if ((ea != null && ea.type() != ValueType.STRING) || (eb != null && eb.type() != ValueType.STRING)) {
            x.error("ERR The specified keys must contain string values");
            return;
        }
        byte[] a = ea == null ? EMPTY : ea.valueCopy();
        byte[] b = eb == null ? EMPTY : eb.valueCopy();
        boolean getIdx = false;
        boolean getLen = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < x.argc(); j++) {
            int moreArgs = x.argc() - 1 - j;
            if (x.args.is(j, "idx")) {
                getIdx = true;
            } else if (x.args.is(j, "len")) {
                getLen = true;
            } else if (x.args.is(j, "withmatchlen")) {
                withMatchLen = true;
            } else if (x.args.is(j, "minmatchlen") && moreArgs > 0) {
                if (!x.longOrReply(j + 1)) {
                    return;
                }
                minMatchLen = Math.max(0, x.lval);
                j++;
            } else {
                x.syntaxError();
                return;
            }
        }
        if (getIdx && getLen) {
            x.error("ERR If you want both the length and indexes, please just use IDX.");
            return;
        }
        long cells = (long) (a.length + 1) * (b.length + 1);
        if (cells * 4 > s.protoMaxBulkLen || cells > Integer.MAX_VALUE - 8) {
            x.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return;
        }
        int alen = a.length;
        int blen = b.length;
        int w = blen + 1;
        int[] dp = new int[(int) cells];
        for (int i = 1; i <= alen; i++) {
            for (int j = 1; j <= blen; j++) {
                dp[i * w + j] = a[i - 1] == b[j - 1] ? dp[(i - 1) * w + j - 1] + 1
                        : Math.max(dp[(i - 1) * w + j], dp[i * w + j - 1]);
            }
        }
        int total = dp[alen * w + blen];
        if (getLen) {
            x.reply.integer(total);
            return;
        }
        // Walk back from the end, collecting the common subsequence and its contiguous ranges.
        byte[] result = new byte[total];
        List<long[]> ranges = new ArrayList<>();
        int idx = total;
        int i = alen;
        int j = blen;
        int aStart = alen;   // alen means "no range open"
        int aEnd = 0;
        int bStart = 0;
        int bEnd = 0;
        while (i > 0 && j > 0) {
            boolean emit = false;
            if (a[i - 1] == b[j - 1]) {
                result[idx - 1] = a[i - 1];
                if (aStart == alen) {
                    aStart = i - 1;
                    aEnd = i - 1;
                    bStart = j - 1;
                    bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) {
                    emit = true;
                }
                idx--;
                i--;
                j--;
            } else {
                if (dp[(i - 1) * w + j] > dp[i * w + j - 1]) {
                    i--;
                } else {
                    j--;
                }
                if (aStart != alen) {
                    emit = true;
                }
            }
            long matchLen = (long) aEnd - aStart + 1;
            if (emit) {
                if (minMatchLen == 0 || matchLen >= minMatchLen) {
                    ranges.add(new long[] {aStart, aEnd, bStart, bEnd, matchLen});
                }
                aStart = alen;
            }
        }
        if (!getIdx) {
            x.reply.bulk(result);
            return;
        }
        x.reply.map(2);
        x.reply.bulk("matches");
        x.reply.array(ranges.size());
        for (long[] r : ranges) {
            x.reply.array(withMatchLen ? 3 : 2);
            x.reply.array(2);
            x.reply.integer(r[0]);
            x.reply.integer(r[1]);
            x.reply.array(2);
            x.reply.integer(r[2]);
            x.reply.integer(r[3]);
            if (withMatchLen) {
                x.reply.integer(r[4]);
            }
        }
        x.reply.bulk("len");
        x.reply.integer(total);
    }
}
