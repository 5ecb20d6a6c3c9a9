package io.demikv.kvstore.command;

import io.demikv.kvstore.server.Session;

/**
 * RESET (Redis 6.2+, {@code resetCommand} and {@code clearClientConnectionState} of Redis 7.0): puts a
 * connection back in the state of a new one without closing it. It stops MONITOR, selects database 0, goes
 * back to RESP2, authenticates as the default user only if that needs no password, discards MULTI and the
 * watched keys, drops every subscription silently, clears the client name and CLIENT REPLY OFF/SKIP (and
 * CLIENT NO-TOUCH, as Redis 7.2 does), then replies {@code +RESET}. CLIENT NO-EVICT is kept, as 7.0 keeps it.
 * Allowed before AUTH, inside MULTI (it is not queued) and in the RESP2 subscriber context. Server thread
 * only.
 */
final class ResetCommand extends Family {
    private final TransactionCommands transactions;
    private final PubSubCommands pubsub;

    ResetCommand(ServerState s, TransactionCommands transactions, PubSubCommands pubsub) {
        super(s);
        this.transactions = transactions;
        this.pubsub = pubsub;
    }

    @Override
    void register(CommandTable t) {
        t.add(cmd("reset", 1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0).acl("connection")
                .doc("Reset the connection", "6.2.0", "connection", "O(1)")
                .handler(this::reset));
    }

    private void reset(Ctx x) {
        Session session = x.session;
        if (session.monitor) {
            session.monitor = false;
            s.monitors.remove(session);
        }
        session.db = 0;
        x.db = s.keyspace.db(0);
        session.protocol = 2;
        session.user = "default";
        session.authenticated = !s.passwordRequired();
        transactions.discardTransaction(x.client);
        pubsub.unsubscribeAll(session);
        session.name = null;
        ClientExtras cx = x.client;
        boolean repliesWereOff = cx.replyOff;
        cx.replyOff = false;
        cx.skipNext = false;
        cx.noTouch = false;
        // With replies off this command's own reply writer drops everything: +RESET goes to the connection.
        (repliesWereOff ? session.reply : x.reply).simple("RESET");
    }
}
