package io.demikv.libos;

import io.demikv.libos.memory.DemiBuffer;

/**
 * A scatter-gather array: up to {@value #MAX_SEGMENTS} {@link DemiBuffer} segments, the unit of every push
 * and pop. Instances are pooled by their libOS: get one from {@link LibOS#sgaAlloc(int)} or a pop, hand it
 * back with {@link LibOS#sgaFree(Sga)}, and do not touch it after that.
 *
 * <p>While a push of this array is pending the array is held: {@link LibOS#sgaFree(Sga)} refuses it with
 * {@code -EBUSY} and the application must not modify its bytes. Libos thread only.
 */
public final class Sga {
    /** Segments per array. Demikernel's C API allows 1; we allow a few so a reply can be header + value. */
    public static final int MAX_SEGMENTS = 8;

    static final int FREE = 0;
    static final int OWNED = 1;

    private final DemiBuffer[] segments = new DemiBuffer[MAX_SEGMENTS];
    private int count;
    int state = FREE;
    int pendingPushes;
    Sga nextFree;

    Sga() {
    }

    public int segmentCount() {
        return count;
    }

    public DemiBuffer segment(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("segment " + i + " of " + count);
        }
        return segments[i];
    }

    /** Total data bytes over all segments. */
    public long length() {
        long n = 0;
        for (int i = 0; i < count; i++) {
            n += segments[i].length();
        }
        return n;
    }

    /** True while a push that carries this array has not completed. */
    public boolean isHeld() {
        return pendingPushes > 0;
    }

    /**
     * Appends a segment; this array takes over the caller's reference. Returns false (and takes nothing)
     * when the array is full or held by a pending push.
     */
    public boolean add(DemiBuffer buffer) {
        if (count == MAX_SEGMENTS || pendingPushes > 0) {
            return false;
        }
        segments[count++] = buffer;
        return true;
    }

    /** Drops every segment reference (returning unshared buffers to their pools). */
    void releaseSegments() {
        for (int i = 0; i < count; i++) {
            segments[i].release();
            segments[i] = null;
        }
        count = 0;
    }

    /** Copies the data bytes of all segments into {@code dst} at {@code dstOff}; returns bytes copied. */
    public int copyTo(byte[] dst, int dstOff) {
        int pos = dstOff;
        for (int i = 0; i < count; i++) {
            DemiBuffer b = segments[i];
            java.lang.foreign.MemorySegment.copy(b.memory(), java.lang.foreign.ValueLayout.JAVA_BYTE, b.offset(),
                    dst, pos, b.length());
            pos += b.length();
        }
        return pos - dstOff;
    }
}
