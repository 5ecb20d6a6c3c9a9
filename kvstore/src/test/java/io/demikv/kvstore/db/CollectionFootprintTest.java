package io.demikv.kvstore.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Heap per element of the collection encodings, measured as the used-heap difference after full GCs
 * (see {@link MemoryFootprintTest}), printed next to redis-server 7.0.15's used_memory for the same data
 * loaded through RESP: a list of 1M 10-byte elements (Redis: 12.1 bytes/element), 100k hashes of five
 * short fields in listpacks (Redis: 171 bytes/key), a 200k-member sorted set as a skip list (Redis: 112
 * bytes/member). Fails when a layout regresses far beyond its budget.
 */
class CollectionFootprintTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void listsHashesAndSortedSetsStayLean() {
        long t0 = MemoryFootprintTest.usedHeapAfterGc();
        Keyspace ks = new Keyspace(1, 3);
        CollectionSettings cfg = ks.collections();
        Db db = ks.db(0);
        ListValue list = new ListValue();
        db.addValue(b("biglist"), 0, 7, list, ValueType.LIST);
        for (int i = 0; i < 1_000_000; i++) {
            byte[] e = b(String.format("e%09d", i));
            list.pushTail(cfg, e, 0, e.length);
        }
        long t1 = MemoryFootprintTest.usedHeapAfterGc();
        for (int i = 0; i < 100_000; i++) {
            HashValue h = new HashValue();
            for (int f = 0; f < 5; f++) {
                byte[] fb = b("field" + f);
                byte[] vb = b("value" + f);
                h.set(cfg, fb, 0, fb.length, vb, 0, vb.length);
            }
            byte[] k = b(String.format("h:%06d", i));
            db.addValue(k, 0, k.length, h, ValueType.HASH);
        }
        ks.housekeeping(1_000_000);
        long t2 = MemoryFootprintTest.usedHeapAfterGc();
        ZSetValue z = new ZSetValue(cfg, 200_000, 0);
        db.addValue(b("bigz"), 0, 4, z, ValueType.ZSET);
        for (int i = 0; i < 200_000; i++) {
            byte[] m = b(String.format("member%07d", i));
            z.insert(cfg, i, m, 0, m.length);
        }
        long t3 = MemoryFootprintTest.usedHeapAfterGc();
        double perListElement = (t1 - t0) / 1e6;
        double perHash = (t2 - t1) / 1e5;
        double perZsetMember = (t3 - t2) / 2e5;
        System.out.printf("collections: list %.1f B/element (Redis 7.0: 12.1), hash of 5 fields %.1f B/key (171), "
                + "skip-list zset %.1f B/member (112)%n", perListElement, perHash, perZsetMember);
        assertEquals(1_000_000, list.size());
        assertEquals(200_000, z.size());
        assertTrue(perListElement < 16, "list bytes per element " + perListElement);
        assertTrue(perHash < 240, "bytes per small hash " + perHash);
        assertTrue(perZsetMember < 160, "bytes per sorted-set member " + perZsetMember);
        assertTrue(db.size() == 100_002);
    }
}
