package io.demikv.kvstore.server;

import io.demikv.libos.QResult;

/**
 * What the {@link NetworkServer} asks of a durable log that shares its event loop (the append-only log of
 * {@code io.demikv.kvstore.persist}): route the log queue's completions to it, let it push each pass's records
 * before replies go out, and hold replies back until the records they depend on are durable
 * ({@code appendfsync always}).
 *
 * <h2>Release points</h2>
 * A <em>ticket</em> names a prefix of the log: everything appended so far. After each command the server
 * raises the connection's release point to {@link #ticket()} (also when output appears for a connection that
 * did not run a command, e.g. a pub/sub message); a connection whose release point is beyond
 * {@link #released()} keeps its output unsent, in order, so no reply leaves before every record appended
 * before it (its own writes, and any write whose effect it could have read) is durable. Tickets only grow. When
 * {@link #failed()} is true, tickets beyond {@link #released()} will never be released: connections holding
 * them are closed (their clients never see an acknowledgement of a write that is not durable).
 *
 * <p>Server thread only. {@link #NONE} holds nothing.
 */
public interface DurabilityGate {
    /** The release point a reply written now must wait for. */
    long ticket();

    /** Every ticket up to this one is durable. */
    long released();

    /** Tickets beyond {@link #released()} will never be released (the log failed). */
    boolean failed();

    /** True when {@code qd} is a queue of the gate's (its completions go to {@link #onCompletion}). */
    boolean owns(int qd);

    /** A completion of one of the gate's queues. */
    void onCompletion(QResult r);

    /**
     * Once per pass, after commands and cron ran and before replies are pushed: push the pass's records, start a
     * group commit, do bounded background work. Returns work done (0 when idle).
     */
    int endOfPass(long nowNanos);

    /** True when background work is pending, so the next wait should not sleep. */
    boolean busy();

    /**
     * How long the next wait may sleep, given the server's {@code timeoutNanos} (negative: no limit): 0 when
     * {@link #busy()}, shorter when the gate has work due at a time (records waiting to be written).
     */
    default long waitNanos(long timeoutNanos) {
        return busy() ? 0 : timeoutNanos;
    }

    /** Why the server must stop with exit status 1 (the log could not be loaded), or null. */
    default String fatal() {
        return null;
    }

    /** Holds nothing; for servers without a log. */
    DurabilityGate NONE = new DurabilityGate() {
        @Override
        public long ticket() {
            return 0;
        }

        @Override
        public long released() {
            return Long.MAX_VALUE;
        }

        @Override
        public boolean failed() {
            return false;
        }

        @Override
        public boolean owns(int qd) {
            return false;
        }

        @Override
        public void onCompletion(QResult r) {
        }

        @Override
        public int endOfPass(long nowNanos) {
            return 0;
        }

        @Override
        public boolean busy() {
            return false;
        }
    };
}
