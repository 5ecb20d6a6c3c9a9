package io.demikv.kvstore.server;

import io.demikv.kvstore.command.CommandExecutor;
import io.demikv.kvstore.resp.RequestParser;
import io.demikv.libos.AbstractLibOS;
import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.IoQueue;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import io.demikv.libos.memory.DemiBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The server's single-threaded event loop over any {@link LibOS} (Catnap, Catnip, Catmint): it listens,
 * keeps one accept and one pop per connection outstanding, and turns completions into commands for the
 * {@link CommandExecutor}. One pass ({@link #doWork}):
 * <ol>
 *   <li>{@code waitNext} for a batch of completions (bounded by {@link NetworkSettings#waitNanos});</li>
 *   <li>accepts: admission, a {@link Session}, the first pop; pops: copy into the connection's query buffer,
 *       pop again, then parse and execute every complete command (none while {@link Session#blocked});
 *       push completions: free the array, push what accumulated meanwhile;</li>
 *   <li>{@link CommandExecutor#cron}, then clients the cron or a command unblocked get their input run;</li>
 *   <li>one push per connection with everything written in the pass. A connection whose previous push is
 *       still pending keeps accumulating and pushes when it completes, so a client that does not read
 *       never holds up the others (its output grows in its own buffers, bounded by
 *       {@code client-output-buffer-limit}: {@link NetworkSettings#normalOutputLimit} and, for
 *       {@link Session#pubsub} clients, {@link NetworkSettings#pubsubOutputLimit}).</li>
 * </ol>
 *
 * <h2>Admission (maxclients, protected mode, AUTH state)</h2>
 * Lives here, in {@link #onAccept}: a connection beyond {@link NetworkSettings#maxClients} gets
 * {@value #MAX_CLIENTS_ERROR}; with protected mode on and no password a client that is not on a loopback
 * address ({@link Session#loopback}) gets Redis's {@code DENIED} text; both are closed after that one reply
 * and never reach the executor. Otherwise {@link Session#authenticated} starts as "no password required"
 * (as Redis's {@code createClient} sets it), and then {@link CommandExecutor#onConnect} may still refuse.
 * {@link CommandExecutor#onDisconnect} is called exactly for the sessions {@code onConnect} accepted.
 *
 * <h2>Closing</h2>
 * {@link Session#closeAfterReply} (QUIT), a protocol error and end of input close once the output is pushed
 * (input meanwhile is read and dropped); {@link Session#killed}, a failed pop or push, and a query buffer past
 * {@code client-query-buffer-limit} close at once, as does an idle client past {@code timeout}. A kill of
 * another client's session is seen within {@value #SWEEP_MILLIS} ms.
 *
 * <p>Everything runs on the thread that calls {@link #doWork} or {@link #run}, except {@link #requestStop},
 * which any thread (a signal handler) may call.
 */
public final class NetworkServer implements AutoCloseable {
    /** Redis's reply to a client beyond {@code maxclients}. */
    public static final String MAX_CLIENTS_ERROR = "ERR max number of clients reached";
    /** Redis 7.0's reply to a non-loopback client in protected mode, without the leading '-'. */
    public static final String PROTECTED_MODE_DENIED = "DENIED Redis is running in protected mode because protected "
            + "mode is enabled and no password is set for the default user. In this mode connections are only "
            + "accepted from the loopback interface. If you want to connect from external computers to Redis you "
            + "may adopt one of the following solutions: 1) Just disable protected mode sending the command "
            + "'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same "
            + "host the server is running, however MAKE SURE Redis is not publicly accessible from internet if "
            + "you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable "
            + "the protected mode by editing the Redis configuration file, and setting the protected mode option "
            + "to 'no', and then restarting the server. 3) If you started the server manually just for testing, "
            + "restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the "
            + "default user. NOTE: You only need to do one of the above things in order for the server to start "
            + "accepting connections from the outside.";

    static final int SWEEP_MILLIS = 10;
    static final int DRAIN_MILLIS = 200;
    private static final long SWEEP_NANOS = SWEEP_MILLIS * 1_000_000L;
    private static final long REFRESH_NANOS = 100_000_000L;
    private static final long SHRINK_NANOS = 1_000_000_000L;
    private static final int BATCH = 128;

    private final LibOS libos;
    private final CommandExecutor executor;
    private final NetworkSettings settings;
    private final NetworkStats stats;
    private final QResult[] results = new QResult[BATCH];
    private final Int2ObjectHashMap<Connection> byQd = new Int2ObjectHashMap<>();
    private final Long2ObjectHashMap<Sga> orphanPushes = new Long2ObjectHashMap<>();
    private Connection[] all = new Connection[64];
    private int allCount;
    private Connection[] dirty = new Connection[64];
    private int dirtyCount;
    private Connection[] parked = new Connection[16];
    private int parkedCount;
    /** The durable log's view (appendfsync always holds replies); {@link DurabilityGate#NONE} without one. */
    private DurabilityGate gate = DurabilityGate.NONE;
    /** Connections whose output waits for their release point to become durable. */
    private Connection[] held = new Connection[16];
    private int heldCount;

    private int listenQd = -1;
    private long acceptQt = -1;
    private long boundEndpoint = Endpoint.NONE;
    private String listenAddress = "";
    private long nextClientId = 1;
    private long nowMillis;
    private long lastSweepNanos;
    private long lastRefreshNanos;
    private long lastShrinkNanos;
    private long lastAcceptWarningNanos = Long.MIN_VALUE / 2;
    private boolean closed;
    /** Stopping: input is no longer read or executed, only output drained. */
    private boolean draining;
    private volatile boolean stopRequested;

    public NetworkServer(LibOS libos, CommandExecutor executor, NetworkSettings settings, NetworkStats stats) {
        this.libos = libos;
        this.executor = executor;
        this.settings = settings;
        this.stats = stats;
        for (int i = 0; i < BATCH; i++) {
            results[i] = new QResult();
        }
        this.nowMillis = System.currentTimeMillis();
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Creates the listening socket on {@link NetworkSettings#bind} and starts accepting. Returns 0, or the
     * negated errno of the step that failed ({@link #describeStartError} turns it into a message).
     */
    public int start() {
        int qd = libos.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        if (qd < 0) {
            return qd;
        }
        int rc = libos.bind(qd, settings.bind);
        if (rc == 0) {
            rc = libos.listen(qd, settings.backlog);
        }
        if (rc != 0) {
            libos.close(qd);
            return rc;
        }
        listenQd = qd;
        long local = localEndpointOf(qd);
        boundEndpoint = local != Endpoint.NONE && Endpoint.port(local) != 0 ? local : settings.bind;
        listenAddress = Endpoint.toString(boundEndpoint);
        postAccept();
        long now = libos.nowNanos();
        lastSweepNanos = lastRefreshNanos = lastShrinkNanos = now;
        return acceptQt < 0 ? (int) acceptQt : 0;
    }

    /** A one-line reason for a {@link #start()} failure. */
    public String describeStartError(int rc) {
        String where = Endpoint.toString(settings.bind);
        return switch (-rc) {
            case Errno.EADDRINUSE -> "cannot listen on " + where + ": address already in use (another server running? "
                    + "choose another --port)";
            case Errno.EADDRNOTAVAIL -> "cannot listen on " + where + ": no local interface has that address (check --bind)";
            case Errno.EPERM -> "cannot listen on " + where + ": permission denied (ports below 1024 need privileges)";
            default -> "cannot listen on " + where + " over " + libos.name() + ": " + Errno.name(rc);
        };
    }

    /**
     * Connects the durable log: its completions are routed to it, it runs once per pass before replies are
     * pushed, and replies wait for their release point (see {@link DurabilityGate}). Call before {@link #run}.
     */
    public void durabilityGate(DurabilityGate g) {
        this.gate = g == null ? DurabilityGate.NONE : g;
    }

    /** Where the server listens (the real port when {@link NetworkSettings#bind} asked for port 0). */
    public long boundEndpoint() {
        return boundEndpoint;
    }

    /** Runs passes until {@link #requestStop()} or the executor asks for shutdown. */
    public void run() {
        while (!stopRequested && !executor.shutdownRequested()) {
            doWork(settings.waitNanos);
        }
    }

    /** Asks {@link #run()} to return after the current pass; any thread, e.g. a signal handler. */
    public void requestStop() {
        stopRequested = true;
    }

    public boolean stopRequested() {
        return stopRequested || executor.shutdownRequested();
    }

    /** Connections open now, served or being refused. */
    public int connectionCount() {
        return allCount;
    }

    public NetworkStats stats() {
        return stats;
    }

    public NetworkSettings settings() {
        return settings;
    }

    /**
     * Stops serving: closes the listening socket, stops reading, gives replies already written up to
     * {@value #DRAIN_MILLIS} ms to be pushed, then closes every connection (onDisconnect is called for served
     * ones). The libOS stays open: its owner closes it.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        draining = true;
        if (listenQd >= 0) {
            libos.close(listenQd);
            listenQd = -1;
        }
        flush();
        long deadline = libos.nowNanos() + DRAIN_MILLIS * 1_000_000L;
        while (pushesInFlight() && libos.nowNanos() - deadline < 0) {
            int n = libos.waitNext(results, BATCH, 10_000_000L);
            for (int i = 0; i < n; i++) {
                dispatch(results[i]);
            }
            if (heldCount > 0) {
                releaseHeld();
            }
            flush();
        }
        for (int i = allCount - 1; i >= 0; i--) {
            closeNow(all[i]);
        }
        // Completions of what was just closed are queued (pops with data, cancelled pushes); take them all
        // so every array goes back to the libOS.
        for (int round = 0; round < 1_000_000; round++) {
            int n = libos.waitNext(results, BATCH, 0);
            if (n <= 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                dispatch(results[i]);
            }
        }
    }

    private boolean pushesInFlight() {
        for (int i = 0; i < allCount; i++) {
            if (all[i].inflight != null || all[i].writer.hasPending()) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- the pass

    /**
     * One pass of the loop: waits up to {@code timeoutNanos} for completions, handles them, runs the cron,
     * and pushes what was written. Returns the number of completions handled.
     */
    public int doWork(long timeoutNanos) {
        int n = libos.waitNext(results, BATCH, gate.waitNanos(timeoutNanos));
        long now = libos.nowNanos();
        nowMillis = System.currentTimeMillis();
        stats.loopPasses++;
        for (int i = 0; i < n; i++) {
            dispatch(results[i]);
        }
        executor.cron(now);
        if (parkedCount > 0) {
            resumeParked();
        }
        gate.endOfPass(now);
        if (heldCount > 0) {
            releaseHeld();
        }
        flush();
        if (now - lastSweepNanos >= SWEEP_NANOS) {
            sweep(now);
        }
        return Math.max(n, 0);
    }

    private void dispatch(QResult r) {
        long qt = r.qt();
        if (qt == acceptQt && r.qd() == listenQd) {
            acceptQt = -1;
            onAccept(r);
            return;
        }
        if (gate.owns(r.qd())) {
            gate.onCompletion(r);
            return;
        }
        Connection c = byQd.get(r.qd());
        if (c != null) {
            if (qt == c.popQt) {
                c.popQt = -1;
                onPop(c, r);
                return;
            }
            if (qt == c.pushQt) {
                c.pushQt = -1;
                onPushDone(c, r);
                return;
            }
        }
        // A completion of a connection closed earlier (possibly one whose qd was reused since).
        Sga orphan = orphanPushes.remove(qt);
        if (orphan != null) {
            libos.sgaFree(orphan);
        }
        if (r.opcode() == Opcode.POP && r.sga() != null) {
            libos.sgaFree(r.sga());
        }
    }

    // ---------------------------------------------------------------- accept

    private void postAccept() {
        if (listenQd < 0 || acceptQt >= 0) {
            return;
        }
        long qt = libos.accept(listenQd);
        acceptQt = qt >= 0 ? qt : -1;
        if (qt < 0) {
            warnAccept((int) -qt);
        }
    }

    private void onAccept(QResult r) {
        postAccept();
        if (r.failed()) {
            if (r.errno() != Errno.ECANCELED) {
                warnAccept(r.errno());
            }
            return;
        }
        int qd = r.newQd();
        long peer = r.peer();
        stats.totalConnectionsReceived++;
        boolean loopback = peer != Endpoint.NONE && Endpoint.isLoopback(peer);
        long local = localEndpointOf(qd);
        Session session = new Session(nextClientId++, qd, peer == Endpoint.NONE ? "?:0" : Endpoint.toString(peer),
                local == Endpoint.NONE ? listenAddress : Endpoint.toString(local), loopback, nowMillis);
        session.authenticated = !settings.passwordRequired;
        Connection c = new Connection(this, qd, session, new RequestParser(settings.limits), libos);
        register(c);
        String refusal;
        if (stats.connectedClients >= settings.maxClients) {
            refusal = MAX_CLIENTS_ERROR;
        } else if (settings.protectedMode && !settings.passwordRequired && !loopback) {
            refusal = PROTECTED_MODE_DENIED;
        } else {
            refusal = executor.onConnect(session);
        }
        if (refusal != null) {
            stats.rejectedConnections++;
            c.writer.error(refusal);
            c.closing = true;
        } else {
            c.served = true;
            stats.connectedClients++;
        }
        postPop(c);
    }

    private void warnAccept(int errno) {
        long now = libos.nowNanos();
        if (now - lastAcceptWarningNanos >= 1_000_000_000L) {
            lastAcceptWarningNanos = now;
            System.err.println("demikv: accept on " + listenAddress + " failed: " + Errno.name(errno));
        }
    }

    private long localEndpointOf(int qd) {
        if (libos instanceof AbstractLibOS a) {
            IoQueue q = a.queueTable().get(qd);
            if (q != null) {
                return q.localEndpoint();
            }
        }
        return Endpoint.NONE;
    }

    // ---------------------------------------------------------------- input

    private void postPop(Connection c) {
        if (c.closed || c.popQt >= 0) {
            return;
        }
        long qt = libos.pop(c.qd);
        if (qt < 0) {
            closeNow(c);
        } else {
            c.popQt = qt;
        }
    }

    private void onPop(Connection c, QResult r) {
        Sga sga = r.sga();
        if (r.failed() || sga == null) {
            closeNow(c); // reset by the peer, or the queue failed
            return;
        }
        long length = sga.length();
        if (length == 0) { // end of input: finish sending what was written, then close
            libos.sgaFree(sga);
            c.closing = true;
            if (c.drained()) {
                closeNow(c);
            } else {
                markDirty(c);
            }
            return;
        }
        stats.netInputBytes += length;
        if (draining) {
            libos.sgaFree(sga);
            return;
        }
        Session s = c.session;
        s.lastInteractionMillis = nowMillis;
        if (c.closing) {
            libos.sgaFree(sga); // drain input until the last reply is out, so close() sends FIN, not RST
            postPop(c);
            return;
        }
        if (c.parser.bufferedBytes() + length > settings.limits.queryBufferLimit) {
            libos.sgaFree(sga);
            stats.queryBufferLimitDisconnections++;
            System.err.println("demikv: closing client that reached max query buffer length: id=" + s.id
                    + " addr=" + s.addr + " qbuf=" + c.parser.bufferedBytes());
            closeNow(c);
            return;
        }
        boolean copied = true;
        for (int i = 0, n = sga.segmentCount(); i < n && copied; i++) {
            DemiBuffer b = sga.segment(i);
            copied = c.parser.append(b.memory(), b.offset(), b.length());
        }
        libos.sgaFree(sga);
        if (!copied) {
            stats.queryBufferLimitDisconnections++;
            closeNow(c);
            return;
        }
        postPop(c);
        process(c);
    }

    /**
     * Parses and executes the connection's complete commands until input runs out or it must stop. Also run by
     * the executor, through {@link Session#resumeInput}, for a client a pause released.
     */
    void process(Connection c) {
        Session s = c.session;
        RequestParser parser = c.parser;
        while (!c.closing && !c.closed) {
            if (s.blocked) {
                if (parser.hasUnparsedInput()) {
                    park(c);
                }
                break;
            }
            int r = parser.next(!s.authenticated);
            if (r == RequestParser.NEED_MORE) {
                break;
            }
            if (r == RequestParser.PROTOCOL_ERROR) {
                c.writer.raw(parser.errorLine());
                stats.protocolErrors++;
                c.closing = true;
                break;
            }
            stats.commandsDispatched++;
            try {
                executor.execute(s, parser.args(), c.writer);
            } catch (RuntimeException | StackOverflowError e) {
                // A handler bug must not take every other client down with it.
                System.err.println("demikv: command '" + parser.args().string(0) + "' of client id=" + s.id
                        + " failed: " + e);
                e.printStackTrace();
                c.writer.error("ERR internal error while executing the command: " + e.getClass().getSimpleName());
            }
            long ticket = gate.ticket();
            if (ticket > c.releaseAt) {
                c.releaseAt = ticket; // its reply (and all after it) waits until what it may depend on is durable
            }
            if (s.killed) {
                closeNow(c);
                return;
            }
            if (s.closeAfterReply) {
                c.closing = true;
                markDirty(c);
            }
        }
        int qbuf = parser.bufferedBytes();
        s.queryBufferBytes = qbuf;
        if (qbuf > stats.maxInputBuffer) {
            stats.maxInputBuffer = qbuf;
        }
        if (c.closing) {
            markDirty(c);
        }
    }

    private void park(Connection c) {
        if (c.parked) {
            return;
        }
        c.parked = true;
        if (parkedCount == parked.length) {
            parked = java.util.Arrays.copyOf(parked, parkedCount * 2);
        }
        parked[parkedCount++] = c;
    }

    /** Runs the input of parked clients that are no longer blocked. */
    private void resumeParked() {
        int i = 0;
        while (i < parkedCount) {
            Connection c = parked[i];
            if (c.closed || !c.session.blocked) {
                parked[i] = parked[--parkedCount];
                parked[parkedCount] = null;
                c.parked = false;
                if (!c.closed) {
                    process(c);
                }
            } else {
                i++;
            }
        }
    }

    // ---------------------------------------------------------------- output

    /** Lists the connection for the end-of-pass push. Called by its reply writer on its first write. */
    void markDirty(Connection c) {
        long ticket = gate.ticket();
        if (ticket > c.releaseAt) {
            c.releaseAt = ticket; // output produced by another client's command (pub/sub, unblocking)
        }
        if (c.dirty || c.closed) {
            return;
        }
        c.dirty = true;
        if (dirtyCount == dirty.length) {
            dirty = java.util.Arrays.copyOf(dirty, dirtyCount * 2);
        }
        dirty[dirtyCount++] = c;
    }

    private void flush() {
        long released = gate.released();
        for (int i = 0; i < dirtyCount; i++) { // closeNow may list more connections: dirtyCount can grow
            Connection c = dirty[i];
            dirty[i] = null;
            c.dirty = false;
            if (c.closed) {
                continue;
            }
            if (c.session.killed) {
                closeNow(c);
                continue;
            }
            long pending = c.writer.pendingBytes() + c.inflightBytes;
            if (overOutputLimit(c, pending)) {
                closeNow(c);
                continue;
            }
            if (pending > stats.maxOutputBuffer) {
                stats.maxOutputBuffer = pending;
            }
            if (c.inflight == null && c.writer.hasPending()) {
                if (c.releaseAt > released) {
                    hold(c); // appendfsync always: pushed once the log is durable up to its release point
                } else {
                    startPush(c);
                }
            }
            if (c.closing && c.drained()) {
                closeNow(c);
                continue;
            }
            c.session.outputBytes = c.writer.pendingBytes() + c.inflightBytes;
        }
        dirtyCount = 0;
    }

    private void hold(Connection c) {
        if (c.held) {
            return;
        }
        c.held = true;
        if (heldCount == held.length) {
            held = java.util.Arrays.copyOf(held, heldCount * 2);
        }
        held[heldCount++] = c;
    }

    /**
     * Pushes the output of held connections whose release point became durable; after a log failure closes those
     * whose release point never will (their clients must not read an acknowledgement, and get none).
     */
    private void releaseHeld() {
        long released = gate.released();
        boolean failed = gate.failed();
        int i = 0;
        while (i < heldCount) {
            Connection c = held[i];
            boolean release = c.closed || c.releaseAt <= released;
            if (release || failed) {
                held[i] = held[--heldCount];
                held[heldCount] = null;
                c.held = false;
                if (c.closed) {
                    continue;
                }
                if (release) {
                    markDirty(c);
                } else {
                    stats.durabilityFailureDisconnections++;
                    closeNow(c);
                }
            } else {
                i++;
            }
        }
    }

    /**
     * Redis's {@code checkClientOutputBufferLimits}: true when the client must be closed because its pending
     * output reached the hard limit of its class, or has been at or above the soft limit for longer than
     * allowed. Keeps the time the soft limit was first reached.
     */
    private boolean overOutputLimit(Connection c, long pending) {
        NetworkSettings.OutputBufferLimit limit = c.session.pubsub ? settings.pubsubOutputLimit
                : settings.normalOutputLimit;
        boolean close = limit.hardBytes > 0 && pending >= limit.hardBytes;
        if (limit.softBytes > 0 && pending >= limit.softBytes) {
            if (c.softLimitSinceMillis == 0) {
                c.softLimitSinceMillis = nowMillis;
            } else if (nowMillis - c.softLimitSinceMillis > limit.softSeconds * 1000) {
                close = true;
            }
        } else {
            c.softLimitSinceMillis = 0;
        }
        if (close) {
            stats.outputBufferLimitDisconnections++;
            System.err.println("demikv: closing client id=" + c.session.id + " addr=" + c.session.addr
                    + " for overcoming of output buffer limits (" + pending + " bytes pending)");
        }
        return close;
    }

    private void startPush(Connection c) {
        Sga sga = c.writer.detach();
        if (sga == null) {
            return;
        }
        long qt = libos.push(c.qd, sga);
        if (qt < 0) {
            libos.sgaFree(sga);
            closeNow(c);
            return;
        }
        c.pushQt = qt;
        c.inflight = sga;
        c.inflightBytes = sga.length();
    }

    private void onPushDone(Connection c, QResult r) {
        Sga sga = c.inflight;
        c.inflight = null;
        c.inflightBytes = 0;
        if (sga != null) {
            libos.sgaFree(sga);
        }
        if (r.failed()) {
            closeNow(c); // EPIPE, ECONNRESET: the client went away
            return;
        }
        stats.netOutputBytes += r.value();
        c.session.lastInteractionMillis = nowMillis;
        if (c.writer.hasPending()) {
            markDirty(c); // pushed at the end of this pass, together with whatever else it gets
        } else if (c.closing) {
            closeNow(c);
            return;
        }
        c.session.outputBytes = c.writer.pendingBytes();
    }

    // ---------------------------------------------------------------- connection table

    private void register(Connection c) {
        byQd.put(c.qd, c);
        if (allCount == all.length) {
            all = java.util.Arrays.copyOf(all, allCount * 2);
        }
        c.slot = allCount;
        all[allCount++] = c;
    }

    private void closeNow(Connection c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        if (byQd.get(c.qd) == c) {
            byQd.remove(c.qd);
        }
        int slot = c.slot;
        Connection last = all[--allCount];
        all[slot] = last;
        last.slot = slot;
        all[allCount] = null;
        c.slot = -1;
        libos.close(c.qd);
        if (c.inflight != null) {
            if (libos.sgaFree(c.inflight) != 0) {
                orphanPushes.put(c.pushQt, c.inflight); // freed when its cancelled push completes
            }
            c.inflight = null;
            c.inflightBytes = 0;
        }
        c.writer.close();
        c.session.outputBytes = 0;
        if (c.served) {
            c.served = false;
            stats.connectedClients--;
            executor.onDisconnect(c.session);
        }
    }

    /** Periodic checks over every connection: kills by other clients, output bounds, idle buffers, settings. */
    private void sweep(long now) {
        lastSweepNanos = now;
        if (now - lastRefreshNanos >= REFRESH_NANOS) {
            lastRefreshNanos = now;
            settings.refresh();
        }
        boolean shrink = now - lastShrinkNanos >= SHRINK_NANOS;
        if (shrink) {
            lastShrinkNanos = now;
        }
        long idleMillis = settings.idleTimeoutMillis;
        for (int i = allCount - 1; i >= 0; i--) {
            Connection c = all[i];
            Session s = c.session;
            if (s.killed) {
                closeNow(c);
                continue;
            }
            if (idleMillis > 0 && !s.blocked && !s.monitor && !s.pubsub
                    && nowMillis - s.lastInteractionMillis > idleMillis) {
                closeNow(c); // Redis's "timeout": an idle client is closed without a reply
                continue;
            }
            if (s.closeAfterReply && !c.closing) {
                c.closing = true;
                markDirty(c);
            }
            if ((c.inflight != null || c.writer.hasPending())
                    && overOutputLimit(c, c.writer.pendingBytes() + c.inflightBytes)) {
                closeNow(c);
                continue;
            }
            if (shrink && c.parser.shrinkIfIdle()) {
                s.queryBufferBytes = 0;
            }
        }
        if (dirtyCount > 0) {
            flush();
        }
        if (acceptQt < 0) {
            postAccept();
        }
    }

    @Override
    public String toString() {
        return "NetworkServer{" + listenAddress + " over " + libos.name() + ", " + allCount + " connections}";
    }
}
