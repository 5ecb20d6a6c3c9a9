package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.DocArg.integer;
import static io.demikv.kvstore.command.DocArg.key;
import static io.demikv.kvstore.command.DocArg.oneof;
import static io.demikv.kvstore.command.DocArg.pattern;
import static io.demikv.kvstore.command.DocArg.pure;
import static io.demikv.kvstore.command.DocArg.string;

import io.demikv.config.Glob;
import io.demikv.kvstore.db.Db;
import io.demikv.kvstore.db.Encoding;
import io.demikv.kvstore.db.Entry;
import io.demikv.kvstore.db.ValueType;
import java.util.ArrayList;
import java.util.List;

/**
 * Generic keyspace commands (Redis's {@code db.c} and {@code object.c}): TYPE, EXISTS, DEL, UNLINK, TOUCH,
 * RENAME(NX), RANDOMKEY, KEYS, SCAN, DBSIZE, SWAPDB, FLUSHDB, FLUSHALL, OBJECT. Server thread only.
 */
final class KeyCommands extends Family {
    /** Keys collected by one SCAN call (reused). */
    private final List<Entry> scanned = new ArrayList<>();

    KeyCommands(ServerState s) {
        super(s);
    }

    @Override
    void register(CommandTable t) {
        t.add(cmd("type", 2, "readonly fast", 1, 1, 1).acl("keyspace")
                .specs(KeySpec.single(1, "RO"))
                .doc("Determine the type stored at key", "1.0.0", "generic", "O(1)", key("key"))
                .handler(this::type));
        t.add(cmd("exists", -2, "readonly fast", 1, -1, 1).acl("keyspace")
                .tips("request_policy:multi_shard", "response_policy:agg_sum")
                .specs(KeySpec.range(1, -1, 1, "RO"))
                .doc("Determine if a key exists", "1.0.0", "generic",
                        "O(N) where N is the number of keys to check.", key("key").multiple())
                .history("3.0.3", "Accepts multiple `key` arguments.")
                .handler(this::exists));
        t.add(cmd("del", -2, "write", 1, -1, 1).acl("keyspace")
                .tips("request_policy:multi_shard", "response_policy:agg_sum")
                .specs(KeySpec.range(1, -1, 1, "RM delete"))
                .doc("Delete a key", "1.0.0", "generic",
                        "O(N) where N is the number of keys that will be removed. When a key to remove holds a "
                                + "value other than a string, the individual complexity for this key is O(M) where "
                                + "M is the number of elements in the list, set, sorted set or hash. Removing a "
                                + "single key that holds a string value is O(1).",
                        key("key").multiple())
                .handler(this::del));
        t.add(cmd("unlink", -2, "write fast", 1, -1, 1).acl("keyspace")
                .tips("request_policy:multi_shard", "response_policy:agg_sum")
                .specs(KeySpec.range(1, -1, 1, "RM delete"))
                .doc("Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non "
                                + "blocking.", "4.0.0", "generic",
                        "O(1) for each key removed regardless of its size. Then the command does O(N) work in a "
                                + "different thread in order to reclaim memory, where N is the number of "
                                + "allocations the deleted objects where composed of.",
                        key("key").multiple())
                .handler(this::del));
        t.add(cmd("touch", -2, "readonly fast", 1, -1, 1).acl("keyspace")
                .tips("request_policy:multi_shard", "response_policy:agg_sum")
                .specs(KeySpec.range(1, -1, 1, "RO"))
                .doc("Alters the last access time of a key(s). Returns the number of existing keys specified.",
                        "3.2.1", "generic", "O(N) where N is the number of keys that will be touched.",
                        key("key").multiple())
                .handler(this::touch));
        t.add(cmd("rename", 3, "write", 1, 2, 1).acl("keyspace")
                .specs(KeySpec.single(1, "RW access delete"), KeySpec.single(2, "OW update"))
                .doc("Rename a key", "1.0.0", "generic", "O(1)", key("key", 0), key("newkey", 1))
                .handler(x -> rename(x, false)));
        t.add(cmd("renamenx", 3, "write fast", 1, 2, 1).acl("keyspace")
                .specs(KeySpec.single(1, "RW access delete"), KeySpec.single(2, "OW insert"))
                .doc("Rename a key, only if the new key does not exist", "1.0.0", "generic", "O(1)",
                        key("key", 0), key("newkey", 1))
                .history("3.2.0", "The command no longer returns an error when source and destination names "
                        + "are the same.")
                .handler(x -> rename(x, true)));
        t.add(cmd("randomkey", 1, "readonly", 0, 0, 0).acl("keyspace")
                .tips("request_policy:all_shards", "nondeterministic_output")
                .doc("Return a random key from the keyspace", "1.0.0", "generic", "O(1)")
                .handler(this::randomkey));
        t.add(cmd("keys", 2, "readonly", 0, 0, 0).acl("keyspace dangerous")
                .tips("request_policy:all_shards", "nondeterministic_output_order")
                .doc("Find all keys matching the given pattern", "1.0.0", "generic",
                        "O(N) with N being the number of keys in the database, under the assumption that the "
                                + "key names in the database and the given pattern have limited length.",
                        pattern("pattern"))
                .handler(this::keys));
        t.add(cmd("scan", -2, "readonly", 0, 0, 0).acl("keyspace")
                .tips("nondeterministic_output", "request_policy:special")
                .doc("Incrementally iterate the keys space", "2.8.0", "generic",
                        "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
                                + "the cursor to return back to 0. N is the number of elements inside the "
                                + "collection.",
                        integer("cursor"), pattern("pattern").token("MATCH").optional(),
                        integer("count").token("COUNT").optional(),
                        string("type").token("TYPE").since("6.0.0").optional())
                .history("6.0.0", "Added the `TYPE` subcommand.")
                .handler(this::scan));
        t.add(cmd("dbsize", 1, "readonly fast", 0, 0, 0).acl("keyspace")
                .tips("request_policy:all_shards", "response_policy:agg_sum")
                .doc("Return the number of keys in the selected database", "1.0.0", "server", "O(1)")
                .handler(x -> x.reply.integer(x.db.size())));
        t.add(cmd("swapdb", 3, "write fast", 0, 0, 0).acl("keyspace dangerous")
                .doc("Swaps two Redis databases", "4.0.0", "server",
                        "O(N) where N is the count of clients watching or blocking on keys from both databases.",
                        integer("index1"), integer("index2"))
                .handler(this::swapdb));
        DocArg flushMode = oneof("async", pure("async", "ASYNC").since("4.0.0"),
                pure("sync", "SYNC").since("6.2.0")).optional();
        t.add(cmd("flushdb", -1, "write", 0, 0, 0).acl("keyspace dangerous")
                .tips("request_policy:all_shards", "response_policy:all_succeeded")
                .doc("Remove all keys from the current database", "1.0.0", "server",
                        "O(N) where N is the number of keys in the selected database", flushMode)
                .history("4.0.0", "Added the `ASYNC` flushing mode modifier.",
                        "6.2.0", "Added the `SYNC` flushing mode modifier.")
                .handler(x -> flush(x, false)));
        t.add(cmd("flushall", -1, "write", 0, 0, 0).acl("keyspace dangerous")
                .tips("request_policy:all_shards", "response_policy:all_succeeded")
                .doc("Remove all keys from all databases", "1.0.0", "server",
                        "O(N) where N is the total number of keys in all databases", flushMode)
                .history("4.0.0", "Added the `ASYNC` flushing mode modifier.",
                        "6.2.0", "Added the `SYNC` flushing mode modifier.")
                .handler(x -> flush(x, true)));

        CommandSpec object = container("object", "A container for object introspection commands", "2.2.3",
                "generic");
        sub(object, "encoding", 3, "readonly").keys(2, 2, 1).acl("keyspace")
                .tips("nondeterministic_output").specs(KeySpec.single(2, "RO"))
                .doc("Inspect the internal encoding of a Redis object", "2.2.3", "generic", "O(1)", key("key"))
                .handler(x -> object(x, 'e'));
        sub(object, "freq", 3, "readonly").keys(2, 2, 1).acl("keyspace")
                .tips("nondeterministic_output").specs(KeySpec.single(2, "RO"))
                .doc("Get the logarithmic access frequency counter of a Redis object", "4.0.0", "generic",
                        "O(1)", key("key"))
                .handler(x -> object(x, 'f'));
        sub(object, "idletime", 3, "readonly").keys(2, 2, 1).acl("keyspace")
                .tips("nondeterministic_output").specs(KeySpec.single(2, "RO"))
                .doc("Get the time since a Redis object was last accessed", "2.2.3", "generic", "O(1)",
                        key("key"))
                .handler(x -> object(x, 'i'));
        sub(object, "refcount", 3, "readonly").keys(2, 2, 1).acl("keyspace")
                .tips("nondeterministic_output").specs(KeySpec.single(2, "RO"))
                .doc("Get the number of references to the value of the key", "2.2.3", "generic", "O(1)",
                        key("key"))
                .handler(x -> object(x, 'r'));
        sub(object, "help", 2, "loading stale").acl("keyspace")
                .doc("Show helpful text about the different subcommands", "6.2.0", "generic", "O(1)")
                .handler(x -> help(x,
                        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                        "ENCODING <key>",
                        "    Return the kind of internal representation used in order to store the value",
                        "    associated with a <key>.",
                        "FREQ <key>",
                        "    Return the access frequency index of the <key>. The returned integer is",
                        "    proportional to the logarithm of the recent access frequency of the key.",
                        "IDLETIME <key>",
                        "    Return the idle time of the <key>, that is the approximated number of",
                        "    seconds elapsed since the last access to the key.",
                        "REFCOUNT <key>",
                        "    Return the number of references of the value associated with the specified",
                        "    <key>.",
                        "HELP",
                        "    Prints this help."));
        t.add(object);
    }

    private void type(Ctx x) {
        Entry e = x.readNoTouch(1);
        x.reply.simple(e == null ? "none" : e.type().typeName());
    }

    private void exists(Ctx x) {
        long n = 0;
        for (int i = 1; i < x.argc(); i++) {
            if (x.readNoTouch(i) != null) {
                n++;
            }
        }
        x.reply.integer(n);
    }

    private void del(Ctx x) {
        long n = 0;
        for (int i = 1; i < x.argc(); i++) {
            if (x.db.delete(x.args.buf(), x.args.offset(i), x.args.length(i))) {
                n++;
                x.dirty();
            }
        }
        x.reply.integer(n);
    }

    private void touch(Ctx x) {
        long n = 0;
        for (int i = 1; i < x.argc(); i++) {
            if (x.read(i) != null) {
                n++;
            }
        }
        x.reply.integer(n);
    }

    private void rename(Ctx x, boolean nx) {
        boolean same = x.args.length(1) == x.args.length(2) && java.util.Arrays.equals(x.args.buf(),
                x.args.offset(1), x.args.offset(1) + x.args.length(1), x.args.buf(), x.args.offset(2),
                x.args.offset(2) + x.args.length(2));
        Entry src = x.write(1);
        if (src == null) {
            x.error(Errors.NO_SUCH_KEY);
            return;
        }
        if (same) {
            if (nx) {
                x.reply.integer(0);
            } else {
                x.reply.ok();
            }
            return;
        }
        long expire = x.db.expireOf(src);
        Entry dst = x.write(2);
        if (dst != null) {
            if (nx) {
                x.reply.integer(0);
                return;
            }
            x.db.delete(dst);
        }
        Entry moved = x.db.addMoved(x.args.buf(), x.args.offset(2), x.args.length(2), src);
        if (expire != -1) {
            x.db.setExpire(moved, expire);
        }
        x.db.delete(src);
        x.dirty();
        if (nx) {
            x.reply.integer(1);
        } else {
            x.reply.ok();
        }
    }

    private void randomkey(Ctx x) {
        Entry e = x.db.randomEntry(s.keyspace.random());
        if (e == null) {
            x.reply.nullBulk();
        } else {
            x.reply.bulk(e.keyBytes(), 0, e.keyLen());
        }
    }

    private void keys(Ctx x) {
        byte[] pat = x.arg(1);
        boolean all = pat.length == 1 && pat[0] == '*';
        Db db = x.db;
        List<Entry> out = new ArrayList<>();
        db.forEach(e -> {
            if ((all || Glob.matches(pat, 0, pat.length, e.keyBytes(), 0, e.keyLen(), false)) && !db.isExpired(e)) {
                out.add(e);
            }
        });
        x.reply.array(out.size());
        for (Entry e : out) {
            x.reply.bulk(e.keyBytes(), 0, e.keyLen());
        }
    }

    /**
     * The SCAN cursor as C's strtoul reads it (decimal, optional sign, a '-' negates modulo 2^64, empty is
     * 0); -1 in {@code out[1]} marks an invalid cursor.
     */
    static boolean parseCursor(byte[] b, int off, int len, long[] out) {
        int i = off;
        int end = off + len;
        if (len > 0 && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r'))) {
            return false; // Redis rejects leading whitespace explicitly
        }
        boolean neg = false;
        if (i < end && (b[i] == '+' || b[i] == '-')) {
            neg = b[i] == '-';
            i++;
        }
        int digitsStart = i;
        long v = 0;
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
                return false;
            }
            long next = v * 10 + d;
            if (Long.compareUnsigned(next, v * 10) < 0) {
                return false;
            }
            v = next;
        }
        if (i == digitsStart && len > 0) {
            // strtoul consumed nothing: "+" or "-" alone leaves eptr at the start, which is not '\0'
            return false;
        }
        out[0] = neg ? -v : v;
        return true;
    }

    private final long[] cursorSlot = new long[1];

    private void scan(Ctx x) {
        if (!parseCursor(x.args.buf(), x.args.offset(1), x.args.length(1), cursorSlot)) {
            x.error(Errors.INVALID_CURSOR);
            return;
        }
        long cursor = cursorSlot[0];
        long count = 10;
        int patArg = -1;
        int typeArg = -1;
        for (int i = 2; i < x.argc(); ) {
            int left = x.argc() - i;
            if (x.args.is(i, "count") && left >= 2) {
                if (!x.longOrReply(i + 1)) {
                    return;
                }
                count = x.lval;
                if (count < 1) {
                    x.syntaxError();
                    return;
                }
                i += 2;
            } else if (x.args.is(i, "match") && left >= 2) {
                patArg = i + 1;
                i += 2;
            } else if (x.args.is(i, "type") && left >= 2) {
                typeArg = i + 1;
                i += 2;
            } else {
                x.syntaxError();
                return;
            }
        }
        Db db = x.db;
        scanned.clear();
        long maxIterations = count * 10;
        do {
            cursor = db.scan(cursor, scanned::add);
        } while (cursor != 0 && maxIterations-- > 0 && scanned.size() < count);

        boolean usePattern = patArg >= 0 && !(x.args.length(patArg) == 1 && x.args.buf()[x.args.offset(patArg)] == '*');
        byte[] pb = x.args.buf();
        int po = patArg >= 0 ? x.args.offset(patArg) : 0;
        int pl = patArg >= 0 ? x.args.length(patArg) : 0;
        String typeName = typeArg >= 0 ? x.str(typeArg) : null;
        int kept = 0;
        for (int k = 0; k < scanned.size(); k++) {
            Entry found = scanned.get(k);
            byte[] key = found.keyBytes();
            int klen = found.keyLen();
            boolean filter = usePattern && !Glob.matches(pb, po, pl, key, 0, klen, false);
            if (!filter && typeName != null) {
                Entry e = db.lookup(key, 0, klen, false);
                String t = e == null ? "none" : e.type().typeName();
                if (!t.equalsIgnoreCase(typeName)) {
                    filter = true;
                }
            }
            if (!filter && db.lookup(key, 0, klen, false) == null) {
                filter = true; // expired (and now deleted)
            }
            if (!filter) {
                scanned.set(kept++, found);
            }
        }
        x.reply.array(2);
        x.reply.bulk(Long.toUnsignedString(cursor));
        x.reply.array(kept);
        for (int k = 0; k < kept; k++) {
            Entry e = scanned.get(k);
            x.reply.bulk(e.keyBytes(), 0, e.keyLen());
        }
        scanned.clear();
    }

    private void swapdb(Ctx x) {
        if (!x.parseLong(1) || x.lval < Integer.MIN_VALUE || x.lval > Integer.MAX_VALUE) {
            x.error("ERR invalid first DB index");
            return;
        }
        long a = x.lval;
        if (!x.parseLong(2) || x.lval < Integer.MIN_VALUE || x.lval > Integer.MAX_VALUE) {
            x.error("ERR invalid second DB index");
            return;
        }
        long b = x.lval;
        int n = s.keyspace.databases();
        if (a < 0 || a >= n || b < 0 || b >= n) {
            x.error(Errors.DB_RANGE);
            return;
        }
        if (a != b) {
            s.keyspace.swap((int) a, (int) b);
            x.db = s.keyspace.db(x.session.db);
        }
        x.dirty();
        x.reply.ok();
    }

    private void flush(Ctx x, boolean all) {
        if (x.argc() > 2) {
            x.syntaxError();
            return;
        }
        if (x.argc() == 2 && !x.args.is(1, "sync") && !x.args.is(1, "async")) {
            x.syntaxError();
            return;
        }
        // ASYNC and SYNC behave alike here: dropping the tables is O(1) for this thread (the GC frees).
        long removed;
        if (all) {
            removed = s.keyspace.flushAll();
        } else {
            removed = x.db.size();
            x.db.clear();
        }
        x.dirty(removed);
        x.dirty(); // always propagated, as Redis forces it, also when already empty
        x.reply.ok();
    }

    private void object(Ctx x, char what) {
        Entry e = x.db.lookup(x.args.buf(), x.args.offset(2), x.args.length(2), false);
        if (e == null) {
            x.reply.nullBulk();
            return;
        }
        boolean lfu = s.maxmemoryPolicy.endsWith("-lfu");
        switch (what) {
            case 'e' -> x.reply.bulk(e.encoding().encodingName());
            case 'i' -> {
                if (lfu) {
                    x.error(Errors.LRU_NOT_SELECTED);
                } else {
                    x.reply.integer(x.db.idleMillis(e) / 1000);
                }
            }
            case 'f' -> {
                if (!lfu) {
                    x.error(Errors.LFU_NOT_SELECTED);
                } else {
                    x.reply.integer(0); // access frequency is not tracked (no LFU eviction yet)
                }
            }
            default -> x.reply.integer(sharedInteger(e) ? Integer.MAX_VALUE : 1);
        }
    }

    /** Redis shares the objects of the integers 0..9999 (OBJECT REFCOUNT reports INT_MAX for them). */
    private boolean sharedInteger(Entry e) {
        if (e.type() != ValueType.STRING || e.encoding() != Encoding.INT) {
            return false;
        }
        if (s.config.getLong("maxmemory") != 0 && !s.maxmemoryPolicy.equals("noeviction")
                && (s.maxmemoryPolicy.endsWith("-lru") || s.maxmemoryPolicy.endsWith("-lfu"))) {
            return false;
        }
        long[] out = new long[1];
        return Numbers.parseLong(e.valueArray(), e.valueOffset(), e.valueLength(), out) && out[0] >= 0
                && out[0] < 10000;
    }
}
