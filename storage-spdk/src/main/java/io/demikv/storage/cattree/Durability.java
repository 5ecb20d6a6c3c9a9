package io.demikv.storage.cattree;

/**
 * When a push to a log completes. Chosen per open; any thread may read the constants.
 */
public enum Durability {
    /**
     * Durable: the record's write completed and then a device flush (NVMe FLUSH, {@code fdatasync}) that was
     * submitted after that completion completed. One flush covers every push of a scheduler pass (group
     * commit); the next pass's writes are submitted while that flush runs. Redis's {@code appendfsync always}.
     */
    FLUSH,
    /**
     * Durable: the record's write itself was a force-unit-access write ({@code RWF_DSYNC}, NVMe FUA); no
     * separate flush. Better than {@link #FLUSH} on devices with a cheap FUA (most NVMe drives).
     */
    FUA,
    /**
     * Written: the push completes when the device accepted the write, which may still sit in its volatile
     * cache; a power failure can lose it (a process crash cannot). Make it durable with
     * {@link CattreeLog#sync()}, e.g. once a second (Redis's {@code everysec}).
     */
    BUFFERED
}
