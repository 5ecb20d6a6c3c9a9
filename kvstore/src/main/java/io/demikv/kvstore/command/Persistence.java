package io.demikv.kvstore.command;

import io.demikv.kvstore.resp.Reply;
import io.demikv.kvstore.server.Session;

/**
 * The command side's view of persistence (the append-only log of {@code io.demikv.kvstore.persist}): whether
 * a command may run now (loading, write errors), the {@code INFO persistence} section, and the SAVE, BGSAVE
 * and BGREWRITEAOF requests. Installed with {@link Commands#persistence}; {@link #NONE} without a log. Server
 * thread only.
 */
public interface Persistence {
    /**
     * Null when the command may run now; otherwise the error reply without its leading '-': {@code LOADING ...}
     * while the log is being replayed (commands without the {@code loading} flag), {@code MISCONF ...} after a
     * log write error (write commands and PING, as Redis).
     *
     * @param flags the command's {@link CommandFlag} bits
     */
    String refuse(Session session, int flags, String name);

    /** Writes the lines of {@code INFO persistence} after its header. */
    void info(StringBuilder sb, long changesSinceLastSave, long lastSaveUnixSeconds);

    /** BGREWRITEAOF: writes Redis's reply (status or error) to {@code reply}. */
    void bgrewriteaof(Reply reply);

    /** BGSAVE [SCHEDULE]: a snapshot is a compacted base of the log, so this starts a rewrite too. */
    void bgsave(Reply reply, boolean schedule);

    /**
     * SAVE: writes a compacted base. Either replies at once (an error, or OK when there is nothing to do) or
     * marks {@code session} {@link Session#blocked} and replies to {@link Session#reply} when the base is durable.
     */
    void save(Session session, Reply reply);

    /** No log: nothing is saved; the commands answer as if a save had nothing to do. */
    Persistence NONE = new Persistence() {
        @Override
        public String refuse(Session session, int flags, String name) {
            return null;
        }

        @Override
        public void info(StringBuilder sb, long changes, long lastSave) {
            line(sb, "loading", 0);
            line(sb, "async_loading", 0);
            line(sb, "rdb_changes_since_last_save", changes);
            line(sb, "rdb_bgsave_in_progress", 0);
            line(sb, "rdb_last_save_time", lastSave);
            line(sb, "rdb_last_bgsave_status", "ok");
            line(sb, "rdb_last_bgsave_time_sec", -1);
            line(sb, "rdb_current_bgsave_time_sec", -1);
            line(sb, "rdb_saves", 0);
            line(sb, "aof_enabled", 0);
            line(sb, "aof_rewrite_in_progress", 0);
            line(sb, "aof_rewrite_scheduled", 0);
            line(sb, "aof_last_rewrite_time_sec", -1);
            line(sb, "aof_current_rewrite_time_sec", -1);
            line(sb, "aof_last_bgrewrite_status", "ok");
            line(sb, "aof_rewrites", 0);
            line(sb, "aof_last_write_status", "ok");
        }

        @Override
        public void bgrewriteaof(Reply reply) {
            reply.simple("Background append only file rewriting started");
        }

        @Override
        public void bgsave(Reply reply, boolean schedule) {
            reply.simple("Background saving started");
        }

        @Override
        public void save(Session session, Reply reply) {
            reply.ok();
        }
    };

    /** Appends {@code name:value\r\n}. */
    static void line(StringBuilder sb, String name, Object value) {
        sb.append(name).append(':').append(value).append("\r\n");
    }
}
