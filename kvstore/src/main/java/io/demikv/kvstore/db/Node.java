package io.demikv.kvstore.db;

/**
 * A chained hash-table node: the next node of the same bucket, and access to its key bytes, which are the
 * first {@link #keyLength()} bytes of {@link #keyArray()} (the array may hold more, see {@link Entry}).
 * Server thread only.
 */
abstract class Node {
    Node next;

    abstract byte[] keyArray();

    abstract int keyLength();
}
