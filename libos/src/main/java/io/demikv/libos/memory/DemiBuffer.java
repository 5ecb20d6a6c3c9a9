package io.demikv.libos.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One off-heap buffer: a {@link MemorySegment} of fixed capacity with a movable data window, so a network
 * libOS can prepend headers into the headroom without copying. Reference counted: every holder (the
 * application, a pending push, a popped scatter-gather array that shares it) owns one reference and the
 * buffer returns to its pool when the last one is released.
 *
 * <p>A <em>view</em> ({@link BufferPool#share}) is a second buffer object over the same bytes with its own
 * data window and reference count; it holds one reference on the buffer it views, so the bytes live until
 * every view and the buffer itself are released. Moving a view's window never moves another's; writing its
 * bytes (or prepending into shared headroom) changes what every view of them sees.
 *
 * <p>Bytes {@code [offset, offset + length)} of {@link #memory()} are the data. Not thread-safe: owned by the
 * libOS thread.
 */
public final class DemiBuffer {
    /** {@link #sizeClass} of a buffer with memory of its own, outside the pooled classes. */
    static final int LARGE = -1;
    /** {@link #sizeClass} of a view over another buffer's memory. */
    static final int VIEW = -2;
    /** {@link #sizeClass} of a buffer over memory a {@link ForeignRelease} owns ({@link BufferPool#wrapForeign}). */
    static final int FOREIGN = -3;

    private MemorySegment memory;
    private final BufferPool pool;
    private final int sizeClass;
    /** The arena that owns a {@link #LARGE} buffer's memory, closed on its last release. */
    private final Arena arena;
    /** The buffer a {@link #VIEW} shares; {@code null} otherwise. */
    private DemiBuffer viewed;
    /** Who takes a {@link #FOREIGN} buffer's memory back on its last release, and the handle it gave. */
    private final ForeignRelease foreignOwner;
    private final long foreignHandle;
    private int offset;
    private int length;
    private int refCount;

    DemiBuffer(MemorySegment memory, BufferPool pool, int sizeClass, Arena arena) {
        this.memory = memory;
        this.pool = pool;
        this.sizeClass = sizeClass;
        this.arena = arena;
        this.foreignOwner = null;
        this.foreignHandle = 0;
    }

    /** A {@link #FOREIGN} buffer, free until {@link BufferPool#claimForeign}. */
    DemiBuffer(MemorySegment memory, BufferPool pool, ForeignRelease owner, long handle) {
        this.memory = memory;
        this.pool = pool;
        this.sizeClass = FOREIGN;
        this.arena = null;
        this.foreignOwner = owner;
        this.foreignHandle = handle;
    }

    DemiBuffer(MemorySegment memory, BufferPool pool, int sizeClass) {
        this(memory, pool, sizeClass, null);
    }

    /** The whole buffer, headroom included; address data with {@link #offset()}. */
    public MemorySegment memory() {
        return memory;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    public int capacity() {
        return (int) memory.byteSize();
    }

    /** Bytes free in front of the data, for headers. */
    public int headroom() {
        return offset;
    }

    /** Bytes free after the data. */
    public int tailroom() {
        return capacity() - offset - length;
    }

    public int refCount() {
        return refCount;
    }

    int sizeClass() {
        return sizeClass;
    }

    Arena arena() {
        return arena;
    }

    /** True for a view made by {@link BufferPool#share}. */
    public boolean isView() {
        return sizeClass == VIEW;
    }

    /**
     * The owner of this buffer's memory when it was made by {@link BufferPool#wrapForeign}, else {@code null}.
     * A device checks it (on {@link #root()}) to recognise its own memory, e.g. an mbuf it can send without a copy.
     */
    public ForeignRelease foreignOwner() {
        return foreignOwner;
    }

    /** The handle {@link BufferPool#wrapForeign} was given (0 for other buffers). */
    public long foreignHandle() {
        return foreignHandle;
    }

    /** The buffer whose memory this one uses: itself, or for a view the buffer it views. */
    public DemiBuffer root() {
        return viewed != null ? viewed : this;
    }

    /** Sets the data window. */
    public void setWindow(int newOffset, int newLength) {
        if (newOffset < 0 || newLength < 0 || (long) newOffset + newLength > memory.byteSize()) {
            throw new IndexOutOfBoundsException("window " + newOffset + "+" + newLength + " outside " + memory.byteSize());
        }
        this.offset = newOffset;
        this.length = newLength;
    }

    public void setLength(int newLength) {
        setWindow(offset, newLength);
    }

    /** Grows the data window to the front by {@code n} bytes (for a header); returns the new offset. */
    public int prepend(int n) {
        if (n < 0 || n > offset) {
            throw new IndexOutOfBoundsException("prepend " + n + " exceeds headroom " + offset);
        }
        offset -= n;
        length += n;
        return offset;
    }

    /** Drops {@code n} bytes from the front of the data (a parsed header). */
    public void trimFront(int n) {
        if (n < 0 || n > length) {
            throw new IndexOutOfBoundsException("trim " + n + " exceeds length " + length);
        }
        offset += n;
        length -= n;
    }

    /** Takes one more reference. */
    public DemiBuffer retain() {
        if (refCount <= 0) {
            throw new IllegalStateException("retain of a free buffer");
        }
        refCount++;
        return this;
    }

    /** Drops one reference; the last one returns the buffer to its pool. Returns the remaining count. */
    public int release() {
        if (refCount <= 0) {
            throw new IllegalStateException("release of a free buffer");
        }
        int left = --refCount;
        if (left == 0) {
            pool.recycle(this);
        }
        return left;
    }

    /** Drops {@code n} bytes from the end of the data. */
    public void trimBack(int n) {
        if (n < 0 || n > length) {
            throw new IndexOutOfBoundsException("trim " + n + " exceeds length " + length);
        }
        length -= n;
    }

    /** Makes this (pooled view object) a view of {@code root} with the given window; takes over a reference. */
    void becomeView(DemiBuffer root, int viewOffset, int viewLength) {
        this.viewed = root;
        this.memory = root.memory;
        reset(viewOffset, viewLength);
    }

    /** Detaches a released view from its buffer; returns that buffer so the caller can release it. */
    DemiBuffer detachView() {
        DemiBuffer r = viewed;
        viewed = null;
        memory = MemorySegment.NULL;
        return r;
    }

    void reset(int headroom, int dataLength) {
        refCount = 1;
        offset = headroom;
        length = dataLength;
    }

    void markFree() {
        refCount = 0;
    }
}
