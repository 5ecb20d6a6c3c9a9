package io.demikv.kvstore.command;

import io.demikv.kvstore.resp.Reply;
import io.demikv.kvstore.server.Session;

/**
 * What the network layer calls: the command side of the server (command table, keyspace, server state).
 * Every call happens on the server thread, inside one event-loop pass. Replies go to {@code reply} (or a
 * session's own {@link Session#reply}); the network layer sends them once per pass.
 */
public interface CommandExecutor {
    /**
     * A connection was accepted. Returns {@code null} to serve it, or an error message (without the leading
     * '-', e.g. "ERR max number of clients reached") that the network layer sends before closing it.
     */
    String onConnect(Session session);

    /** Executes one complete command; {@code args.count() >= 1}. */
    void execute(Session session, Args args, Reply reply);

    /** The connection is gone (closed by either side or killed). */
    void onDisconnect(Session session);

    /**
     * Periodic work (active expiry, statistics), called once per event-loop pass with the current time;
     * must bound its own work. Returns the work done (0 when idle).
     */
    int cron(long nowNanos);

    /** The server should stop (SHUTDOWN was executed or a signal arrived). */
    boolean shutdownRequested();
}
