package io.demikv.kvstore.db;

/**
 * The value of a collection key (hash, list, set, sorted set), held in {@link Entry#value()}. Each
 * implementation owns its encodings and converts itself (compact to table form) when an insert passes
 * the limits in {@link CollectionSettings}, so command code never switches on the encoding. A collection
 * is never left empty in the keyspace: the command that removes the last element deletes the key.
 * Server thread only.
 */
public sealed interface Structure permits HashValue, ListValue, SetValue, ZSetValue {
    /** What OBJECT ENCODING reports now. */
    Encoding encoding();

    /** Number of elements (fields, members). */
    long size();

    /** Approximate heap bytes of the structure (arrays, nodes, tables), for MEMORY USAGE and INFO. */
    long estimateBytes();
}
