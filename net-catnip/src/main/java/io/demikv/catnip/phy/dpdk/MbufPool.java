package io.demikv.catnip.phy.dpdk;

import io.demikv.catnip.phy.dpdk.ffi.Dpdk;
import io.demikv.catnip.phy.dpdk.ffi.PktRecord;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.memory.ForeignRelease;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A DPDK pktmbuf pool whose mbufs reach the stack without a copy: every mbuf is numbered once (its number in its
 * private area, see the shim) and wrapped once in a {@link DemiBuffer} over its whole buffer (headroom included),
 * so a received mbuf becomes a buffer by an array lookup. When the stack (or the application that popped it)
 * releases that buffer's last reference, the mbuf goes back to DPDK: frees are batched ({@link #flush()}, at most
 * {@value #FREE_BATCH} wait) so that a burst of releases costs one downcall.
 *
 * <h2>Lifetime</h2>
 * {@link #close()} frees the DPDK pool when no buffer over it is held; otherwise the last release frees it.
 * Buffers can outlive the device that way (an application holding a popped datagram), never the pool. Libos
 * thread only (the owner of the {@link BufferPool}).
 */
final class MbufPool implements ForeignRelease, AutoCloseable {
    static final int FREE_BATCH = 64;
    /** Bytes of each mbuf's private area: the mbuf's number (RTE_MBUF_PRIV_ALIGN is 8). */
    private static final int PRIV_SIZE = 8;

    private final MemorySegment mempool;
    private final BufferPool pool;
    private final long[] mbufs;
    private final DemiBuffer[] buffers;
    private final int headroom;
    private final int dataRoom;
    private final MemorySegment pendingFree;
    private int pending;
    /** Buffers over mbufs that the stack or the application holds. */
    private int held;
    private boolean closed;
    private boolean poolFreed;

    /**
     * Creates the DPDK pool ({@code rte_pktmbuf_pool_create}) and its buffers.
     *
     * @param dataRoom bytes of each mbuf's buffer, headroom (RTE_PKTMBUF_HEADROOM, 128) included
     * @throws IllegalStateException when DPDK cannot make the pool (with its reason)
     */
    MbufPool(String name, int count, int cacheSize, int dataRoom, int socket, BufferPool pool) {
        // Lives as long as this object: the pending-free array is used by releases after close().
        Arena arena = Arena.ofAuto();
        if (name.length() > Dpdk.POOL_NAME_MAX) {
            throw new IllegalArgumentException("mbuf pool name " + name + " is longer than " + Dpdk.POOL_NAME_MAX);
        }
        MemorySegment mp = Dpdk.pktmbufPoolCreate(arena.allocateFrom(name), count, cacheSize, PRIV_SIZE, dataRoom, socket);
        if (mp.equals(MemorySegment.NULL)) {
            int err = Dpdk.rteErrno();
            throw new IllegalStateException("rte_pktmbuf_pool_create(" + count + " mbufs of " + dataRoom
                    + " bytes) failed: " + Dpdk.strerror(err) + " (raise EAL's -m, or lower the mbuf count)");
        }
        this.mempool = mp;
        this.pool = pool;
        this.dataRoom = dataRoom;
        this.mbufs = new long[count];
        this.buffers = new DemiBuffer[count];
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment ptrs = scratch.allocate(ValueLayout.ADDRESS, count);
            MemorySegment info = scratch.allocate((long) PktRecord.BYTES * count, 8);
            long n = Dpdk.poolNumber(mp, ptrs, info, count);
            if (n != count) {
                Dpdk.mempoolFree(mp);
                throw new IllegalStateException("numbering the mbuf pool gave " + n + " mbufs, expected " + count);
            }
            for (int i = 0; i < count; i++) {
                mbufs[i] = ptrs.getAtIndex(ValueLayout.ADDRESS, i).address();
                buffers[i] = pool.wrapForeign(bufferOf(info, i), this, i);
            }
            this.headroom = count > 0 ? PktRecord.dataOff(info, 0) : 128;
        }
        this.pendingFree = arena.allocate(ValueLayout.ADDRESS, FREE_BATCH);
    }

    /** A DPDK mbuf's buffer, headroom included: valid until the pool is freed (see {@link #close()}). */
    @SuppressWarnings("restricted")
    private static MemorySegment bufferOf(MemorySegment info, int i) {
        return MemorySegment.ofAddress(PktRecord.bufAddr(info, i)).reinterpret(PktRecord.bufLen(info, i));
    }

    /** The {@code struct rte_mempool *}. */
    MemorySegment mempool() {
        return mempool;
    }

    int size() {
        return mbufs.length;
    }

    /** The headroom a fresh mbuf has (RTE_PKTMBUF_HEADROOM). */
    int headroom() {
        return headroom;
    }

    int dataRoom() {
        return dataRoom;
    }

    /** The address of mbuf {@code index}. */
    long mbuf(int index) {
        return mbufs[index];
    }

    /** The buffer over mbuf {@code index}'s memory (held or not). */
    DemiBuffer buffer(int index) {
        return buffers[index];
    }

    /** Hands mbuf {@code index}, just received or allocated, to the stack as a buffer with that window. */
    DemiBuffer claim(int index, int dataOff, int dataLen) {
        held++;
        return pool.claimForeign(buffers[index], dataOff, dataLen);
    }

    /** True when {@code b} is (a view of) one of this pool's mbufs. */
    boolean owns(DemiBuffer b) {
        return b.root().foreignOwner() == this;
    }

    /** Buffers over this pool's mbufs that are held now. */
    int held() {
        return held;
    }

    /** Queues one reference to an mbuf (by address) to be dropped at the next {@link #flush()}. */
    void freeLater(long mbuf) {
        if (pending == FREE_BATCH) {
            flush();
        }
        pendingFree.setAtIndex(ValueLayout.JAVA_LONG, pending++, mbuf);
    }

    /** Gives queued mbufs back to DPDK. */
    void flush() {
        if (pending > 0) {
            Dpdk.freeBulk(pendingFree, pending);
            pending = 0;
        }
    }

    @Override
    public void releaseForeign(long handle) {
        held--;
        freeLater(mbufs[(int) handle]);
        if (closed && held == 0) {
            flush();
            freePool();
        }
    }

    /** Frees the DPDK pool now, or when the last held buffer is released. Call after the port is closed. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        flush();
        if (held == 0) {
            freePool();
        }
    }

    private void freePool() {
        if (!poolFreed) {
            poolFreed = true;
            Dpdk.mempoolFree(mempool);
        }
    }
}
