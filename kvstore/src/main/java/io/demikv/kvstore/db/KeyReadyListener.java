package io.demikv.kvstore.db;

/**
 * Told when a list or sorted-set key comes into existence (pushed to while absent, stored to, renamed or
 * moved in), Redis's {@code signalKeyAsReady}: the hook for blocking pops (BLPOP, BLMOVE, BZPOPMIN...),
 * which only wait on keys that are absent or empty, so creation is the only event they need. Called on
 * the server thread during the command that created the key; the listener should only note the key and
 * serve waiting clients after the command, as Redis's {@code handleClientsBlockedOnKeys} does.
 */
@FunctionalInterface
public interface KeyReadyListener {
    void ready(int db, Entry entry);

    KeyReadyListener NONE = (db, entry) -> { };
}
