package io.demikv.catnip.phy.dpdk;

import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.memory.ForeignRelease;
import io.demikv.libos.memory.MemoryProvider;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The libOS hook the DPDK device is built on ({@link BufferPool#wrapForeign}): a buffer over memory the pool does
 * not own, handed out again and again, whose owner hears of every last release (views included). No DPDK needed.
 */
class ForeignBuffersTest {
    @Test
    void ownerHearsOfTheLastReleaseOnlyAndTheBufferCanBeClaimedAgain() {
        List<Long> released = new ArrayList<>();
        ForeignRelease owner = released::add;
        try (Arena arena = Arena.ofConfined();
             BufferPool pool = new BufferPool(MemoryProvider.nativeMemory(), BufferPool.DEFAULT_HEADROOM)) {
            MemorySegment mbuf = arena.allocate(2176);
            DemiBuffer b = pool.wrapForeign(mbuf, owner, 42);
            assertEquals(0, b.refCount());
            assertEquals(0, pool.outstanding());

            for (int round = 0; round < 3; round++) {
                DemiBuffer got = pool.claimForeign(b, 128, 60);
                assertSame(b, got, "one buffer object per mbuf, reused");
                assertEquals(128, got.headroom());
                assertEquals(60, got.length());
                assertEquals(1, pool.outstanding());
                DemiBuffer view = pool.share(got);
                got.trimFront(14);
                assertSame(owner, view.root().foreignOwner());
                assertEquals(42, view.root().foreignHandle());
                got.release();
                assertEquals(round, released.size(), "a view still holds the memory");
                view.release();
                assertEquals(round + 1, released.size());
                assertEquals(42L, released.get(round));
                assertEquals(0, pool.outstanding());
            }
            assertThrows(IllegalStateException.class, b::release);
        }
    }

    @Test
    void claimingABufferInUseOrAPooledOneIsABug() {
        try (Arena arena = Arena.ofConfined();
             BufferPool pool = new BufferPool(MemoryProvider.nativeMemory(), BufferPool.DEFAULT_HEADROOM)) {
            DemiBuffer b = pool.wrapForeign(arena.allocate(512), h -> { }, 1);
            pool.claimForeign(b, 0, 10);
            assertThrows(IllegalStateException.class, () -> pool.claimForeign(b, 0, 10));
            DemiBuffer plain = pool.allocate(10);
            assertThrows(IllegalStateException.class, () -> pool.claimForeign(plain, 0, 10));
            assertTrue(plain.foreignOwner() == null && plain.foreignHandle() == 0);
            assertThrows(IndexOutOfBoundsException.class, () -> {
                DemiBuffer c = pool.wrapForeign(arena.allocate(64), h -> { }, 2);
                pool.claimForeign(c, 60, 10);
            });
            b.release();
            plain.release();
        }
    }
}
