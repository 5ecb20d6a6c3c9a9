package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.DocArg.integer;
import static io.demikv.kvstore.command.DocArg.oneof;
import static io.demikv.kvstore.command.DocArg.pure;

import io.demikv.kvstore.server.Session;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * CLIENT PAUSE and CLIENT UNPAUSE (Redis 7.0's {@code pauseClients}, {@code unpauseClients} and the
 * {@code BLOCKED_POSTPONE} state of {@code blocked.c}).
 *
 * <p>While a pause is in effect, {@link Commands#execute} asks {@link #mustWait} after its generic checks (so
 * an unknown command or a wrong arity is still answered at once) and, when the answer is yes, hands the
 * command to {@link #postpone}: a private copy of its arguments waits in one FIFO queue and
 * {@link Session#blocked} makes the network layer hold the client's further input. Nothing is rejected. In
 * {@code ALL} mode every command waits (QUIT excepted, which Redis 7.0 answers before any check); in
 * {@code WRITE} mode only those that may change the dataset or reach the replication stream: {@code write} and
 * {@code may_replicate} commands (PUBLISH), and an EXEC whose queued commands include one.
 *
 * <p>The pause ends when its deadline passes or on CLIENT UNPAUSE; {@link #releaseDue} then runs the waiting
 * commands again, in arrival order, through {@link Commands#execute} (so a command that finds a new pause
 * waits again), each followed by the rest of its client's input ({@link Session#resumeInput}), as Redis's
 * {@code processUnblockedClients} does. Commands calls it at the start and end of every command and from its
 * cron, so a deadline is noticed within one event-loop pass and nothing spins meanwhile. A second CLIENT PAUSE
 * keeps the later of the two deadlines and takes the new mode, as Redis 7.0 does.
 *
 * <p>While paused the dataset stays still: Commands asks {@link #paused} to leave logically expired keys in
 * place for commands that do not write (they read as absent) and to skip the active expire cycle, as Redis's
 * {@code checkClientPauseTimeoutAndReturnIfPaused} does. Server thread only.
 */
final class ClientPause extends Family {
    static final int NONE = 0;
    static final int WRITE = 1;
    static final int ALL = 2;

    private static final int HOLD_FLAGS = CommandFlag.WRITE.bit | CommandFlag.MAY_REPLICATE.bit;

    /** A command waiting for the pause to end. */
    private record Held(Session session, Args args) {
    }

    private final Commands commands;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private final IdentityHashMap<Session, Held> bySession = new IdentityHashMap<>();
    private int mode = NONE;
    /** Unix ms after which the pause is over (Redis's {@code client_pause_end_time}). */
    private long endMs;
    /** The pause ended with commands waiting: they are due to run. */
    private boolean recheck;
    private boolean releasing;

    ClientPause(ServerState s, Commands commands) {
        super(s);
        this.commands = commands;
    }

    @Override
    void register(CommandTable t) {
        CommandSpec client = t.lookup("client"); // registered by ConnectionCommands
        if (client == null) {
            return;
        }
        sub(client, "pause", -3, "admin noscript loading stale").acl("connection")
                .doc("Stop processing commands from clients for some time", "2.9.50", "connection", "O(1)",
                        integer("timeout"), oneof("mode", pure("WRITE"), pure("ALL")).since("6.2.0").optional())
                .history("6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option.")
                .handler(this::pause);
        sub(client, "unpause", 2, "admin noscript loading stale").acl("connection")
                .doc("Resume processing of clients that were paused", "6.2.0", "connection",
                        "O(N) Where N is the number of paused clients")
                .handler(this::unpause);
    }

    // ------------------------------------------------------------------ commands

    /** CLIENT PAUSE timeout [WRITE|ALL]: the mode is checked before the timeout, as in Redis. */
    private void pause(Ctx x) {
        if (x.argc() > 4) {
            x.error("ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.");
            return;
        }
        int m = ALL;
        if (x.argc() == 4) {
            if (x.args.is(3, "write")) {
                m = WRITE;
            } else if (!x.args.is(3, "all")) {
                x.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
                return;
            }
        }
        if (!x.parseLong(2)) {
            x.error("ERR timeout is not an integer or out of range");
            return;
        }
        if (x.lval < 0) {
            x.error("ERR timeout is negative");
            return;
        }
        // Redis 7.0 adds the timeout to the clock without an overflow check: a huge one wraps into the past
        // and the pause ends at once. 0 means "until now", which is also over at once.
        long end = x.lval == 0 ? 0 : x.nowMs + x.lval;
        if (!paused(x.nowMs) || end > endMs) {
            endMs = end;
        }
        // A less strict mode cannot free anyone: under ALL no client can send the CLIENT PAUSE WRITE.
        mode = m;
        x.reply.ok();
    }

    private void unpause(Ctx x) {
        end();
        x.reply.ok();
    }

    private void end() {
        mode = NONE;
        endMs = 0;
        recheck = !held.isEmpty();
    }

    // ------------------------------------------------------------------ hooks for Commands

    /**
     * True while a pause is in effect at {@code nowMs} (a passed deadline ends it here). While paused, keys
     * are neither expired nor evicted, lazily or actively.
     */
    boolean paused(long nowMs) {
        if (mode != NONE && endMs < nowMs) {
            end();
        }
        return mode != NONE;
    }

    /** Whether {@code cmd} from this client must wait for the pause to end. */
    boolean mustWait(ClientExtras cx, CommandSpec cmd, long nowMs) {
        if (mode == NONE || !paused(nowMs)) {
            return false;
        }
        if (cmd.parent == null && cmd.name.equals("quit")) {
            return false;
        }
        if (mode == ALL || (cmd.flags & HOLD_FLAGS) != 0) {
            return true;
        }
        return cmd.parent == null && cmd.name.equals("exec") && cx.tx != null && cx.tx.active
                && (cx.tx.queuedFlags & HOLD_FLAGS) != 0;
    }

    /**
     * Holds the command: the client waits (its further input too) until {@link #releaseDue} runs it. A CLIENT
     * REPLY SKIP the command consumed must be given back by the caller.
     */
    void postpone(Session session, Args args) {
        Held h = new Held(session, Transaction.copy(args));
        held.add(h);
        bySession.put(session, h);
        session.blocked = true;
    }

    /** Clients waiting for the pause (INFO's blocked_clients counts them, as Redis does). */
    int heldClients() {
        return bySession.size();
    }

    /** The client closed: its command is dropped. */
    void disconnect(Session session) {
        Held h = bySession.remove(session);
        if (h != null) {
            held.remove(h);
        }
    }

    /**
     * Runs the waiting commands again once the pause is over, in arrival order; those that meet a new pause
     * wait again. Returns how many ran.
     */
    int releaseDue(long nowMs) {
        if (held.isEmpty() || releasing) {
            return 0;
        }
        paused(nowMs);
        if (!recheck) {
            return 0;
        }
        recheck = false;
        releasing = true;
        try {
            List<Held> due = new ArrayList<>(held);
            held.clear();
            bySession.clear();
            for (Held h : due) {
                Session session = h.session();
                session.blocked = false;
                if (session.killed) {
                    continue; // closed by the network layer at the end of this pass
                }
                if (session.reply == null) {
                    commands.execute(session, h.args(), new DiscardReply());
                } else {
                    // Written after the command reached the log, so appendfsync always holds it until durable.
                    DeferredReply out = new DeferredReply(session.reply);
                    commands.execute(session, h.args(), out);
                    out.flush();
                }
                if (session.resumeInput != null && !session.blocked) {
                    session.resumeInput.run(); // its pipelined commands, before the next client's
                }
            }
            return due.size();
        } finally {
            releasing = false;
        }
    }
}
