package io.demikv.kvstore.server;

import io.demikv.kvstore.resp.ReplyWriter;
import io.demikv.kvstore.resp.RequestParser;
import io.demikv.libos.Sga;

/**
 * One client connection inside the {@link NetworkServer}: its queue, session, query buffer (in the parser),
 * reply writer, and the operations it has outstanding (at most one pop and one push). Server thread only.
 */
final class Connection implements ReplyWriter.Listener {
    final NetworkServer server;
    final int qd;
    final Session session;
    final RequestParser parser;
    final ReplyWriter writer;

    /** The qtoken of the outstanding pop, or -1. */
    long popQt = -1;
    /** The qtoken of the outstanding push, or -1; {@link #inflight} is its array. */
    long pushQt = -1;
    Sga inflight;
    long inflightBytes;

    /** Served (the executor accepted it): onDisconnect is due when it closes. */
    boolean served;
    /** Close once everything written has been pushed; input is read and dropped meanwhile. */
    boolean closing;
    boolean closed;
    /** Listed for the end-of-pass flush. */
    boolean dirty;
    /** Listed as blocked with input waiting. */
    boolean parked;
    /** The durable log's ticket its output waits for ({@link DurabilityGate}); only grows. */
    long releaseAt;
    /** Listed as holding output until {@link #releaseAt} is durable. */
    boolean held;
    /** When the output first reached its soft limit (ms), or 0. */
    long softLimitSinceMillis;
    /** Index in the server's connection array, for O(1) removal. */
    int slot = -1;

    Connection(NetworkServer server, int qd, Session session, RequestParser parser,
               io.demikv.libos.LibOS libos) {
        this.server = server;
        this.qd = qd;
        this.session = session;
        this.parser = parser;
        this.writer = new ReplyWriter(libos, this::protocol, this);
        session.reply = writer;
        session.resumeInput = () -> server.process(this);
    }

    private int protocol() {
        return session.protocol;
    }

    @Override
    public void outputPending(ReplyWriter w) {
        server.markDirty(this);
    }

    /** True when nothing is left to send. */
    boolean drained() {
        return inflight == null && !writer.hasPending();
    }

    @Override
    public String toString() {
        return "Connection{id=" + session.id + " " + session.addr + " qd=" + qd + (closing ? " closing" : "")
                + (closed ? " closed" : "") + "}";
    }
}
