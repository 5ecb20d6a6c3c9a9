package io.demikv.kvstore.command;

/**
 * Where executed write commands go to become durable (the append-only log, later replication): one call
 * per write command that changed the dataset, after it executed successfully, in execution order, on the
 * server thread. The arguments are already in their deterministic, replayable form, as Redis's AOF
 * writes them: relative expiries are absolute ({@code EXPIRE k 10} arrives as
 * {@code PEXPIREAT k <unix-ms>}, {@code SETEX}/{@code SET EX} as {@code SET k v PXAT <unix-ms>}),
 * {@code INCRBYFLOAT} as {@code SET k <result> KEEPTTL}, {@code GETDEL} as {@code DEL}, and keys deleted
 * by expiry as {@code DEL}. The sink writes a SELECT itself when {@code db} differs from its previous record.
 * A MULTI/EXEC transaction whose commands produced more than one record arrives wrapped in a {@code MULTI}
 * record before them and an {@code EXEC} record after them (as Redis 7.0 propagates it), so that replay
 * through the executor applies it atomically and a torn tail that lost the {@code EXEC} leaves it out. Served
 * blocking pops arrive as their non-blocking forms ({@code BLPOP} as {@code LPOP}, {@code BLMOVE} as
 * {@code LMOVE}).
 *
 * <p>The arrays passed to {@link #append(int, byte[][])} are fresh copies the sink may keep. A sink that needs an fsync before the
 * client's reply leaves (appendfsync always) holds replies back itself through the network layer; this
 * interface only orders and delivers.
 */
public interface CommandLog {
    /** A write command {@code argv} executed in database {@code db}. */
    void append(int db, byte[][] argv);

    /**
     * A write command executed in database {@code db}, as it arrived ({@code args} is only valid during the call:
     * a sink that keeps it copies it). For the common case of a command logged as sent; the default copies.
     */
    default void append(int db, Args args) {
        append(db, args.copyAll());
    }

    /** A sink that drops everything (no persistence configured). */
    CommandLog NONE = (db, argv) -> { };
}
