package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.DocArg.integer;
import static io.demikv.kvstore.command.DocArg.key;
import static io.demikv.kvstore.command.DocArg.pattern;
import static io.demikv.kvstore.command.DocArg.string;

import io.demikv.kvstore.db.CollectionSettings;
import io.demikv.kvstore.db.Entry;
import io.demikv.kvstore.db.SetValue;
import io.demikv.kvstore.db.Slice;
import io.demikv.kvstore.db.ValueType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The set commands (Redis 7.0's {@code t_set.c}). Members are passed to {@link SetValue} with their
 * integer reading ({@code string2ll}), which decides the intset encoding. SPOP is logged as SREM of the
 * popped members (in batches of {@value #SREM_BATCH}), or as DEL when it emptied the set, so replay does
 * not depend on random choices. Server thread only.
 */
final class SetCommands extends Family {
    /** Members per SREM record that SPOP with a count propagates, as Redis's SPOP_MOVE_STRATEGY batches. */
    static final int SREM_BATCH = 1024;
    private static final byte[] SREM_NAME = Ctx.ascii("SREM");

    private final long[] scratch = new long[1];
    private final Slice member = new Slice();
    private final CollectionScan scan = new CollectionScan();

    SetCommands(ServerState s) {
        super(s);
    }

    @Override
    void register(CommandTable t) {
        t.add(cmd("sadd", -3, "write denyoom fast", 1, 1, 1).acl("set")
                .specs(KeySpec.single(1, "RW insert"))
                .doc("Add one or more members to a set", "1.0.0", "set",
                        "O(1) for each element added, so O(N) to add N elements when the command is called with "
                                + "multiple arguments.",
                        key("key"), string("member").multiple())
                .history("2.4.0", "Accepts multiple `member` arguments.")
                .handler(this::sadd));
        t.add(cmd("srem", -3, "write fast", 1, 1, 1).acl("set")
                .specs(KeySpec.single(1, "RW delete"))
                .doc("Remove one or more members from a set", "1.0.0", "set",
                        "O(N) where N is the number of members to be removed.",
                        key("key"), string("member").multiple())
                .history("2.4.0", "Accepts multiple `member` arguments.")
                .handler(this::srem));
        t.add(cmd("smembers", 2, "readonly", 1, 1, 1).acl("set")
                .tips("nondeterministic_output_order")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Get all the members in a set", "1.0.0", "set",
                        "O(N) where N is the set cardinality.",
                        key("key"))
                .handler(x -> inter(x, 1, 1, -1, false, 0)));
        t.add(cmd("sismember", 3, "readonly fast", 1, 1, 1).acl("set")
                .specs(KeySpec.single(1, "RO"))
                .doc("Determine if a given value is a member of a set", "1.0.0", "set",
                        "O(1)",
                        key("key"), string("member"))
                .handler(this::sismember));
        t.add(cmd("smismember", -3, "readonly fast", 1, 1, 1).acl("set")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Returns the membership associated with the given elements for a set", "6.2.0", "set",
                        "O(N) where N is the number of elements being checked for membership",
                        key("key"), string("member").multiple())
                .handler(this::smismember));
        t.add(cmd("scard", 2, "readonly fast", 1, 1, 1).acl("set")
                .specs(KeySpec.single(1, "RO"))
                .doc("Get the number of members in a set", "1.0.0", "set",
                        "O(1)",
                        key("key"))
                .handler(this::scard));
        t.add(cmd("spop", -2, "write fast", 1, 1, 1).acl("set")
                .tips("nondeterministic_output")
                .specs(KeySpec.single(1, "RW access delete"))
                .doc("Remove and return one or multiple random members from a set", "1.0.0", "set",
                        "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
                        key("key"), integer("count").since("3.2.0").optional())
                .history("3.2.0", "Added the `count` argument.")
                .handler(this::spop));
        t.add(cmd("srandmember", -2, "readonly", 1, 1, 1).acl("set")
                .tips("nondeterministic_output")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Get one or multiple random members from a set", "1.0.0", "set",
                        "Without the count argument O(1), otherwise O(N) where N is the absolute value of the "
                                + "passed count.",
                        key("key"), integer("count").since("2.6.0").optional())
                .history("2.6.0", "Added the optional `count` argument.")
                .handler(this::srandmember));
        t.add(cmd("smove", 4, "write fast", 1, 2, 1).acl("set")
                .specs(KeySpec.single(1, "RW access delete"),
                        KeySpec.single(2, "RW insert"))
                .doc("Move a member from one set to another", "1.0.0", "set",
                        "O(1)",
                        key("source"), key("destination", 1), string("member"))
                .handler(this::smove));
        t.add(cmd("sinter", -2, "readonly", 1, -1, 1).acl("set")
                .tips("nondeterministic_output_order")
                .specs(KeySpec.range(1, -1, 1, "RO access"))
                .doc("Intersect multiple sets", "1.0.0", "set",
                        "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
                                + "sets.",
                        key("key").multiple())
                .handler(x -> inter(x, 1, x.argc() - 1, -1, false, 0)));
        t.add(cmd("sinterstore", -3, "write denyoom", 1, -1, 1).acl("set")
                .specs(KeySpec.single(1, "RW update"),
                        KeySpec.range(2, -1, 1, "RO access"))
                .doc("Intersect multiple sets and store the resulting set in a key", "1.0.0", "set",
                        "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
                                + "sets.",
                        key("destination"), key("key", 1).multiple())
                .handler(x -> inter(x, 2, x.argc() - 2, 1, false, 0)));
        t.add(cmd("sunion", -2, "readonly", 1, -1, 1).acl("set")
                .tips("nondeterministic_output_order")
                .specs(KeySpec.range(1, -1, 1, "RO access"))
                .doc("Add multiple sets", "1.0.0", "set",
                        "O(N) where N is the total number of elements in all given sets.",
                        key("key").multiple())
                .handler(x -> unionDiff(x, 1, x.argc() - 1, -1, false)));
        t.add(cmd("sunionstore", -3, "write denyoom", 1, -1, 1).acl("set")
                .specs(KeySpec.single(1, "OW update"),
                        KeySpec.range(2, -1, 1, "RO access"))
                .doc("Add multiple sets and store the resulting set in a key", "1.0.0", "set",
                        "O(N) where N is the total number of elements in all given sets.",
                        key("destination"), key("key", 1).multiple())
                .handler(x -> unionDiff(x, 2, x.argc() - 2, 1, false)));
        t.add(cmd("sdiff", -2, "readonly", 1, -1, 1).acl("set")
                .tips("nondeterministic_output_order")
                .specs(KeySpec.range(1, -1, 1, "RO access"))
                .doc("Subtract multiple sets", "1.0.0", "set",
                        "O(N) where N is the total number of elements in all given sets.",
                        key("key").multiple())
                .handler(x -> unionDiff(x, 1, x.argc() - 1, -1, true)));
        t.add(cmd("sdiffstore", -3, "write denyoom", 1, -1, 1).acl("set")
                .specs(KeySpec.single(1, "OW update"),
                        KeySpec.range(2, -1, 1, "RO access"))
                .doc("Subtract multiple sets and store the resulting set in a key", "1.0.0", "set",
                        "O(N) where N is the total number of elements in all given sets.",
                        key("destination"), key("key", 1).multiple())
                .handler(x -> unionDiff(x, 2, x.argc() - 2, 1, true)));
        t.add(cmd("sintercard", -3, "readonly movablekeys", 0, 0, 0).acl("set")
                .specs(KeySpec.keynum(1, 0, 1, 1, "RO access"))
                .doc("Intersect multiple sets and return the cardinality of the result", "7.0.0", "set",
                        "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
                                + "sets.",
                        integer("numkeys"), key("key").multiple(), integer("limit").token("LIMIT").optional())
                .handler(this::sintercard));
        t.add(cmd("sscan", -3, "readonly", 1, 1, 1).acl("set")
                .tips("nondeterministic_output")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Incrementally iterate Set elements", "2.8.0", "set",
                        "O(1) for every call. O(N) for a complete iteration, including enough command calls for the "
                                + "cursor to return back to 0. N is the number of elements inside the collection..",
                        key("key"), integer("cursor"), pattern("pattern").token("MATCH").optional(),
                        integer("count").token("COUNT").optional())
                .handler(this::sscan));
    }

    private CollectionSettings cfg() {
        return s.keyspace.collections();
    }

    /** True when argument {@code i} reads as a 64-bit integer (value in scratch[0]). */
    private boolean isInt(Ctx x, int i) {
        return Numbers.parseLong(x.args.buf(), x.args.offset(i), x.args.length(i), scratch);
    }

    private boolean addArg(Ctx x, SetValue set, int i) {
        boolean isInt = isInt(x, i);
        return set.add(cfg(), x.args.buf(), x.args.offset(i), x.args.length(i), isInt, scratch[0]);
    }

    private boolean removeArg(Ctx x, SetValue set, int i) {
        boolean isInt = isInt(x, i);
        return set.remove(x.args.buf(), x.args.offset(i), x.args.length(i), isInt, scratch[0]);
    }

    private boolean containsArg(Ctx x, SetValue set, int i) {
        boolean isInt = isInt(x, i);
        return set.contains(x.args.buf(), x.args.offset(i), x.args.length(i), isInt, scratch[0]);
    }

    /** Adds a member met in another set. */
    private boolean add(SetValue set, Slice m) {
        if (m.isInteger()) {
            byte[] b = m.copy();
            return set.add(cfg(), b, 0, b.length, true, m.integer());
        }
        boolean isInt = Numbers.parseLong(m.array(), m.offset(), m.length(), scratch);
        return set.add(cfg(), m.array(), m.offset(), m.length(), isInt, scratch[0]);
    }

    private boolean contains(SetValue set, Slice m) {
        if (m.isInteger()) {
            byte[] b = m.copy();
            return set.contains(b, 0, b.length, true, m.integer());
        }
        boolean isInt = Numbers.parseLong(m.array(), m.offset(), m.length(), scratch);
        return set.contains(m.array(), m.offset(), m.length(), isInt, scratch[0]);
    }

    /** A new empty set in the encoding Redis picks for its first member. */
    private SetValue newSet(boolean firstIsInt) {
        return new SetValue(cfg(), firstIsInt);
    }

    private void sadd(Ctx x) {
        Entry e = x.write(1);
        if (wrongType(x, e, ValueType.SET)) {
            return;
        }
        SetValue set;
        if (e == null) {
            set = newSet(isInt(x, 2));
            x.db.addValue(x.args.buf(), x.args.offset(1), x.args.length(1), set, ValueType.SET);
        } else {
            set = (SetValue) e.value();
        }
        long added = 0;
        for (int i = 2; i < x.argc(); i++) {
            if (addArg(x, set, i)) {
                added++;
            }
        }
        x.dirty(added);
        x.reply.integer(added);
    }

    private void srem(Ctx x) {
        Entry e = x.write(1);
        if (e == null) {
            x.reply.integer(0);
            return;
        }
        if (wrongType(x, e, ValueType.SET)) {
            return;
        }
        SetValue set = (SetValue) e.value();
        long removed = 0;
        for (int i = 2; i < x.argc(); i++) {
            if (removeArg(x, set, i)) {
                removed++;
                if (set.size() == 0) {
                    x.db.delete(e);
                    break;
                }
            }
        }
        x.dirty(removed);
        x.reply.integer(removed);
    }

    /** The set at argument {@code i} for reading; null when absent or after replying WRONGTYPE. */
    private SetValue read(Ctx x, int i) {
        Entry e = x.read(i);
        if (e == null || wrongType(x, e, ValueType.SET)) {
            return null;
        }
        return (SetValue) e.value();
    }

    private void sismember(Ctx x) {
        SetValue set = read(x, 1);
        if (!x.failed) {
            x.reply.integer(set != null && containsArg(x, set, 2) ? 1 : 0);
        }
    }

    private void smismember(Ctx x) {
        SetValue set = read(x, 1);
        if (x.failed) {
            return;
        }
        x.reply.array(x.argc() - 2);
        for (int i = 2; i < x.argc(); i++) {
            x.reply.integer(set != null && containsArg(x, set, i) ? 1 : 0);
        }
    }

    private void scard(Ctx x) {
        SetValue set = read(x, 1);
        if (!x.failed) {
            x.reply.integer(set == null ? 0 : set.size());
        }
    }

    private void smove(Ctx x) {
        Entry src = x.write(1);
        Entry dst = x.write(2);
        if (src == null) {
            x.reply.integer(0);
            return;
        }
        if (wrongType(x, src, ValueType.SET) || wrongType(x, dst, ValueType.SET)) {
            return;
        }
        SetValue from = (SetValue) src.value();
        if (src == dst) {
            x.reply.integer(containsArg(x, from, 3) ? 1 : 0);
            return;
        }
        if (!removeArg(x, from, 3)) {
            x.reply.integer(0);
            return;
        }
        if (from.size() == 0) {
            x.db.delete(src);
        }
        SetValue to;
        if (dst == null) {
            to = newSet(isInt(x, 3));
            x.db.addValue(x.args.buf(), x.args.offset(2), x.args.length(2), to, ValueType.SET);
        } else {
            to = (SetValue) dst.value();
        }
        x.dirty();
        if (addArg(x, to, 3)) {
            x.dirty();
        }
        x.reply.integer(1);
    }

    // ------------------------------------------------------------------ SPOP / SRANDMEMBER

    private void spop(Ctx x) {
        if (x.argc() == 3) {
            spopWithCount(x);
            return;
        } else if (x.argc() > 3) {
            x.syntaxError();
            return;
        }
        Entry e = x.write(1);
        if (e == null) {
            x.reply.nullBulk();
            return;
        }
        if (wrongType(x, e, ValueType.SET)) {
            return;
        }
        SetValue set = (SetValue) e.value();
        set.random(s.keyspace.random(), member);
        byte[] popped = member.copy();
        set.remove(member);
        x.reply.bulk(popped);
        if (set.size() == 0) {
            x.db.delete(e);
        }
        x.dirty();
        if (x.logging()) {
            x.propagateAs(SREM_NAME, x.arg(1), popped);
        }
    }

    private void spopWithCount(Ctx x) {
        if (!positiveCount(x, 2)) {
            return;
        }
        long count = x.lval;
        Entry e = x.write(1);
        if (e == null) {
            x.reply.set(0);
            return;
        }
        if (wrongType(x, e, ValueType.SET)) {
            return;
        }
        if (count == 0) {
            x.reply.set(0);
            return;
        }
        SetValue set = (SetValue) e.value();
        long size = set.size();
        x.dirty(count);
        if (count >= size) {
            replyUnion(x, set);
            x.db.delete(e);
            if (x.logging()) {
                x.propagateAs(Ctx.ascii(s.config.getBoolean("lazyfree-lazy-server-del") ? "UNLINK" : "DEL"), x.arg(1));
            }
            return;
        }
        RandomGenerator rnd = s.keyspace.random();
        List<byte[]> popped = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            set.random(rnd, member);
            popped.add(member.copy());
            set.remove(member);
        }
        x.reply.set((int) count);
        for (byte[] m : popped) {
            x.reply.bulk(m);
        }
        if (x.logging()) {
            byte[] key = x.arg(1);
            for (int from = 0; from < popped.size(); from += SREM_BATCH) {
                int n = Math.min(SREM_BATCH, popped.size() - from);
                byte[][] argv = new byte[2 + n][];
                argv[0] = SREM_NAME;
                argv[1] = key;
                for (int k = 0; k < n; k++) {
                    argv[2 + k] = popped.get(from + k);
                }
                x.alsoPropagate(argv);
            }
        }
        x.suppressPropagation = true;
    }

    /** Replies the members of {@code set} as SUNION of it alone would (the order of a rebuilt set). */
    private void replyUnion(Ctx x, SetValue set) {
        SetValue copy = new SetValue(cfg(), true);
        set.forEach(m -> add(copy, m));
        x.reply.set((int) copy.size());
        copy.forEach(m -> bulk(x, m));
    }

    private void srandmember(Ctx x) {
        if (x.argc() == 3) {
            srandmemberWithCount(x);
            return;
        } else if (x.argc() > 3) {
            x.syntaxError();
            return;
        }
        SetValue set = read(x, 1);
        if (set == null) {
            if (!x.failed) {
                x.reply.nullBulk();
            }
            return;
        }
        set.random(s.keyspace.random(), member);
        bulk(x, member);
    }

    private void srandmemberWithCount(Ctx x) {
        if (!rangeLong(x, 2, -Long.MAX_VALUE, Long.MAX_VALUE)) {
            return;
        }
        long l = x.lval;
        boolean unique = l >= 0;
        long count = unique ? l : -l;
        SetValue set = read(x, 1);
        if (set == null) {
            if (!x.failed) {
                x.reply.array(0);
            }
            return;
        }
        long size = set.size();
        if (count == 0) {
            x.reply.array(0);
            return;
        }
        RandomGenerator rnd = s.keyspace.random();
        if (!unique) {
            x.reply.array((int) count);
            for (long i = 0; i < count; i++) {
                set.random(rnd, member);
                bulk(x, member);
            }
            return;
        }
        if (count >= size) {
            x.reply.array((int) size);
            set.forEach(m -> bulk(x, m));
            return;
        }
        List<byte[]> picked = new ArrayList<>();
        if (count * 3 > size) {
            set.forEach(m -> picked.add(m.copy()));
            while (picked.size() > count) {
                int i = rnd.nextInt(picked.size());
                picked.set(i, picked.get(picked.size() - 1));
                picked.remove(picked.size() - 1);
            }
        } else {
            Set<ByteBuffer> seen = new HashSet<>();
            while (picked.size() < count) {
                set.random(rnd, member);
                byte[] m = member.copy();
                if (seen.add(ByteBuffer.wrap(m))) {
                    picked.add(m);
                }
            }
        }
        x.reply.array((int) count);
        for (byte[] m : picked) {
            x.reply.bulk(m);
        }
    }

    // ------------------------------------------------------------------ algebra

    /**
     * The sets at {@code n} key arguments from {@code first}; null entries for absent keys. Returns null
     * after replying WRONGTYPE. {@code write}: look up for writing (STORE forms).
     */
    private Entry[] lookupAll(Ctx x, int first, int n) {
        Entry[] sets = new Entry[n];
        for (int j = 0; j < n; j++) {
            Entry e = x.read(first + j);
            if (wrongType(x, e, ValueType.SET)) {
                return null;
            }
            sets[j] = e;
        }
        return sets;
    }

    /** Stores {@code result} at key argument {@code dst} (deleting it when empty) and replies the size. */
    private void store(Ctx x, int dst, SetValue result) {
        if (result.size() > 0) {
            x.db.setValue(x.args.buf(), x.args.offset(dst), x.args.length(dst), result, ValueType.SET);
            x.reply.integer(result.size());
        } else {
            x.db.delete(x.args.buf(), x.args.offset(dst), x.args.length(dst));
            x.reply.integer(0);
        }
        x.dirty();
    }

    /**
     * SINTER, SINTERSTORE, SMEMBERS, SINTERCARD: iterate the smallest set, keep members all others have.
     * {@code dst}: the destination argument or -1; {@code cardOnly}: reply the count (up to {@code limit},
     * 0 = no limit).
     */
    private void inter(Ctx x, int first, int n, int dst, boolean cardOnly, long limit) {
        Entry[] found = lookupAll(x, first, n);
        if (found == null) {
            return;
        }
        boolean empty = false;
        for (Entry e : found) {
            empty |= e == null;
        }
        if (empty) {
            if (dst >= 0) {
                if (x.db.delete(x.args.buf(), x.args.offset(dst), x.args.length(dst))) {
                    x.dirty();
                }
                x.reply.integer(0);
            } else if (cardOnly) {
                x.reply.integer(0);
            } else {
                x.reply.set(0);
            }
            return;
        }
        SetValue[] sets = new SetValue[n];
        for (int j = 0; j < n; j++) {
            sets[j] = (SetValue) found[j].value();
        }
        Arrays.sort(sets, Comparator.comparingLong(SetValue::size)); // stable, as glibc's qsort (a merge sort)
        SetValue result = dst >= 0 ? new SetValue(cfg(), true) : null;
        List<byte[]> out = new ArrayList<>();
        long[] card = {0};
        boolean[] stop = {false};
        sets[0].forEach(m -> {
            if (stop[0]) {
                return;
            }
            for (int j = 1; j < sets.length; j++) {
                if (sets[j] != sets[0] && !contains(sets[j], m)) {
                    return;
                }
            }
            card[0]++;
            if (cardOnly) {
                if (limit != 0 && card[0] >= limit) {
                    stop[0] = true;
                }
            } else if (result != null) {
                add(result, m);
            } else {
                out.add(m.copy());
            }
        });
        if (cardOnly) {
            x.reply.integer(card[0]);
        } else if (result != null) {
            store(x, dst, result);
        } else {
            x.reply.set(out.size());
            for (byte[] m : out) {
                x.reply.bulk(m);
            }
        }
    }

    private void sintercard(Ctx x) {
        if (!x.parseLong(1) || x.lval < 1) {
            x.error("ERR numkeys should be greater than 0");
            return;
        }
        long numkeys = x.lval;
        if (numkeys > x.argc() - 2) {
            x.error("ERR Number of keys can't be greater than number of args");
            return;
        }
        long limit = 0;
        for (int j = 2 + (int) numkeys; j < x.argc(); j++) {
            if (x.args.is(j, "limit") && j + 1 < x.argc()) {
                j++;
                if (!x.parseLong(j) || x.lval < 0) {
                    x.error("ERR LIMIT can't be negative");
                    return;
                }
                limit = x.lval;
            } else {
                x.syntaxError();
                return;
            }
        }
        inter(x, 2, (int) numkeys, -1, true, limit);
    }

    /** SUNION, SDIFF and their STORE forms, into a fresh set (intset while possible) replied or stored. */
    private void unionDiff(Ctx x, int first, int n, int dst, boolean diff) {
        Entry[] found = lookupAll(x, first, n);
        if (found == null) {
            return;
        }
        boolean sameSet = false;
        for (int j = 1; j < n; j++) {
            sameSet |= found[0] != null && found[j] == found[0];
        }
        SetValue result = new SetValue(cfg(), true);
        if (!diff) {
            for (Entry e : found) {
                if (e != null) {
                    ((SetValue) e.value()).forEach(m -> add(result, m));
                }
            }
        } else if (found[0] != null && !sameSet) {
            SetValue base = (SetValue) found[0].value();
            base.forEach(m -> {
                for (int j = 1; j < n; j++) {
                    if (found[j] != null && contains((SetValue) found[j].value(), m)) {
                        return;
                    }
                }
                add(result, m);
            });
        }
        if (dst >= 0) {
            store(x, dst, result);
            return;
        }
        x.reply.set((int) result.size());
        result.forEach(m -> bulk(x, m));
    }

    private void sscan(Ctx x) {
        scan.run(x, ValueType.SET, false, (v, cursor, out) -> ((SetValue) v).scan(cursor, m -> out.add(m.copy())));
    }
}
