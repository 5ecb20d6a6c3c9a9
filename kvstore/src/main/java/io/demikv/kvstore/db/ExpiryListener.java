package io.demikv.kvstore.db;

/**
 * Told when the keyspace deletes a key because its time to live passed (lazily on access or by the active
 * cycle), so the server can count it and propagate a {@code DEL} to the log, as Redis does. Called on the
 * server thread, after the key is gone; must not change the keyspace.
 */
@FunctionalInterface
public interface ExpiryListener {
    void expired(int db, byte[] key);

    ExpiryListener NONE = (db, key) -> { };
}
