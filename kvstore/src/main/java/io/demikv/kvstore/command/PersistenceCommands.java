package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.DocArg.pure;

/**
 * SAVE, BGSAVE and BGREWRITEAOF (Redis's {@code rdb.c} and {@code aof.c} commands), answered by the
 * {@link Persistence} installed in the server state. LASTSAVE lives with the other server commands. Server
 * thread only.
 */
final class PersistenceCommands extends Family {
    PersistenceCommands(ServerState s) {
        super(s);
    }

    @Override
    void register(CommandTable t) {
        t.add(cmd("save", 1, "admin noscript no_async_loading no_multi", 0, 0, 0).acl("admin dangerous")
                .doc("Synchronously save the dataset to disk", "1.0.0", "server",
                        "O(N) where N is the total number of keys in all databases")
                .handler(x -> s.persistence.save(x.session, x.reply)));
        t.add(cmd("bgsave", -1, "admin noscript no_async_loading", 0, 0, 0).acl("admin dangerous")
                .doc("Asynchronously save the dataset to disk", "1.0.0", "server", "O(1)",
                        pure("SCHEDULE").since("3.2.2").optional())
                .history("3.2.2", "Added the `SCHEDULE` option.")
                .handler(this::bgsave));
        t.add(cmd("bgrewriteaof", 1, "admin noscript no_async_loading", 0, 0, 0).acl("admin dangerous")
                .doc("Asynchronously rewrite the append-only file", "1.0.0", "server", "O(1)")
                .handler(x -> s.persistence.bgrewriteaof(x.reply)));
    }

    private void bgsave(Ctx x) {
        boolean schedule = false;
        if (x.args.count() > 1) {
            if (x.args.count() == 2 && x.args.is(1, "schedule")) {
                schedule = true;
            } else {
                x.error(Errors.SYNTAX);
                return;
            }
        }
        s.persistence.bgsave(x.reply, schedule);
    }
}
