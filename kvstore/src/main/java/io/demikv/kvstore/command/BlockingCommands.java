package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.DocArg.dbl;
import static io.demikv.kvstore.command.DocArg.integer;
import static io.demikv.kvstore.command.DocArg.key;
import static io.demikv.kvstore.command.DocArg.oneof;
import static io.demikv.kvstore.command.DocArg.pure;

import io.demikv.kvstore.db.Entry;
import io.demikv.kvstore.db.ListValue;
import io.demikv.kvstore.db.ValueType;
import io.demikv.kvstore.db.ZSetValue;
import io.demikv.kvstore.server.Session;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The blocking pops (Redis 7.0's {@code blocked.c} with the list and sorted-set parts of {@code t_list.c} and
 * {@code t_zset.c}): BLPOP, BRPOP, BRPOPLPUSH, BLMOVE, BLMPOP, BZPOPMIN, BZPOPMAX and BZMPOP.
 *
 * <p>A command whose keys are all absent sets {@link Session#blocked} (the network layer then holds the
 * client's further input) and waits in a FIFO queue per key. The keyspace's
 * {@link io.demikv.kvstore.db.KeyReadyListener} notes keys that come into existence; after each top-level
 * command ({@link #afterCommand}, so after a whole EXEC) the first waiters of each ready key get their
 * command executed again through {@link Commands#execute}, which now finds the key and serves them as the
 * non-blocking form would, with the same statistics and propagation (a served BLPOP is logged as
 * {@code LPOP key}, BLMOVE as {@code LMOVE}, BRPOPLPUSH as {@code RPOPLPUSH}, BLMPOP/BZMPOP as
 * {@code LPOP|RPOP|ZPOPMIN|ZPOPMAX key count}, BZPOPMIN/MAX as {@code ZPOPMIN|ZPOPMAX key}). Inside
 * MULTI/EXEC they never block and reply a null as Redis does. Timeouts are checked from {@link #cron}
 * against the server clock, at most {@value #TIMEOUTS_PER_CALL} per call. Server thread only.
 */
final class BlockingCommands extends Family {
    static final int TIMEOUTS_PER_CALL = 1000;
    private static final int SERVES_PER_COMMAND = 100_000;
    private static final byte[] LPOP_NAME = Ctx.ascii("LPOP");
    private static final byte[] RPOP_NAME = Ctx.ascii("RPOP");
    private static final byte[] ZPOPMIN_NAME = Ctx.ascii("ZPOPMIN");
    private static final byte[] ZPOPMAX_NAME = Ctx.ascii("ZPOPMAX");
    private static final byte[] LMOVE_NAME = Ctx.ascii("LMOVE");
    private static final byte[] RPOPLPUSH_NAME = Ctx.ascii("RPOPLPUSH");
    private static final byte[] LEFT = Ctx.ascii("LEFT");
    private static final byte[] RIGHT = Ctx.ascii("RIGHT");

    /** One blocked client. */
    private static final class Waiter {
        final Session session;
        final Args args;
        final List<Transaction.Key> keys;
        final ValueType type;
        final long deadlineMs;
        final long seq;
        boolean done;

        Waiter(Session session, Args args, List<Transaction.Key> keys, ValueType type, long deadlineMs, long seq) {
            this.session = session;
            this.args = args;
            this.keys = keys;
            this.type = type;
            this.deadlineMs = deadlineMs;
            this.seq = seq;
        }
    }

    private final Commands commands;
    private final TransactionCommands transactions;
    private final ListCommands lists;
    private final ZSetCommands zsets;
    private final Map<Transaction.Key, ArrayDeque<Waiter>> waiting = new HashMap<>();
    private final IdentityHashMap<Session, Waiter> bySession = new IdentityHashMap<>();
    private final PriorityQueue<Waiter> deadlines = new PriorityQueue<>((a, b) -> a.deadlineMs != b.deadlineMs
            ? Long.compare(a.deadlineMs, b.deadlineMs) : Long.compare(a.seq, b.seq));
    private final ArrayDeque<Transaction.Key> ready = new ArrayDeque<>();
    private final Set<Transaction.Key> readySet = new HashSet<>();
    private final Doubles.Parse parse = new Doubles.Parse();
    private long seq;
    private boolean serving;
    /** Result of {@link #timeout}: milliseconds to wait, 0 for ever. */
    private long timeoutMs;

    BlockingCommands(ServerState s, Commands commands, TransactionCommands transactions) {
        super(s);
        this.commands = commands;
        this.transactions = transactions;
        this.lists = new ListCommands(s);
        this.zsets = new ZSetCommands(s);
        s.keyspace.readyListener(this::keyReady);
    }

    @Override
    void register(CommandTable t) {
        String history = "`timeout` is interpreted as a double instead of an integer.";
        t.add(cmd("blpop", -3, "write noscript blocking", 1, -2, 1).acl("list")
                .specs(KeySpec.range(1, -2, 1, "RW access delete"))
                .doc("Remove and get the first element in a list, or block until one is available", "2.0.0", "list",
                        "O(N) where N is the number of provided keys.",
                        key("key").multiple(), dbl("timeout"))
                .history("6.0.0", history)
                .handler(x -> bpop(x, true)));
        t.add(cmd("brpop", -3, "write noscript blocking", 1, -2, 1).acl("list")
                .specs(KeySpec.range(1, -2, 1, "RW access delete"))
                .doc("Remove and get the last element in a list, or block until one is available", "2.0.0", "list",
                        "O(N) where N is the number of provided keys.",
                        key("key").multiple(), dbl("timeout"))
                .history("6.0.0", history)
                .handler(x -> bpop(x, false)));
        t.add(cmd("brpoplpush", 4, "write denyoom noscript blocking", 1, 2, 1).acl("list")
                .specs(KeySpec.single(1, "RW access delete"), KeySpec.single(2, "RW insert"))
                .doc("Pop an element from a list, push it to another list and return it; or block until one is "
                        + "available", "2.2.0", "list", "O(1)",
                        key("source"), key("destination", 1), dbl("timeout"))
                .deprecated("6.2.0", "`BLMOVE` with the `RIGHT` and `LEFT` arguments")
                .history("6.0.0", history)
                .handler(x -> bmove(x, false, true, 3)));
        t.add(cmd("blmove", 6, "write denyoom noscript blocking", 1, 2, 1).acl("list")
                .specs(KeySpec.single(1, "RW access delete"), KeySpec.single(2, "RW insert"))
                .doc("Pop an element from a list, push it to another list and return it; or block until one is "
                        + "available", "6.2.0", "list", "O(1)",
                        key("source"), key("destination", 1), oneof("wherefrom", pure("LEFT"), pure("RIGHT")),
                        oneof("whereto", pure("LEFT"), pure("RIGHT")), dbl("timeout"))
                .handler(this::blmove));
        t.add(cmd("blmpop", -5, "write blocking movablekeys", 0, 0, 0).acl("list")
                .specs(KeySpec.keynum(2, 0, 1, 1, "RW access delete"))
                .doc("Pop elements from a list, or block until one is available", "7.0.0", "list",
                        "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
                        dbl("timeout"), integer("numkeys"), key("key").multiple(),
                        oneof("where", pure("LEFT"), pure("RIGHT")), integer("count").token("COUNT").optional())
                .handler(x -> bmpop(x, ValueType.LIST)));
        t.add(cmd("bzpopmin", -3, "write noscript blocking fast", 1, -2, 1).acl("sortedset")
                .specs(KeySpec.range(1, -2, 1, "RW access delete"))
                .doc("Remove and return the member with the lowest score from one or more sorted sets, or block "
                        + "until one is available", "5.0.0", "sorted-set",
                        "O(log(N)) with N being the number of elements in the sorted set.",
                        key("key").multiple(), dbl("timeout"))
                .history("6.0.0", history)
                .handler(x -> bzpop(x, true)));
        t.add(cmd("bzpopmax", -3, "write noscript blocking fast", 1, -2, 1).acl("sortedset")
                .specs(KeySpec.range(1, -2, 1, "RW access delete"))
                .doc("Remove and return the member with the highest score from one or more sorted sets, or block "
                        + "until one is available", "5.0.0", "sorted-set",
                        "O(log(N)) with N being the number of elements in the sorted set.",
                        key("key").multiple(), dbl("timeout"))
                .history("6.0.0", history)
                .handler(x -> bzpop(x, false)));
        t.add(cmd("bzmpop", -5, "write blocking movablekeys", 0, 0, 0).acl("sortedset")
                .specs(KeySpec.keynum(2, 0, 1, 1, "RW access delete"))
                .doc("Remove and return members with scores in a sorted set or block until one is available",
                        "7.0.0", "sorted-set", "O(K) + O(M*log(N)) where K is the number of provided keys, N being "
                                + "the number of elements in the sorted set, and M being the number of elements popped.",
                        dbl("timeout"), integer("numkeys"), key("key").multiple(),
                        oneof("where", pure("MIN"), pure("MAX")), integer("count").token("COUNT").optional())
                .handler(x -> bmpop(x, ValueType.ZSET)));
        CommandSpec client = t.lookup("client"); // registered by ConnectionCommands
        if (client != null) {
            sub(client, "unblock", -3, "admin noscript loading stale").acl("connection")
                    .doc("Unblock a client blocked in a blocking command from a different connection", "5.0.0",
                            "connection", "O(log N) where N is the number of client connections",
                            integer("client-id"), oneof("timeout_error", pure("TIMEOUT"), pure("ERROR")).optional())
                    .handler(this::clientUnblock);
        }
    }

    /** CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends another client's wait as a timeout (null) or an error. */
    private void clientUnblock(Ctx x) {
        if (x.argc() > 4) {
            x.error("ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.");
            return;
        }
        boolean error = false;
        if (x.argc() == 4) {
            if (x.args.is(3, "timeout")) {
                error = false;
            } else if (x.args.is(3, "error")) {
                error = true;
            } else {
                x.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
                return;
            }
        }
        if (!x.longOrReply(2)) {
            return;
        }
        Session target = s.clients.get(x.lval);
        Waiter w = target == null ? null : bySession.get(target);
        if (w == null) {
            x.reply.integer(0);
            return;
        }
        unblock(w);
        if (target.reply != null && !target.killed) {
            if (error) {
                target.reply.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
            } else {
                target.reply.nullArray();
            }
        }
        x.reply.integer(1);
    }

    // ------------------------------------------------------------------ hooks for Commands

    /** Redis's signalKeyAsReady: remember a new list or sorted set that clients wait for. */
    private void keyReady(int db, Entry e) {
        if (waiting.isEmpty()) {
            return;
        }
        Transaction.Key k = new Transaction.Key(db, e.keyCopy());
        if (waiting.containsKey(k) && readySet.add(k)) {
            ready.add(k);
        }
    }

    /**
     * Redis's handleClientsBlockedOnKeys, after every top-level command (not between the commands of an EXEC):
     * serves the waiters of keys that became ready, first come first served, while the key still holds data.
     */
    void afterCommand(CommandSpec cmd, Args args, boolean failed) {
        if (!waiting.isEmpty() && !failed && cmd.parent == null && cmd.name.equals("swapdb")) {
            swapped(args);
        }
        if (ready.isEmpty() || serving || transactions.executing()) {
            return;
        }
        serving = true;
        try {
            int budget = SERVES_PER_COMMAND;
            while (!ready.isEmpty() && budget > 0) {
                Transaction.Key k = ready.poll();
                readySet.remove(k);
                ArrayDeque<Waiter> q = waiting.get(k);
                while (q != null && !q.isEmpty() && budget-- > 0 && holdsData(k, q.peek().type)) {
                    Waiter w = q.peek();
                    unblock(w);
                    if (w.session.reply == null) {
                        commands.execute(w.session, w.args, new DiscardReply());
                    } else {
                        // Answered once its pop is in the log (appendfsync always holds it until durable).
                        DeferredReply out = new DeferredReply(w.session.reply);
                        commands.execute(w.session, w.args, out);
                        out.flush();
                    }
                    q = waiting.get(k);
                }
            }
        } finally {
            serving = false;
        }
    }

    /** Redis's scanDatabaseForReadyKeys after SWAPDB: waited-for keys the swap brought in are ready. */
    private void swapped(Args args) {
        long[] v = new long[1];
        if (args.count() != 3 || !Numbers.parseLong(args.buf(), args.offset(1), args.length(1), v)) {
            return;
        }
        long a = v[0];
        if (!Numbers.parseLong(args.buf(), args.offset(2), args.length(2), v)) {
            return;
        }
        for (Map.Entry<Transaction.Key, ArrayDeque<Waiter>> w : waiting.entrySet()) {
            Transaction.Key k = w.getKey();
            if ((k.db() == a || k.db() == v[0]) && !w.getValue().isEmpty()
                    && holdsData(k, w.getValue().peek().type) && readySet.add(k)) {
                ready.add(k);
            }
        }
    }

    private boolean holdsData(Transaction.Key k, ValueType type) {
        byte[] n = k.name();
        Entry e = s.keyspace.db(k.db()).lookup(n, 0, n.length, false);
        return e != null && e.type() == type;
    }

    /** Times out waiters whose deadline passed; returns how many. */
    int cron() {
        if (deadlines.isEmpty()) {
            return 0;
        }
        long now = s.clock.unixMillis();
        int n = 0;
        while (n < TIMEOUTS_PER_CALL && !deadlines.isEmpty() && deadlines.peek().deadlineMs <= now) {
            Waiter w = deadlines.poll();
            if (w.done) {
                continue;
            }
            unblock(w);
            if (w.session.reply != null && !w.session.killed) {
                w.session.reply.nullArray(); // Redis's replyToBlockedClientTimedOut for lists and sorted sets
            }
            n++;
        }
        return n;
    }

    /** The client closed: it waits no more. */
    void disconnect(Session session) {
        Waiter w = bySession.get(session);
        if (w != null) {
            unblock(w);
        }
    }

    /** True while clients blocked on ready keys are being served (their commands run again). */
    boolean serving() {
        return serving;
    }

    /** Number of blocked clients (INFO blocked_clients). */
    int blockedClients() {
        return bySession.size();
    }

    private void unblock(Waiter w) {
        w.done = true;
        w.session.blocked = false;
        bySession.remove(w.session);
        for (Transaction.Key k : w.keys) {
            ArrayDeque<Waiter> q = waiting.get(k);
            if (q != null) {
                q.remove(w);
                if (q.isEmpty()) {
                    waiting.remove(k);
                }
            }
        }
        if (w.deadlineMs != 0) {
            deadlines.remove(w);
        }
    }

    private void block(Ctx x, int firstKey, int lastKey, ValueType type) {
        List<Transaction.Key> keys = new ArrayList<>(lastKey - firstKey + 1);
        for (int i = firstKey; i <= lastKey; i++) {
            Transaction.Key k = new Transaction.Key(x.session.db, x.arg(i));
            if (!keys.contains(k)) {
                keys.add(k);
            }
        }
        long deadline = timeoutMs == 0 ? 0 : x.nowMs + timeoutMs;
        Waiter w = new Waiter(x.session, Transaction.copy(x.args), keys, type, deadline, seq++);
        for (Transaction.Key k : keys) {
            waiting.computeIfAbsent(k, key -> new ArrayDeque<>()).add(w);
        }
        if (deadline != 0) {
            deadlines.add(w);
        }
        bySession.put(x.session, w);
        x.session.blocked = true;
    }

    /** Blocking is refused inside MULTI/EXEC: the command answers as if it had timed out at once. */
    private boolean mayBlock() {
        return !transactions.executing();
    }

    // ------------------------------------------------------------------ commands

    /**
     * Redis 7.0's getTimeoutFromObjectOrReply in seconds: a long double times 1000, truncated to milliseconds
     * (C's conversion, where an overflow or infinity becomes negative), not negative. Into {@link #timeoutMs};
     * replies and returns false otherwise.
     */
    private boolean timeout(Ctx x, int i) {
        if (!Doubles.parseStrict(x.args.buf(), x.args.offset(i), x.args.length(i), parse)) {
            x.error("ERR timeout is not a float or out of range");
            return false;
        }
        double ms = parse.value * 1000.0;
        long t = ms >= 0x1p63 || ms < -0x1p63 ? Long.MIN_VALUE : (long) ms;
        if (t < 0) {
            x.error("ERR timeout is negative");
            return false;
        }
        timeoutMs = t > Long.MAX_VALUE - x.nowMs ? 0 : t; // beyond any clock: wait for ever
        return true;
    }

    private void bpop(Ctx x, boolean head) {
        int last = x.argc() - 2;
        if (!timeout(x, x.argc() - 1)) {
            return;
        }
        for (int k = 1; k <= last; k++) {
            Entry e = x.write(k);
            if (e == null) {
                continue;
            }
            if (wrongType(x, e, ValueType.LIST)) {
                return;
            }
            ListValue list = (ListValue) e.value();
            byte[] key = e.keyCopy();
            byte[] v = head ? list.popHead() : list.popTail();
            x.reply.array(2);
            x.reply.bulk(key);
            x.reply.bulk(v);
            if (list.size() == 0) {
                x.db.delete(e);
            }
            x.dirty();
            if (x.logging()) {
                x.propagateAs(head ? LPOP_NAME : RPOP_NAME, key);
            }
            return;
        }
        if (!mayBlock()) {
            x.reply.nullArray();
            return;
        }
        block(x, 1, last, ValueType.LIST);
    }

    private void blmove(Ctx x) {
        boolean fromHead;
        boolean toHead;
        if (x.args.is(3, "left")) {
            fromHead = true;
        } else if (x.args.is(3, "right")) {
            fromHead = false;
        } else {
            x.syntaxError();
            return;
        }
        if (x.args.is(4, "left")) {
            toHead = true;
        } else if (x.args.is(4, "right")) {
            toHead = false;
        } else {
            x.syntaxError();
            return;
        }
        bmove(x, fromHead, toHead, 5);
    }

    private void bmove(Ctx x, boolean fromHead, boolean toHead, int timeoutArg) {
        if (!timeout(x, timeoutArg)) {
            return;
        }
        Entry src = x.write(1);
        if (src == null) {
            if (!mayBlock()) {
                x.reply.nullBulk();
                return;
            }
            block(x, 1, 1, ValueType.LIST);
            return;
        }
        if (wrongType(x, src, ValueType.LIST)) {
            return;
        }
        Entry dst = x.write(2);
        if (wrongType(x, dst, ValueType.LIST)) {
            return;
        }
        lists.moveOne(x, src, dst, fromHead, toHead);
        if (x.logging()) {
            if (timeoutArg == 3) {
                x.propagateAs(RPOPLPUSH_NAME, x.arg(1), x.arg(2));
            } else {
                x.propagateAs(LMOVE_NAME, x.arg(1), x.arg(2), fromHead ? LEFT : RIGHT, toHead ? LEFT : RIGHT);
            }
        }
    }

    private void bzpop(Ctx x, boolean min) {
        int last = x.argc() - 2;
        if (!timeout(x, x.argc() - 1)) {
            return;
        }
        for (int k = 1; k <= last; k++) {
            Entry e = x.write(k);
            if (e == null) {
                continue;
            }
            if (wrongType(x, e, ValueType.ZSET)) {
                return;
            }
            ZSetValue z = (ZSetValue) e.value();
            byte[] key = e.keyCopy();
            x.reply.array(3);
            x.reply.bulk(key);
            z.range(min ? 0 : z.size() - 1, 1, !min, (m, score) -> {
                x.reply.bulk(m.array(), m.offset(), m.length());
                x.reply.doubleValue(score);
            });
            z.removeRange(min ? 0 : z.size() - 1, 1);
            if (z.size() == 0) {
                x.db.delete(e);
            }
            x.dirty();
            if (x.logging()) {
                x.propagateAs(min ? ZPOPMIN_NAME : ZPOPMAX_NAME, key);
            }
            return;
        }
        if (!mayBlock()) {
            x.reply.nullArray();
            return;
        }
        block(x, 1, last, ValueType.ZSET);
    }

    /** BLMPOP and BZMPOP: {@code timeout numkeys key... LEFT|RIGHT|MIN|MAX [COUNT n]}. */
    private void bmpop(Ctx x, ValueType type) {
        if (!timeout(x, 1)) {
            return;
        }
        if (!x.parseLong(2) || x.lval < 1) {
            x.error("ERR numkeys should be greater than 0");
            return;
        }
        long numkeys = x.lval;
        long whereIdx = 2 + numkeys + 1;
        if (whereIdx >= x.argc()) {
            x.syntaxError();
            return;
        }
        boolean first;
        String a = type == ValueType.LIST ? "left" : "min";
        String b = type == ValueType.LIST ? "right" : "max";
        if (x.args.is((int) whereIdx, a)) {
            first = true;
        } else if (x.args.is((int) whereIdx, b)) {
            first = false;
        } else {
            x.syntaxError();
            return;
        }
        long count = mpopCount(x, (int) whereIdx + 1);
        if (count < 0) {
            return;
        }
        for (int k = 3; k < whereIdx; k++) {
            Entry e = x.write(k);
            if (e == null) {
                continue;
            }
            if (wrongType(x, e, type)) {
                return;
            }
            if (type == ValueType.LIST) {
                lists.popAndReply(x, e, first, count);
            } else {
                zsets.popAndReply(x, e, first, count);
            }
            return;
        }
        if (!mayBlock()) {
            x.reply.nullArray();
            return;
        }
        block(x, 3, (int) whereIdx - 1, type);
    }
}
