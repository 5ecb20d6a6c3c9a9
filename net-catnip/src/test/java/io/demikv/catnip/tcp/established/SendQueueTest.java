package io.demikv.catnip.tcp.established;

import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.memory.MemoryProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SendQueueTest {
    final BufferPool pool = new BufferPool(MemoryProvider.nativeMemory(), BufferPool.DEFAULT_HEADROOM);

    @AfterEach
    void noLeaks() {
        assertEquals(0, pool.outstanding());
        pool.close();
    }

    DemiBuffer buffer(byte[] data) {
        DemiBuffer b = pool.allocate(data.length);
        MemorySegment.copy(data, 0, b.memory(), ValueLayout.JAVA_BYTE, b.offset(), data.length);
        return b;
    }

    byte[] copy(SendQueue q, long offset, int length) {
        MemorySegment dst = Arena.ofAuto().allocate(length);
        q.copyOut(offset, length, dst, 0);
        return dst.toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void holdsLargePushesByReferenceSoTheApplicationMayFreeThem() {
        SendQueue q = new SendQueue(pool);
        byte[] data = new byte[5000];
        new Random(1).nextBytes(data);
        DemiBuffer app = buffer(data);
        q.append(app);
        assertEquals(2, app.refCount(), "a view holds the buffer: zero copy");
        app.release(); // the application frees its array after the push completed
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 1000, 2460), copy(q, 1000, 1460));
        q.dropFront(4000);
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 4000, 5000), copy(q, 0, 1000));
        q.dropFront(1000);
        assertEquals(0, q.bytes());
    }

    @Test
    void copiesSmallPushesTogetherAndCutsSegmentsAcrossBuffers() {
        SendQueue q = new SendQueue(pool);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        Random random = new Random(2);
        for (int i = 0; i < 300; i++) {
            byte[] d = new byte[i % 10 == 0 ? 3000 : 1 + random.nextInt(200)];
            random.nextBytes(d);
            all.writeBytes(d);
            DemiBuffer b = buffer(d);
            q.append(b);
            b.release();
        }
        byte[] expected = all.toByteArray();
        assertEquals(expected.length, q.bytes());
        // 30 large pushes are views; the small ones between two large ones share one copy buffer.
        assertEquals(60, q.buffers(), "small pushes share buffers");
        long offset = 0;
        long dropped = 0;
        while (offset < expected.length) {
            int n = (int) Math.min(1460, expected.length - offset);
            assertArrayEquals(java.util.Arrays.copyOfRange(expected, (int) offset, (int) offset + n),
                    copy(q, offset - dropped, n), "segment at " + offset);
            offset += n;
            if (random.nextBoolean()) { // an ACK arrives now and then
                long ack = offset - random.nextInt(n + 1);
                q.dropFront(ack - dropped);
                dropped = ack;
            }
        }
        q.clear();
    }
}
