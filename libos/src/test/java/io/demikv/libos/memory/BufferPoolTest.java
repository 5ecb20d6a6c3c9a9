package io.demikv.libos.memory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Size classes, reference counts, views, headroom and large buffers. */
class BufferPoolTest {
    private static final int H = BufferPool.DEFAULT_HEADROOM;
    private final BufferPool pool = new BufferPool(MemoryProvider.nativeMemory(), H);

    @AfterEach
    void close() {
        pool.close();
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0", "1, 0", "511, 0", "512, 0", "513, 1", "1024, 1", "1025, 2", "4096, 3", "4097, 4",
        "524288, 10", "524289, 11", "1048576, 11"})
    void sizeClassIsTheSmallestPowerOfTwoThatFits(int capacity, int cls) {
        assertEquals(cls, BufferPool.sizeClass(capacity));
        assertTrue(BufferPool.classBytes(cls) >= Math.max(capacity, 1));
        if (cls > 0) {
            assertTrue(BufferPool.classBytes(cls - 1) < capacity, "the next smaller class would not fit");
        }
    }

    @ParameterizedTest
    @CsvSource({"0", "1", "320", "321", "832", "833", "1048384", "1048385", "4194304"})
    void aBufferHasExactlyTheAskedDataWindowAndHeadroom(int length) {
        DemiBuffer b = pool.allocate(length);
        assertNotNull(b);
        assertEquals(length, b.length());
        assertEquals(H, b.offset());
        assertEquals(H, b.headroom());
        assertTrue(b.capacity() >= length + H);
        assertEquals(b.capacity() - H - length, b.tailroom());
        assertEquals(b.capacity(), b.memory().byteSize());
        // Every byte of the window is writable and readable.
        if (length > 0) {
            b.memory().set(ValueLayout.JAVA_BYTE, b.offset(), (byte) 1);
            b.memory().set(ValueLayout.JAVA_BYTE, b.offset() + length - 1, (byte) 2);
            assertEquals(2, b.memory().get(ValueLayout.JAVA_BYTE, b.offset() + length - 1));
        }
        assertEquals(0, b.release());
        assertEquals(0, pool.outstanding());
    }

    @Test
    void theLargestPooledCapacityIsPooledAndOneMoreIsNot() {
        DemiBuffer pooled = pool.allocate(BufferPool.MAX_POOLED_BYTES - H);
        assertEquals(BufferPool.MAX_POOLED_BYTES, pooled.capacity());
        assertEquals(0, pool.largeBytes());
        DemiBuffer large = pool.allocate(BufferPool.MAX_POOLED_BYTES - H + 1);
        assertEquals(BufferPool.MAX_POOLED_BYTES + 1, large.capacity());
        assertEquals(BufferPool.MAX_POOLED_BYTES + 1, pool.largeBytes());
        pooled.release();
        large.release();
        assertEquals(0, pool.outstanding());
    }

    @Test
    void aReleasedBufferReturnsToItsClassAndIsReusedFirst() {
        DemiBuffer a = pool.allocate(100);
        int cls = BufferPool.sizeClass(100 + H);
        int freeBefore = pool.freeCount(cls);
        MemorySegment memory = a.memory();
        a.release();
        assertEquals(freeBefore + 1, pool.freeCount(cls));
        DemiBuffer b = pool.allocate(200);
        assertSame(a, b, "LIFO: the warmest buffer of the class comes back first");
        assertEquals(memory.address(), b.memory().address());
        assertEquals(200, b.length(), "the window is reset");
        assertEquals(1, b.refCount());
        b.release();
    }

    @Test
    void slabsAreCarvedIntoWholeBuffers() {
        DemiBuffer b = pool.allocate(1000);
        int cls = BufferPool.sizeClass(1000 + H);
        assertEquals(2L << 20, pool.pooledBytes(), "one 2 MiB slab");
        assertEquals((2 << 20) / BufferPool.classBytes(cls) - 1, pool.freeCount(cls));
        b.release();
    }

    @Test
    void largeBuffersAreFreedOnTheLastReleaseNotByTheGarbageCollector() {
        int length = 3 << 20;
        DemiBuffer big = pool.allocate(length);
        assertEquals(length, big.length());
        assertEquals(length + H, pool.largeBytes());
        big.memory().set(ValueLayout.JAVA_BYTE, big.offset() + length - 1, (byte) 7);
        DemiBuffer view = pool.share(big);
        assertEquals(1, big.release());
        assertEquals(length + H, pool.largeBytes(), "a view keeps it alive");
        assertEquals(7, view.memory().get(ValueLayout.JAVA_BYTE, view.offset() + length - 1));
        MemorySegment memory = big.memory();
        assertEquals(0, view.release());
        assertEquals(0, pool.largeBytes());
        assertEquals(0, pool.outstanding());
        assertFalse(memory.scope().isAlive(), "the memory went back at once");
        assertThrows(IllegalStateException.class, () -> memory.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void outOfRangeRequestsReturnNull() {
        assertNull(pool.allocate(-1));
        assertNull(pool.allocate(BufferPool.MAX_BUFFER_BYTES + 1));
        assertNull(pool.allocate(10, -1));
        assertNull(pool.allocate(10, BufferPool.MAX_HEADROOM + 1));
        assertNull(pool.allocate(Integer.MAX_VALUE, BufferPool.MAX_HEADROOM));
        assertEquals(0, pool.outstanding());
    }

    @Test
    void anExplicitHeadroomIsHonoured() {
        DemiBuffer b = pool.allocate(100, 0);
        assertEquals(0, b.headroom());
        assertEquals(BufferPool.MIN_CLASS_BYTES, b.capacity());
        assertThrows(IndexOutOfBoundsException.class, () -> b.prepend(1));
        b.release();
        DemiBuffer c = pool.allocate(10, 600);
        assertEquals(600, c.headroom());
        assertEquals(1024, c.capacity());
        c.release();
    }

    @Test
    void referencesAreCountedAndTheLastReleaseRecycles() {
        DemiBuffer b = pool.allocate(64);
        assertEquals(1, b.refCount());
        assertSame(b, b.retain());
        assertEquals(2, b.refCount());
        assertEquals(1, b.release());
        assertEquals(1, pool.outstanding());
        assertEquals(0, b.release());
        assertEquals(0, pool.outstanding());
        assertThrows(IllegalStateException.class, b::release, "a double release is a bug, caught");
        assertThrows(IllegalStateException.class, b::retain);
        assertThrows(IllegalStateException.class, () -> pool.share(b));
    }

    @Test
    void headroomTakesPrependedHeadersAndTrimFrontDropsThem() {
        DemiBuffer b = pool.allocate(100);
        int dataStart = b.offset();
        assertEquals(dataStart - 20, b.prepend(20));
        assertEquals(120, b.length());
        assertEquals(H - 20, b.headroom());
        assertEquals(H - 20 - 14, b.prepend(14));
        b.trimFront(34);
        assertEquals(dataStart, b.offset());
        assertEquals(100, b.length());
        b.trimBack(40);
        assertEquals(60, b.length());
        assertThrows(IndexOutOfBoundsException.class, () -> b.prepend(H + 1));
        assertThrows(IndexOutOfBoundsException.class, () -> b.prepend(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> b.trimFront(61));
        assertThrows(IndexOutOfBoundsException.class, () -> b.trimFront(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> b.trimBack(61));
        assertThrows(IndexOutOfBoundsException.class, () -> b.setWindow(0, b.capacity() + 1));
        assertThrows(IndexOutOfBoundsException.class, () -> b.setWindow(-1, 1));
        assertEquals(dataStart, b.offset(), "a refused change leaves the window alone");
        b.setWindow(0, b.capacity());
        assertEquals(0, b.headroom());
        assertEquals(0, b.tailroom());
        b.release();
    }

    @Test
    void aViewSharesTheBytesButHasItsOwnWindow() {
        DemiBuffer b = pool.allocate(100);
        b.memory().set(ValueLayout.JAVA_BYTE, b.offset(), (byte) 42);
        DemiBuffer v = pool.share(b);
        assertTrue(v.isView());
        assertSame(b, v.root());
        assertEquals(b.memory().address(), v.memory().address());
        assertEquals(b.offset(), v.offset());
        assertEquals(b.length(), v.length());
        assertEquals(42, v.memory().get(ValueLayout.JAVA_BYTE, v.offset()));
        assertEquals(2, b.refCount(), "a view holds one reference on its buffer");
        assertEquals(2, pool.outstanding());
        v.trimFront(10);
        assertEquals(100, b.length(), "the buffer's own window did not move");
        DemiBuffer vv = pool.share(v);
        assertSame(b, vv.root(), "a view of a view shares the buffer itself");
        assertEquals(v.offset(), vv.offset());
        assertEquals(3, b.refCount());
        assertEquals(0, vv.release());
        assertEquals(0, v.release());
        assertEquals(1, b.refCount());
        assertEquals(0, b.release());
        assertEquals(0, pool.outstanding());
    }

    @Test
    void viewObjectsArePooled() {
        DemiBuffer b = pool.allocate(10);
        DemiBuffer v1 = pool.share(b);
        v1.release();
        DemiBuffer v2 = pool.share(b);
        assertSame(v1, v2);
        v2.release();
        b.release();
        assertEquals(0, pool.outstanding());
    }

    @Test
    void aClosedPoolHandsOutNothingAndItsMemoryIsUnusable() {
        DemiBuffer b = pool.allocate(10);
        pool.close();
        assertNull(pool.allocate(10));
        assertThrows(IllegalStateException.class, () -> b.memory().get(ValueLayout.JAVA_BYTE, b.offset()));
        pool.close();
    }

    @Test
    void theStandardProviderWorksWithOrWithoutHugepages() {
        try (BufferPool standard = new BufferPool()) {
            DemiBuffer b = standard.allocate(4000);
            b.memory().set(ValueLayout.JAVA_INT, b.offset(), 0xCAFEBABE);
            assertEquals(0xCAFEBABE, b.memory().get(ValueLayout.JAVA_INT, b.offset()));
            assertNotNull(standard.provider().describe());
            b.release();
            assertEquals(0, standard.outstanding());
        }
    }
}
