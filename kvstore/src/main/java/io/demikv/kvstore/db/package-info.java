/**
 * The keyspace: numbered databases ({@link io.demikv.kvstore.db.Db}) of incrementally rehashed chained hash
 * tables keyed by byte slices ({@code Dict}, Redis's {@code dict}: lookups allocate nothing, rehashing moves
 * one bucket per operation, SCAN uses the reverse-binary cursor), a separate expires table, lazy expiry on
 * lookup and a bounded, sampled active expire cycle ({@link io.demikv.kvstore.db.Keyspace#activeExpireCycle}).
 * A string key and its value share one array, so a key costs an {@link io.demikv.kvstore.db.Entry} (32 bytes),
 * one array and a bucket slot: about 138 bytes for a 14-byte key and a 64-byte value (Redis 7.0: 152).
 *
 * <p>Collections ({@link io.demikv.kvstore.db.Structure}) follow Redis 7.0's encodings and limits
 * ({@link io.demikv.kvstore.db.CollectionSettings}): a {@code Listpack} (entries packed in one array, with
 * back lengths for reverse walks) for small hashes and sorted sets and for every node of a list's quicklist
 * ({@link io.demikv.kvstore.db.ListValue}); an {@code IntSet} for small sets of integers; and past the limits
 * a {@code Dict} of field or member nodes, for sorted sets sharing its nodes with a {@code SkipList} with
 * spans (O(log n) rank and range). Creating a list or sorted set is announced to a
 * {@link io.demikv.kvstore.db.KeyReadyListener}, the hook for blocking pops.
 * Server thread only; time is passed in, never read here.
 */
package io.demikv.kvstore.db;
