package io.demikv.libos.memory;

/**
 * The owner of memory that a {@link DemiBuffer} wraps but its {@link BufferPool} does not own (a DPDK mbuf, a
 * registered RDMA region): told when the buffer's last reference is released, so it can take the memory back
 * (see {@link BufferPool#wrapForeign}). Called on the libOS thread, from inside {@link DemiBuffer#release}; it
 * must not throw and should not block.
 */
@FunctionalInterface
public interface ForeignRelease {
    /** The buffer made with {@code handle} lost its last reference; its memory is the owner's again. */
    void releaseForeign(long handle);
}
