package io.demikv.kvstore.db;

/**
 * A node of the expires table: its {@link Entry} (whose key it shares, also after the entry's array is
 * replaced) and the absolute expiry in Unix milliseconds. 32 bytes.
 */
final class ExpireNode extends Node {
    final Entry entry;
    long whenMillis;

    ExpireNode(Entry entry, long whenMillis) {
        this.entry = entry;
        this.whenMillis = whenMillis;
    }

    @Override
    byte[] keyArray() {
        return entry.data;
    }

    @Override
    int keyLength() {
        return entry.keyLen;
    }
}
