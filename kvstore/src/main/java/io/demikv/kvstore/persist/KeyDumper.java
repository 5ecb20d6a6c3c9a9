package io.demikv.kvstore.persist;

import io.demikv.kvstore.db.Db;
import io.demikv.kvstore.db.Entry;
import io.demikv.kvstore.db.HashValue;
import io.demikv.kvstore.db.ListValue;
import io.demikv.kvstore.db.SetValue;
import io.demikv.kvstore.db.Slice;
import io.demikv.kvstore.db.ZSetValue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one key's current state as commands that recreate it from nothing, whatever the key held before
 * (Redis's {@code rewriteAppendOnlyFileRio}): a string as {@code SET k v [PXAT t]}; a collection as
 * {@code DEL k} then {@code RPUSH/SADD/HSET/ZADD} of at most {@value #ITEMS_PER_COMMAND} items each, then
 * {@code PEXPIREAT}; a missing key as {@code DEL k}. So a dump applied to any state leaves the key exactly as
 * it is now: the log rewrite depends on that. Server thread only.
 */
final class KeyDumper {
    /** Redis's AOF_REWRITE_ITEMS_PER_CMD. */
    static final int ITEMS_PER_COMMAND = 64;
    private static final byte[] SET = ascii("SET");
    private static final byte[] PXAT = ascii("PXAT");
    private static final byte[] DEL = ascii("DEL");
    private static final byte[] RPUSH = ascii("RPUSH");
    private static final byte[] SADD = ascii("SADD");
    private static final byte[] HSET = ascii("HSET");
    private static final byte[] ZADD = ascii("ZADD");
    private static final byte[] PEXPIREAT = ascii("PEXPIREAT");

    /** Where the commands go. */
    @FunctionalInterface
    interface Emitter {
        void command(int db, byte[][] argv);
    }

    private final Emitter out;
    private final List<byte[]> items = new ArrayList<>();
    private long bytes;

    KeyDumper(Emitter out) {
        this.out = out;
    }

    /** Bytes of arguments emitted so far (for the rewrite's per-pass budget). */
    long bytes() {
        return bytes;
    }

    /** The key is gone: {@code DEL k}. */
    void missing(int db, byte[] key) {
        emit(db, new byte[][] {DEL, key});
    }

    /** Recreates {@code e} of {@code db} as it is now. Returns false for a type that cannot be dumped. */
    boolean dump(Db db, Entry e) {
        int id = db.id();
        byte[] key = e.keyCopy();
        long expire = db.expireOf(e);
        switch (e.type()) {
            case STRING -> {
                byte[] v = e.valueCopy();
                emit(id, expire >= 0 ? new byte[][] {SET, key, v, PXAT, ascii(Long.toString(expire))}
                        : new byte[][] {SET, key, v});
                return true;
            }
            case LIST -> {
                emit(id, new byte[][] {DEL, key});
                ListValue l = (ListValue) e.value();
                ListValue.Cursor c = l.cursor(0, true);
                Slice s = new Slice();
                while (c.next(s)) {
                    item(id, RPUSH, key, s.copy());
                }
                flushItems(id, RPUSH, key);
            }
            case SET -> {
                emit(id, new byte[][] {DEL, key});
                ((SetValue) e.value()).forEach(m -> item(id, SADD, key, m.copy()));
                flushItems(id, SADD, key);
            }
            case HASH -> {
                emit(id, new byte[][] {DEL, key});
                ((HashValue) e.value()).forEach((fb, fo, fl, vb, vo, vl) -> {
                    items.add(java.util.Arrays.copyOfRange(fb, fo, fo + fl));
                    item(id, HSET, key, java.util.Arrays.copyOfRange(vb, vo, vo + vl));
                });
                flushItems(id, HSET, key);
            }
            case ZSET -> {
                emit(id, new byte[][] {DEL, key});
                ZSetValue z = (ZSetValue) e.value();
                z.range(0, z.size(), false, (m, score) -> {
                    items.add(ascii(score(score)));
                    item(id, ZADD, key, m.copy());
                });
                flushItems(id, ZADD, key);
            }
            default -> {
                return false;
            }
        }
        if (expire >= 0) {
            emit(id, new byte[][] {PEXPIREAT, key, ascii(Long.toString(expire))});
        }
        return true;
    }

    /** A score that parses back to the same double (Redis and Java both read this form). */
    static String score(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    /** Adds one item (a hash's field was added just before its value, a zset's score before its member). */
    private void item(int db, byte[] cmd, byte[] key, byte[] last) {
        items.add(last);
        int per = cmd == HSET || cmd == ZADD ? 2 : 1;
        if (items.size() >= ITEMS_PER_COMMAND * per) {
            flushItems(db, cmd, key);
        }
    }

    private void flushItems(int db, byte[] cmd, byte[] key) {
        if (items.isEmpty()) {
            return;
        }
        byte[][] argv = new byte[items.size() + 2][];
        argv[0] = cmd;
        argv[1] = key;
        for (int i = 0; i < items.size(); i++) {
            argv[i + 2] = items.get(i);
        }
        items.clear();
        emit(db, argv);
    }

    private void emit(int db, byte[][] argv) {
        for (byte[] a : argv) {
            bytes += a.length + 16;
        }
        out.command(db, argv);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
