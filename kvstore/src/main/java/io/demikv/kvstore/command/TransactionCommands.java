package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.DocArg.key;

import io.demikv.kvstore.db.Db;
import io.demikv.kvstore.resp.Reply;
import io.demikv.kvstore.server.Session;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH (Redis 7.0's {@code multi.c}), and the hooks {@link Commands}
 * calls around every command: {@link #queue} (queue a command while in MULTI, after the generic checks),
 * {@link #rejected} (a rejected command flags the transaction, EXEC then replies EXECABORT),
 * {@link #beforeCall}/{@link #afterCall} (a write that changed the dataset touches its written keys;
 * FLUSHDB, FLUSHALL and SWAPDB touch every watched key that existed in the databases they replace) and
 * {@link #touch} (a key deleted by expiry).
 *
 * <p>EXEC runs the queued commands through {@link Commands#execute} one after the other, so each one gets
 * the same statistics, MONITOR feed and propagation as when sent alone. Propagation is atomic as in Redis
 * 7.0: when the transaction produced more than one log record they reach the {@link CommandLog} wrapped in
 * {@code MULTI} ... {@code EXEC} records (replay runs them as a transaction; a torn tail that lost the
 * {@code EXEC} leaves the transaction unexecuted, as Redis's AOF loading reverts it).
 * Server thread only.
 */
final class TransactionCommands extends Family {
    private static final byte[] MULTI_NAME = Ctx.ascii("MULTI");
    private static final byte[] EXEC_NAME = Ctx.ascii("EXEC");
    private static final byte[] SELECT_NAME = Ctx.ascii("SELECT");

    private final Commands commands;
    /** Every watched key and the clients that watch it (Redis's {@code db->watched_keys}). */
    private final Map<Transaction.Key, List<Transaction.WatchedKey>> watchers = new HashMap<>();
    /** Watchers to flag once the FLUSHDB/FLUSHALL/SWAPDB being executed succeeds. */
    private final List<Transaction> flushVictims = new ArrayList<>();
    /** EXEC is running its queued commands (blocking commands must not block, ready keys wait). */
    private boolean executing;
    /** The client whose EXEC runs, and how many commands it queued: still "in MULTI" for CLIENT LIST. */
    private ClientExtras execClient;
    private int execCount;

    TransactionCommands(ServerState s, Commands commands) {
        super(s);
        this.commands = commands;
    }

    @Override
    void register(CommandTable t) {
        t.add(cmd("multi", 1, "noscript loading stale fast allow_busy", 0, 0, 0).acl("transaction")
                .doc("Mark the start of a transaction block", "1.2.0", "transactions", "O(1)")
                .handler(this::multi));
        t.add(cmd("exec", 1, "noscript loading stale skip_slowlog", 0, 0, 0).acl("transaction")
                .doc("Execute all commands issued after MULTI", "1.2.0", "transactions",
                        "Depends on commands in the transaction")
                .handler(this::exec));
        t.add(cmd("discard", 1, "noscript loading stale fast allow_busy", 0, 0, 0).acl("transaction")
                .doc("Discard all commands issued after MULTI", "2.0.0", "transactions",
                        "O(N), when N is the number of queued commands")
                .handler(this::discard));
        t.add(cmd("watch", -2, "noscript loading stale fast allow_busy", 1, -1, 1).acl("transaction")
                .specs(KeySpec.range(1, -1, 1, "RO"))
                .doc("Watch the given keys to determine execution of the MULTI/EXEC block", "2.2.0",
                        "transactions", "O(1) for every key.",
                        key("key").multiple())
                .handler(this::watch));
        t.add(cmd("unwatch", 1, "noscript loading stale fast allow_busy", 0, 0, 0).acl("transaction")
                .doc("Forget about all watched keys", "2.2.0", "transactions", "O(1)")
                .handler(this::unwatch));
    }

    private static Transaction tx(ClientExtras cx) {
        if (cx.tx == null) {
            cx.tx = new Transaction();
        }
        return cx.tx;
    }

    // ------------------------------------------------------------------ hooks for Commands

    /**
     * Called by {@link Commands#execute} after the generic checks passed. In MULTI, queues the command and
     * replies {@code +QUEUED} (or refuses a {@code no-multi} command, flagging the transaction); returns true
     * when the command must not run now.
     */
    boolean queue(ClientExtras cx, Args args, CommandSpec cmd, Reply out) {
        Transaction t = cx.tx;
        if (t == null || !t.active) {
            return false;
        }
        String name = cmd.parent == null ? cmd.name : cmd.parent.name;
        if (cmd.has(CommandFlag.NO_MULTI) || (cmd.parent != null && cmd.parent.has(CommandFlag.NO_MULTI))) {
            cmd.rejectedCalls++;
            t.dirtyExec = true;
            s.countError("ERR");
            out.error("ERR Command not allowed inside a transaction");
            return true;
        }
        switch (name) {
            case "exec", "discard", "multi", "watch", "quit", "reset" -> {
                return false;
            }
            default -> {
                if (!t.dirtyCas && !t.dirtyExec) { // an aborted transaction keeps nothing (CLIENT LIST multi=)
                    t.queued.add(Transaction.copy(args));
                    t.queuedFlags |= cmd.flags;
                }
                out.simple("QUEUED");
                return true;
            }
        }
    }

    /**
     * A command of this client was rejected before running ({@code message} is the error about to be sent):
     * a transaction in progress is doomed. A rejected EXEC ends the transaction at once and replies Redis's
     * {@code execCommandAbort} text instead, which is returned.
     */
    String rejected(ClientExtras cx, CommandSpec cmd, String message) {
        if (cx != null && cx.tx != null && cx.tx.active) {
            cx.tx.dirtyExec = true;
        }
        if (cmd == null || !cmd.fullName.equals("exec")) {
            return message;
        }
        if (cx != null && cx.tx != null) {
            cx.tx.reset();
            unwatchAll(cx.tx);
        }
        String why = message.startsWith("ERR ") ? message.substring(4) : message;
        return "EXECABORT Transaction discarded because of: " + why;
    }

    /** Before a command runs: FLUSHDB, FLUSHALL and SWAPDB note the watchers of keys they will replace. */
    void beforeCall(Session session, CommandSpec cmd, Args args) {
        if (watchers.isEmpty() || cmd.parent != null) {
            return;
        }
        switch (cmd.name) {
            case "flushdb" -> noteExisting(session.db, -1);
            case "flushall" -> {
                for (int db = 0; db < s.keyspace.databases(); db++) {
                    noteExisting(db, -1);
                }
            }
            case "swapdb" -> {
                long[] v = new long[1];
                if (args.count() == 3 && Numbers.parseLong(args.buf(), args.offset(1), args.length(1), v)) {
                    long a = v[0];
                    if (Numbers.parseLong(args.buf(), args.offset(2), args.length(2), v)
                            && a >= 0 && a < s.keyspace.databases() && v[0] >= 0 && v[0] < s.keyspace.databases()) {
                        noteExisting((int) a, (int) v[0]);
                        noteExisting((int) v[0], (int) a);
                    }
                }
            }
            default -> { }
        }
    }

    /** Redis's touchAllWatchedKeysInDb: watchers of keys that exist in {@code emptied} or {@code replacedWith}. */
    private void noteExisting(int emptied, int replacedWith) {
        Db e = s.keyspace.db(emptied);
        Db r = replacedWith < 0 ? null : s.keyspace.db(replacedWith);
        for (Map.Entry<Transaction.Key, List<Transaction.WatchedKey>> w : watchers.entrySet()) {
            Transaction.Key k = w.getKey();
            if (k.db() != emptied) {
                continue;
            }
            byte[] n = k.name();
            boolean existed = e.peek(n, 0, n.length) != null;
            boolean replaced = r != null && r.peek(n, 0, n.length) != null;
            if (existed || replaced) {
                for (Transaction.WatchedKey wk : w.getValue()) {
                    flushVictims.add(wk.owner);
                }
            }
        }
    }

    /** After a command ran: a write that changed the dataset touches the keys it may have written. */
    void afterCall(Session session, CommandSpec cmd, Args args, boolean changed, boolean failed) {
        if (!flushVictims.isEmpty()) {
            for (int i = 0; i < flushVictims.size() && !failed; i++) {
                flushVictims.get(i).dirtyCas = true;
            }
            flushVictims.clear();
        }
        if (watchers.isEmpty() || !changed || !cmd.has(CommandFlag.WRITE)) {
            return;
        }
        int db = session.db;
        int argc = args.count();
        if (cmd.keySpecs.isEmpty()) {
            if (cmd.firstKey > 0) {
                int last = cmd.lastKey < 0 ? argc + cmd.lastKey : cmd.lastKey;
                for (int i = cmd.firstKey; i <= last && i < argc; i += Math.max(1, cmd.keyStep)) {
                    touchArg(db, args, i);
                }
            }
            return;
        }
        for (KeySpec k : cmd.keySpecs) {
            if (k.flags().contains("RO")) {
                continue;
            }
            if (k.begin() != KeySpec.Begin.INDEX || k.find() == KeySpec.Find.UNKNOWN) {
                for (int i = 1; i < argc; i++) { // SORT ... STORE: any argument may be the key
                    touchArg(db, args, i);
                }
                continue;
            }
            int step = Math.max(1, k.keyStep());
            if (k.find() == KeySpec.Find.RANGE) {
                int last = k.lastKey() >= 0 ? k.index() + k.lastKey() : argc + k.lastKey();
                for (int i = k.index(); i <= last && i < argc; i += step) {
                    touchArg(db, args, i);
                }
            } else {
                long[] v = new long[1];
                int at = k.index() + k.keynumIdx();
                if (at < argc && Numbers.parseLong(args.buf(), args.offset(at), args.length(at), v)) {
                    int first = k.index() + k.firstKey();
                    for (long i = first, n = 0; n < v[0] && i < argc; i += step, n++) {
                        touchArg(db, args, (int) i);
                    }
                }
            }
        }
        if (cmd.name.equals("move") && argc == 3) { // the destination database changes too
            long[] v = new long[1];
            if (Numbers.parseLong(args.buf(), args.offset(2), args.length(2), v) && v[0] >= 0
                    && v[0] < s.keyspace.databases()) {
                touchArg((int) v[0], args, 1);
            }
        }
    }

    private void touchArg(int db, Args args, int i) {
        byte[] name = new byte[args.length(i)];
        System.arraycopy(args.buf(), args.offset(i), name, 0, name.length);
        touch(db, name);
    }

    /** Redis's touchWatchedKey (signalModifiedKey): every client watching {@code key} in {@code db} fails its EXEC. */
    void touch(int db, byte[] key) {
        if (watchers.isEmpty()) {
            return;
        }
        List<Transaction.WatchedKey> list = watchers.get(new Transaction.Key(db, key));
        if (list == null) {
            return;
        }
        for (Transaction.WatchedKey wk : list) {
            if (wk.expired) {
                // Watched while already expired: its deletion is no logical change (Redis 7.0 multi.c).
                if (s.keyspace.db(db).peek(key, 0, key.length) == null) {
                    wk.expired = false;
                    continue;
                }
            }
            wk.owner.dirtyCas = true;
        }
    }

    /** True while EXEC runs its queued commands. */
    boolean executing() {
        return executing;
    }

    /**
     * CLIENT LIST's multi field: the number of commands queued since MULTI (those of a running EXEC, as Redis
     * clears its MULTI state only after the last one ran), or -1 outside MULTI.
     */
    int multiCount(ClientExtras cx) {
        if (cx == null) {
            return -1;
        }
        if (executing && cx == execClient) {
            return execCount;
        }
        return cx.tx != null && cx.tx.active ? cx.tx.queued.size() : -1;
    }

    /**
     * Redis's discardTransaction: leaves MULTI (dropping what was queued) and forgets the watched keys. For a
     * client that goes away, and for RESET.
     */
    void discardTransaction(ClientExtras cx) {
        if (cx != null && cx.tx != null) {
            unwatchAll(cx.tx);
            cx.tx.reset();
        }
    }

    // ------------------------------------------------------------------ commands

    private void multi(Ctx x) {
        Transaction t = tx(x.client);
        if (t.active) {
            x.error("ERR MULTI calls can not be nested");
            return;
        }
        t.active = true;
        x.reply.ok();
    }

    private void discard(Ctx x) {
        Transaction t = x.client.tx;
        if (t == null || !t.active) {
            x.error("ERR DISCARD without MULTI");
            return;
        }
        t.reset();
        unwatchAll(t);
        x.reply.ok();
    }

    private void watch(Ctx x) {
        Transaction t = tx(x.client);
        if (t.active) {
            x.error("ERR WATCH inside MULTI is not allowed");
            return;
        }
        int db = x.session.db;
        next:
        for (int i = 1; i < x.argc(); i++) {
            byte[] name = x.arg(i);
            Transaction.Key k = new Transaction.Key(db, name);
            for (Transaction.WatchedKey wk : t.watched) {
                if (wk.key.equals(k)) {
                    continue next;
                }
            }
            Db d = s.keyspace.db(db);
            io.demikv.kvstore.db.Entry e = d.peek(name, 0, name.length);
            Transaction.WatchedKey wk = new Transaction.WatchedKey(k, t, e != null && d.isExpired(e));
            t.watched.add(wk);
            watchers.computeIfAbsent(k, key -> new ArrayList<>()).add(wk);
        }
        x.reply.ok();
    }

    private void unwatch(Ctx x) {
        Transaction t = tx(x.client);
        unwatchAll(t);
        t.dirtyCas = false;
        x.reply.ok();
    }

    private void unwatchAll(Transaction t) {
        for (Transaction.WatchedKey wk : t.watched) {
            List<Transaction.WatchedKey> list = watchers.get(wk.key);
            if (list != null) {
                list.remove(wk);
                if (list.isEmpty()) {
                    watchers.remove(wk.key);
                }
            }
        }
        t.watched.clear();
    }

    /** Redis 7.0's isWatchedKeyExpired: a watched key that expired since WATCH fails the EXEC. */
    private boolean watchedKeyExpired(Transaction t) {
        for (Transaction.WatchedKey wk : t.watched) {
            if (wk.expired) {
                continue;
            }
            Db d = s.keyspace.db(wk.key.db());
            byte[] n = wk.key.name();
            io.demikv.kvstore.db.Entry e = d.peek(n, 0, n.length);
            if (e != null && d.isExpired(e)) {
                return true;
            }
        }
        return false;
    }

    private void exec(Ctx x) {
        Transaction t = x.client.tx;
        if (t == null || !t.active) {
            x.error("ERR EXEC without MULTI");
            return;
        }
        if (watchedKeyExpired(t)) {
            t.dirtyCas = true;
        }
        if (t.dirtyExec || t.dirtyCas) {
            boolean abort = t.dirtyExec;
            t.reset();
            unwatchAll(t);
            if (abort) {
                x.error("EXECABORT Transaction discarded because of previous errors.");
            } else {
                x.reply.nullArray();
            }
            return;
        }
        unwatchAll(t);
        List<Args> cmds = new ArrayList<>(t.queued);
        t.reset();
        Session session = x.session;
        Reply reply = x.reply;
        CommandLog real = s.log;
        Batch batch = real == CommandLog.NONE ? null : new Batch();
        if (batch != null) {
            s.log = batch;
        }
        executing = true;
        execClient = x.client;
        execCount = cmds.size();
        try {
            reply.array(cmds.size());
            for (Args a : cmds) {
                commands.execute(session, a, reply);
            }
        } finally {
            executing = false;
            execClient = null;
            if (batch != null) {
                s.log = real;
                batch.flushTo(real);
            }
        }
        // The shared context now describes the last queued command; EXEC itself succeeded.
        x.failed = false;
    }

    /** Collects a transaction's log records so they reach the real log as one MULTI ... EXEC unit. */
    private static final class Batch implements CommandLog {
        private final List<byte[][]> records = new ArrayList<>();
        private final List<Integer> dbs = new ArrayList<>();

        @Override
        public void append(int db, byte[][] argv) {
            dbs.add(db);
            records.add(argv);
        }

        void flushTo(CommandLog log) {
            if (records.isEmpty()) {
                return;
            }
            boolean wrap = records.size() > 1;
            if (wrap) {
                int db = dbs.get(0);
                log.append(db, new byte[][] {MULTI_NAME.clone()});
                if (db != 0) {
                    // Queued with the rest: replay that restarts from database 0 at a record boundary inside
                    // the transaction still runs every command in the right database.
                    log.append(db, new byte[][] {SELECT_NAME.clone(), Numbers.toBytes(db)});
                }
            }
            for (int i = 0; i < records.size(); i++) {
                log.append(dbs.get(i), records.get(i));
            }
            if (wrap) {
                log.append(dbs.get(dbs.size() - 1), new byte[][] {EXEC_NAME.clone()});
            }
        }
    }
}
