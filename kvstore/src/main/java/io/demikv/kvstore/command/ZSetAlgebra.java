package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.DocArg.integer;
import static io.demikv.kvstore.command.DocArg.key;
import static io.demikv.kvstore.command.DocArg.oneof;
import static io.demikv.kvstore.command.DocArg.pure;

import io.demikv.kvstore.db.CollectionSettings;
import io.demikv.kvstore.db.Entry;
import io.demikv.kvstore.db.SetValue;
import io.demikv.kvstore.db.ValueType;
import io.demikv.kvstore.db.ZSetValue;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (Redis 7.0's
 * {@code zunionInterDiffGenericCommand}). Inputs may be sorted sets or plain sets (members of a set score
 * 1); WEIGHTS multiply, AGGREGATE SUM/MIN/MAX combines, and an infinite sum of opposite signs counts as 0
 * as in Redis. The result is built as a skip list and stored converted back to a listpack when small.
 * Server thread only.
 */
final class ZSetAlgebra extends Family {
    static final int UNION = 0;
    static final int INTER = 1;
    static final int DIFF = 2;
    private static final int SUM = 0;
    private static final int MIN = 1;
    private static final int MAX = 2;

    private final Doubles.Parse parse = new Doubles.Parse();

    ZSetAlgebra(ServerState s) {
        super(s);
    }

    @Override
    void register(CommandTable t) {
        t.add(cmd("zunion", -3, "readonly movablekeys", 0, 0, 0).acl("sortedset")
                .specs(KeySpec.keynum(1, 0, 1, 1, "RO access"))
                .doc("Add multiple sorted sets", "6.2.0", "sorted-set",
                        "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
                                + "the number of elements in the resulting sorted set.",
                        integer("numkeys"), key("key").multiple(),
                        integer("weight").token("WEIGHTS").optional().multiple(),
                        oneof("aggregate", pure("SUM"), pure("MIN"), pure("MAX")).token("AGGREGATE").optional(),
                        pure("WITHSCORES").optional())
                .handler(x -> run(x, -1, 1, UNION, false)));
        t.add(cmd("zinter", -3, "readonly movablekeys", 0, 0, 0).acl("sortedset")
                .specs(KeySpec.keynum(1, 0, 1, 1, "RO access"))
                .doc("Intersect multiple sorted sets", "6.2.0", "sorted-set",
                        "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
                                + "number of input sorted sets and M being the number of elements in the resulting sorted "
                                + "set.",
                        integer("numkeys"), key("key").multiple(),
                        integer("weight").token("WEIGHTS").optional().multiple(),
                        oneof("aggregate", pure("SUM"), pure("MIN"), pure("MAX")).token("AGGREGATE").optional(),
                        pure("WITHSCORES").optional())
                .handler(x -> run(x, -1, 1, INTER, false)));
        t.add(cmd("zdiff", -3, "readonly movablekeys", 0, 0, 0).acl("sortedset")
                .specs(KeySpec.keynum(1, 0, 1, 1, "RO access"))
                .doc("Subtract multiple sorted sets", "6.2.0", "sorted-set",
                        "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
                                + "is the size of the first set, and K is the size of the result set.",
                        integer("numkeys"), key("key").multiple(), pure("WITHSCORES").optional())
                .handler(x -> run(x, -1, 1, DIFF, false)));
        t.add(cmd("zunionstore", -4, "write denyoom movablekeys", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "OW update"),
                        KeySpec.keynum(2, 0, 1, 1, "RO access"))
                .doc("Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0", "sorted-set",
                        "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
                                + "the number of elements in the resulting sorted set.",
                        key("destination"), integer("numkeys"), key("key", 1).multiple(),
                        integer("weight").token("WEIGHTS").optional().multiple(),
                        oneof("aggregate", pure("SUM"), pure("MIN"), pure("MAX")).token("AGGREGATE").optional())
                .handler(x -> run(x, 1, 2, UNION, false)));
        t.add(cmd("zinterstore", -4, "write denyoom movablekeys", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "OW update"),
                        KeySpec.keynum(2, 0, 1, 1, "RO access"))
                .doc("Intersect multiple sorted sets and store the resulting sorted set in a new key",
                        "2.0.0", "sorted-set",
                        "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
                                + "number of input sorted sets and M being the number of elements in the resulting sorted "
                                + "set.",
                        key("destination"), integer("numkeys"), key("key", 1).multiple(),
                        integer("weight").token("WEIGHTS").optional().multiple(),
                        oneof("aggregate", pure("SUM"), pure("MIN"), pure("MAX")).token("AGGREGATE").optional())
                .handler(x -> run(x, 1, 2, INTER, false)));
        t.add(cmd("zdiffstore", -4, "write denyoom movablekeys", 1, 1, 1).acl("sortedset")
                .specs(KeySpec.single(1, "OW update"),
                        KeySpec.keynum(2, 0, 1, 1, "RO access"))
                .doc("Subtract multiple sorted sets and store the resulting sorted set in a new key",
                        "6.2.0", "sorted-set",
                        "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
                                + "is the size of the first set, and K is the size of the result set.",
                        key("destination"), integer("numkeys"), key("key", 1).multiple())
                .handler(x -> run(x, 1, 2, DIFF, false)));
        t.add(cmd("zintercard", -3, "readonly movablekeys", 0, 0, 0).acl("sortedset")
                .specs(KeySpec.keynum(1, 0, 1, 1, "RO access"))
                .doc("Intersect multiple sorted sets and return the cardinality of the result", "7.0.0", "sorted-set",
                        "O(N*K) worst case with N being the smallest input sorted set, K being the number of input "
                                + "sorted sets.",
                        integer("numkeys"), key("key").multiple(), integer("limit").token("LIMIT").optional())
                .handler(x -> run(x, -1, 1, INTER, true)));
    }

    /** One input: a sorted set, a set, or nothing (absent key), with its weight. */
    private static final class Source {
        Object value;
        double weight = 1;

        long size() {
            if (value instanceof ZSetValue z) {
                return z.size();
            }
            return value instanceof SetValue st ? st.size() : 0;
        }

        /** The member's score in this input (sets: 1), or NaN when absent. */
        double score(byte[] m) {
            if (value instanceof ZSetValue z) {
                return z.score(m, 0, m.length);
            }
            if (value instanceof SetValue st) {
                long[] v = new long[1];
                boolean isInt = Numbers.parseLong(m, 0, m.length, v);
                return st.contains(m, 0, m.length, isInt, v[0]) ? 1 : Double.NaN;
            }
            return Double.NaN;
        }

        /** Every (member, score) of this input, in its order. */
        void forEach(java.util.function.ObjDoubleConsumer<byte[]> f) {
            if (value instanceof ZSetValue z) {
                z.range(0, z.size(), false, (m, score) -> f.accept(m.copy(), score));
            } else if (value instanceof SetValue st) {
                st.forEach(m -> f.accept(m.copy(), 1.0));
            }
        }
    }

    private static double aggregate(double target, double v, int how) {
        if (how == SUM) {
            double r = target + v;
            return Double.isNaN(r) ? 0.0 : r;
        }
        if (how == MIN) {
            return v < target ? v : target;
        }
        return v > target ? v : target;
    }

    /**
     * {@code dst}: destination argument or -1; {@code numkeysIdx}: where numkeys is; {@code cardOnly}:
     * ZINTERCARD.
     */
    private void run(Ctx x, int dst, int numkeysIdx, int op, boolean cardOnly) {
        if (!x.longOrReply(numkeysIdx)) {
            return;
        }
        long setnum = x.lval;
        if (setnum < 1) {
            x.error("ERR at least 1 input key is needed for '" + x.cmd.fullName + "' command");
            return;
        }
        if (setnum > x.argc() - (numkeysIdx + 1)) {
            x.syntaxError();
            return;
        }
        int n = (int) setnum;
        Source[] src = new Source[n];
        int j = numkeysIdx + 1;
        Entry[] entries = new Entry[n];
        for (int i = 0; i < n; i++, j++) {
            Entry e = dst >= 0 ? x.write(j) : x.read(j);
            src[i] = new Source();
            if (e != null) {
                if (e.type() != ValueType.ZSET && e.type() != ValueType.SET) {
                    x.wrongType();
                    return;
                }
                src[i].value = e.value();
            }
            entries[i] = e;
        }
        int how = SUM;
        boolean withScores = false;
        long limit = 0;
        int remaining = x.argc() - j;
        while (remaining > 0) {
            if (op != DIFF && !cardOnly && remaining >= n + 1 && x.args.is(j, "weights")) {
                j++;
                remaining--;
                for (int i = 0; i < n; i++, j++, remaining--) {
                    if (!Doubles.parseStrict(x.args.buf(), x.args.offset(j), x.args.length(j), parse)) {
                        x.error("ERR weight value is not a float");
                        return;
                    }
                    src[i].weight = parse.value;
                }
            } else if (op != DIFF && !cardOnly && remaining >= 2 && x.args.is(j, "aggregate")) {
                j++;
                remaining--;
                if (x.args.is(j, "sum")) {
                    how = SUM;
                } else if (x.args.is(j, "min")) {
                    how = MIN;
                } else if (x.args.is(j, "max")) {
                    how = MAX;
                } else {
                    x.syntaxError();
                    return;
                }
                j++;
                remaining--;
            } else if (remaining >= 1 && dst < 0 && !cardOnly && x.args.is(j, "withscores")) {
                j++;
                remaining--;
                withScores = true;
            } else if (cardOnly && remaining >= 2 && x.args.is(j, "limit")) {
                j++;
                remaining--;
                if (!x.parseLong(j) || x.lval < 0) {
                    x.error("ERR LIMIT can't be negative");
                    return;
                }
                limit = x.lval;
                j++;
                remaining--;
            } else {
                x.syntaxError();
                return;
            }
        }
        if (op != DIFF) {
            // Smallest first (a stable sort, as glibc's qsort is a merge sort).
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingLong(i -> src[i].size()));
            Source[] sorted = new Source[n];
            for (int i = 0; i < n; i++) {
                sorted[i] = src[order[i]];
            }
            System.arraycopy(sorted, 0, src, 0, n);
        }
        CollectionSettings cfg = s.keyspace.collections();
        ZSetValue result = new ZSetValue(cfg, Long.MAX_VALUE, Long.MAX_VALUE); // a skip list, compacted below
        long[] cardinality = {0};
        final int agg = how;
        final long lim = limit;
        if (op == INTER) {
            if (src[0].size() > 0) {
                boolean[] stop = {false};
                src[0].forEach((m, sc) -> {
                    if (stop[0]) {
                        return;
                    }
                    double score = src[0].weight * sc;
                    if (Double.isNaN(score)) {
                        score = 0;
                    }
                    for (int i = 1; i < n; i++) {
                        double v;
                        if (src[i].value == src[0].value) {
                            v = sc * src[i].weight;
                        } else {
                            v = src[i].score(m);
                            if (Double.isNaN(v)) {
                                return;
                            }
                            v *= src[i].weight;
                        }
                        score = aggregate(score, v, agg);
                    }
                    if (cardOnly) {
                        cardinality[0]++;
                        if (lim != 0 && cardinality[0] >= lim) {
                            stop[0] = true;
                        }
                    } else {
                        result.insert(cfg, score, m, 0, m.length);
                    }
                });
            }
        } else if (op == UNION) {
            Map<ByteBuffer, double[]> acc = new LinkedHashMap<>();
            for (Source in : src) {
                in.forEach((m, sc) -> {
                    double score = in.weight * sc;
                    if (Double.isNaN(score)) {
                        score = 0;
                    }
                    double[] cur = acc.get(ByteBuffer.wrap(m));
                    if (cur == null) {
                        acc.put(ByteBuffer.wrap(m), new double[] {score});
                    } else {
                        cur[0] = aggregate(cur[0], score, agg);
                    }
                });
            }
            for (Map.Entry<ByteBuffer, double[]> en : acc.entrySet()) {
                byte[] m = en.getKey().array();
                result.insert(cfg, en.getValue()[0], m, 0, m.length);
            }
        } else if (src[0].value != null) {
            src[0].forEach((m, sc) -> {
                for (int i = 1; i < n; i++) {
                    if (src[i].value == src[0].value || !Double.isNaN(src[i].score(m))) {
                        return;
                    }
                }
                result.insert(cfg, sc, m, 0, m.length);
            });
        }
        if (cardOnly) {
            x.reply.integer(cardinality[0]);
        } else if (dst >= 0) {
            if (result.size() > 0) {
                result.compactIfSmall(cfg);
                x.db.setValue(x.args.buf(), x.args.offset(dst), x.args.length(dst), result, ValueType.ZSET);
                x.dirty();
                x.reply.integer(result.size());
            } else {
                if (x.db.delete(x.args.buf(), x.args.offset(dst), x.args.length(dst))) {
                    x.dirty();
                }
                x.reply.integer(0);
            }
        } else {
            ZSetCommands.replyRange(x, result, 0, result.size(), false, withScores);
        }
    }
}
