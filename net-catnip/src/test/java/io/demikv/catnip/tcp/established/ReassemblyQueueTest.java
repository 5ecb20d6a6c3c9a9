package io.demikv.catnip.tcp.established;

import io.demikv.catnip.tcp.SeqNumber;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.memory.MemoryProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reassembly queue against a simple model (a byte array of the stream and a "have" bitmap): random
 * overlapping, duplicated and reordered pieces of a stream starting just below the 2^32 wrap, delivered the
 * way the receiver does, must come out as exactly the stream; entries never overlap; nothing leaks.
 */
class ReassemblyQueueTest {
    final BufferPool pool = new BufferPool(MemoryProvider.nativeMemory(), 0);

    @AfterEach
    void noLeaks() {
        assertEquals(0, pool.outstanding(), "every buffer released");
        pool.close();
    }

    DemiBuffer piece(byte[] stream, int from, int length) {
        DemiBuffer b = pool.allocate(length);
        MemorySegment.copy(stream, from, b.memory(), ValueLayout.JAVA_BYTE, b.offset(), length);
        return b;
    }

    static byte[] bytes(DemiBuffer b) {
        byte[] out = new byte[b.length()];
        MemorySegment.copy(b.memory(), ValueLayout.JAVA_BYTE, b.offset(), out, 0, out.length);
        return out;
    }

    @Test
    void keepsHeldBytesAndTrimsNewDataAroundThem() {
        ReassemblyQueue q = new ReassemblyQueue(8);
        byte[] s = new byte[100];
        new Random(1).nextBytes(s);
        q.insert(20, piece(s, 20, 10));          // [20,30)
        q.insert(40, piece(s, 40, 10));          // [40,50)
        q.insert(25, piece(s, 25, 20));          // [25,45) -> trimmed to [30,40)
        assertEquals(3, q.segments());
        assertEquals(30, q.seqAt(1));
        assertEquals(10, q.lengthAt(1));
        q.insert(10, piece(s, 10, 60));          // [10,70) covers all three: they go, it stays
        assertEquals(1, q.segments());
        assertEquals(60, q.bytes());
        assertNull(q.takeAt(5), "a hole before 10");
        DemiBuffer b = q.takeAt(15);             // the stream already has [.., 15)
        assertArrayEquals(java.util.Arrays.copyOfRange(s, 15, 70), bytes(b));
        b.release();
        assertTrue(q.isEmpty());
    }

    @Test
    void evictsTheFurthestEntryWhenFull() {
        ReassemblyQueue q = new ReassemblyQueue(2);
        byte[] s = new byte[100];
        q.insert(50, piece(s, 50, 5));
        q.insert(70, piece(s, 70, 5));
        q.insert(60, piece(s, 60, 5));           // closer to the edge than 70: 70 goes
        assertEquals(2, q.segments());
        assertEquals(60, q.seqAt(1));
        q.insert(90, piece(s, 90, 5));           // the furthest: dropped itself
        assertEquals(60, q.seqAt(1));
        assertEquals(2, q.evicted());
        q.clear();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void reassemblesRandomPiecesLikeTheModel(long seed) {
        Random random = new Random(seed);
        int length = 20_000;
        byte[] stream = new byte[length];
        random.nextBytes(stream);
        int base = 0xFFFF_F000; // the stream crosses the wrap of sequence space
        ReassemblyQueue q = new ReassemblyQueue(64);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int next = base; // the receiver's RCV.NXT
        int delivered = 0;
        for (int round = 0; round < 200_000 && delivered < length; round++) {
            // A piece near the left edge (a window of 4 KB), sometimes old, sometimes a duplicate.
            int from = Math.max(0, delivered - 200 + random.nextInt(4096));
            if (from >= length) {
                continue;
            }
            int len = Math.min(1 + random.nextInt(1500), length - from);
            int seq = SeqNumber.add(base, from);
            DemiBuffer b = piece(stream, from, len);
            // What the receiver does: drop what is before RCV.NXT; in order goes straight out; else hold.
            if (SeqNumber.le(SeqNumber.add(seq, len), next)) {
                b.release();
                continue;
            }
            if (SeqNumber.lt(seq, next)) {
                b.trimFront(SeqNumber.distance(seq, next));
                seq = next;
            }
            if (seq == next) {
                out.writeBytes(bytes(b));
                next = SeqNumber.add(next, b.length());
                delivered += b.length();
                b.release();
                DemiBuffer more;
                while ((more = q.takeAt(next)) != null) {
                    out.writeBytes(bytes(more));
                    next = SeqNumber.add(next, more.length());
                    delivered += more.length();
                    more.release();
                }
            } else {
                q.insert(seq, b);
            }
            // Invariant: sorted, non-overlapping, all after RCV.NXT.
            for (int i = 0; i < q.segments(); i++) {
                assertTrue(SeqNumber.gt(q.seqAt(i), next), "held data starts after RCV.NXT");
                if (i > 0) {
                    assertTrue(SeqNumber.ge(q.seqAt(i), SeqNumber.add(q.seqAt(i - 1), q.lengthAt(i - 1))),
                            "entries never overlap");
                }
            }
        }
        assertEquals(length, delivered, "the whole stream, seed " + seed);
        assertArrayEquals(stream, out.toByteArray(), "exactly the stream, seed " + seed);
        q.clear();
    }
}
