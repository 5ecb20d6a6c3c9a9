package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.DocArg.integer;
import static io.demikv.kvstore.command.DocArg.key;
import static io.demikv.kvstore.command.DocArg.oneof;
import static io.demikv.kvstore.command.DocArg.pure;
import static io.demikv.kvstore.command.DocArg.string;

import io.demikv.kvstore.db.CollectionSettings;
import io.demikv.kvstore.db.Entry;
import io.demikv.kvstore.db.ListValue;
import io.demikv.kvstore.db.Slice;
import io.demikv.kvstore.db.ValueType;
import java.util.Arrays;

/**
 * The list commands (Redis 7.0's {@code t_list.c}), non-blocking forms. A list lives in a
 * {@link ListValue}; the key is created by the first push (announced to the keyspace's
 * {@link io.demikv.kvstore.db.KeyReadyListener}, where blocking pops will hook in) and deleted when its last
 * element goes. LMPOP is logged as LPOP/RPOP with the count it popped. {@link #popAndReply} and
 * {@link #moveOne} are the pieces a blocking BLPOP/BLMPOP/BLMOVE will reuse once a key is ready.
 * Server thread only.
 */
final class ListCommands extends Family {
    private static final byte[] LPOP_NAME = Ctx.ascii("LPOP");
    private static final byte[] RPOP_NAME = Ctx.ascii("RPOP");

    private final Slice element = new Slice();

    ListCommands(ServerState s) {
        super(s);
    }

    @Override
    void register(CommandTable t) {
        t.add(cmd("lpush", -3, "write denyoom fast", 1, 1, 1).acl("list")
                .specs(KeySpec.single(1, "RW insert"))
                .doc("Prepend one or multiple elements to a list", "1.0.0", "list",
                        "O(1) for each element added, so O(N) to add N elements when the command is called with "
                                + "multiple arguments.",
                        key("key"), string("element").multiple())
                .history("2.4.0", "Accepts multiple `element` arguments.")
                .handler(x -> push(x, true, false)));
        t.add(cmd("rpush", -3, "write denyoom fast", 1, 1, 1).acl("list")
                .specs(KeySpec.single(1, "RW insert"))
                .doc("Append one or multiple elements to a list", "1.0.0", "list",
                        "O(1) for each element added, so O(N) to add N elements when the command is called with "
                                + "multiple arguments.",
                        key("key"), string("element").multiple())
                .history("2.4.0", "Accepts multiple `element` arguments.")
                .handler(x -> push(x, false, false)));
        t.add(cmd("lpushx", -3, "write denyoom fast", 1, 1, 1).acl("list")
                .specs(KeySpec.single(1, "RW insert"))
                .doc("Prepend an element to a list, only if the list exists", "2.2.0", "list",
                        "O(1) for each element added, so O(N) to add N elements when the command is called with "
                                + "multiple arguments.",
                        key("key"), string("element").multiple())
                .history("4.0.0", "Accepts multiple `element` arguments.")
                .handler(x -> push(x, true, true)));
        t.add(cmd("rpushx", -3, "write denyoom fast", 1, 1, 1).acl("list")
                .specs(KeySpec.single(1, "RW insert"))
                .doc("Append an element to a list, only if the list exists", "2.2.0", "list",
                        "O(1) for each element added, so O(N) to add N elements when the command is called with "
                                + "multiple arguments.",
                        key("key"), string("element").multiple())
                .history("4.0.0", "Accepts multiple `element` arguments.")
                .handler(x -> push(x, false, true)));
        t.add(cmd("lpop", -2, "write fast", 1, 1, 1).acl("list")
                .specs(KeySpec.single(1, "RW access delete"))
                .doc("Remove and get the first elements in a list", "1.0.0", "list",
                        "O(N) where N is the number of elements returned",
                        key("key"), integer("count").since("6.2.0").optional())
                .history("6.2.0", "Added the `count` argument.")
                .handler(x -> pop(x, true)));
        t.add(cmd("rpop", -2, "write fast", 1, 1, 1).acl("list")
                .specs(KeySpec.single(1, "RW access delete"))
                .doc("Remove and get the last elements in a list", "1.0.0", "list",
                        "O(N) where N is the number of elements returned",
                        key("key"), integer("count").since("6.2.0").optional())
                .history("6.2.0", "Added the `count` argument.")
                .handler(x -> pop(x, false)));
        t.add(cmd("llen", 2, "readonly fast", 1, 1, 1).acl("list")
                .specs(KeySpec.single(1, "RO"))
                .doc("Get the length of a list", "1.0.0", "list",
                        "O(1)",
                        key("key"))
                .handler(this::llen));
        t.add(cmd("lindex", 3, "readonly", 1, 1, 1).acl("list")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Get an element from a list by its index", "1.0.0", "list",
                        "O(N) where N is the number of elements to traverse to get to the element at index. This "
                                + "makes asking for the first or the last element of the list O(1).",
                        key("key"), integer("index"))
                .handler(this::lindex));
        t.add(cmd("lset", 4, "write denyoom", 1, 1, 1).acl("list")
                .specs(KeySpec.single(1, "RW update"))
                .doc("Set the value of an element in a list by its index", "1.0.0", "list",
                        "O(N) where N is the length of the list. Setting either the first or the last element of "
                                + "the list is O(1).",
                        key("key"), integer("index"), string("element"))
                .handler(this::lset));
        t.add(cmd("lrange", 4, "readonly", 1, 1, 1).acl("list")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Get a range of elements from a list", "1.0.0", "list",
                        "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end "
                                + "(HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
                        key("key"), integer("start"), integer("stop"))
                .handler(this::lrange));
        t.add(cmd("ltrim", 4, "write", 1, 1, 1).acl("list")
                .specs(KeySpec.single(1, "RW delete"))
                .doc("Trim a list to the specified range", "1.0.0", "list",
                        "O(N) where N is the number of elements to be removed by the operation.",
                        key("key"), integer("start"), integer("stop"))
                .handler(this::ltrim));
        t.add(cmd("lrem", 4, "write", 1, 1, 1).acl("list")
                .specs(KeySpec.single(1, "RW delete"))
                .doc("Remove elements from a list", "1.0.0", "list",
                        "O(N+M) where N is the length of the list and M is the number of elements removed.",
                        key("key"), integer("count"), string("element"))
                .handler(this::lrem));
        t.add(cmd("linsert", 5, "write denyoom", 1, 1, 1).acl("list")
                .specs(KeySpec.single(1, "RW insert"))
                .doc("Insert an element before or after another element in a list", "2.2.0", "list",
                        "O(N) where N is the number of elements to traverse before seeing the value pivot. This "
                                + "means that inserting somewhere on the left end on the list (head) can be considered O(1) "
                                + "and inserting somewhere on the right end (tail) is O(N).",
                        key("key"), oneof("where", pure("BEFORE"), pure("AFTER")), string("pivot"), string("element"))
                .handler(this::linsert));
        t.add(cmd("lpos", -3, "readonly", 1, 1, 1).acl("list")
                .specs(KeySpec.single(1, "RO access"))
                .doc("Return the index of matching elements on a list", "6.0.6", "list",
                        "O(N) where N is the number of elements in the list, for the average case. When searching "
                                + "for elements near the head or the tail of the list, or when the MAXLEN option is provided, "
                                + "the command may run in constant time.",
                        key("key"), string("element"), integer("rank").token("RANK").optional(),
                        integer("num-matches").token("COUNT").optional(), integer("len").token("MAXLEN").optional())
                .handler(this::lpos));
        t.add(cmd("lmove", 5, "write denyoom", 1, 2, 1).acl("list")
                .specs(KeySpec.single(1, "RW access delete"),
                        KeySpec.single(2, "RW insert"))
                .doc("Pop an element from a list, push it to another list and return it", "6.2.0", "list",
                        "O(1)",
                        key("source"), key("destination", 1), oneof("wherefrom", pure("LEFT"), pure("RIGHT")),
                        oneof("whereto", pure("LEFT"), pure("RIGHT")))
                .handler(this::lmove));
        t.add(cmd("rpoplpush", 3, "write denyoom", 1, 2, 1).acl("list")
                .specs(KeySpec.single(1, "RW access delete"),
                        KeySpec.single(2, "RW insert"))
                .doc("Remove the last element in a list, prepend it to another list and return it", "1.2.0", "list",
                        "O(1)",
                        key("source"), key("destination", 1))
                .deprecated("6.2.0", "`LMOVE` with the `RIGHT` and `LEFT` arguments")
                .handler(x -> move(x, false, true)));
        t.add(cmd("lmpop", -4, "write movablekeys", 0, 0, 0).acl("list")
                .specs(KeySpec.keynum(1, 0, 1, 1, "RW access delete"))
                .doc("Pop elements from a list", "7.0.0", "list",
                        "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
                        integer("numkeys"), key("key").multiple(), oneof("where", pure("LEFT"), pure("RIGHT")),
                        integer("count").token("COUNT").optional())
                .handler(this::lmpop));
    }

    private CollectionSettings cfg() {
        return s.keyspace.collections();
    }

    private void push(Ctx x, boolean head, boolean onlyExisting) {
        Entry e = x.write(1);
        if (wrongType(x, e, ValueType.LIST)) {
            return;
        }
        ListValue list;
        if (e == null) {
            if (onlyExisting) {
                x.reply.integer(0);
                return;
            }
            list = new ListValue();
            x.db.addValue(x.args.buf(), x.args.offset(1), x.args.length(1), list, ValueType.LIST);
        } else {
            list = (ListValue) e.value();
        }
        for (int i = 2; i < x.argc(); i++) {
            if (head) {
                list.pushHead(cfg(), x.args.buf(), x.args.offset(i), x.args.length(i));
            } else {
                list.pushTail(cfg(), x.args.buf(), x.args.offset(i), x.args.length(i));
            }
        }
        x.dirty(x.argc() - 2);
        x.reply.integer(list.size());
    }

    private void pop(Ctx x, boolean head) {
        boolean hasCount = x.argc() == 3;
        long count = 0;
        if (x.argc() > 3) {
            x.error(Errors.wrongArity(x.cmd.fullName));
            return;
        } else if (hasCount) {
            if (!positiveCount(x, 2)) {
                return;
            }
            count = x.lval;
        }
        Entry e = x.write(1);
        if (e == null) {
            if (hasCount) {
                x.reply.nullArray();
            } else {
                x.reply.nullBulk();
            }
            return;
        }
        if (wrongType(x, e, ValueType.LIST)) {
            return;
        }
        if (hasCount && count == 0) {
            x.reply.array(0);
            return;
        }
        ListValue list = (ListValue) e.value();
        if (!hasCount) {
            x.reply.bulk(head ? list.popHead() : list.popTail());
            removed(x, e, list, 1);
            return;
        }
        popRange(x, e, list, head, count);
    }

    /** Pops up to {@code count} elements from one end and replies them as an array (RPOP: last first). */
    private long popRange(Ctx x, Entry e, ListValue list, boolean head, long count) {
        long n = Math.min(count, list.size());
        x.reply.array((int) n);
        for (long i = 0; i < n; i++) {
            x.reply.bulk(head ? list.popHead() : list.popTail());
        }
        removed(x, e, list, n);
        return n;
    }

    /** After {@code n} elements left the list: counts the change and deletes the key when empty. */
    private static void removed(Ctx x, Entry e, ListValue list, long n) {
        x.dirty(n);
        if (list.size() == 0) {
            x.db.delete(e);
        }
    }

    /**
     * Pops up to {@code count} elements from the list at {@code e} and replies {@code [key, [elements]]}
     * (LMPOP's shape), logging the pop as {@code LPOP|RPOP key n}. For LMPOP and a blocking form serving
     * a ready key.
     */
    void popAndReply(Ctx x, Entry e, boolean head, long count) {
        ListValue list = (ListValue) e.value();
        byte[] key = e.keyCopy();
        x.reply.array(2);
        x.reply.bulk(key);
        long n = popRange(x, e, list, head, count);
        if (x.logging()) {
            x.propagateAs(head ? LPOP_NAME : RPOP_NAME, key, Numbers.toBytes(n));
        }
    }

    private void llen(Ctx x) {
        Entry e = x.read(1);
        if (!wrongType(x, e, ValueType.LIST)) {
            x.reply.integer(e == null ? 0 : ((ListValue) e.value()).size());
        }
    }

    private void lindex(Ctx x) {
        Entry e = x.read(1);
        if (e == null) {
            x.reply.nullBulk();
            return;
        }
        if (wrongType(x, e, ValueType.LIST) || !x.longOrReply(2)) {
            return;
        }
        if (((ListValue) e.value()).get(x.lval, element)) {
            bulk(x, element);
        } else {
            x.reply.nullBulk();
        }
    }

    private void lset(Ctx x) {
        Entry e = x.write(1);
        if (e == null) {
            x.error(Errors.NO_SUCH_KEY);
            return;
        }
        if (wrongType(x, e, ValueType.LIST) || !x.longOrReply(2)) {
            return;
        }
        ListValue list = (ListValue) e.value();
        if (!list.set(cfg(), x.lval, x.args.buf(), x.args.offset(3), x.args.length(3))) {
            x.error("ERR index out of range");
            return;
        }
        x.dirty();
        x.reply.ok();
    }

    private void lrange(Ctx x) {
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
            x.reply.array(0);
            return;
        }
        if (wrongType(x, e, ValueType.LIST)) {
            return;
        }
        ListValue list = (ListValue) e.value();
        long llen = list.size();
        if (start < 0) {
            start = llen + start;
        }
        if (end < 0) {
            end = llen + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= llen) {
            x.reply.array(0);
            return;
        }
        if (end >= llen) {
            end = llen - 1;
        }
        long n = end - start + 1;
        x.reply.array((int) n);
        ListValue.Cursor c = list.cursor(start, true);
        for (long i = 0; i < n && c.next(element); i++) {
            bulk(x, element);
        }
    }

    private void ltrim(Ctx x) {
        if (!x.longOrReply(2)) {
            return;
        }
        long start = x.lval;
        if (!x.longOrReply(3)) {
            return;
        }
        long end = x.lval;
        Entry e = x.write(1);
        if (e == null) {
            x.reply.ok();
            return;
        }
        if (wrongType(x, e, ValueType.LIST)) {
            return;
        }
        ListValue list = (ListValue) e.value();
        long llen = list.size();
        if (start < 0) {
            start = llen + start;
        }
        if (end < 0) {
            end = llen + end;
        }
        if (start < 0) {
            start = 0;
        }
        long ltrim;
        long rtrim;
        if (start > end || start >= llen) {
            ltrim = 0;
            rtrim = llen;
        } else {
            if (end >= llen) {
                end = llen - 1;
            }
            ltrim = start;
            rtrim = llen - end - 1;
        }
        list.trimHead(ltrim);
        list.trimTail(rtrim);
        if (list.size() == 0) {
            x.db.delete(e);
        }
        x.dirty(ltrim + rtrim);
        x.reply.ok();
    }

    private boolean equalsArg(Ctx x, Slice el, int i) {
        return Arrays.equals(el.array(), el.offset(), el.offset() + el.length(), x.args.buf(), x.args.offset(i),
                x.args.offset(i) + x.args.length(i));
    }

    private void lrem(Ctx x) {
        if (!x.longOrReply(2)) {
            return;
        }
        long toRemove = x.lval;
        Entry e = x.write(1);
        if (e == null) {
            x.reply.integer(0);
            return;
        }
        if (wrongType(x, e, ValueType.LIST)) {
            return;
        }
        ListValue list = (ListValue) e.value();
        ListValue.Cursor c = toRemove < 0 ? list.cursor(list.size() - 1, false) : list.cursor(0, true);
        toRemove = Math.abs(toRemove);
        long removed = 0;
        while (c.next(element)) {
            if (equalsArg(x, element, 3)) {
                c.remove();
                removed++;
                if (toRemove != 0 && removed == toRemove) {
                    break;
                }
            }
        }
        if (list.size() == 0) {
            x.db.delete(e);
        }
        x.dirty(removed);
        x.reply.integer(removed);
    }

    private void linsert(Ctx x) {
        boolean after;
        if (x.args.is(2, "after")) {
            after = true;
        } else if (x.args.is(2, "before")) {
            after = false;
        } else {
            x.syntaxError();
            return;
        }
        Entry e = x.write(1);
        if (e == null) {
            x.reply.integer(0);
            return;
        }
        if (wrongType(x, e, ValueType.LIST)) {
            return;
        }
        ListValue list = (ListValue) e.value();
        ListValue.Cursor c = list.cursor(0, true);
        while (c.next(element)) {
            if (equalsArg(x, element, 3)) {
                c.insert(cfg(), after, x.args.buf(), x.args.offset(4), x.args.length(4));
                x.dirty();
                x.reply.integer(list.size());
                return;
            }
        }
        x.reply.integer(-1);
    }

    private void lpos(Ctx x) {
        long rank = 1;
        long count = -1;
        long maxlen = 0;
        for (int j = 3; j < x.argc(); j++) {
            boolean more = j < x.argc() - 1;
            if (x.args.is(j, "rank") && more) {
                j++;
                if (!x.longOrReply(j)) {
                    return;
                }
                rank = x.lval;
                if (rank == 0) {
                    x.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                            + "or use negative to start from the end of the list");
                    return;
                }
            } else if (x.args.is(j, "count") && more) {
                j++;
                if (!x.parseLong(j) || x.lval < 0) {
                    x.error("ERR COUNT can't be negative");
                    return;
                }
                count = x.lval;
            } else if (x.args.is(j, "maxlen") && more) {
                j++;
                if (!x.parseLong(j) || x.lval < 0) {
                    x.error("ERR MAXLEN can't be negative");
                    return;
                }
                maxlen = x.lval;
            } else {
                x.syntaxError();
                return;
            }
        }
        boolean forward = rank > 0;
        if (rank < 0) {
            rank = -rank; // stays negative for LONG_MIN, as in C: then every match qualifies
        }
        Entry e = x.read(1);
        if (e == null) {
            if (count != -1) {
                x.reply.array(0);
            } else {
                x.reply.nullBulk();
            }
            return;
        }
        if (wrongType(x, e, ValueType.LIST)) {
            return;
        }
        ListValue list = (ListValue) e.value();
        ListValue.Cursor c = forward ? list.cursor(0, true) : list.cursor(list.size() - 1, false);
        long scanned = 0;
        long matches = 0;
        java.util.List<Long> found = new java.util.ArrayList<>();
        while ((maxlen == 0 || scanned < maxlen) && c.next(element)) {
            scanned++;
            if (equalsArg(x, element, 2)) {
                matches++;
                if (matches >= rank) {
                    found.add(c.index());
                    if (count == -1 || (count != 0 && matches - rank + 1 >= count)) {
                        break;
                    }
                }
            }
        }
        if (count != -1) {
            x.reply.array(found.size());
            for (long i : found) {
                x.reply.integer(i);
            }
        } else if (found.isEmpty()) {
            x.reply.nullBulk();
        } else {
            x.reply.integer(found.get(0));
        }
    }

    /** LEFT/RIGHT of LMOVE and LMPOP into {@code head}; false after replying a syntax error. */
    private boolean where(Ctx x, int i, boolean[] head) {
        if (x.args.is(i, "left")) {
            head[0] = true;
        } else if (x.args.is(i, "right")) {
            head[0] = false;
        } else {
            x.syntaxError();
            return false;
        }
        return true;
    }

    private void lmove(Ctx x) {
        boolean[] from = new boolean[1];
        boolean[] to = new boolean[1];
        if (where(x, 3, from) && where(x, 4, to)) {
            move(x, from[0], to[0]);
        }
    }

    private void move(Ctx x, boolean fromHead, boolean toHead) {
        Entry src = x.write(1);
        if (src == null) {
            x.reply.nullBulk();
            return;
        }
        if (wrongType(x, src, ValueType.LIST)) {
            return;
        }
        Entry dst = x.write(2);
        if (wrongType(x, dst, ValueType.LIST)) {
            return;
        }
        moveOne(x, src, dst, fromHead, toHead);
    }

    /**
     * Moves one element from the list at {@code src} to the list at {@code dst} (null: created at key
     * argument 2) and replies it; deletes the source when it empties. For LMOVE/RPOPLPUSH and a blocking
     * BLMOVE serving a ready key.
     */
    void moveOne(Ctx x, Entry src, Entry dst, boolean fromHead, boolean toHead) {
        ListValue from = (ListValue) src.value();
        byte[] v = fromHead ? from.popHead() : from.popTail();
        ListValue to;
        if (dst == null) {
            to = new ListValue();
            x.db.addValue(x.args.buf(), x.args.offset(2), x.args.length(2), to, ValueType.LIST);
        } else {
            to = (ListValue) dst.value();
        }
        if (toHead) {
            to.pushHead(cfg(), v, 0, v.length);
        } else {
            to.pushTail(cfg(), v, 0, v.length);
        }
        x.reply.bulk(v);
        if (from.size() == 0) {
            x.db.delete(src);
        }
        x.dirty();
    }

    private void lmpop(Ctx x) {
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
        boolean[] head = new boolean[1];
        if (!where(x, (int) whereIdx, head)) {
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
            if (wrongType(x, e, ValueType.LIST)) {
                return;
            }
            popAndReply(x, e, head[0], count);
            return;
        }
        x.reply.nullArray();
    }
}
