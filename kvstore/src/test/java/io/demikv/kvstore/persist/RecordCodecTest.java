package io.demikv.kvstore.persist;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The record payload format: golden bytes, database switches, records split by size, large commands in parts. */
class RecordCodecTest {
    private static byte[][] argv(String... a) {
        byte[][] r = new byte[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return r;
    }

    private static List<byte[]> drain(RecordEncoder e) {
        List<byte[]> out = new ArrayList<>();
        e.drain((p, len) -> out.add(java.util.Arrays.copyOf(p, len)));
        return out;
    }

    /** Decodes records into "db:cmd args" strings, tracking SELECT as the replayer does. */
    private static List<String> decode(List<byte[]> records) {
        List<String> out = new ArrayList<>();
        int[] db = {0};
        RecordDecoder d = new RecordDecoder().sink((a, start) -> {
            if (start) {
                db[0] = 0;
            }
            if (a.is(0, "select")) {
                db[0] = Integer.parseInt(a.string(1));
                return;
            }
            StringBuilder b = new StringBuilder().append(db[0]).append(':');
            for (int i = 0; i < a.count(); i++) {
                b.append(i > 0 ? " " : "").append(a.string(i));
            }
            out.add(b.toString());
        });
        for (byte[] r : records) {
            assertNull(d.record(r, r.length));
        }
        d.finish();
        return out;
    }

    @Test
    void goldenBytesOfARecordWithADatabaseSwitch() {
        RecordEncoder e = new RecordEncoder(1024);
        e.command(0, argv("SET", "k", "v"));
        e.command(12, argv("DEL", "k"));
        List<byte[]> r = drain(e);
        assertEquals(1, r.size());
        assertEquals("C*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$6\r\nSELECT\r\n$2\r\n12\r\n*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n",
                new String(r.get(0), StandardCharsets.ISO_8859_1));
        // The next record starts in database 0 again, so it selects 12 itself.
        e.command(12, argv("DEL", "x"));
        assertEquals("C*2\r\n$6\r\nSELECT\r\n$2\r\n12\r\n*2\r\n$3\r\nDEL\r\n$1\r\nx\r\n",
                new String(drain(e).get(0), StandardCharsets.ISO_8859_1));
        assertEquals(RecordFormat.selectSize(12), "*2\r\n$6\r\nSELECT\r\n$2\r\n12\r\n".length());
        assertEquals(RecordFormat.respSize(argv("SET", "k", "v")), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n".length());
    }

    @Test
    void aPassLargerThanARecordIsSplitAtCommandBoundaries() {
        RecordEncoder e = new RecordEncoder(200);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int db = i % 3;
            e.command(db, argv("SET", "key" + i, "value" + i));
            expected.add(db + ":SET key" + i + " value" + i);
        }
        assertTrue(e.pendingRecords() > 5);
        List<byte[]> records = drain(e);
        for (byte[] r : records) {
            assertTrue(r.length <= 200, "record of " + r.length);
            assertEquals('C', r[0]);
        }
        assertEquals(expected, decode(records));
        assertTrue(e.isEmpty());
    }

    @Test
    void aCommandLargerThanARecordGoesInPartsAndAnUnfinishedRunIsDropped() {
        RecordEncoder e = new RecordEncoder(100);
        String big = "x".repeat(1000);
        e.command(0, argv("SET", "a", "1"));
        e.command(7, argv("SET", "big", big));
        e.command(0, argv("SET", "b", "2"));
        List<byte[]> records = drain(e);
        assertEquals('C', records.get(0)[0]);
        assertEquals('P', records.get(1)[0]);
        assertEquals('L', records.get(records.size() - 2)[0]);
        assertEquals(List.of("0:SET a 1", "7:SET big " + big, "0:SET b 2"), decode(records));

        // A run of parts cut off by a crash (no last part) is skipped; what follows is read normally.
        List<byte[]> cut = new ArrayList<>(records.subList(0, 3));
        cut.add(records.get(records.size() - 1));
        assertEquals(List.of("0:SET a 1", "0:SET b 2"), decode(cut));
    }

    @Test
    void badPayloadsAreReported() {
        RecordDecoder d = new RecordDecoder().sink((a, s) -> { });
        assertEquals("unknown record kind 0x58", d.record("X*1\r\n$1\r\na\r\n".getBytes(), 12));
        byte[] partial = "C*2\r\n$3\r\nGET\r\n".getBytes();
        assertTrue(new RecordDecoder().sink((a, s) -> { }).record(partial, partial.length).contains("after the last"));
        assertArrayEquals(new byte[0], new byte[0]);
    }
}
