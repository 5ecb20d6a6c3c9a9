package io.demikv.libos.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * Pools of off-heap {@link DemiBuffer}s in power-of-two size classes from {@value #MIN_CLASS_BYTES} bytes to
 * {@value #MAX_POOLED_BYTES} bytes (capacity, headroom included): a request is served from the smallest class
 * that holds its data plus headroom. Memory for pooled classes is carved from large slabs obtained from a
 * {@link MemoryProvider} (hugepage-backed where the machine has hugepages) and never returned until
 * {@link #close()}; bigger buffers (up to {@link #MAX_BUFFER_BYTES} of data) get their own native memory, freed
 * as soon as their last reference is released (using a released large buffer's memory throws).
 *
 * <p>In steady state {@link #allocate}, {@link #share} and {@link DemiBuffer#release} do not allocate on the
 * Java heap (large buffers do). After {@link #close()} {@link #allocate} returns {@code null}. Single libOS
 * thread only.
 */
public final class BufferPool implements AutoCloseable {
    /** Headroom reserved in front of every buffer's data: Ethernet (14) + IPv4 (60) + TCP (60), rounded up. */
    public static final int DEFAULT_HEADROOM = 192;
    public static final int MIN_CLASS_BYTES = 512;
    public static final int MAX_POOLED_BYTES = 1 << 20;
    /** The largest data length this pool hands out: 1 GiB. */
    public static final int MAX_BUFFER_BYTES = 1 << 30;
    /** The largest headroom a buffer may have. */
    public static final int MAX_HEADROOM = 1 << 16;
    private static final int MIN_SHIFT = Integer.numberOfTrailingZeros(MIN_CLASS_BYTES);
    private static final int CLASSES = Integer.numberOfTrailingZeros(MAX_POOLED_BYTES) - MIN_SHIFT + 1;
    private static final long SLAB_BYTES = 2L << 20;

    private final MemoryProvider provider;
    private final int headroom;
    private final ArrayDeque<DemiBuffer>[] free;
    private final ArrayDeque<DemiBuffer> freeViews = new ArrayDeque<>(64);
    private long pooledBytes;
    private long outstanding;
    private long largeBytes;
    private boolean closed;

    @SuppressWarnings("unchecked")
    public BufferPool(MemoryProvider provider, int headroom) {
        if (headroom < 0 || headroom > MAX_HEADROOM) {
            throw new IllegalArgumentException("headroom " + headroom + " outside 0.." + MAX_HEADROOM);
        }
        this.provider = provider;
        this.headroom = headroom;
        this.free = new ArrayDeque[CLASSES];
        for (int i = 0; i < CLASSES; i++) {
            free[i] = new ArrayDeque<>(64);
        }
    }

    public BufferPool() {
        this(MemoryProvider.standard(), DEFAULT_HEADROOM);
    }

    public int headroom() {
        return headroom;
    }

    /** Buffers (views included) handed out and not yet released; for leak checks in tests. */
    public long outstanding() {
        return outstanding;
    }

    /** Bytes held by large (unpooled) buffers not yet released. */
    public long largeBytes() {
        return largeBytes;
    }

    /** Buffers of size class {@code cls} waiting in the pool; for tests. */
    int freeCount(int cls) {
        return free[cls].size();
    }

    /** Bytes of slab memory this pool holds. */
    public long pooledBytes() {
        return pooledBytes;
    }

    public MemoryProvider provider() {
        return provider;
    }

    /**
     * A buffer with {@link #headroom()} bytes of headroom and a data window of {@code dataLength} bytes, or
     * {@code null} when {@code dataLength} is negative or above {@link #MAX_BUFFER_BYTES}, when memory for a
     * large buffer cannot be had, or after {@link #close()}.
     */
    public DemiBuffer allocate(int dataLength) {
        return allocate(dataLength, headroom);
    }

    /** As {@link #allocate(int)} with an explicit headroom ({@code 0..}{@link #MAX_HEADROOM}). */
    public DemiBuffer allocate(int dataLength, int withHeadroom) {
        if (closed || dataLength < 0 || dataLength > MAX_BUFFER_BYTES || withHeadroom < 0 || withHeadroom > MAX_HEADROOM) {
            return null;
        }
        int capacity = dataLength + withHeadroom;
        DemiBuffer buffer;
        if (capacity <= MAX_POOLED_BYTES) {
            int cls = sizeClass(capacity);
            ArrayDeque<DemiBuffer> list = free[cls];
            if (list.isEmpty()) {
                refill(cls);
            }
            buffer = list.pollFirst();
        } else {
            buffer = allocateLarge(capacity);
            if (buffer == null) {
                return null;
            }
        }
        buffer.reset(withHeadroom, dataLength);
        outstanding++;
        return buffer;
    }

    private DemiBuffer allocateLarge(int capacity) {
        // One shared arena per buffer, closed on the last release: the memory goes back at once instead of
        // whenever a GC notices an unreachable segment (an automatic arena), which may be never.
        Arena arena = Arena.ofShared();
        try {
            MemorySegment memory = arena.allocate(capacity, 64);
            largeBytes += capacity;
            return new DemiBuffer(memory, this, DemiBuffer.LARGE, arena);
        } catch (OutOfMemoryError e) {
            arena.close();
            return null;
        }
    }

    /**
     * A view of {@code buffer}: a new reference to the same bytes with its own copy of the data window (see
     * {@link DemiBuffer}). Release it like any buffer. {@code buffer} keeps its own reference.
     */
    public DemiBuffer share(DemiBuffer buffer) {
        if (buffer.refCount() <= 0) {
            throw new IllegalStateException("share of a free buffer");
        }
        DemiBuffer root = buffer.root().retain();
        DemiBuffer view = freeViews.pollFirst();
        if (view == null) {
            view = new DemiBuffer(MemorySegment.NULL, this, DemiBuffer.VIEW);
        }
        view.becomeView(root, buffer.offset(), buffer.length());
        outstanding++;
        return view;
    }

    /**
     * A buffer over {@code memory} that this pool does not own: a device's DMA memory (a DPDK mbuf) handed to the
     * application without a copy. The buffer is made free; {@link #claimForeign} hands it out, and when its last
     * reference is released {@code owner.releaseForeign(handle)} is called instead of recycling it here. The
     * owner makes one such buffer per piece of its memory, once, and reuses it (no allocation per packet). The
     * memory must stay valid until the owner is told; {@link #close()} does not touch it.
     */
    public DemiBuffer wrapForeign(MemorySegment memory, ForeignRelease owner, long handle) {
        if (owner == null) {
            throw new IllegalArgumentException("a foreign buffer needs an owner");
        }
        DemiBuffer b = new DemiBuffer(memory, this, owner, handle);
        b.markFree();
        return b;
    }

    /**
     * Hands out {@code buffer}, made free by {@link #wrapForeign} and not in use, with one reference and the data
     * window {@code [offset, offset + length)}; counted in {@link #outstanding()} like any buffer.
     */
    public DemiBuffer claimForeign(DemiBuffer buffer, int offset, int length) {
        if (buffer.sizeClass() != DemiBuffer.FOREIGN || buffer.refCount() != 0) {
            throw new IllegalStateException("claimForeign needs a free buffer made by wrapForeign");
        }
        buffer.setWindow(offset, length);
        buffer.reset(offset, length);
        outstanding++;
        return buffer;
    }

    /** The size class of a buffer of {@code capacity} bytes: the smallest power of two that holds it. */
    static int sizeClass(int capacity) {
        int shift = 32 - Integer.numberOfLeadingZeros(Math.max(capacity, MIN_CLASS_BYTES) - 1);
        return shift - MIN_SHIFT;
    }

    /** The capacity of size class {@code cls}. */
    static int classBytes(int cls) {
        return MIN_CLASS_BYTES << cls;
    }

    private void refill(int cls) {
        long bytes = classBytes(cls);
        long slabBytes = Math.max(SLAB_BYTES, bytes);
        MemorySegment slab = provider.allocate(slabBytes);
        pooledBytes += slabBytes;
        for (long off = 0; off + bytes <= slabBytes; off += bytes) {
            DemiBuffer b = new DemiBuffer(slab.asSlice(off, bytes), this, cls);
            b.markFree();
            free[cls].addLast(b);
        }
    }

    void recycle(DemiBuffer buffer) {
        outstanding--;
        int cls = buffer.sizeClass();
        if (cls >= 0) {
            free[cls].addFirst(buffer);
        } else if (cls == DemiBuffer.VIEW) {
            DemiBuffer root = buffer.detachView();
            freeViews.addFirst(buffer);
            root.release();
        } else if (cls == DemiBuffer.FOREIGN) {
            buffer.foreignOwner().releaseForeign(buffer.foreignHandle());
        } else {
            largeBytes -= buffer.capacity();
            buffer.arena().close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        provider.close();
    }
}
