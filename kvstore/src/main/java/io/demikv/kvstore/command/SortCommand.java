package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.DocArg.block;
import static io.demikv.kvstore.command.DocArg.integer;
import static io.demikv.kvstore.command.DocArg.key;
import static io.demikv.kvstore.command.DocArg.oneof;
import static io.demikv.kvstore.command.DocArg.pattern;
import static io.demikv.kvstore.command.DocArg.pure;

import io.demikv.kvstore.db.CollectionSettings;
import io.demikv.kvstore.db.Entry;
import io.demikv.kvstore.db.HashValue;
import io.demikv.kvstore.db.ListValue;
import io.demikv.kvstore.db.SetValue;
import io.demikv.kvstore.db.Slice;
import io.demikv.kvstore.db.ValueType;
import io.demikv.kvstore.db.ZSetValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * SORT and SORT_RO (Redis 7.0's {@code sort.c}): sorts a list, set or sorted set numerically or ALPHA,
 * by the elements or by external keys ({@code BY weight_*}, hash fields {@code BY h_*->f}), with LIMIT,
 * ASC/DESC, any number of {@code GET} patterns ({@code #} is the element itself) and STORE into a list.
 * {@code BY} without {@code *} skips sorting (native order), except for a set being stored, which is
 * sorted ALPHA so that the stored list does not depend on hash-table order. Server thread only.
 */
final class SortCommand extends Family {
    private final Doubles.Parse parse = new Doubles.Parse();
    private final Slice view = new Slice();

    SortCommand(ServerState s) {
        super(s);
    }

    @Override
    void register(CommandTable t) {
        t.add(cmd("sort", -2, "write denyoom movablekeys", 1, 1, 1).acl("set sortedset list dangerous")
                .specs(KeySpec.single(1, "RO access"),
                        KeySpec.unknown("RO access")
                        .withNotes("For the optional BY/GET keyword. It is marked 'unknown' because the key names "
                                + "derive from the content of the key we sort"),
                        KeySpec.unknown("OW update")
                        .withNotes("For the optional STORE keyword. It is marked 'unknown' because the keyword can "
                                + "appear anywhere in the argument array"))
                .doc("Sort the elements in a list, set or sorted set", "1.0.0", "generic",
                        "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
                                + "number of returned elements. When the elements are not sorted, complexity is O(N).",
                        key("key"), pattern("pattern").keySpec(1).token("BY").optional(),
                        block("offset_count", integer("offset"), integer("count")).token("LIMIT").optional(),
                        pattern("pattern").keySpec(1).token("GET").optional().multiple().multipleToken(),
                        oneof("order", pure("ASC"), pure("DESC")).optional(), pure("sorting", "ALPHA").optional(),
                        key("destination", 2).token("STORE").optional())
                .handler(x -> sort(x, false)));
        t.add(cmd("sort_ro", -2, "readonly movablekeys", 1, 1, 1).acl("set sortedset list dangerous")
                .specs(KeySpec.single(1, "RO access"),
                        KeySpec.unknown("RO access")
                        .withNotes("For the optional BY/GET keyword. It is marked 'unknown' because the key names "
                                + "derive from the content of the key we sort"))
                .doc("Sort the elements in a list, set or sorted set. Read-only variant of SORT.", "7.0.0",
                        "generic",
                        "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
                                + "number of returned elements. When the elements are not sorted, complexity is O(N).",
                        key("key"), pattern("pattern").keySpec(1).token("BY").optional(),
                        block("offset_count", integer("offset"), integer("count")).token("LIMIT").optional(),
                        pattern("pattern").keySpec(1).token("GET").optional().multiple().multipleToken(),
                        oneof("order", pure("ASC"), pure("DESC")).optional(), pure("sorting", "ALPHA").optional())
                .handler(x -> sort(x, true)));
    }

    /** One element being sorted: its bytes and its sort key (a score, or bytes for ALPHA BY). */
    private static final class Item {
        final byte[] obj;
        double score;
        byte[] cmp;

        Item(byte[] obj) {
            this.obj = obj;
        }
    }

    private void sort(Ctx x, boolean readonly) {
        boolean desc = false;
        boolean alpha = false;
        boolean dontSort = false;
        long limitStart = 0;
        long limitCount = -1;
        byte[] sortBy = null;
        int storeArg = -1;
        List<byte[]> gets = new ArrayList<>();
        for (int j = 2; j < x.argc(); j++) {
            int left = x.argc() - j - 1;
            if (x.args.is(j, "asc")) {
                desc = false;
            } else if (x.args.is(j, "desc")) {
                desc = true;
            } else if (x.args.is(j, "alpha")) {
                alpha = true;
            } else if (x.args.is(j, "limit") && left >= 2) {
                if (!x.longOrReply(j + 1)) {
                    return;
                }
                limitStart = x.lval;
                if (!x.longOrReply(j + 2)) {
                    return;
                }
                limitCount = x.lval;
                j += 2;
            } else if (!readonly && x.args.is(j, "store") && left >= 1) {
                storeArg = j + 1;
                j++;
            } else if (x.args.is(j, "by") && left >= 1) {
                sortBy = cString(x.arg(j + 1));
                dontSort = indexOf(sortBy, (byte) '*', 0) < 0;
                j++;
            } else if (x.args.is(j, "get") && left >= 1) {
                gets.add(x.arg(j + 1));
                j++;
            } else {
                x.syntaxError();
                return;
            }
        }
        Entry e = x.read(1);
        if (e != null && e.type() != ValueType.SET && e.type() != ValueType.LIST && e.type() != ValueType.ZSET) {
            x.wrongType();
            return;
        }
        ValueType type = e == null ? ValueType.LIST : e.type();
        if (type == ValueType.ZSET) {
            // Redis converts the sorted set it sorts to a skip list for good (OBJECT ENCODING shows it).
            ((ZSetValue) e.value()).convertToSkipList(s.keyspace.collections());
        }
        if (dontSort && type == ValueType.SET && storeArg >= 0) {
            dontSort = false;
            alpha = true;
            sortBy = null;
        }
        long size = e == null ? 0 : ((io.demikv.kvstore.db.Structure) e.value()).size();
        long start = limitStart < 0 ? 0 : limitStart;
        long end = limitCount < 0 ? size - 1 : start + limitCount - 1;
        if (start >= size) {
            start = size - 1;
            end = size - 2;
        }
        if (end >= size) {
            end = size - 1;
        }
        List<Item> vector = new ArrayList<>();
        if (e != null) {
            load(e, type, dontSort, desc, start, end, vector);
            if (dontSort && type != ValueType.SET && end >= start) {
                end -= start;
                start = 0;
            }
        }
        boolean conversionError = false;
        if (!dontSort) {
            for (Item it : vector) {
                byte[] by;
                if (sortBy != null) {
                    by = lookupByPattern(x, sortBy, it.obj);
                    if (by == null) {
                        continue;
                    }
                } else {
                    by = it.obj;
                }
                if (alpha) {
                    if (sortBy != null) {
                        it.cmp = by;
                    }
                } else {
                    Doubles.strtod(by, 0, by.length, parse);
                    int stop = parse.consumed;
                    it.score = parse.value;
                    if ((stop < by.length && by[stop] != 0) || parse.erange || Double.isNaN(parse.value)) {
                        conversionError = true;
                    }
                }
            }
            vector.sort(comparator(alpha, sortBy != null, storeArg >= 0, desc));
        }
        long outputLen = gets.isEmpty() ? end - start + 1 : gets.size() * (end - start + 1);
        if (conversionError) {
            x.error("ERR One or more scores can't be converted into double");
            return;
        }
        if (storeArg < 0) {
            x.reply.array((int) Math.max(0, outputLen));
            for (long j = start; j <= end; j++) {
                Item it = vector.get((int) j);
                if (gets.isEmpty()) {
                    x.reply.bulk(it.obj);
                }
                for (byte[] g : gets) {
                    byte[] v = lookupByPattern(x, g, it.obj);
                    if (v == null) {
                        x.reply.nullBulk();
                    } else {
                        x.reply.bulk(v);
                    }
                }
            }
            return;
        }
        CollectionSettings cfg = s.keyspace.collections();
        ListValue out = new ListValue();
        for (long j = start; j <= end; j++) {
            Item it = vector.get((int) j);
            if (gets.isEmpty()) {
                out.pushTail(cfg, it.obj, 0, it.obj.length);
            }
            for (byte[] g : gets) {
                byte[] v = lookupByPattern(x, g, it.obj);
                if (v == null) {
                    v = new byte[0];
                }
                out.pushTail(cfg, v, 0, v.length);
            }
        }
        if (outputLen > 0) {
            x.db.setValue(x.args.buf(), x.args.offset(storeArg), x.args.length(storeArg), out, ValueType.LIST);
            x.dirty(outputLen);
        } else if (x.db.delete(x.args.buf(), x.args.offset(storeArg), x.args.length(storeArg))) {
            x.dirty();
        }
        x.reply.integer(Math.max(0, outputLen));
    }

    /** Fills the vector: the range [start, end] in native order when not sorting lists and sorted sets. */
    private void load(Entry e, ValueType type, boolean dontSort, boolean desc, long start, long end,
                      List<Item> vector) {
        Object v = e.value();
        if (type == ValueType.LIST) {
            ListValue list = (ListValue) v;
            if (dontSort) {
                if (end >= start) {
                    long n = end - start + 1;
                    ListValue.Cursor c = desc ? list.cursor(list.size() - start - 1, false) : list.cursor(start, true);
                    for (long i = 0; i < n && c.next(view); i++) {
                        vector.add(new Item(view.copy()));
                    }
                }
            } else {
                ListValue.Cursor c = list.cursor(0, true);
                while (c.next(view)) {
                    vector.add(new Item(view.copy()));
                }
            }
        } else if (type == ValueType.SET) {
            ((SetValue) v).forEach(m -> vector.add(new Item(m.copy())));
        } else {
            ZSetValue z = (ZSetValue) v;
            if (dontSort) {
                if (end >= start) {
                    long n = end - start + 1;
                    long from = desc ? z.size() - 1 - start : start;
                    z.range(from, n, desc, (m, score) -> vector.add(new Item(m.copy())));
                }
            } else {
                z.range(0, z.size(), false, (m, score) -> vector.add(new Item(m.copy())));
            }
        }
    }

    /** Redis's sortCompare; ALPHA without STORE collates as strcoll in the C locale (up to a NUL). */
    private static Comparator<Item> comparator(boolean alpha, boolean byPattern, boolean store, boolean desc) {
        Comparator<Item> c;
        if (!alpha) {
            c = (a, b) -> a.score > b.score ? 1 : a.score < b.score ? -1 : compare(a.obj, b.obj, false);
        } else if (byPattern) {
            c = (a, b) -> {
                if (a.cmp == null || b.cmp == null) {
                    return a.cmp == b.cmp ? 0 : a.cmp == null ? -1 : 1;
                }
                return compare(a.cmp, b.cmp, !store);
            };
        } else {
            c = (a, b) -> compare(a.obj, b.obj, !store);
        }
        return desc ? c.reversed() : c;
    }

    private static int compare(byte[] a, byte[] b, boolean cString) {
        int la = cString ? cLength(a) : a.length;
        int lb = cString ? cLength(b) : b.length;
        int r = Arrays.compareUnsigned(a, 0, la, b, 0, lb);
        return Integer.signum(r);
    }

    private static int cLength(byte[] a) {
        int i = indexOf(a, (byte) 0, 0);
        return i < 0 ? a.length : i;
    }

    private static int indexOf(byte[] a, byte c, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** The pattern as C sees it: up to the first NUL. */
    private static byte[] cString(byte[] a) {
        return Arrays.copyOf(a, cLength(a));
    }

    /**
     * Redis's lookupKeyByPattern: {@code #} is the element itself; otherwise the first {@code *} is
     * replaced by the element and the string key read, or with {@code ->field} after the star, that
     * field of the hash. Null when the pattern has no star, the key is absent or of another type.
     */
    private byte[] lookupByPattern(Ctx x, byte[] patternIn, byte[] subst) {
        byte[] pattern = cString(patternIn);
        if (pattern.length == 1 && pattern[0] == '#') {
            return subst;
        }
        int star = indexOf(pattern, (byte) '*', 0);
        if (star < 0) {
            return null;
        }
        int arrow = -1;
        for (int i = star + 1; i + 1 < pattern.length; i++) {
            if (pattern[i] == '-' && pattern[i + 1] == '>') {
                arrow = i;
                break;
            }
        }
        byte[] field = null;
        if (arrow >= 0 && arrow + 2 < pattern.length) {
            field = Arrays.copyOfRange(pattern, arrow + 2, pattern.length);
        } else {
            arrow = -1;
        }
        int postEnd = arrow >= 0 ? arrow : pattern.length;
        byte[] key = new byte[star + subst.length + (postEnd - star - 1)];
        System.arraycopy(pattern, 0, key, 0, star);
        System.arraycopy(subst, 0, key, star, subst.length);
        System.arraycopy(pattern, star + 1, key, star + subst.length, postEnd - star - 1);
        Entry e = x.db.lookup(key, 0, key.length, true);
        if (e == null) {
            return null;
        }
        if (field != null) {
            if (e.type() != ValueType.HASH) {
                return null;
            }
            return ((HashValue) e.value()).get(field, 0, field.length, view) ? view.copy() : null;
        }
        return e.type() == ValueType.STRING ? e.valueCopy() : null;
    }
}
