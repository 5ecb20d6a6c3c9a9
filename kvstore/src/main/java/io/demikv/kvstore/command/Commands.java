package io.demikv.kvstore.command;

import io.demikv.config.DirectiveRegistry;
import io.demikv.kvstore.db.Keyspace;
import io.demikv.kvstore.resp.Reply;
import io.demikv.kvstore.server.Session;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The command side of the server: the command table, the keyspace and the server state, behind the
 * network layer's {@link CommandExecutor} contract. {@link #execute} is Redis's {@code processCommand}
 * plus {@code call}: one generic check (unknown command or subcommand, arity, authentication), then the
 * handler, then the bookkeeping every command shares: statistics, slow log, latency monitor, MONITOR
 * feed, and {@link CommandLog#append propagation} of write commands that changed the dataset (the one
 * place a durable log hooks in).
 *
 * <p>Construct one per server instance with its directive registry (see {@link ServerDirectives}) and a
 * clock; everything else is per instance. All methods run on the server thread.
 */
public final class Commands implements CommandExecutor {
    /** Redis 7.0's networking.c text for a non-loopback client when protected mode applies. */
    static final String DENIED = "DENIED Redis is running in protected mode because protected mode is enabled "
            + "and no password is set for the default user. In this mode connections are only accepted from the "
            + "loopback interface. If you want to connect from external computers to Redis you may adopt one of "
            + "the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET "
            + "protected-mode no' from the loopback interface by connecting to Redis from the same host the "
            + "server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. "
            + "Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the "
            + "protected mode by editing the Redis configuration file, and setting the protected mode option to "
            + "'no', and then restarting the server. 3) If you started the server manually just for testing, "
            + "restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the "
            + "default user. NOTE: You only need to do one of the above things in order for the server to start "
            + "accepting connections from the outside.";

    private final ServerState s;
    private final Ctx ctx;
    private final IdentityHashMap<Session, ClientExtras> extras;
    private final Reply discard = new DiscardReply();
    private final LongSupplier mono;
    private final TransactionCommands transactions;
    private final PubSubCommands pubsub;
    private final BlockingCommands blocking;
    private final ClientPause pause;
    /** The client of the command being executed, so a rejection can flag its transaction. */
    private ClientExtras current;
    private boolean inCommand;
    private long lastCronNanos;
    private boolean cronStarted;

    /** A server with no durable log and a random hash seed. */
    public Commands(DirectiveRegistry config, ServerClock clock) {
        this(config, clock, CommandLog.NONE, new SecureRandom().nextLong());
    }

    /**
     * @param config the server directives (CONFIG GET/SET change it; read-only elsewhere)
     * @param clock  all time the commands see
     * @param log    receives every write command that changed the dataset, in replayable form
     * @param seed   seeds hashing and random choices (RANDOMKEY); tests pass a fixed one
     */
    public Commands(DirectiveRegistry config, ServerClock clock, CommandLog log, long seed) {
        this.s = new ServerState(config, clock, log, seed);
        this.extras = s.extras;
        this.ctx = new Ctx(s);
        this.mono = clock::monoNanos;
        s.keyspace.expiryListener(this::onExpired);
        new ConnectionCommands(s).register(s.table);
        new StringCommands(s).register(s.table);
        new KeyCommands(s).register(s.table);
        new ExpireCommands(s).register(s.table);
        new HashCommands(s).register(s.table);
        new ListCommands(s).register(s.table);
        new SetCommands(s).register(s.table);
        new ZSetCommands(s).register(s.table);
        new ZSetAlgebra(s).register(s.table);
        new SortCommand(s).register(s.table);
        new ServerCommands(s).register(s.table);
        new IntrospectionCommands(s).register(s.table);
        new PersistenceCommands(s).register(s.table);
        transactions = new TransactionCommands(s, this);
        transactions.register(s.table);
        pubsub = new PubSubCommands(s);
        pubsub.register(s.table);
        blocking = new BlockingCommands(s, this, transactions);
        blocking.register(s.table);
        pause = new ClientPause(s, this);
        pause.register(s.table);
        new ResetCommand(s, transactions, pubsub).register(s.table);
        s.pubsub = pubsub;
        s.transactions = transactions;
        s.blocking = blocking;
        s.pause = pause;
        for (CommandSpec c : s.table.all()) {
            c.finish();
        }
    }

    /** The keyspace (for recovery, tests and the server's memory report). */
    public Keyspace keyspace() {
        return s.keyspace;
    }

    /**
     * Replaces the durable-log sink, for instance after recovery replayed the log through {@link #execute}
     * with {@link CommandLog#NONE}.
     */
    public void commandLog(CommandLog log) {
        s.log = log == null ? CommandLog.NONE : log;
    }

    /** Installs the persistence that answers SAVE/BGSAVE/BGREWRITEAOF, INFO persistence and refuses commands
     * while loading or after a log write error. Call at start-up. */
    public void persistence(Persistence p) {
        s.persistence = p == null ? Persistence.NONE : p;
    }

    /** A save (a compacted base of the log) became durable: LASTSAVE and rdb_changes_since_last_save restart. */
    public void saved(long unixSeconds) {
        s.lastSaveUnixSeconds = unixSeconds;
        s.dirtyAtLastSave = s.dirty;
    }

    /** Changes to the dataset since start (Redis's {@code server.dirty}). */
    public long dirty() {
        return s.dirty;
    }

    CommandTable table() {
        return s.table;
    }

    /**
     * Lets INFO report the network layer's counters (net input/output bytes, connections received and
     * refused before reaching {@link #onConnect}). Call once at start-up.
     */
    public void attach(io.demikv.kvstore.server.NetworkStats stats) {
        s.network = stats;
    }

    /** Number of commands in the table (COMMAND COUNT). */
    public int commandCount() {
        return s.table.all().size();
    }

    // ------------------------------------------------------------------ connections

    @Override
    public String onConnect(Session session) {
        if (s.clients.size() >= s.maxClients) {
            s.rejectedConnections++;
            return Errors.MAX_CLIENTS;
        }
        s.totalConnections++;
        if (s.protectedMode && !s.passwordRequired() && !session.loopback) {
            return DENIED;
        }
        session.authenticated = !s.passwordRequired();
        s.clients.put(session.id, session);
        extras.put(session, new ClientExtras());
        return null;
    }

    @Override
    public void onDisconnect(Session session) {
        s.clients.remove(session.id);
        s.monitors.remove(session);
        transactions.discardTransaction(extras.get(session));
        pubsub.unsubscribeAll(session);
        blocking.disconnect(session);
        pause.disconnect(session);
        extras.remove(session);
    }

    ClientExtras extras(Session session) {
        ClientExtras x = extras.get(session);
        if (x == null) {
            x = new ClientExtras();
            extras.put(session, x);
            s.clients.putIfAbsent(session.id, session);
        }
        return x;
    }

    // ------------------------------------------------------------------ execution

    @Override
    public void execute(Session session, Args args, Reply reply) {
        long nowUs = s.clock.unixMicros();
        long nowMs = Math.floorDiv(nowUs, 1000);
        // A command from a client, not one run on a client's behalf (EXEC's queue, a served blocking pop).
        boolean topLevel = !inCommand && !blocking.serving();
        if (topLevel) {
            pause.releaseDue(nowMs); // commands held by a pause that is over go first, in their order
        }
        ClientExtras cx = extras(session);
        current = cx;
        Reply out = reply;
        boolean skipped = false;
        if (cx.replyOff) {
            out = discard;
        } else if (cx.skipNext) {
            cx.skipNext = false;
            skipped = true;
            out = discard;
        }
        s.keyspace.now(nowMs);
        session.lastInteractionMillis = nowMs;

        CommandSpec container = s.table.lookup(args, 0);
        CommandSpec cmd = container;
        if (container != null && container.isContainer() && args.count() >= 2) {
            cmd = container.subcommand(args, 1);
        }
        if (topLevel) {
            session.lastCommand = cmd == null ? "NULL" : cmd.fullName; // Redis's c->lastcmd, set at lookup
        }
        if (container == null) {
            reject(null, out, unknownCommand(args));
            return;
        }
        if (cmd == null) {
            reject(null, out, unknownSubcommand(args, container));
            return;
        }
        int argc = args.count();
        if ((cmd.arity > 0 && cmd.arity != argc) || argc < -cmd.arity) {
            reject(cmd, out, Errors.wrongArity(cmd.fullName));
            return;
        }
        if (s.passwordRequired() && !session.authenticated && !cmd.has(CommandFlag.NO_AUTH)) {
            reject(cmd, out, Errors.NOAUTH);
            return;
        }
        // A MONITOR client is a replica to Redis: it may not touch the keyspace any more.
        if (session.monitor && (cmd.flags & (CommandFlag.WRITE.bit | CommandFlag.READONLY.bit
                | CommandFlag.MAY_REPLICATE.bit)) != 0) {
            reject(cmd, out, "ERR Replica can't interact with the keyspace");
            return;
        }
        String refusal = s.persistence.refuse(session, cmd.flags, cmd.fullName); // LOADING, MISCONF
        if (refusal != null) {
            reject(cmd, out, refusal);
            return;
        }
        String subscriberRefusal = PubSubCommands.refuse(session, cmd); // RESP2 subscriber context
        if (subscriberRefusal != null) {
            reject(cmd, out, subscriberRefusal);
            return;
        }
        if (topLevel && pause.mustWait(cx, cmd, nowMs)) { // CLIENT PAUSE: held, not refused
            cx.skipNext |= skipped;
            pause.postpone(session, args);
            return;
        }
        if (transactions.queue(cx, args, cmd, out)) { // in MULTI: +QUEUED
            return;
        }
        call(session, cx, args, out, cmd, nowMs, nowUs);
        blocking.afterCommand(cmd, args, ctx.failed); // serve clients blocked on keys this command made ready
        if (topLevel) {
            pause.releaseDue(nowMs); // after CLIENT UNPAUSE
        }
    }

    private void call(Session session, ClientExtras cx, Args args, Reply out, CommandSpec cmd, long nowMs,
                      long nowUs) {
        ctx.begin(session, cx, args, out, cmd, nowMs);
        long dirtyBefore = s.dirty;
        boolean nested = inCommand;
        inCommand = true;
        // While clients are paused the dataset stays still: reads leave expired keys in place (writes, which
        // can only run inside the EXEC that paused, still delete them, as Redis's lookupKeyWrite does).
        boolean keptBefore = s.keyspace.keepExpired();
        s.keyspace.keepExpired(!cmd.has(CommandFlag.WRITE) && pause.paused(nowMs));
        long t0 = s.clock.monoNanos();
        transactions.beforeCall(session, cmd, args);
        try {
            cmd.handler.execute(ctx);
        } catch (RuntimeException bug) {
            // A handler bug must not take the server down; the client gets an error, stderr the trace.
            bug.printStackTrace();
            ctx.error("ERR internal error executing '" + cmd.fullName + "': " + bug);
        } finally {
            inCommand = nested;
            s.keyspace.keepExpired(keptBefore);
        }
        long nanos = s.clock.monoNanos() - t0;
        long micros = nanos / 1000;
        cmd.calls++;
        cmd.micros += micros;
        if (ctx.failed) {
            cmd.failedCalls++;
        }
        s.totalCommands++;
        session.commandsProcessed++;

        transactions.afterCall(session, cmd, args, s.dirty != dirtyBefore, ctx.failed); // WATCH
        propagate(cmd, args, s.dirty != dirtyBefore);

        if (!cmd.has(CommandFlag.SKIP_SLOWLOG) && s.slowlogSlowerThan >= 0 && micros >= s.slowlogSlowerThan
                && s.slowlogMaxLen > 0) {
            s.slowlog.add(redacted(cmd, args), nowUs / 1_000_000, micros, session.addr, session.name,
                    s.slowlogMaxLen);
        }
        s.latency.add(cmd.has(CommandFlag.FAST) ? "fast-command" : "command", nowUs / 1_000_000,
                nanos / 1_000_000, s.latencyThresholdMs);
        if (!s.monitors.isEmpty() && !cmd.has(CommandFlag.ADMIN) && !cmd.has(CommandFlag.SKIP_MONITOR)) {
            String line = Monitor.line(s.clock.unixMicros(), session.db, session, redacted(cmd, args));
            for (Session m : s.monitors) {
                if (m.reply != null && !m.killed) {
                    m.reply.simple(line);
                }
            }
        }
    }

    private void propagate(CommandSpec cmd, Args args, boolean changed) {
        List<byte[][]> pending = ctx.pending;
        if (s.log == CommandLog.NONE) {
            pending.clear();
            return;
        }
        if (changed && cmd.has(CommandFlag.WRITE) && !ctx.suppressPropagation) {
            if (ctx.propagateAs != null) {
                pending.add(ctx.propagateAs);
            } else if (pending.isEmpty()) {
                s.log.append(ctx.session.db, args); // logged as sent, straight from the query buffer
                return;
            } else {
                pending.add(args.copyAll());
            }
        }
        if (!pending.isEmpty()) {
            int db = ctx.session.db;
            for (byte[][] argv : pending) {
                s.log.append(db, argv);
            }
            pending.clear();
        }
    }

    /** AUTH and HELLO's AUTH arguments are hidden from SLOWLOG and MONITOR, as Redis does. */
    private static Args redacted(CommandSpec cmd, Args args) {
        boolean auth = cmd.fullName.equals("auth");
        boolean hello = cmd.fullName.equals("hello");
        if (!auth && !hello) {
            return args;
        }
        byte[] red = "(redacted)".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int[] offs = new int[args.count()];
        int[] lens = new int[args.count()];
        for (int i = 0; i < args.count(); i++) {
            boolean hide = auth ? i >= 1 : i >= 2 && args.is(i - 1, "auth") || i >= 3 && args.is(i - 2, "auth");
            offs[i] = buf.size();
            if (hide) {
                buf.writeBytes(red);
            } else {
                buf.write(args.buf(), args.offset(i), args.length(i));
            }
            lens[i] = buf.size() - offs[i];
        }
        Args out = new Args();
        out.reset(buf.toByteArray());
        for (int i = 0; i < offs.length; i++) {
            out.add(offs[i], lens[i]);
        }
        return out;
    }

    private void reject(CommandSpec cmd, Reply out, String message) {
        if (cmd != null) {
            cmd.rejectedCalls++;
        }
        message = transactions.rejected(current, cmd, message);
        s.countError(message);
        out.error(message);
    }

    private void reject(CommandSpec cmd, Reply out, byte[] message) {
        if (cmd != null) {
            cmd.rejectedCalls++;
        }
        transactions.rejected(current, cmd, "");
        String m = new String(message, java.nio.charset.StandardCharsets.ISO_8859_1);
        s.countError(m);
        ByteArrayOutputStream b = new ByteArrayOutputStream(message.length + 3);
        b.write('-');
        for (byte c : message) {
            b.write(c == '\r' || c == '\n' ? ' ' : c);
        }
        b.write('\r');
        b.write('\n');
        out.raw(b.toByteArray());
    }

    /** Redis 7's text, bytes kept as sent: arguments are cut at a NUL byte and at 128 bytes, as C does. */
    static byte[] unknownCommand(Args args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(Ctx.ascii("ERR unknown command '"));
        cString(b, args, 0, 128);
        b.writeBytes(Ctx.ascii("', with args beginning with: "));
        int start = b.size();
        for (int i = 1; i < args.count() && b.size() - start < 128; i++) {
            b.write('\'');
            cString(b, args, i, 128 - (b.size() - start - 1));
            b.write('\'');
            b.write(' ');
        }
        return b.toByteArray();
    }

    private static byte[] unknownSubcommand(Args args, CommandSpec container) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(Ctx.ascii("ERR unknown subcommand '"));
        cString(b, args, 1, 128);
        b.writeBytes(Ctx.ascii("'. Try " + container.name.toUpperCase(Locale.ROOT) + " HELP."));
        return b.toByteArray();
    }

    private static void cString(ByteArrayOutputStream b, Args args, int i, int max) {
        byte[] buf = args.buf();
        int off = args.offset(i);
        int n = Math.min(args.length(i), Math.max(0, max));
        for (int k = 0; k < n && buf[off + k] != 0; k++) {
            b.write(buf[off + k]);
        }
    }

    // ------------------------------------------------------------------ expiry and cron

    private void onExpired(int db, byte[] key) {
        s.expiredKeys++;
        transactions.touch(db, key);
        if (s.log == CommandLog.NONE) {
            return;
        }
        byte[][] del = {Ctx.ascii(s.lazyExpire ? "UNLINK" : "DEL"), key};
        if (inCommand) {
            ctx.pending.add(del);
        } else {
            s.log.append(db, del);
        }
    }

    @Override
    public int cron(long nowNanos) {
        // Every pass: blocking timeouts and the end of a client pause are not bound to hz.
        int timedOut = blocking.cron() + pause.releaseDue(s.clock.unixMillis());
        long period = 1_000_000_000L / s.hz;
        if (cronStarted && nowNanos - lastCronNanos < period) {
            return timedOut;
        }
        cronStarted = true;
        lastCronNanos = nowNanos;
        long nowUs = s.clock.unixMicros();
        s.keyspace.now(Math.floorDiv(nowUs, 1000));
        int work = 0;
        if (s.activeExpireEnabled && !pause.paused(Math.floorDiv(nowUs, 1000))) { // nothing expires while paused
            long t0 = s.clock.monoNanos();
            // Redis's slow cycle may use 25% of each cron period.
            work += s.keyspace.activeExpireCycle(mono, period / 4);
            long spent = s.clock.monoNanos() - t0;
            s.expireCycleNanos += spent;
            if (spent > period / 4) {
                s.expireTimeCapReached++;
            }
            s.latency.add("expire-cycle", nowUs / 1_000_000, spent / 1_000_000, s.latencyThresholdMs);
        }
        if (s.config.getBoolean("activerehashing")) {
            work += s.keyspace.housekeeping(100);
        }
        // Idle clients (the timeout directive) are closed by the network layer, which owns connections.
        long sinceSample = nowNanos - s.opsSampleNanos;
        if (sinceSample >= 100_000_000L || s.opsSampleNanos == 0) {
            if (s.opsSampleNanos != 0 && sinceSample > 0) {
                s.instantaneousOps = (s.totalCommands - s.opsSampleCommands) * 1_000_000_000L / sinceSample;
            }
            s.opsSampleNanos = nowNanos;
            s.opsSampleCommands = s.totalCommands;
        }
        return work + timedOut;
    }

    @Override
    public boolean shutdownRequested() {
        return s.shutdownRequested;
    }

    /** Asks the server to stop (a signal arrived); the network layer polls {@link #shutdownRequested}. */
    public void requestShutdown() {
        s.shutdownRequested = true;
    }
}
