package io.demikv.kvstore.persist;

import io.demikv.config.DirectiveRegistry;
import io.demikv.kvstore.command.Args;
import io.demikv.kvstore.command.CommandFlag;
import io.demikv.kvstore.command.CommandKeys;
import io.demikv.kvstore.command.CommandLog;
import io.demikv.kvstore.command.Commands;
import io.demikv.kvstore.command.DiscardReply;
import io.demikv.kvstore.command.Persistence;
import io.demikv.kvstore.resp.Reply;
import io.demikv.kvstore.server.DurabilityGate;
import io.demikv.kvstore.server.Session;
import io.demikv.libos.AbstractLibOS;
import io.demikv.libos.Errno;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.storage.cattree.Cattree;
import io.demikv.storage.cattree.CattreeLog;
import io.demikv.storage.cattree.LogCorruptedException;
import io.demikv.storage.cattree.LogOptions;
import io.demikv.storage.cattree.ScanReport;
import io.demikv.storage.device.BlockDevice;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's append-only log: Redis's {@code aof.c} over a Cattree log queue in the server's own libOS, so
 * one {@code waitNext} returns network and storage completions together. It is the server's
 * {@link CommandLog} (every write, in replayable form), its {@link DurabilityGate} (replies wait for their
 * records under {@code appendfsync always}) and its {@link Persistence} (LOADING/MISCONF, INFO persistence,
 * SAVE/BGSAVE/BGREWRITEAOF).
 *
 * <h2>Per event-loop pass</h2>
 * Commands append their records to a {@link RecordEncoder} (RESP, one Cattree record per pass, see
 * {@link RecordFormat}). At the end of the pass ({@link #endOfPass}) the records are pushed to the log queue
 * (Cattree copies them into its staging ring and writes them with the next poll, as one write), then
 * <ul>
 *   <li>{@code always}: one {@code log.sync()} covering them: the group commit. Its completion releases every
 *       reply that waited for those records. While that flush runs, the next pass's records are pushed and
 *       written, and wait for the next sync (Cattree keeps one flush in flight).</li>
 *   <li>{@code everysec}: a sync at most once a second; {@code no}: never a sync (the device's cache decides).</li>
 * </ul>
 * The log is opened {@link io.demikv.storage.cattree.Durability#BUFFERED buffered}: a push completes once written,
 * durability comes only from the syncs, so {@code appendfsync} can change at run time.
 *
 * <h2>Tickets</h2>
 * A ticket counts records: {@link #ticket()} is the number of records appended so far (pushed or still
 * encoded), {@link #released()} the number a completed sync made durable. Without {@code always} the ticket is
 * 0 and nothing waits.
 *
 * <h2>Failures</h2>
 * A failed push or sync (EIO, ENOSPC, ...) makes the log refuse: write commands and PING get
 * {@code -MISCONF Errors writing to the AOF file: <strerror>}, reads go on, INFO shows
 * {@code aof_last_write_status:err}. Replies held for records that did not become durable are never sent:
 * those connections are closed (the client sees the connection drop, never an OK; the write may or may not
 * be in the dataset after a restart). Recovery needs a restart (Cattree makes a failed log read-only).
 *
 * <h2>Rewrite (BGREWRITEAOF, BGSAVE, SAVE, automatic)</h2>
 * A new base is written by {@link BaseWriter} into the same log, after the rewrite's start position P,
 * in bounded steps per pass while writes go on; once complete and durable, one superblock write moves the
 * log's head to P ({@link CattreeLog#compact}) and the segments before it are freed. A crash before that write
 * replays the old head (still exact: dumps are facts); after it, from P.
 *
 * <p>Server thread only; made at start-up by {@link #open}.
 */
public final class AppendOnlyLog implements CommandLog, DurabilityGate, Persistence, AutoCloseable {
    /** Largest record payload the encoder makes (within Cattree's maximum and the libOS's pooled buffers). */
    static final int MAX_PAYLOAD = 512 << 10;
    /**
     * Under {@code everysec} and {@code no}, the records of several passes wait in the encoder and go out as one
     * write once this many bytes are waiting or the oldest waited {@link #WRITE_BEHIND_NANOS}: a device write per
     * pass costs the single server core a system call and a completion each time (see docs/persistence.md).
     */
    static final int WRITE_BEHIND_BYTES = 64 << 10;
    static final long WRITE_BEHIND_NANOS = 1_000_000L;
    /** Dump bytes the rewrite writes per pass. */
    static final long REWRITE_BUDGET = 256 << 10;
    private static final int FSYNC_ALWAYS = 0;
    private static final int FSYNC_EVERYSEC = 1;
    private static final int FSYNC_NO = 2;
    private static final int RW_IDLE = 0;
    private static final int RW_STARTING = 1;
    private static final int RW_BASE = 2;
    private static final int RW_SYNCING = 3;
    private static final int RW_COMMITTING = 4;
    private static final String LOADING = "LOADING Redis is loading the dataset in memory";

    private final AbstractLibOS libos;
    private final Commands commands;
    private final DirectiveRegistry config;
    private final LogStore store;
    private final PrintStream err;
    private Cattree cattree;
    private CattreeLog log;
    private int qd = -1;
    private RecordEncoder encoder;
    private final RecordEncoder.RecordConsumer pusher = this::pushRecord;
    private final BaseWriter base;

    private boolean appendEnabled;
    private int fsync;
    private long pushedRecords;
    private long writtenRecords;
    private long durableRecords;
    private long lastIssuedCover;
    private final long[] syncQt = new long[1024];
    private final long[] syncCover = new long[1024];
    private int syncHead;
    private int syncCount;
    private int failedErrno;
    private long lastSyncNanos;
    private long lastConfigNanos = Long.MIN_VALUE / 2;
    private long lastCheckNanos;
    private long delayedSyncs;
    /** When the oldest record waiting in the encoder was appended (write-behind), or -1. */
    private long pendingSinceNanos = -1;

    // loading
    private boolean loading;
    private String fatal;
    private final RecordDecoder decoder = new RecordDecoder();
    private final Session replaySession = new Session(0, -1, "log", "log", true, System.currentTimeMillis());
    private final ReplayReply replayReply = new ReplayReply();
    private final QResult loadResult = new QResult();
    private byte[] scratch = new byte[64 << 10];
    private long loadedRecords;
    private long loadStartNanos;
    private long loadStartUnix;

    // rewrite
    private int rw = RW_IDLE;
    private boolean rwIsSave;
    private boolean rwScheduled;
    private long rwStartLsn;
    private long rwStartSeq;
    private long rwCover;
    private long rwQt = -1;
    private long rwStartNanos;
    private final List<Session> saveWaiters = new ArrayList<>();
    private long rewrites;
    private long rewriteFailures;
    private long lastRewriteSeconds = -1;
    private boolean lastRewriteOk = true;
    private long baseSize;
    private long saves;
    private long lastSaveSeconds = -1;
    private boolean lastSaveOk = true;

    private AppendOnlyLog(AbstractLibOS libos, Commands commands, DirectiveRegistry config, LogStore store,
                          PrintStream err) {
        this.libos = libos;
        this.commands = commands;
        this.config = config;
        this.store = store;
        this.err = err;
        replaySession.authenticated = true;
        this.base = new BaseWriter(commands.keyspace(), new CommandKeys(commands),
                new KeyDumper((db, argv) -> encoder.command(db, argv)));
        readConfig();
    }

    /**
     * Opens the log for a server: with {@code appendonly yes} opens (or creates) the store and schedules its
     * replay, which runs in the first passes of the event loop (clients get {@code -LOADING} meanwhile); with
     * {@code appendonly no} loads an existing store the same way (the last snapshot) and appends nothing until
     * {@code CONFIG SET appendonly yes}. Installs itself as the commands' persistence; the caller installs it as
     * the network server's gate.
     *
     * @throws IllegalStateException with a one-line message for people when the log cannot be opened: corrupt
     *                               in the middle (naming the byte offset and {@code bin/demikv-check-log}),
     *                               the device cannot be opened, or it fails while being read
     */
    public static AppendOnlyLog open(AbstractLibOS libos, Commands commands, DirectiveRegistry config,
                                     LogStore store, PrintStream err) {
        AppendOnlyLog a = new AppendOnlyLog(libos, commands, config, store, err);
        if (a.appendEnabled || store.exists()) {
            a.openStore();
            a.startLoading();
        }
        commands.persistence(a);
        if (!a.loading) {
            commands.commandLog(a);
        }
        return a;
    }

    /** Opens or creates the store and installs the log queue. Blocking (start-up, or SAVE without a store). */
    private void openStore() {
        if (cattree == null) {
            cattree = Cattree.attach(libos);
        }
        try {
            log = store.open(cattree);
        } catch (LogCorruptedException e) {
            throw new IllegalStateException(describe(e), e);
        }
        qd = log.qd();
        encoder = new RecordEncoder(Math.min(MAX_PAYLOAD, log.maxRecordBytes()));
        baseSize = log.sizeBytes();
        ScanReport r = log.recovery();
        if (r.status() == ScanReport.Status.TORN_TAIL) {
            err.println("demikv: the append-only log ended in a torn record at byte offset " + r.badOffset()
                    + " (a write cut short by a crash, never acknowledged): truncated there");
        }
    }

    private String describe(LogCorruptedException e) {
        ScanReport r = e.report();
        if (r.status() == ScanReport.Status.CORRUPT) {
            return "demikv: refusing to start: the append-only log " + store.path() + " is corrupt at byte offset "
                    + r.badOffset() + " (record seq " + r.nextSeq() + ", " + r.records() + " good records before it): "
                    + r.reason() + ". Serving it would lose acknowledged writes silently. Inspect it with"
                    + " 'bin/demikv-check-log " + store.directory() + "'; 'bin/demikv-check-log --fix "
                    + store.directory() + "' truncates it at that offset (losing every record from there on)";
        }
        return "demikv: refusing to start: " + e.getMessage();
    }

    // ---------------------------------------------------------------- CommandLog

    @Override
    public void append(int db, Args args) {
        if (base.active()) {
            CommandLog.super.append(db, args); // the rewrite tracks keys from copies
            return;
        }
        if (appendEnabled && failedErrno == 0 && encoder != null) {
            encoder.command(db, args);
        }
    }

    @Override
    public void append(int db, byte[][] argv) {
        if (base.active()) {
            base.track(db, argv);
        }
        if (appendEnabled && failedErrno == 0 && encoder != null) {
            encoder.command(db, argv);
        }
    }

    // ---------------------------------------------------------------- DurabilityGate

    @Override
    public long ticket() {
        if (fsync != FSYNC_ALWAYS || encoder == null) {
            return 0;
        }
        if (failedErrno != 0) {
            // Nothing is appended any more; replies held for records that failed were already listed (their
            // connections are closed), later replies (MISCONF, reads) wait for nothing.
            return durableRecords;
        }
        return pushedRecords + encoder.pendingRecords();
    }

    @Override
    public long released() {
        return fsync != FSYNC_ALWAYS ? Long.MAX_VALUE : durableRecords;
    }

    @Override
    public boolean failed() {
        return failedErrno != 0;
    }

    @Override
    public boolean owns(int queue) {
        return queue == qd && qd >= 0;
    }

    @Override
    public boolean busy() {
        return loading || rw == RW_BASE || rw == RW_STARTING;
    }

    @Override
    public void onCompletion(QResult r) {
        long qt = r.qt();
        if (syncCount > 0 && qt == syncQt[syncHead]) {
            long cover = syncCover[syncHead];
            syncHead = (syncHead + 1) % syncQt.length;
            syncCount--;
            if (r.failed()) {
                fail(r.errno(), "fsync");
            } else if (cover > durableRecords) {
                durableRecords = cover;
            }
            return;
        }
        if (qt == rwQt) {
            rwQt = -1;
            compacted(r);
            return;
        }
        Sga sga = r.sga();
        if (sga != null) {
            libos.sgaFree(sga);
        }
        if (r.failed()) {
            fail(r.errno(), "write");
        } else {
            writtenRecords++;
        }
    }

    @Override
    public int endOfPass(long nowNanos) {
        if (loading) {
            return loadStep(nowNanos);
        }
        if (nowNanos - lastConfigNanos >= 100_000_000L) {
            lastConfigNanos = nowNanos;
            applyConfig();
        }
        if (log == null) {
            return 0;
        }
        int work = writeDue(nowNanos) ? pushPending() : 0;
        if (rw != RW_IDLE) {
            work += rewriteStep(nowNanos);
            work += pushPending();
        }
        if (failedErrno == 0) {
            if (fsync == FSYNC_ALWAYS) {
                // One sync per pass with records: Cattree keeps one flush in flight, so syncs of passes that
                // arrive while it runs are covered together by the next flush.
                if (lastIssuedCover < pushedRecords) {
                    issueSync(nowNanos);
                }
            } else if (fsync == FSYNC_EVERYSEC && nowNanos - lastSyncNanos >= 1_000_000_000L
                    && lastIssuedCover < pushedRecords) {
                if (syncCount > 0) {
                    delayedSyncs++; // the previous second's fsync is still running (Redis's aof_delayed_fsync)
                }
                issueSync(nowNanos);
            }
            if (rw == RW_SYNCING) {
                if (durableRecords >= rwCover) {
                    commit();
                } else if (lastIssuedCover < rwCover) {
                    issueSync(nowNanos);
                }
            }
        }
        if (nowNanos - lastCheckNanos >= 100_000_000L) {
            lastCheckNanos = nowNanos;
            autoRewrite();
        }
        return work;
    }

    /**
     * True when the encoder's records should be pushed now: always under {@code always} (the group commit) and
     * during a rewrite; under {@code everysec}/{@code no} once enough is waiting, the oldest is old enough, or a
     * sync is due.
     */
    private boolean writeDue(long nowNanos) {
        if (encoder == null || encoder.isEmpty()) {
            pendingSinceNanos = -1;
            return false;
        }
        if (fsync == FSYNC_ALWAYS || rw != RW_IDLE || failedErrno != 0
                || encoder.pendingAtLeast(WRITE_BEHIND_BYTES)) {
            return true;
        }
        if (pendingSinceNanos < 0) {
            pendingSinceNanos = nowNanos;
        }
        return nowNanos - pendingSinceNanos >= WRITE_BEHIND_NANOS
                || fsync == FSYNC_EVERYSEC && nowNanos - lastSyncNanos >= 1_000_000_000L;
    }

    @Override
    public long waitNanos(long timeoutNanos) {
        if (busy()) {
            return 0;
        }
        if (pendingSinceNanos < 0 || encoder == null || encoder.isEmpty()) {
            return timeoutNanos;
        }
        // Wake in time to write what waits in the encoder.
        long left = Math.max(0, pendingSinceNanos + WRITE_BEHIND_NANOS - libos.nowNanos());
        return timeoutNanos < 0 ? left : Math.min(timeoutNanos, left);
    }

    private int pushPending() {
        pendingSinceNanos = -1;
        if (encoder == null || encoder.isEmpty()) {
            return 0;
        }
        if (failedErrno != 0) {
            encoder.clear();
            return 0;
        }
        return encoder.drain(pusher);
    }

    private void pushRecord(byte[] payload, int length) {
        if (failedErrno != 0) {
            return;
        }
        Sga sga = libos.sgaAlloc(length);
        if (sga == null) {
            fail(Errno.ENOMEM, "buffer");
            return;
        }
        DemiBuffer b = sga.segment(0);
        MemorySegment.copy(payload, 0, b.memory(), ValueLayout.JAVA_BYTE, b.offset(), length);
        long qt = libos.push(qd, sga);
        if (qt < 0) {
            libos.sgaFree(sga);
            fail((int) -qt, "write");
            return;
        }
        pushedRecords++;
    }

    private void issueSync(long nowNanos) {
        long cover = pushedRecords - log.blockedPushes();
        if (cover <= lastIssuedCover && cover <= durableRecords || syncCount == syncQt.length) {
            return;
        }
        long qt = log.sync();
        if (qt < 0) {
            fail((int) -qt, "fsync");
            return;
        }
        int slot = (syncHead + syncCount) % syncQt.length;
        syncQt[slot] = qt;
        syncCover[slot] = cover;
        syncCount++;
        lastIssuedCover = Math.max(lastIssuedCover, cover);
        lastSyncNanos = nowNanos;
    }

    private void fail(int errno, String what) {
        if (failedErrno != 0) {
            return;
        }
        failedErrno = errno == 0 ? Errno.EIO : errno;
        err.println("demikv: the append-only log failed (" + what + ": " + Strerror.of(failedErrno) + ", "
                + Errno.name(failedErrno) + ") on " + store.path() + "; write commands are refused with MISCONF,"
                + " replies waiting for the log are not sent; fix the device and restart");
        if (encoder != null) {
            encoder.clear();
        }
        if (rw != RW_IDLE) {
            rewriteFinished(false);
        }
    }

    // ---------------------------------------------------------------- loading

    private void startLoading() {
        loading = true;
        loadStartNanos = libos.nowNanos();
        loadStartUnix = System.currentTimeMillis() / 1000;
        decoder.sink((args, recordStart) -> {
            if (recordStart) {
                replaySession.db = 0;
            }
            commands.execute(replaySession, args, replayReply);
        });
    }

    /** Replays records for up to about 5 ms of this pass (clients get LOADING meanwhile). */
    private int loadStep(long nowNanos) {
        long deadline = nowNanos + 5_000_000L;
        int n = 0;
        QResult r = loadResult;
        while (loading) {
            long qt = libos.pop(qd);
            if (qt < 0) {
                loadFailed("reading the log failed: " + Errno.name((int) qt));
                break;
            }
            int rc = libos.wait(qt, 30_000_000_000L, r);
            if (rc != 0 || r.failed()) {
                loadFailed("reading the log failed: " + Errno.name(rc != 0 ? rc : r.errno()) + " after record "
                        + loadedRecords);
                break;
            }
            Sga sga = r.sga();
            long len = sga.length();
            if (len == 0) {
                libos.sgaFree(sga);
                finishLoading();
                break;
            }
            if (len > scratch.length) {
                scratch = new byte[(int) Math.max(len, scratch.length * 2L)];
            }
            sga.copyTo(scratch, 0);
            libos.sgaFree(sga);
            String bad = decoder.record(scratch, (int) len);
            if (bad != null) {
                loadFailed("record seq " + log.lastPoppedSeq() + " at log position " + log.lastPoppedPosition()
                        + " does not decode: " + bad + ". Inspect it with 'bin/demikv-check-log " + store.directory()
                        + "'");
                break;
            }
            loadedRecords++;
            n++;
            if (libos.nowNanos() - deadline >= 0) {
                break;
            }
        }
        return n;
    }

    private void loadFailed(String why) {
        loading = false;
        fatal = "demikv: cannot load the append-only log " + store.path() + ": " + why;
        err.println(fatal);
        commands.requestShutdown();
    }

    private void finishLoading() {
        decoder.finish();
        loading = false;
        commands.onDisconnect(replaySession);
        commands.commandLog(this);
        baseSize = Math.max(baseSize, log.sizeBytes());
        long ms = (libos.nowNanos() - loadStartNanos) / 1_000_000;
        err.println("demikv: loaded the append-only log " + store.path() + ": " + loadedRecords + " records, "
                + decoder.commands() + " commands, " + commands.keyspace().totalKeys() + " keys in " + ms + " ms"
                + (replayReply.errors > 0 ? " (" + replayReply.errors + " commands answered an error, first: "
                + replayReply.firstError + ")" : ""));
    }

    /** Why loading failed (the server stops; exit status 1), or null. */
    @Override
    public String fatal() {
        return fatal;
    }

    public boolean loading() {
        return loading;
    }

    // ---------------------------------------------------------------- configuration

    private void readConfig() {
        appendEnabled = config.getBoolean("appendonly");
        fsync = switch (config.getString("appendfsync")) {
            case "always" -> FSYNC_ALWAYS;
            case "no" -> FSYNC_NO;
            default -> FSYNC_EVERYSEC;
        };
    }

    /** CONFIG SET appendonly/appendfsync take effect here (within 100 ms). */
    private void applyConfig() {
        boolean wasEnabled = appendEnabled;
        int wasFsync = fsync;
        readConfig();
        if (fsync == FSYNC_ALWAYS && wasFsync != FSYNC_ALWAYS) {
            // From now on replies wait; records pushed before count as released only once synced.
            durableRecords = Math.min(durableRecords, pushedRecords);
        }
        if (appendEnabled && !wasEnabled) {
            // As Redis's startAppendOnly: a rewrite writes the dataset, then every write is appended.
            try {
                if (log == null) {
                    openStore();
                    commands.commandLog(this);
                }
                requestRewrite(false);
            } catch (RuntimeException e) {
                err.println("demikv: cannot turn appendonly on: " + e.getMessage());
                appendEnabled = false;
                config.trySet("appendonly", "no");
            }
        }
    }

    // ---------------------------------------------------------------- rewrite

    private void requestRewrite(boolean save) {
        if (rw != RW_IDLE) {
            rwScheduled = true;
            return;
        }
        rw = RW_STARTING;
        rwIsSave = save;
        rwStartNanos = libos.nowNanos();
    }

    private void autoRewrite() {
        if (!appendEnabled || rw != RW_IDLE || failedErrno != 0 || log == null) {
            return;
        }
        long size = log.sizeBytes();
        long perc = config.getLong("auto-aof-rewrite-percentage");
        long min = config.getLong("auto-aof-rewrite-min-size");
        long b = Math.max(1, baseSize);
        boolean growth = perc > 0 && size > min && size * 100 / b - 100 >= perc;
        // The base is written into the same store: rewrite before the store fills up, while it still fits.
        boolean pressure = size > log.capacityBytes() * 6 / 10 && size * 4 > b * 5;
        if (growth || pressure) {
            err.println("demikv: starting an automatic rewrite of the append-only log (" + size + " bytes, base "
                    + baseSize + ")");
            requestRewrite(false);
        }
    }

    private int rewriteStep(long nowNanos) {
        if (failedErrno != 0) {
            return 0;
        }
        switch (rw) {
            case RW_STARTING -> {
                if (!encoder.isEmpty() || log.blockedPushes() > 0) {
                    return 0; // the start must follow every record appended so far
                }
                rwStartLsn = log.appendPosition();
                rwStartSeq = log.nextSeq();
                base.begin();
                rw = RW_BASE;
                return 1;
            }
            case RW_BASE -> {
                if (base.restartNeeded()) {
                    base.abort();
                    rw = RW_STARTING;
                    return 1;
                }
                if (base.step(REWRITE_BUDGET)) {
                    pushPending();
                    rwCover = pushedRecords;
                    rw = RW_SYNCING;
                }
                return 1;
            }
            default -> {
                return 0;
            }
        }
    }

    /** The new base is durable: move the head. */
    private void commit() {
        long qt = log.compact(rwStartLsn, rwStartSeq);
        if (qt < 0) {
            err.println("demikv: rewrite of the append-only log failed: moving the head: " + Errno.name((int) qt));
            rewriteFinished(false);
            return;
        }
        rwQt = qt;
        rw = RW_COMMITTING;
    }

    private void compacted(QResult r) {
        if (r.failed()) {
            fail(r.errno(), "superblock");
            return;
        }
        baseSize = log.sizeBytes();
        err.println("demikv: rewrite of the append-only log done in " + (libos.nowNanos() - rwStartNanos) / 1_000_000
                + " ms: the log now holds " + baseSize + " bytes");
        rewriteFinished(true);
    }

    private void rewriteFinished(boolean ok) {
        long secs = (libos.nowNanos() - rwStartNanos) / 1_000_000_000L;
        base.abort();
        rw = RW_IDLE;
        rwQt = -1;
        if (ok) {
            rewrites++;
            commands.saved(System.currentTimeMillis() / 1000);
        } else {
            rewriteFailures++;
        }
        lastRewriteSeconds = secs;
        lastRewriteOk = ok;
        if (rwIsSave) {
            saves += ok ? 1 : 0;
            lastSaveSeconds = secs;
            lastSaveOk = ok;
        }
        for (Session s : saveWaiters) {
            s.blocked = false;
            if (ok) {
                s.reply.ok();
            } else {
                s.reply.error("ERR");
            }
        }
        saveWaiters.clear();
        if (ok && rwScheduled) {
            rwScheduled = false;
            requestRewrite(false);
        }
    }

    // ---------------------------------------------------------------- Persistence (commands)

    @Override
    public String refuse(Session session, int flags, String name) {
        if (session == replaySession) {
            return null;
        }
        if (loading && (flags & CommandFlag.LOADING.bit) == 0) {
            return LOADING;
        }
        if (failedErrno != 0 && ((flags & CommandFlag.WRITE.bit) != 0 || name.equals("ping"))) {
            return "MISCONF Errors writing to the AOF file: " + Strerror.of(failedErrno);
        }
        return null;
    }

    /** Opens the store when none is open (appendonly no): a save needs one. Null or an error reply. */
    private String ensureStore() {
        if (log != null) {
            return failedErrno != 0 ? "ERR the append-only log failed: " + Strerror.of(failedErrno) : null;
        }
        try {
            openStore();
            commands.commandLog(this);
            return null;
        } catch (RuntimeException e) {
            err.println(e.getMessage());
            return "ERR cannot open the log store: " + e.getMessage();
        }
    }

    @Override
    public void bgrewriteaof(Reply reply) {
        String e = ensureStore();
        if (e != null) {
            reply.error(e);
        } else if (rw != RW_IDLE) {
            if (rwIsSave) {
                rwScheduled = true;
                reply.simple("Background append only file rewriting scheduled");
            } else {
                reply.error("ERR Background append only file rewriting already in progress");
            }
        } else {
            requestRewrite(false);
            reply.simple("Background append only file rewriting started");
        }
    }

    @Override
    public void bgsave(Reply reply, boolean schedule) {
        String e = ensureStore();
        if (e != null) {
            reply.error(e);
        } else if (rw != RW_IDLE) {
            if (schedule) {
                rwScheduled = true;
                reply.simple("Background saving scheduled");
            } else if (rwIsSave) {
                reply.error("ERR Background save already in progress");
            } else {
                reply.error("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE"
                        + " in order to schedule a BGSAVE whenever possible.");
            }
        } else {
            requestRewrite(true);
            reply.simple("Background saving started");
        }
    }

    @Override
    public void save(Session session, Reply reply) {
        String e = ensureStore();
        if (e != null) {
            reply.error(e);
        } else if (rw != RW_IDLE) {
            reply.error("ERR Background save already in progress");
        } else {
            requestRewrite(true);
            session.blocked = true; // replied by rewriteFinished
            saveWaiters.add(session);
        }
    }

    @Override
    public void info(StringBuilder sb, long changes, long lastSave) {
        long now = libos.nowNanos();
        boolean rewriting = rw != RW_IDLE;
        long current = rewriting ? (now - rwStartNanos) / 1_000_000_000L : -1;
        Persistence.line(sb, "loading", loading ? 1 : 0);
        Persistence.line(sb, "async_loading", 0);
        Persistence.line(sb, "current_cow_peak", 0);
        Persistence.line(sb, "current_cow_size", 0);
        Persistence.line(sb, "current_cow_size_age", 0);
        Persistence.line(sb, "current_fork_perc", "0.00");
        Persistence.line(sb, "current_save_keys_processed", rewriting ? base.keysDumped() : 0);
        Persistence.line(sb, "current_save_keys_total", rewriting ? commands.keyspace().totalKeys() : 0);
        Persistence.line(sb, "rdb_changes_since_last_save", changes);
        Persistence.line(sb, "rdb_bgsave_in_progress", rewriting && rwIsSave ? 1 : 0);
        Persistence.line(sb, "rdb_last_save_time", lastSave);
        Persistence.line(sb, "rdb_last_bgsave_status", lastSaveOk ? "ok" : "err");
        Persistence.line(sb, "rdb_last_bgsave_time_sec", lastSaveSeconds);
        Persistence.line(sb, "rdb_current_bgsave_time_sec", rewriting && rwIsSave ? current : -1);
        Persistence.line(sb, "rdb_saves", saves);
        Persistence.line(sb, "rdb_last_cow_size", 0);
        Persistence.line(sb, "rdb_last_load_keys_expired", 0);
        Persistence.line(sb, "rdb_last_load_keys_loaded", 0);
        Persistence.line(sb, "aof_enabled", appendEnabled ? 1 : 0);
        Persistence.line(sb, "aof_rewrite_in_progress", rewriting ? 1 : 0);
        Persistence.line(sb, "aof_rewrite_scheduled", rwScheduled ? 1 : 0);
        Persistence.line(sb, "aof_last_rewrite_time_sec", lastRewriteSeconds);
        Persistence.line(sb, "aof_current_rewrite_time_sec", current);
        Persistence.line(sb, "aof_last_bgrewrite_status", lastRewriteOk ? "ok" : "err");
        Persistence.line(sb, "aof_rewrites", rewrites);
        Persistence.line(sb, "aof_rewrites_consecutive_failures", lastRewriteOk ? 0 : rewriteFailures);
        Persistence.line(sb, "aof_last_write_status", failedErrno == 0 ? "ok" : "err");
        Persistence.line(sb, "aof_last_cow_size", 0);
        Persistence.line(sb, "module_fork_in_progress", 0);
        Persistence.line(sb, "module_fork_last_cow_size", 0);
        if (appendEnabled && log != null) {
            Persistence.line(sb, "aof_current_size", log.sizeBytes());
            Persistence.line(sb, "aof_base_size", baseSize);
            Persistence.line(sb, "aof_pending_rewrite", rwScheduled ? 1 : 0);
            Persistence.line(sb, "aof_buffer_length", encoder == null ? 0 : encoder.pendingBytes());
            Persistence.line(sb, "aof_pending_bio_fsync", syncCount);
            Persistence.line(sb, "aof_delayed_fsync", delayedSyncs);
            // demikv: the Cattree store behind the log
            Persistence.line(sb, "aof_store_capacity", log.capacityBytes());
            Persistence.line(sb, "aof_store_segments_used_bytes", log.chainBytes());
            Persistence.line(sb, "aof_durable_records", durableRecords);
            Persistence.line(sb, "aof_group_commits", log.flushes());
        }
        if (loading) {
            Persistence.line(sb, "loading_start_time", loadStartUnix);
            Persistence.line(sb, "loading_total_bytes", log.sizeBytes());
            Persistence.line(sb, "loading_rdb_used_mem", 0);
            long done = Math.max(0, log.readPosition() - log.headPosition());
            Persistence.line(sb, "loading_loaded_bytes", done);
            Persistence.line(sb, "loading_loaded_perc", String.format(java.util.Locale.ROOT, "%.2f",
                    100.0 * done / Math.max(1, log.sizeBytes())));
            Persistence.line(sb, "loading_eta_seconds", 1);
        }
    }

    // ---------------------------------------------------------------- state for tests and tools

    /** The Cattree log, or null when no store is open. */
    public CattreeLog log() {
        return log;
    }

    public long pushedRecords() {
        return pushedRecords;
    }

    public long durableRecords() {
        return durableRecords;
    }

    /** The errno that made the log refuse writes, or 0. */
    public int failure() {
        return failedErrno;
    }

    public boolean rewriting() {
        return rw != RW_IDLE;
    }

    public long rewrites() {
        return rewrites;
    }

    /**
     * Stops: pushes what is left, makes it durable (up to 5 s), closes the log. Call after the network server
     * closed (no more commands run).
     */
    @Override
    public void close() {
        if (log != null && failedErrno == 0 && !loading) {
            pushPending();
            long deadline = libos.nowNanos() + 5_000_000_000L;
            QResult r = new QResult();
            if (pushedRecords > 0) {
                long qt = log.sync();
                if (qt >= 0) {
                    int rc = libos.wait(qt, 5_000_000_000L, r);
                    if (rc != 0 || r.failed()) {
                        err.println("demikv: the final fsync of the append-only log failed: "
                                + Errno.name(rc != 0 ? rc : r.errno()));
                    }
                }
            }
            // Let the completions of earlier pushes and syncs arrive, so their arrays go back to the libOS.
            QResult[] rs = {r};
            while (libos.nowNanos() - deadline < 0 && writtenRecords + 0 < pushedRecords) {
                int n = libos.waitNext(rs, 1, 10_000_000L);
                if (n > 0 && owns(r.qd())) {
                    onCompletion(r);
                } else if (n <= 0) {
                    break;
                }
            }
        }
        for (Session s : saveWaiters) {
            s.blocked = false;
        }
        saveWaiters.clear();
        if (cattree != null) {
            cattree.close();
            cattree = null;
        }
        log = null;
        qd = -1;
    }

    /** Discards replies of replayed commands, remembering the first error. */
    private static final class ReplayReply extends DiscardReply {
        long errors;
        String firstError;

        @Override
        public void error(String message) {
            if (errors++ == 0) {
                firstError = message;
            }
        }

        @Override
        public void raw(byte[] resp) {
            if (resp.length > 0 && resp[0] == '-') {
                error(new String(resp, 1, resp.length - 1, java.nio.charset.StandardCharsets.ISO_8859_1).trim());
            }
        }
    }
}
