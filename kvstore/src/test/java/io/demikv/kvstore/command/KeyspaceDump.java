package io.demikv.kvstore.command;

import io.demikv.kvstore.db.Db;
import io.demikv.kvstore.db.Entry;
import io.demikv.kvstore.db.HashValue;
import io.demikv.kvstore.db.Keyspace;
import io.demikv.kvstore.db.ListValue;
import io.demikv.kvstore.db.SetValue;
import io.demikv.kvstore.db.Slice;
import io.demikv.kvstore.db.ZSetValue;
import io.demikv.kvstore.resp.RespDouble;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A canonical text form of a whole keyspace for tests that compare two servers' states: every live key of
 * every database in key order with its type, encoding, absolute expiry and contents (hash fields and set
 * members sorted, sorted sets and lists in their order).
 */
final class KeyspaceDump {
    private KeyspaceDump() {
    }

    static String of(Keyspace ks) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ks.databases(); i++) {
            Db db = ks.db(i);
            TreeMap<String, String> keys = new TreeMap<>();
            db.forEach(e -> {
                if (!db.isExpired(e)) {
                    keys.put(text(e.keyCopy()), describe(db, e));
                }
            });
            if (!keys.isEmpty()) {
                sb.append("db").append(i).append('\n');
                keys.forEach((k, v) -> sb.append("  ").append(k).append(" = ").append(v).append('\n'));
            }
        }
        return sb.toString();
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String describe(Db db, Entry e) {
        StringBuilder sb = new StringBuilder();
        sb.append(e.type().typeName()).append('/').append(e.encoding().encodingName());
        long ttl = db.expireOf(e);
        if (ttl >= 0) {
            sb.append(" pxat ").append(ttl);
        }
        sb.append(' ');
        switch (e.type()) {
            case STRING -> sb.append(text(e.valueCopy()));
            case HASH -> {
                TreeMap<String, String> fields = new TreeMap<>();
                ((HashValue) e.value()).forEach((fb, fo, fl, vb, vo, vl) -> fields.put(
                        new String(fb, fo, fl, StandardCharsets.ISO_8859_1),
                        new String(vb, vo, vl, StandardCharsets.ISO_8859_1)));
                sb.append(fields);
            }
            case SET -> {
                List<String> members = new ArrayList<>();
                ((SetValue) e.value()).forEach(m -> members.add(text(m.copy())));
                members.sort(null);
                sb.append(members);
            }
            case ZSET -> {
                List<String> els = new ArrayList<>();
                ZSetValue z = (ZSetValue) e.value();
                z.range(0, z.size(), false, (m, score) -> els.add(text(m.copy()) + ":" + RespDouble.format(score)));
                sb.append(els);
            }
            case LIST -> {
                List<String> els = new ArrayList<>();
                Slice s = new Slice();
                ListValue.Cursor c = ((ListValue) e.value()).cursor(0, true);
                while (c.next(s)) {
                    els.add(text(s.copy()));
                }
                sb.append(els);
            }
            default -> sb.append("?");
        }
        return sb.toString();
    }
}
