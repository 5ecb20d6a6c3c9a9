package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.DocArg.block;
import static io.demikv.kvstore.command.DocArg.dbl;
import static io.demikv.kvstore.command.DocArg.integer;
import static io.demikv.kvstore.command.DocArg.key;
import static io.demikv.kvstore.command.DocArg.pattern;
import static io.demikv.kvstore.command.DocArg.pure;
import static io.demikv.kvstore.command.DocArg.string;

import io.demikv.kvstore.db.CollectionSettings;
import io.demikv.kvstore.db.Entry;
import io.demikv.kvstore.db.HashValue;
import io.demikv.kvstore.db.Slice;
import io.demikv.kvstore.db.ValueType;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The hash commands (Redis's {@code t_hash.c}). A hash lives in a {@link HashValue}; the key is created
 * by the first write and deleted when its last field goes. HINCRBYFLOAT is logged as HSET with the
 * result, so replay does not depend on float arithmetic. Server thread only.
 */
final class HashCommands extends Family {
    private static final byte[] HSET_NAME = Ctx.ascii("HSET");

    private final Slice value = new Slice();
    private final Slice field = new Slice();
    private final long[] scratch = new long[1];
    private final CollectionScan scan = new CollectionScan();

    HashCommands(ServerState s) {
        super(s);
    }

    @Override
    void register(CommandTable t) {
        t.add(cmd("hset", -4, "write denyoom fast", 1, 1, 1).acl("hash")
                .specs(KeySpec.single(1, "RW update"))
                .doc("Set the string value of a hash field", "2.0.0", "hash",
                        "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command "
                                + "is called with multiple field/value pairs.",
                        key("key"), block("field_value", string("field"), string("value")).multiple())
                .history("4.0.0", "Accepts multiple `field` and `value` arguments.")
                .handler(x -> hset(x, false)));
        t.add(cmd("hsetnx", 4, "write denyoom fast", 1, 1, 1).acl("hash")
                .specs(KeySpec.single(1, "RW insert"))
                .doc("Set the value of a hash field, only if the field does not exist", "2.0.0", "hash",
                        "O(1)",
                        key("key"), string("field"), string("value"))
                .handler(this::hsetnx));
        t.add(cmd("hget", 3, "readonly fast", 1, 1, 1).acl("hash")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Get the value of a hash field", "2.0.0", "hash",
                        "O(1)",
                        key("key"), string("field"))
                .handler(this::hget));
        t.add(cmd("hmget", -3, "readonly fast", 1, 1, 1).acl("hash")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Get the values of all the given hash fields", "2.0.0", "hash",
                        "O(N) where N is the number of fields being requested.",
                        key("key"), string("field").multiple())
                .handler(this::hmget));
        t.add(cmd("hmset", -4, "write denyoom fast", 1, 1, 1).acl("hash")
                .specs(KeySpec.single(1, "RW update"))
                .doc("Set multiple hash fields to multiple values", "2.0.0", "hash",
                        "O(N) where N is the number of fields being set.",
                        key("key"), block("field_value", string("field"), string("value")).multiple())
                .deprecated("4.0.0", "`HSET` with multiple field-value pairs")
                .handler(x -> hset(x, true)));
        t.add(cmd("hgetall", 2, "readonly", 1, 1, 1).acl("hash")
                .tips("nondeterministic_output_order")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Get all the fields and values in a hash", "2.0.0", "hash",
                        "O(N) where N is the size of the hash.",
                        key("key"))
                .handler(this::hgetall));
        t.add(cmd("hdel", -3, "write fast", 1, 1, 1).acl("hash")
                .specs(KeySpec.single(1, "RW delete"))
                .doc("Delete one or more hash fields", "2.0.0", "hash",
                        "O(N) where N is the number of fields to be removed.",
                        key("key"), string("field").multiple())
                .history("2.4.0", "Accepts multiple `field` arguments.")
                .handler(this::hdel));
        t.add(cmd("hlen", 2, "readonly fast", 1, 1, 1).acl("hash")
                .specs(KeySpec.single(1, "RO"))
                .doc("Get the number of fields in a hash", "2.0.0", "hash",
                        "O(1)",
                        key("key"))
                .handler(this::hlen));
        t.add(cmd("hexists", 3, "readonly fast", 1, 1, 1).acl("hash")
                .specs(KeySpec.single(1, "RO"))
                .doc("Determine if a hash field exists", "2.0.0", "hash",
                        "O(1)",
                        key("key"), string("field"))
                .handler(this::hexists));
        t.add(cmd("hkeys", 2, "readonly", 1, 1, 1).acl("hash")
                .tips("nondeterministic_output_order")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Get all the fields in a hash", "2.0.0", "hash",
                        "O(N) where N is the size of the hash.",
                        key("key"))
                .handler(this::hkeys));
        t.add(cmd("hvals", 2, "readonly", 1, 1, 1).acl("hash")
                .tips("nondeterministic_output_order")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Get all the values in a hash", "2.0.0", "hash",
                        "O(N) where N is the size of the hash.",
                        key("key"))
                .handler(this::hvals));
        t.add(cmd("hincrby", 4, "write denyoom fast", 1, 1, 1).acl("hash")
                .specs(KeySpec.single(1, "RW access update"))
                .doc("Increment the integer value of a hash field by the given number", "2.0.0", "hash",
                        "O(1)",
                        key("key"), string("field"), integer("increment"))
                .handler(this::hincrby));
        t.add(cmd("hincrbyfloat", 4, "write denyoom fast", 1, 1, 1).acl("hash")
                .specs(KeySpec.single(1, "RW access update"))
                .doc("Increment the float value of a hash field by the given amount", "2.6.0", "hash",
                        "O(1)",
                        key("key"), string("field"), dbl("increment"))
                .handler(this::hincrbyfloat));
        t.add(cmd("hstrlen", 3, "readonly fast", 1, 1, 1).acl("hash")
                .specs(KeySpec.single(1, "RO"))
                .doc("Get the length of the value of a hash field", "3.2.0", "hash",
                        "O(1)",
                        key("key"), string("field"))
                .handler(this::hstrlen));
        t.add(cmd("hrandfield", -2, "readonly", 1, 1, 1).acl("hash")
                .tips("nondeterministic_output")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Get one or multiple random fields from a hash", "6.2.0", "hash",
                        "O(N) where N is the number of fields returned",
                        key("key"), block("options", integer("count"), pure("WITHVALUES").optional()).optional())
                .handler(this::hrandfield));
        t.add(cmd("hscan", -3, "readonly", 1, 1, 1).acl("hash")
                .tips("nondeterministic_output")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Incrementally iterate hash fields and associated values", "2.8.0", "hash",
                        "O(1) for every call. O(N) for a complete iteration, including enough command calls for the "
                                + "cursor to return back to 0. N is the number of elements inside the collection..",
                        key("key"), integer("cursor"), pattern("pattern").token("MATCH").optional(),
                        integer("count").token("COUNT").optional())
                .handler(this::hscan));
    }

    private CollectionSettings cfg() {
        return s.keyspace.collections();
    }

    /** The hash at key argument 1 for writing, created when absent; null after replying WRONGTYPE. */
    private HashValue writeOrCreate(Ctx x) {
        Entry e = x.write(1);
        if (wrongType(x, e, ValueType.HASH)) {
            return null;
        }
        if (e == null) {
            HashValue h = new HashValue();
            x.db.addValue(x.args.buf(), x.args.offset(1), x.args.length(1), h, ValueType.HASH);
            return h;
        }
        return (HashValue) e.value();
    }

    private boolean setField(Ctx x, HashValue h, int f, int v) {
        return h.set(cfg(), x.args.buf(), x.args.offset(f), x.args.length(f), x.args.buf(), x.args.offset(v),
                x.args.length(v));
    }

    private void hset(Ctx x, boolean legacy) {
        if (x.argc() % 2 == 1) {
            x.error(Errors.wrongArity(x.cmd.fullName));
            return;
        }
        HashValue h = writeOrCreate(x);
        if (h == null) {
            return;
        }
        long created = 0;
        for (int i = 2; i < x.argc(); i += 2) {
            if (setField(x, h, i, i + 1)) {
                created++;
            }
        }
        x.dirty((x.argc() - 2) / 2);
        if (legacy) {
            x.reply.ok();
        } else {
            x.reply.integer(created);
        }
    }

    private void hsetnx(Ctx x) {
        HashValue h = writeOrCreate(x);
        if (h == null) {
            return;
        }
        if (h.contains(x.args.buf(), x.args.offset(2), x.args.length(2))) {
            x.reply.integer(0);
            return;
        }
        setField(x, h, 2, 3);
        x.dirty();
        x.reply.integer(1);
    }

    /** The hash at argument 1 for reading; null when absent or after replying WRONGTYPE (see x.failed). */
    private HashValue read(Ctx x) {
        Entry e = x.read(1);
        if (e == null || wrongType(x, e, ValueType.HASH)) {
            return null;
        }
        return (HashValue) e.value();
    }

    private boolean get(HashValue h, Ctx x, int i) {
        return h.get(x.args.buf(), x.args.offset(i), x.args.length(i), value);
    }

    private void hget(Ctx x) {
        HashValue h = read(x);
        if (h == null) {
            if (!x.failed) {
                x.reply.nullBulk();
            }
            return;
        }
        if (get(h, x, 2)) {
            bulk(x, value);
        } else {
            x.reply.nullBulk();
        }
    }

    private void hmget(Ctx x) {
        HashValue h = read(x);
        if (x.failed) {
            return;
        }
        x.reply.array(x.argc() - 2);
        for (int i = 2; i < x.argc(); i++) {
            if (h != null && get(h, x, i)) {
                bulk(x, value);
            } else {
                x.reply.nullBulk();
            }
        }
    }

    private void hgetall(Ctx x) {
        HashValue h = read(x);
        if (x.failed) {
            return;
        }
        if (h == null) {
            x.reply.map(0);
            return;
        }
        x.reply.map((int) h.size());
        h.forEach((fb, fo, fl, vb, vo, vl) -> {
            x.reply.bulk(fb, fo, fl);
            x.reply.bulk(vb, vo, vl);
        });
    }

    private void hkeys(Ctx x) {
        HashValue h = read(x);
        if (x.failed) {
            return;
        }
        if (h == null) {
            x.reply.array(0);
            return;
        }
        x.reply.array((int) h.size());
        h.forEach((fb, fo, fl, vb, vo, vl) -> x.reply.bulk(fb, fo, fl));
    }

    private void hvals(Ctx x) {
        HashValue h = read(x);
        if (x.failed) {
            return;
        }
        if (h == null) {
            x.reply.array(0);
            return;
        }
        x.reply.array((int) h.size());
        h.forEach((fb, fo, fl, vb, vo, vl) -> x.reply.bulk(vb, vo, vl));
    }

    private void hdel(Ctx x) {
        Entry e = x.write(1);
        if (e == null) {
            x.reply.integer(0);
            return;
        }
        if (wrongType(x, e, ValueType.HASH)) {
            return;
        }
        HashValue h = (HashValue) e.value();
        long deleted = 0;
        for (int i = 2; i < x.argc(); i++) {
            if (h.delete(x.args.buf(), x.args.offset(i), x.args.length(i))) {
                deleted++;
                if (h.size() == 0) {
                    x.db.delete(e);
                    break;
                }
            }
        }
        x.dirty(deleted);
        x.reply.integer(deleted);
    }

    private void hlen(Ctx x) {
        HashValue h = read(x);
        if (!x.failed) {
            x.reply.integer(h == null ? 0 : h.size());
        }
    }

    private void hexists(Ctx x) {
        HashValue h = read(x);
        if (!x.failed) {
            x.reply.integer(h != null && h.contains(x.args.buf(), x.args.offset(2), x.args.length(2)) ? 1 : 0);
        }
    }

    private void hstrlen(Ctx x) {
        HashValue h = read(x);
        if (!x.failed) {
            x.reply.integer(h != null && get(h, x, 2) ? value.length() : 0);
        }
    }

    private void hincrby(Ctx x) {
        if (!x.longOrReply(3)) {
            return;
        }
        long incr = x.lval;
        HashValue h = writeOrCreate(x);
        if (h == null) {
            return;
        }
        long old = 0;
        if (get(h, x, 2)) {
            if (!Numbers.parseLong(value.array(), value.offset(), value.length(), scratch)) {
                x.error("ERR hash value is not an integer");
                return;
            }
            old = scratch[0];
        }
        if ((incr < 0 && old < 0 && incr < Long.MIN_VALUE - old)
                || (incr > 0 && old > 0 && incr > Long.MAX_VALUE - old)) {
            x.error(Errors.OVERFLOW);
            return;
        }
        long result = old + incr;
        byte[] nv = Numbers.toBytes(result);
        h.set(cfg(), x.args.buf(), x.args.offset(2), x.args.length(2), nv, 0, nv.length);
        x.dirty();
        x.reply.integer(result);
    }

    private void hincrbyfloat(Ctx x) {
        BigDecimal incr;
        try {
            incr = LongDouble.parse(x.args.buf(), x.args.offset(3), x.args.length(3));
        } catch (LongDouble.Invalid bad) {
            x.error(Errors.NOT_FLOAT);
            return;
        }
        if (incr == LongDouble.INFINITE) {
            x.error("ERR value is NaN or Infinity");
            return;
        }
        HashValue h = writeOrCreate(x);
        if (h == null) {
            return;
        }
        BigDecimal old = BigDecimal.ZERO;
        if (get(h, x, 2)) {
            try {
                old = LongDouble.parse(value.array(), value.offset(), value.length());
            } catch (LongDouble.Invalid bad) {
                x.error("ERR hash value is not a float");
                return;
            }
        }
        BigDecimal sum = LongDouble.add(old, incr);
        if (sum == LongDouble.INFINITE) {
            x.error(Errors.NAN_OR_INF);
            return;
        }
        byte[] nv = Ctx.ascii(LongDouble.format(sum));
        h.set(cfg(), x.args.buf(), x.args.offset(2), x.args.length(2), nv, 0, nv.length);
        x.dirty();
        x.reply.bulk(nv);
        if (x.logging()) {
            x.propagateAs(HSET_NAME, x.arg(1), x.arg(2), nv);
        }
    }

    private void hrandfield(Ctx x) {
        if (x.argc() >= 3) {
            if (!rangeLong(x, 2, -Long.MAX_VALUE, Long.MAX_VALUE)) {
                return;
            }
            long l = x.lval;
            boolean withValues = false;
            if (x.argc() > 4 || (x.argc() == 4 && !x.args.is(3, "withvalues"))) {
                x.syntaxError();
                return;
            } else if (x.argc() == 4) {
                withValues = true;
                if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) {
                    x.error("ERR value is out of range");
                    return;
                }
            }
            randomWithCount(x, l, withValues);
            return;
        }
        HashValue h = read(x);
        if (h == null) {
            if (!x.failed) {
                x.reply.nullBulk();
            }
            return;
        }
        h.random(s.keyspace.random(), field, value);
        bulk(x, field);
    }

    private void randomWithCount(Ctx x, long l, boolean withValues) {
        HashValue h = read(x);
        if (h == null) {
            if (!x.failed) {
                x.reply.array(0);
            }
            return;
        }
        long size = h.size();
        boolean unique = l >= 0;
        long count = unique ? l : -l;
        if (count == 0) {
            x.reply.array(0);
            return;
        }
        boolean resp3 = x.reply.protocol() >= 3;
        RandomGenerator rnd = s.keyspace.random();
        if (!unique || count == 1) {
            // With repetitions: count independent draws.
            x.reply.array((int) (withValues && !resp3 ? count * 2 : count));
            for (long i = 0; i < count; i++) {
                h.random(rnd, field, value);
                pair(x, withValues, resp3, field.array(), field.offset(), field.length(), value.array(),
                        value.offset(), value.length());
            }
            return;
        }
        if (count >= size) {
            x.reply.array((int) (withValues && !resp3 ? size * 2 : size));
            h.forEach((fb, fo, fl, vb, vo, vl) -> pair(x, withValues, resp3, fb, fo, fl, vb, vo, vl));
            return;
        }
        List<byte[][]> picked = new ArrayList<>();
        if (count * 3 > size) {
            // Most of the hash: copy it and drop random fields until count remain.
            h.forEach((fb, fo, fl, vb, vo, vl) -> picked.add(new byte[][] {copy(fb, fo, fl), copy(vb, vo, vl)}));
            while (picked.size() > count) {
                int i = rnd.nextInt(picked.size());
                picked.set(i, picked.get(picked.size() - 1));
                picked.remove(picked.size() - 1);
            }
        } else {
            Set<ByteBuffer> seen = new HashSet<>();
            while (picked.size() < count) {
                h.random(rnd, field, value);
                byte[] f = field.copy();
                if (seen.add(ByteBuffer.wrap(f))) {
                    picked.add(new byte[][] {f, value.copy()});
                }
            }
        }
        x.reply.array((int) (withValues && !resp3 ? count * 2 : count));
        for (byte[][] p : picked) {
            pair(x, withValues, resp3, p[0], 0, p[0].length, p[1], 0, p[1].length);
        }
    }

    private static void pair(Ctx x, boolean withValues, boolean resp3, byte[] fb, int fo, int fl, byte[] vb,
                             int vo, int vl) {
        if (withValues && resp3) {
            x.reply.array(2);
        }
        x.reply.bulk(fb, fo, fl);
        if (withValues) {
            x.reply.bulk(vb, vo, vl);
        }
    }

    private static byte[] copy(byte[] b, int off, int len) {
        return java.util.Arrays.copyOfRange(b, off, off + len);
    }

    private void hscan(Ctx x) {
        scan.run(x, ValueType.HASH, true, (v, cursor, out) -> ((HashValue) v).scan(cursor,
                (fb, fo, fl, vb, vo, vl) -> {
                    out.add(copy(fb, fo, fl));
                    out.add(copy(vb, vo, vl));
                }));
    }
}
