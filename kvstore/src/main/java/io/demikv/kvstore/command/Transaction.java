package io.demikv.kvstore.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One client's MULTI/WATCH state (Redis's {@code multiState} plus its watched-key list and the
 * {@code CLIENT_MULTI}, {@code CLIENT_DIRTY_CAS} and {@code CLIENT_DIRTY_EXEC} flags). Kept in the
 * client's {@link ClientExtras}; changed only by {@link TransactionCommands}. Server thread only.
 */
final class Transaction {
    /** Between MULTI and EXEC/DISCARD. */
    boolean active;
    /** A watched key was touched: EXEC replies a null array (CLIENT_DIRTY_CAS). */
    boolean dirtyCas;
    /** A command was rejected while queueing: EXEC replies EXECABORT (CLIENT_DIRTY_EXEC). */
    boolean dirtyExec;
    /** Commands queued since MULTI, each a private copy of its arguments. */
    final List<Args> queued = new ArrayList<>();
    /** The {@link CommandFlag} bits of the queued commands, or'ed (Redis's {@code mstate.cmd_flags}). */
    int queuedFlags;
    /** Keys this client watches. */
    final List<WatchedKey> watched = new ArrayList<>();

    /** A watched key; {@code expired} records that it had already expired when WATCH ran. */
    static final class WatchedKey {
        final Key key;
        final Transaction owner;
        boolean expired;

        WatchedKey(Key key, Transaction owner, boolean expired) {
            this.key = key;
            this.owner = owner;
            this.expired = expired;
        }
    }

    /** A key in a database, usable as a hash key. */
    record Key(int db, byte[] name) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.db == db && Arrays.equals(k.name, name);
        }

        @Override
        public int hashCode() {
            return 31 * db + Arrays.hashCode(name);
        }
    }

    /** Copies {@code args} so that it outlives the network layer's receive buffer. */
    static Args copy(Args args) {
        int total = 0;
        for (int i = 0; i < args.count(); i++) {
            total += args.length(i);
        }
        byte[] buf = new byte[total];
        Args out = new Args();
        out.reset(buf);
        int off = 0;
        for (int i = 0; i < args.count(); i++) {
            System.arraycopy(args.buf(), args.offset(i), buf, off, args.length(i));
            out.add(off, args.length(i));
            off += args.length(i);
        }
        return out;
    }

    /** Leaves MULTI state (EXEC or DISCARD done): Redis's discardTransaction minus the unwatch. */
    void reset() {
        active = false;
        dirtyCas = false;
        dirtyExec = false;
        queued.clear();
        queuedFlags = 0;
    }
}
