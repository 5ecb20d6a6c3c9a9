package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.DocArg.block;
import static io.demikv.kvstore.command.DocArg.dbl;
import static io.demikv.kvstore.command.DocArg.integer;
import static io.demikv.kvstore.command.DocArg.key;
import static io.demikv.kvstore.command.DocArg.oneof;
import static io.demikv.kvstore.command.DocArg.pattern;
import static io.demikv.kvstore.command.DocArg.pure;
import static io.demikv.kvstore.command.DocArg.string;

import io.demikv.kvstore.db.CollectionSettings;
import io.demikv.kvstore.db.Entry;
import io.demikv.kvstore.db.Slice;
import io.demikv.kvstore.db.ValueType;
import io.demikv.kvstore.db.ZSetValue;
import io.demikv.kvstore.resp.RespDouble;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The sorted-set commands on one key (Redis 7.0's {@code t_zset.c}): ZADD and ZINCRBY, removal, scores
 * and ranks, the ZRANGE family (by rank, score or lex, reversed, limited, stored), pops and random
 * members, ZSCAN. ZUNION/ZINTER/ZDIFF live in {@link ZSetAlgebra}. Scores are doubles, replied as
 * Redis 7.0 formats them ({@code %.17g}; native doubles in RESP3). ZMPOP is logged as ZPOPMIN/ZPOPMAX with
 * the count popped. Server thread only.
 */
final class ZSetCommands extends Family {
    static final int INCR = 1;
    private static final int NX = 1 << 1;
    private static final int XX = 1 << 2;
    private static final int GT = 1 << 3;
    private static final int LT = 1 << 4;

    // Range kinds of the ZRANGE family (Redis's zrange_type).
    static final int AUTO = 0;
    static final int RANK = 1;
    static final int SCORE = 2;
    static final int LEX = 3;

    private static final byte[] ZPOPMIN_NAME = Ctx.ascii("ZPOPMIN");
    private static final byte[] ZPOPMAX_NAME = Ctx.ascii("ZPOPMAX");

    private final Doubles.Parse parse = new Doubles.Parse();
    private final Slice member = new Slice();
    private final CollectionScan scan = new CollectionScan();
    private final RangeSpec spec = new RangeSpec();

    ZSetCommands(ServerState s) {
        super(s);
    }

    @Override
    void register(CommandTable t) {
        t.add(cmd("zadd", -4, "write denyoom fast", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RW update"))
                .doc("Add one or more members to a sorted set, or update its score if it already exists",
                        "1.2.0", "sorted-set",
                        "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
                        key("key"), oneof("condition", pure("NX"), pure("XX")).since("3.0.2").optional(),
                        oneof("comparison", pure("GT"), pure("LT")).since("6.2.0").optional(),
                        pure("change", "CH").since("3.0.2").optional(),
                        pure("increment", "INCR").since("3.0.2").optional(),
                        block("score_member", dbl("score"), string("member")).multiple())
                .history("2.4.0", "Accepts multiple elements.",
                        "3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options.",
                        "6.2.0", "Added the `GT` and `LT` options.")
                .handler(x -> zadd(x, 0)));
        t.add(cmd("zincrby", 4, "write denyoom fast", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RW access update"))
                .doc("Increment the score of a member in a sorted set", "1.2.0", "sorted-set",
                        "O(log(N)) where N is the number of elements in the sorted set.",
                        key("key"), integer("increment"), string("member"))
                .handler(x -> zadd(x, INCR)));
        t.add(cmd("zrem", -3, "write fast", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RW delete"))
                .doc("Remove one or more members from a sorted set", "1.2.0", "sorted-set",
                        "O(M*log(N)) with N being the number of elements in the sorted set and M the number of "
                                + "elements to be removed.",
                        key("key"), string("member").multiple())
                .history("2.4.0", "Accepts multiple elements.")
                .handler(this::zrem));
        t.add(cmd("zcard", 2, "readonly fast", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RO"))
                .doc("Get the number of members in a sorted set", "1.2.0", "sorted-set",
                        "O(1)",
                        key("key"))
                .handler(this::zcard));
        t.add(cmd("zcount", 4, "readonly fast", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Count the members in a sorted set with scores within the given values", "2.0.0", "sorted-set",
                        "O(log(N)) with N being the number of elements in the sorted set.",
                        key("key"), dbl("min"), dbl("max"))
                .handler(this::zcount));
        t.add(cmd("zlexcount", 4, "readonly fast", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Count the number of members in a sorted set between a given lexicographical range",
                        "2.8.9", "sorted-set",
                        "O(log(N)) with N being the number of elements in the sorted set.",
                        key("key"), string("min"), string("max"))
                .handler(this::zlexcount));
        t.add(cmd("zscore", 3, "readonly fast", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Get the score associated with the given member in a sorted set", "1.2.0", "sorted-set",
                        "O(1)",
                        key("key"), string("member"))
                .handler(this::zscore));
        t.add(cmd("zmscore", -3, "readonly fast", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Get the score associated with the given members in a sorted set", "6.2.0", "sorted-set",
                        "O(N) where N is the number of members being requested.",
                        key("key"), string("member").multiple())
                .handler(this::zmscore));
        t.add(cmd("zrank", 3, "readonly fast", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Determine the index of a member in a sorted set", "2.0.0", "sorted-set",
                        "O(log(N))",
                        key("key"), string("member"))
                .handler(x -> zrank(x, false)));
        t.add(cmd("zrevrank", 3, "readonly fast", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Determine the index of a member in a sorted set, with scores ordered from high to low",
                        "2.0.0", "sorted-set",
                        "O(log(N))",
                        key("key"), string("member"))
                .handler(x -> zrank(x, true)));
        t.add(cmd("zrange", -4, "readonly", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Return a range of members in a sorted set", "1.2.0", "sorted-set",
                        "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
                                + "elements returned.",
                        key("key"), string("start"), string("stop"),
                        oneof("sortby", pure("BYSCORE"), pure("BYLEX")).since("6.2.0").optional(),
                        pure("REV").since("6.2.0").optional(),
                        block("offset_count", integer("offset"), integer("count")).token("LIMIT").since("6.2.0").optional(),
                        pure("WITHSCORES").optional())
                .history("6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.")
                .handler(x -> range(x, 1, false, AUTO, false)));
        t.add(cmd("zrevrange", -4, "readonly", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Return a range of members in a sorted set, by index, with scores ordered from high to low",
                        "1.2.0", "sorted-set",
                        "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
                                + "elements returned.",
                        key("key"), integer("start"), integer("stop"), pure("WITHSCORES").optional())
                .deprecated("6.2.0", "`ZRANGE` with the `REV` argument")
                .handler(x -> range(x, 1, false, RANK, true)));
        t.add(cmd("zrangebyscore", -4, "readonly", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Return a range of members in a sorted set, by score", "1.0.5", "sorted-set",
                        "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
                                + "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
                                + "with LIMIT), you can consider it O(log(N)).",
                        key("key"), dbl("min"), dbl("max"), pure("WITHSCORES").since("2.0.0").optional(),
                        block("offset_count", integer("offset"), integer("count")).token("LIMIT").optional())
                .deprecated("6.2.0", "`ZRANGE` with the `BYSCORE` argument")
                .history("2.0.0", "Added the `WITHSCORES` modifier.")
                .handler(x -> range(x, 1, false, SCORE, false)));
        t.add(cmd("zrevrangebyscore", -4, "readonly", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Return a range of members in a sorted set, by score, with scores ordered from high to low",
                        "2.2.0", "sorted-set",
                        "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
                                + "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
                                + "with LIMIT), you can consider it O(log(N)).",
                        key("key"), dbl("max"), dbl("min"), pure("WITHSCORES").optional(),
                        block("offset_count", integer("offset"), integer("count")).token("LIMIT").optional())
                .deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYSCORE` arguments")
                .history("2.1.6", "`min` and `max` can be exclusive.")
                .handler(x -> range(x, 1, false, SCORE, true)));
        t.add(cmd("zrangebylex", -4, "readonly", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Return a range of members in a sorted set, by lexicographical range", "2.8.9", "sorted-set",
                        "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
                                + "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
                                + "with LIMIT), you can consider it O(log(N)).",
                        key("key"), string("min"), string("max"),
                        block("offset_count", integer("offset"), integer("count")).token("LIMIT").optional())
                .deprecated("6.2.0", "`ZRANGE` with the `BYLEX` argument")
                .handler(x -> range(x, 1, false, LEX, false)));
        t.add(cmd("zrevrangebylex", -4, "readonly", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Return a range of members in a sorted set, by lexicographical range, ordered from higher "
                                + "to lower strings.",
                        "2.8.9", "sorted-set",
                        "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
                                + "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
                                + "with LIMIT), you can consider it O(log(N)).",
                        key("key"), string("max"), string("min"),
                        block("offset_count", integer("offset"), integer("count")).token("LIMIT").optional())
                .deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYLEX` arguments")
                .handler(x -> range(x, 1, false, LEX, true)));
        t.add(cmd("zrangestore", -5, "write denyoom", 1, 2, 1).acl("sortedset")
                .specs(KeySpec.single(1, "OW update"),
                        KeySpec.single(2, "RO access"))
                .doc("Store a range of members from sorted set into another key", "6.2.0", "sorted-set",
                        "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
                                + "elements stored into the destination key.",
                        key("dst"), key("src", 1), string("min"), string("max"),
                        oneof("sortby", pure("BYSCORE"), pure("BYLEX")).optional(), pure("REV").optional(),
                        block("offset_count", integer("offset"), integer("count")).token("LIMIT").optional())
                .handler(x -> range(x, 2, true, AUTO, false)));
        t.add(cmd("zremrangebyrank", 4, "write", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RW delete"))
                .doc("Remove all members in a sorted set within the given indexes", "2.0.0", "sorted-set",
                        "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
                                + "elements removed by the operation.",
                        key("key"), integer("start"), integer("stop"))
                .handler(x -> removeRange(x, RANK)));
        t.add(cmd("zremrangebyscore", 4, "write", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RW delete"))
                .doc("Remove all members in a sorted set within the given scores", "1.2.0", "sorted-set",
                        "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
                                + "elements removed by the operation.",
                        key("key"), dbl("min"), dbl("max"))
                .handler(x -> removeRange(x, SCORE)));
        t.add(cmd("zremrangebylex", 4, "write", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RW delete"))
                .doc("Remove all members in a sorted set between the given lexicographical range",
                        "2.8.9", "sorted-set",
                        "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
                                + "elements removed by the operation.",
                        key("key"), string("min"), string("max"))
                .handler(x -> removeRange(x, LEX)));
        t.add(cmd("zpopmin", -2, "write fast", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RW access delete"))
                .doc("Remove and return members with the lowest scores in a sorted set", "5.0.0", "sorted-set",
                        "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number "
                                + "of elements popped.",
                        key("key"), integer("count").optional())
                .handler(x -> zpop(x, true)));
        t.add(cmd("zpopmax", -2, "write fast", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "RW access delete"))
                .doc("Remove and return members with the highest scores in a sorted set", "5.0.0", "sorted-set",
                        "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number "
                                + "of elements popped.",
                        key("key"), integer("count").optional())
                .handler(x -> zpop(x, false)));
        t.add(cmd("zmpop", -4, "write movablekeys", 0, 0, 0).acl("sortedset")
                .specs(KeySpec.keynum(1, 0, 1, 1, "RW access delete"))
                .doc("Remove and return members with scores in a sorted set", "7.0.0", "sorted-set",
                        "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements "
                                + "in the sorted set, and M being the number of elements popped.",
                        integer("numkeys"), key("key").multiple(), oneof("where", pure("MIN"), pure("MAX")),
                        integer("count").token("COUNT").optional())
                .handler(this::zmpop));
        t.add(cmd("zrandmember", -2, "readonly", 1, 1, 1).acl("sortedset")
                .tips("nondeterministic_output")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Get one or multiple random elements from a sorted set", "6.2.0", "sorted-set",
                        "O(N) where N is the number of elements returned",
                        key("key"), block("options", integer("count"), pure("WITHSCORES").optional()).optional())
                .handler(this::zrandmember));
        t.add(cmd("zscan", -3, "readonly", 1, 1, 1).acl("sortedset")
                .tips("nondeterministic_output")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Incrementally iterate sorted sets elements and associated scores", "2.8.0", "sorted-set",
                        "O(1) for every call. O(N) for a complete iteration, including enough command calls for the "
                                + "cursor to return back to 0. N is the number of elements inside the collection..",
                        key("key"), integer("cursor"), pattern("pattern").token("MATCH").optional(),
                        integer("count").token("COUNT").optional())
                .handler(this::zscan));
    }

    private CollectionSettings cfg() {
        return s.keyspace.collections();
    }

    /** The sorted set at argument {@code i} for reading; null when absent or after replying WRONGTYPE. */
    private ZSetValue read(Ctx x, int i) {
        Entry e = x.read(i);
        if (e == null || wrongType(x, e, ValueType.ZSET)) {
            return null;
        }
        return (ZSetValue) e.value();
    }

    private double scoreOf(ZSetValue z, Ctx x, int i) {
        return z.score(x.args.buf(), x.args.offset(i), x.args.length(i));
    }

    // ------------------------------------------------------------------ ZADD / ZINCRBY

    private void zadd(Ctx x, int flagsIn) {
        int flags = flagsIn;
        boolean ch = false;
        int scoreIdx = 2;
        while (scoreIdx < x.argc()) {
            if (x.args.is(scoreIdx, "nx")) {
                flags |= NX;
            } else if (x.args.is(scoreIdx, "xx")) {
                flags |= XX;
            } else if (x.args.is(scoreIdx, "ch")) {
                ch = true;
            } else if (x.args.is(scoreIdx, "incr")) {
                flags |= INCR;
            } else if (x.args.is(scoreIdx, "gt")) {
                flags |= GT;
            } else if (x.args.is(scoreIdx, "lt")) {
                flags |= LT;
            } else {
                break;
            }
            scoreIdx++;
        }
        boolean incr = (flags & INCR) != 0;
        boolean nx = (flags & NX) != 0;
        boolean xx = (flags & XX) != 0;
        boolean gt = (flags & GT) != 0;
        boolean lt = (flags & LT) != 0;
        int elements = x.argc() - scoreIdx;
        if (elements % 2 != 0 || elements == 0) {
            x.syntaxError();
            return;
        }
        elements /= 2;
        if (nx && xx) {
            x.error("ERR XX and NX options at the same time are not compatible");
            return;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            x.error("ERR GT, LT, and/or NX options at the same time are not compatible");
            return;
        }
        if (incr && elements > 1) {
            x.error("ERR INCR option supports a single increment-element pair");
            return;
        }
        double[] scores = new double[elements];
        for (int j = 0; j < elements; j++) {
            int a = scoreIdx + j * 2;
            if (!Doubles.parseStrict(x.args.buf(), x.args.offset(a), x.args.length(a), parse)) {
                x.error(Errors.NOT_FLOAT);
                return;
            }
            scores[j] = parse.value;
        }
        Entry e = x.write(1);
        if (wrongType(x, e, ValueType.ZSET)) {
            return;
        }
        long added = 0;
        long updated = 0;
        long processed = 0;
        double score = 0;
        if (e == null && !xx) {
            int first = scoreIdx + 1;
            ZSetValue z = new ZSetValue(cfg(), elements, x.args.length(first));
            e = x.db.addValue(x.args.buf(), x.args.offset(1), x.args.length(1), z, ValueType.ZSET);
        }
        if (e != null) {
            ZSetValue z = (ZSetValue) e.value();
            for (int j = 0; j < elements; j++) {
                int m = scoreIdx + 1 + j * 2;
                byte[] b = x.args.buf();
                int off = x.args.offset(m);
                int len = x.args.length(m);
                score = scores[j];
                double cur = z.score(b, off, len);
                if (!Double.isNaN(cur)) {
                    if (nx) {
                        continue;
                    }
                    if (incr) {
                        score += cur;
                        if (Double.isNaN(score)) {
                            x.error("ERR resulting score is not a number (NaN)");
                            return;
                        }
                    }
                    if ((lt && score >= cur) || (gt && score <= cur)) {
                        continue;
                    }
                    if (score != cur) {
                        z.update(b, off, len, score);
                        updated++;
                    }
                    processed++;
                } else if (!xx) {
                    z.insert(cfg(), score, b, off, len);
                    added++;
                    processed++;
                }
            }
        }
        x.dirty(added + updated);
        if (incr) {
            if (processed > 0) {
                x.reply.doubleValue(score);
            } else {
                x.reply.nullBulk();
            }
        } else {
            x.reply.integer(ch ? added + updated : added);
        }
    }

    private void zrem(Ctx x) {
        Entry e = x.write(1);
        if (e == null) {
            x.reply.integer(0);
            return;
        }
        if (wrongType(x, e, ValueType.ZSET)) {
            return;
        }
        ZSetValue z = (ZSetValue) e.value();
        long deleted = 0;
        for (int i = 2; i < x.argc(); i++) {
            if (z.remove(x.args.buf(), x.args.offset(i), x.args.length(i))) {
                deleted++;
            }
            if (z.size() == 0) {
                x.db.delete(e);
                break;
            }
        }
        x.dirty(deleted);
        x.reply.integer(deleted);
    }

    // ------------------------------------------------------------------ scores and ranks

    private void zcard(Ctx x) {
        ZSetValue z = read(x, 1);
        if (!x.failed) {
            x.reply.integer(z == null ? 0 : z.size());
        }
    }

    private void zscore(Ctx x) {
        ZSetValue z = read(x, 1);
        if (x.failed) {
            return;
        }
        double d = z == null ? Double.NaN : scoreOf(z, x, 2);
        if (Double.isNaN(d)) {
            x.reply.nullBulk();
        } else {
            x.reply.doubleValue(d);
        }
    }

    private void zmscore(Ctx x) {
        ZSetValue z = read(x, 1);
        if (x.failed) {
            return;
        }
        x.reply.array(x.argc() - 2);
        for (int i = 2; i < x.argc(); i++) {
            double d = z == null ? Double.NaN : scoreOf(z, x, i);
            if (Double.isNaN(d)) {
                x.reply.nullBulk();
            } else {
                x.reply.doubleValue(d);
            }
        }
    }

    private void zrank(Ctx x, boolean reverse) {
        ZSetValue z = read(x, 1);
        if (x.failed) {
            return;
        }
        long r = z == null ? -1 : z.rank(x.args.buf(), x.args.offset(2), x.args.length(2));
        if (r < 0) {
            x.reply.nullBulk();
        } else {
            x.reply.integer(reverse ? z.size() - 1 - r : r);
        }
    }

    // ------------------------------------------------------------------ ranges

    /** A parsed score or lex range and, after {@link #bounds}, the ascending index range [lo, hi). */
    static final class RangeSpec {
        double min;
        double max;
        boolean minEx;
        boolean maxEx;
        /** Lex bounds: -1 for "-", 1 for "+", 0 for a value in {@code minValue}/{@code maxValue}. */
        int minKind;
        int maxKind;
        byte[] minValue;
        byte[] maxValue;
        long lo;
        long hi;
    }

    /** Redis's zslParseRange on two arguments; false when either is not a float. */
    private boolean parseScoreRange(Ctx x, int minIdx, int maxIdx, RangeSpec r) {
        byte[] b = x.args.buf();
        int off = x.args.offset(minIdx);
        int len = x.args.length(minIdx);
        r.minEx = len > 0 && b[off] == '(';
        if (!Doubles.parseBound(b, r.minEx ? off + 1 : off, r.minEx ? len - 1 : len, parse)) {
            return false;
        }
        r.min = parse.value;
        off = x.args.offset(maxIdx);
        len = x.args.length(maxIdx);
        r.maxEx = len > 0 && b[off] == '(';
        if (!Doubles.parseBound(b, r.maxEx ? off + 1 : off, r.maxEx ? len - 1 : len, parse)) {
            return false;
        }
        r.max = parse.value;
        return true;
    }

    /** Redis's zslParseLexRange: "-", "+", "(value" or "[value" on each side. */
    private static boolean parseLexRange(Ctx x, int minIdx, int maxIdx, RangeSpec r) {
        return lexItem(x, minIdx, r, true) && lexItem(x, maxIdx, r, false);
    }

    private static boolean lexItem(Ctx x, int i, RangeSpec r, boolean isMin) {
        byte[] b = x.args.buf();
        int off = x.args.offset(i);
        int len = x.args.length(i);
        if (len == 0) {
            return false;
        }
        int kind;
        boolean ex;
        byte[] value = null;
        switch (b[off]) {
            case '+', '-' -> {
                if (len > 1 && b[off + 1] != 0) {
                    return false;
                }
                kind = b[off] == '+' ? 1 : -1;
                ex = true;
            }
            case '(', '[' -> {
                kind = 0;
                ex = b[off] == '(';
                value = java.util.Arrays.copyOfRange(b, off + 1, off + len);
            }
            default -> {
                return false;
            }
        }
        if (isMin) {
            r.minKind = kind;
            r.minEx = ex;
            r.minValue = value;
        } else {
            r.maxKind = kind;
            r.maxEx = ex;
            r.maxValue = value;
        }
        return true;
    }

    /** Fills {@code r.lo}/{@code r.hi}, the ascending index range the score or lex range covers. */
    private static void bounds(ZSetValue z, int type, RangeSpec r) {
        long size = z.size();
        if (type == SCORE) {
            r.lo = z.countScore(r.min, r.minEx);
            r.hi = z.countScore(r.max, !r.maxEx);
        } else {
            r.lo = r.minKind < 0 ? 0 : r.minKind > 0 ? size : z.countLex(r.minValue, 0, r.minValue.length, r.minEx);
            r.hi = r.maxKind > 0 ? size : r.maxKind < 0 ? 0
                    : z.countLex(r.maxValue, 0, r.maxValue.length, !r.maxEx);
        }
        if (r.hi < r.lo) {
            r.hi = r.lo;
        }
    }

    /**
     * The ZRANGE family (Redis's zrangeGenericCommand). {@code first}: argument of the source key (the
     * destination is argument 1 when {@code store}); {@code type}: AUTO lets BYSCORE/BYLEX choose;
     * {@code reverse}: fixed by the command (ZREV*), else REV may set it.
     */
    private void range(Ctx x, int first, boolean store, int typeIn, boolean reverseIn) {
        int type = typeIn;
        boolean reverse = reverseIn;
        boolean directionFixed = typeIn != AUTO;
        int minIdx = first + 1;
        int maxIdx = first + 2;
        boolean withScores = false;
        long offset = 0;
        long limit = -1;
        for (int j = first + 3; j < x.argc(); j++) {
            int left = x.argc() - j - 1;
            if (!store && x.args.is(j, "withscores")) {
                withScores = true;
            } else if (x.args.is(j, "limit") && left >= 2) {
                if (!x.longOrReply(j + 1)) {
                    return;
                }
                offset = x.lval;
                if (!x.longOrReply(j + 2)) {
                    return;
                }
                limit = x.lval;
                j += 2;
            } else if (!directionFixed && !reverse && x.args.is(j, "rev")) {
                reverse = true;
            } else if (type == AUTO && x.args.is(j, "bylex")) {
                type = LEX;
            } else if (type == AUTO && x.args.is(j, "byscore")) {
                type = SCORE;
            } else {
                x.syntaxError();
                return;
            }
        }
        if (type == AUTO) {
            type = RANK;
        }
        if (limit != -1 && type == RANK) {
            x.error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
            return;
        }
        if (withScores && type == LEX) {
            x.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
            return;
        }
        if (reverse && (type == SCORE || type == LEX)) {
            int t = maxIdx;
            maxIdx = minIdx;
            minIdx = t;
        }
        long start = 0;
        long end = 0;
        RangeSpec r = spec;
        if (type == RANK) {
            if (!x.longOrReply(minIdx)) {
                return;
            }
            start = x.lval;
            if (!x.longOrReply(maxIdx)) {
                return;
            }
            end = x.lval;
        } else if (type == SCORE) {
            if (!parseScoreRange(x, minIdx, maxIdx, r)) {
                x.error("ERR min or max is not a float");
                return;
            }
        } else if (!parseLexRange(x, minIdx, maxIdx, r)) {
            x.error("ERR min or max not valid string range item");
            return;
        }
        Entry e = x.read(first);
        if (e == null) {
            if (store) {
                storeRange(x, null, 0, 0, false);
            } else {
                x.reply.array(0);
            }
            return;
        }
        if (wrongType(x, e, ValueType.ZSET)) {
            return;
        }
        ZSetValue z = (ZSetValue) e.value();
        long size = z.size();
        long from;
        long n;
        if (type == RANK) {
            if (start < 0) {
                start = size + start;
            }
            if (end < 0) {
                end = size + end;
            }
            if (start < 0) {
                start = 0;
            }
            if (start > end || start >= size) {
                n = 0;
                from = 0;
            } else {
                if (end >= size) {
                    end = size - 1;
                }
                n = end - start + 1;
                from = reverse ? size - 1 - start : start;
            }
        } else {
            bounds(z, type, r);
            long inRange = r.hi - r.lo;
            if (offset < 0 || offset >= inRange) {
                n = 0;
                from = 0;
            } else {
                n = inRange - offset;
                if (limit >= 0) {
                    n = Math.min(n, limit);
                }
                from = reverse ? r.hi - 1 - offset : r.lo + offset;
            }
        }
        if (store) {
            storeRange(x, z, from, n, reverse);
        } else {
            replyRange(x, z, from, n, reverse, withScores);
        }
    }

    /** Replies {@code n} elements from index {@code from} as ZRANGE does (RESP3: [member, score] pairs). */
    static void replyRange(Ctx x, ZSetValue z, long from, long n, boolean descending, boolean withScores) {
        boolean resp3 = x.reply.protocol() >= 3;
        x.reply.array((int) (withScores && !resp3 ? n * 2 : n));
        z.range(from, n, descending, (m, score) -> {
            if (withScores && resp3) {
                x.reply.array(2);
            }
            x.reply.bulk(m.array(), m.offset(), m.length());
            if (withScores) {
                x.reply.doubleValue(score);
            }
        });
    }

    /** ZRANGESTORE: stores the elements at argument 1 (deleting it when none) and replies their count. */
    private void storeRange(Ctx x, ZSetValue z, long from, long n, boolean descending) {
        if (n <= 0) {
            if (x.db.delete(x.args.buf(), x.args.offset(1), x.args.length(1))) {
                x.dirty();
            }
            x.reply.integer(0);
            return;
        }
        ZSetValue dst = new ZSetValue(cfg(), n, 0);
        CollectionSettings c = cfg();
        z.range(from, n, descending, (m, score) -> dst.insert(c, score, m.array(), m.offset(), m.length()));
        x.db.setValue(x.args.buf(), x.args.offset(1), x.args.length(1), dst, ValueType.ZSET);
        x.dirty();
        x.reply.integer(dst.size());
    }

    private void zcount(Ctx x) {
        if (!parseScoreRange(x, 2, 3, spec)) {
            x.error("ERR min or max is not a float");
            return;
        }
        countRange(x, SCORE);
    }

    private void zlexcount(Ctx x) {
        if (!parseLexRange(x, 2, 3, spec)) {
            x.error("ERR min or max not valid string range item");
            return;
        }
        countRange(x, LEX);
    }

    private void countRange(Ctx x, int type) {
        ZSetValue z = read(x, 1);
        if (x.failed) {
            return;
        }
        if (z == null) {
            x.reply.integer(0);
            return;
        }
        bounds(z, type, spec);
        x.reply.integer(spec.hi - spec.lo);
    }

    private void removeRange(Ctx x, int type) {
        long start = 0;
        long end = 0;
        if (type == RANK) {
            if (!x.longOrReply(2)) {
                return;
            }
            start = x.lval;
            if (!x.longOrReply(3)) {
                return;
            }
            end = x.lval;
        } else if (type == SCORE) {
            if (!parseScoreRange(x, 2, 3, spec)) {
                x.error("ERR min or max is not a float");
                return;
            }
        } else if (!parseLexRange(x, 2, 3, spec)) {
            x.error("ERR min or max not valid string range item");
            return;
        }
        Entry e = x.write(1);
        if (e == null) {
            x.reply.integer(0);
            return;
        }
        if (wrongType(x, e, ValueType.ZSET)) {
            return;
        }
        ZSetValue z = (ZSetValue) e.value();
        long from;
        long n;
        if (type == RANK) {
            long size = z.size();
            if (start < 0) {
                start = size + start;
            }
            if (end < 0) {
                end = size + end;
            }
            if (start < 0) {
                start = 0;
            }
            if (start > end || start >= size) {
                x.reply.integer(0);
                return;
            }
            if (end >= size) {
                end = size - 1;
            }
            from = start;
            n = end - start + 1;
        } else {
            bounds(z, type, spec);
            from = spec.lo;
            n = spec.hi - spec.lo;
        }
        z.removeRange(from, n);
        if (z.size() == 0) {
            x.db.delete(e);
        }
        x.dirty(n);
        x.reply.integer(n);
    }

    // ------------------------------------------------------------------ pops

    private void zpop(Ctx x, boolean min) {
        if (x.argc() > 3) {
            x.syntaxError();
            return;
        }
        long count = -1;
        if (x.argc() == 3) {
            if (!positiveCount(x, 2)) {
                return;
            }
            count = x.lval;
        }
        boolean nested = x.reply.protocol() > 2 && count != -1;
        Entry e = x.write(1);
        if (e == null) {
            x.reply.array(0);
            return;
        }
        if (wrongType(x, e, ValueType.ZSET)) {
            return;
        }
        if (count == 0) {
            x.reply.array(0);
            return;
        }
        if (count == -1) {
            count = 1;
        }
        ZSetValue z = (ZSetValue) e.value();
        long n = Math.min(count, z.size());
        x.reply.array((int) (nested ? n : n * 2));
        pop(x, e, z, min, n, nested);
    }

    /** Pops {@code n} lowest (or highest) elements, replying member and score (as a pair when nested). */
    private static void pop(Ctx x, Entry e, ZSetValue z, boolean min, long n, boolean nested) {
        long from = min ? 0 : z.size() - 1;
        z.range(from, n, !min, (m, score) -> {
            if (nested) {
                x.reply.array(2);
            }
            x.reply.bulk(m.array(), m.offset(), m.length());
            x.reply.doubleValue(score);
        });
        z.removeRange(min ? 0 : z.size() - n, n);
        if (z.size() == 0) {
            x.db.delete(e);
        }
        x.dirty(n);
    }

    /**
     * Pops up to {@code count} elements of the sorted set at {@code e} and replies
     * {@code [key, [[member, score], ...]]} (ZMPOP's shape), logged as ZPOPMIN/ZPOPMAX with the count. For
     * ZMPOP and a blocking form serving a ready key.
     */
    void popAndReply(Ctx x, Entry e, boolean min, long count) {
        ZSetValue z = (ZSetValue) e.value();
        byte[] key = e.keyCopy();
        long n = Math.min(count, z.size());
        x.reply.array(2);
        x.reply.bulk(key);
        x.reply.array((int) n);
        pop(x, e, z, min, n, true);
        if (x.logging()) {
            x.propagateAs(min ? ZPOPMIN_NAME : ZPOPMAX_NAME, key, Numbers.toBytes(n));
        }
    }

    private void zmpop(Ctx x) {
        if (!x.parseLong(1) || x.lval < 1) {
            x.error("ERR numkeys should be greater than 0");
            return;
        }
        long numkeys = x.lval;
        long whereIdx = 1 + numkeys + 1;
        if (whereIdx >= x.argc()) {
            x.syntaxError();
            return;
        }
        boolean min;
        if (x.args.is((int) whereIdx, "min")) {
            min = true;
        } else if (x.args.is((int) whereIdx, "max")) {
            min = false;
        } else {
            x.syntaxError();
            return;
        }
        long count = mpopCount(x, (int) whereIdx + 1);
        if (count < 0) {
            return;
        }
        for (int k = 2; k < 2 + numkeys; k++) {
            Entry e = x.write(k);
            if (e == null) {
                continue;
            }
            if (wrongType(x, e, ValueType.ZSET)) {
                return;
            }
            popAndReply(x, e, min, count);
            return;
        }
        x.reply.nullArray();
    }

    // ------------------------------------------------------------------ ZRANDMEMBER and ZSCAN

    private void zrandmember(Ctx x) {
        if (x.argc() >= 3) {
            if (!rangeLong(x, 2, -Long.MAX_VALUE, Long.MAX_VALUE)) {
                return;
            }
            long l = x.lval;
            boolean withScores = false;
            if (x.argc() > 4 || (x.argc() == 4 && !x.args.is(3, "withscores"))) {
                x.syntaxError();
                return;
            } else if (x.argc() == 4) {
                withScores = true;
                if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) {
                    x.error("ERR value is out of range");
                    return;
                }
            }
            randomWithCount(x, l, withScores);
            return;
        }
        ZSetValue z = read(x, 1);
        if (z == null) {
            if (!x.failed) {
                x.reply.nullBulk();
            }
            return;
        }
        z.random(s.keyspace.random(), member);
        x.reply.bulk(member.array(), member.offset(), member.length());
    }

    private void randomWithCount(Ctx x, long l, boolean withScores) {
        ZSetValue z = read(x, 1);
        if (z == null) {
            if (!x.failed) {
                x.reply.array(0);
            }
            return;
        }
        long size = z.size();
        boolean unique = l >= 0;
        long count = unique ? l : -l;
        if (count == 0) {
            x.reply.array(0);
            return;
        }
        boolean resp3 = x.reply.protocol() >= 3;
        RandomGenerator rnd = s.keyspace.random();
        if (!unique || count == 1) {
            x.reply.array((int) (withScores && !resp3 ? count * 2 : count));
            for (long i = 0; i < count; i++) {
                double score = z.random(rnd, member);
                element(x, withScores, resp3, member.array(), member.offset(), member.length(), score);
            }
            return;
        }
        if (count >= size) {
            // Redis 7.0 replies the whole set from the highest score down here.
            x.reply.array((int) (withScores && !resp3 ? size * 2 : size));
            z.range(size - 1, size, true, (m, score) -> element(x, withScores, resp3, m.array(), m.offset(), m.length(),
                    score));
            return;
        }
        List<byte[]> members = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        if (count * 3 > size) {
            z.range(0, size, false, (m, score) -> {
                members.add(m.copy());
                scores.add(score);
            });
            while (members.size() > count) {
                int i = rnd.nextInt(members.size());
                int last = members.size() - 1;
                members.set(i, members.get(last));
                scores.set(i, scores.get(last));
                members.remove(last);
                scores.remove(last);
            }
        } else {
            Set<ByteBuffer> seen = new HashSet<>();
            while (members.size() < count) {
                double score = z.random(rnd, member);
                byte[] m = member.copy();
                if (seen.add(ByteBuffer.wrap(m))) {
                    members.add(m);
                    scores.add(score);
                }
            }
        }
        x.reply.array((int) (withScores && !resp3 ? count * 2 : count));
        for (int i = 0; i < members.size(); i++) {
            byte[] m = members.get(i);
            element(x, withScores, resp3, m, 0, m.length, scores.get(i));
        }
    }

    private static void element(Ctx x, boolean withScores, boolean resp3, byte[] b, int off, int len, double score) {
        if (withScores && resp3) {
            x.reply.array(2);
        }
        x.reply.bulk(b, off, len);
        if (withScores) {
            x.reply.doubleValue(score);
        }
    }

    /** Scores as Redis 7.0 prints them here: d2string text for a listpack, {@code %.17Lg} for a skip list. */
    private void zscan(Ctx x) {
        scan.run(x, ValueType.ZSET, true, (v, cursor, out) -> {
            ZSetValue z = (ZSetValue) v;
            boolean listpack = z.encoding() == io.demikv.kvstore.db.Encoding.LISTPACK;
            return z.scan(cursor, (m, score) -> {
                out.add(m.copy());
                out.add(Ctx.ascii(listpack ? Doubles.d2string(score) : RespDouble.format(score)));
            });
        });
    }
}
