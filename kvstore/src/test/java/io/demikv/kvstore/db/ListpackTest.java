package io.demikv.kvstore.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Listpack} against a list of byte arrays under seeded random inserts, replaces and removals. */
class ListpackTest {
    private static byte[] randomBytes(SplittableRandom r) {
        // Lengths around the varint boundaries (127/128, 16383/16384) as well as small ones.
        int[] lens = {0, 1, 5, 64, 126, 127, 128, 129, 300, 16383, 16384};
        byte[] b = new byte[lens[r.nextInt(lens.length)]];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    private static void check(Listpack lp, List<byte[]> model) {
        assertEquals(model.size(), lp.size());
        int i = 0;
        for (int p = 0; p < lp.end(); p = lp.next(p)) {
            assertArrayEquals(model.get(i++), lp.copy(p));
        }
        assertEquals(model.size(), i);
        // Backwards through the back lengths.
        i = model.size() - 1;
        for (int p = lp.last(); p >= 0; p = lp.prev(p)) {
            assertArrayEquals(model.get(i--), lp.copy(p));
        }
        assertEquals(-1, i);
        for (int k = 0; k < model.size(); k++) {
            assertArrayEquals(model.get(k), lp.copy(lp.seek(k)));
            assertArrayEquals(model.get(k), lp.copy(lp.seek(k - model.size())));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void behavesLikeAListOfByteArrays(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Listpack lp = new Listpack();
        List<byte[]> model = new ArrayList<>();
        for (int step = 0; step < 400; step++) {
            int op = r.nextInt(6);
            if (op <= 1 || model.isEmpty()) {
                int at = r.nextInt(model.size() + 1);
                byte[] b = randomBytes(r);
                lp.insert(at == model.size() ? lp.end() : lp.seek(at), b, 0, b.length);
                model.add(at, b);
            } else if (op == 2) {
                int at = r.nextInt(model.size());
                byte[] b = randomBytes(r);
                lp.replace(lp.seek(at), b, 0, b.length);
                model.set(at, b);
            } else if (op == 3) {
                int at = r.nextInt(model.size());
                lp.remove(lp.seek(at));
                model.remove(at);
            } else if (op == 4) {
                int at = r.nextInt(model.size());
                int n = 1 + r.nextInt(Math.min(3, model.size() - at));
                lp.removeRange(lp.seek(at), n);
                model.subList(at, at + n).clear();
            } else {
                double d = r.nextDouble() * 1e6 - 5e5;
                lp.appendDouble(d);
                assertEquals(d, lp.getDouble(lp.last()));
                model.add(lp.copy(lp.last()));
            }
            check(lp, model);
        }
    }
}
