/**
 * The command side of the server: the command table as data ({@link io.demikv.kvstore.command.CommandSpec},
 * {@link io.demikv.kvstore.command.CommandTable}), one generic check and the bookkeeping every command
 * shares ({@link io.demikv.kvstore.command.Commands}, Redis's {@code processCommand} + {@code call}), and the
 * command families, one file each: strings, keys, expiry, connection, server administration, COMMAND
 * introspection, hashes, lists, sets, sorted sets (single key, and the union/intersection/difference
 * algebra), SORT. Replies and error texts follow Redis 7.0.15 byte for byte; the differential test against
 * {@code redis-server} checks that.
 *
 * <p>Entry points: construct {@link io.demikv.kvstore.command.Commands} with a directive registry
 * ({@link io.demikv.kvstore.command.ServerDirectives}), a {@link io.demikv.kvstore.command.ServerClock} and
 * a {@link io.demikv.kvstore.command.CommandLog} (where effective writes go, in replayable absolute-time
 * form). Everything runs on the server thread; there is no static mutable state.
 */
package io.demikv.kvstore.command;
