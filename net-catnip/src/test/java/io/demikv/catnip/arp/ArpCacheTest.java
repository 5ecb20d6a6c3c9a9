package io.demikv.catnip.arp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArpCacheTest {
    @Test
    void entriesExpireAtTheirDeadline() {
        ArpCache c = new ArpCache(8);
        c.put(1, 0xAAL, 100, 0);
        assertEquals(0xAAL, c.lookup(1, 99));
        assertEquals(-1, c.lookup(1, 100));
        assertEquals(0, c.size(), "an expired entry is removed when found");
    }

    @Test
    void staticEntriesNeverExpireAndAreNotOverwrittenByLearning() {
        ArpCache c = new ArpCache(8);
        c.putStatic(1, 0xAAL);
        c.put(1, 0xBBL, 10, 0);
        assertEquals(0xAAL, c.lookup(1, Long.MAX_VALUE - 1));
        assertTrue(c.isStatic(1));
    }

    @Test
    void aFullCacheEvictsExpiredThenSoonestToExpireButNeverStatic() {
        ArpCache c = new ArpCache(3);
        c.putStatic(1, 1);
        c.put(2, 2, 50, 0);
        c.put(3, 3, 80, 0);
        assertTrue(c.put(4, 4, 200, 60), "entry 2 expired at 50: purged");
        assertFalse(c.contains(2));
        assertTrue(c.put(5, 5, 300, 60), "nothing expired: 3 (expires first) goes");
        assertFalse(c.contains(3));
        assertTrue(c.contains(1) && c.contains(4) && c.contains(5));
        ArpCache full = new ArpCache(1);
        full.putStatic(9, 9);
        assertFalse(full.put(10, 10, 5, 0), "only static entries: no room");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void behavesLikeAMapUnderRandomOperations(long seed) {
        Random random = new Random(seed);
        ArpCache c = new ArpCache(1024);
        Map<Integer, Long> model = new HashMap<>();
        for (int op = 0; op < 20_000; op++) {
            int ip = random.nextInt(300) * 0x01000000 + random.nextInt(3); // clustered keys: long probe runs
            switch (random.nextInt(3)) {
                case 0 -> {
                    long mac = random.nextLong() & 0xFFFF_FFFF_FFFFL;
                    assertTrue(c.put(ip, mac, Long.MAX_VALUE - 1, 0));
                    model.put(ip, mac);
                }
                case 1 -> assertEquals(model.remove(ip) != null, c.remove(ip), "seed " + seed);
                default -> assertEquals(model.getOrDefault(ip, -1L), c.lookup(ip, 0), "seed " + seed + " op " + op);
            }
            assertEquals(model.size(), c.size());
        }
        for (Map.Entry<Integer, Long> e : model.entrySet()) {
            assertEquals(e.getValue(), c.lookup(e.getKey(), 0));
        }
        c.clearLearned();
        assertEquals(0, c.size());
    }
}
