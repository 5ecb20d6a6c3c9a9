package io.demikv.kvstore.command;

import io.demikv.kvstore.db.Db;
import io.demikv.kvstore.db.Entry;
import io.demikv.kvstore.db.ValueType;
import io.demikv.kvstore.resp.Reply;
import io.demikv.kvstore.server.Session;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The context of the command being executed: its session, arguments, reply writer, selected database and
 * time, plus helpers handlers share (integer arguments, typed lookups, errors that are counted, and the
 * propagation to the {@link CommandLog}). One instance per {@link Commands}, reused for every command;
 * valid only during {@link Handler#execute}. Server thread only.
 */
final class Ctx {
    final ServerState s;
    Session session;
    ClientExtras client;
    Args args;
    Reply reply;
    CommandSpec cmd;
    Db db;
    long nowMs;
    /** Set when the handler replied with an error (INFO commandstats failed_calls). */
    boolean failed;

    /** Result slot of {@link #parseLong}. */
    long lval;
    private final long[] scratch = new long[1];

    /** Replacement for the command's own log record, or null to log the command as it came. */
    byte[][] propagateAs;
    boolean suppressPropagation;
    /** Records to log in order (expired-key DELs met during the command, extra records). */
    final List<byte[][]> pending = new ArrayList<>();

    Ctx(ServerState s) {
        this.s = s;
    }

    void begin(Session session, ClientExtras client, Args args, Reply reply, CommandSpec cmd, long nowMs) {
        this.session = session;
        this.client = client;
        this.args = args;
        this.reply = reply;
        this.cmd = cmd;
        this.db = s.keyspace.db(session.db);
        this.nowMs = nowMs;
        this.failed = false;
        this.propagateAs = null;
        this.suppressPropagation = false;
    }

    int argc() {
        return args.count();
    }

    String str(int i) {
        return args.string(i);
    }

    /** Argument {@code i} as a Redis integer into {@link #lval}; false when it is not one. */
    boolean parseLong(int i) {
        if (Numbers.parseLong(args.buf(), args.offset(i), args.length(i), scratch)) {
            lval = scratch[0];
            return true;
        }
        return false;
    }

    /** As {@link #parseLong} but replies {@code ERR value is not an integer or out of range} on failure. */
    boolean longOrReply(int i) {
        if (parseLong(i)) {
            return true;
        }
        error(Errors.NOT_INTEGER);
        return false;
    }

    void error(String message) {
        failed = true;
        s.countError(message);
        reply.error(message);
    }

    void syntaxError() {
        error(Errors.SYNTAX);
    }

    void wrongType() {
        error(Errors.WRONGTYPE);
    }

    /** Lookup for reading: counts hits/misses and touches the key, as Redis's lookupKeyRead. */
    Entry read(int i) {
        Entry e = db.lookup(args.buf(), args.offset(i), args.length(i), !client.noTouch);
        if (e == null) {
            s.keyspaceMisses++;
        } else {
            s.keyspaceHits++;
        }
        return e;
    }

    /** Read lookup that does not refresh the access time (TYPE, EXISTS, TTL, OBJECT), with statistics. */
    Entry readNoTouch(int i) {
        Entry e = db.lookup(args.buf(), args.offset(i), args.length(i), false);
        if (e == null) {
            s.keyspaceMisses++;
        } else {
            s.keyspaceHits++;
        }
        return e;
    }

    /**
     * An error whose text embeds argument {@code i} byte for byte (cut at a NUL byte, as C's "%s" does):
     * {@code prefix + arg + suffix}.
     */
    void errorWithArg(String prefix, int i, String suffix) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write('-');
        b.writeBytes(ascii(prefix));
        byte[] buf = args.buf();
        for (int k = args.offset(i); k < args.offset(i) + args.length(i) && buf[k] != 0; k++) {
            b.write(buf[k] == '\r' || buf[k] == '\n' ? ' ' : buf[k]);
        }
        b.writeBytes(ascii(suffix));
        b.write('\r');
        b.write('\n');
        failed = true;
        s.countError(prefix);
        reply.raw(b.toByteArray());
    }

    /** Lookup for writing (no hit/miss statistics), as Redis's lookupKeyWrite. */
    Entry write(int i) {
        return db.lookup(args.buf(), args.offset(i), args.length(i), true);
    }

    /** Read lookup that replies WRONGTYPE and returns null when the key holds another type. */
    Entry readString(int i) {
        Entry e = read(i);
        if (e != null && e.type() != ValueType.STRING) {
            wrongType();
            return WRONG;
        }
        return e;
    }

    /** Replies a string entry's value as a bulk string (no copy). */
    void bulkValue(Entry e) {
        reply.bulk(e.valueArray(), e.valueOffset(), e.valueLength());
    }

    /** Sets key argument {@code k} to the string in argument {@code v} (both copied), as Redis's setKey. */
    Entry setStringArg(int k, int v, boolean keepTtl) {
        return db.setString(args.buf(), args.offset(k), args.length(k), args.buf(), args.offset(v),
                args.length(v), Family.encodingOf(this, v), keepTtl);
    }

    /** Creates key argument {@code k} (absent) holding {@code value} with encoding {@code enc}. */
    Entry addString(int k, byte[] value, io.demikv.kvstore.db.Encoding enc) {
        return db.addString(args.buf(), args.offset(k), args.length(k), value, 0, value.length, enc);
    }

    /** Sentinel returned by typed lookups after they replied WRONGTYPE. */
    static final Entry WRONG = null;

    /** Counts one change to the dataset (Redis's server.dirty++); a write command with changes is logged. */
    void dirty() {
        s.dirty++;
    }

    void dirty(long n) {
        s.dirty += n;
    }

    /** True when writes are logged; handlers skip building rewritten records otherwise. */
    boolean logging() {
        return s.log != CommandLog.NONE;
    }

    /** Logs {@code argv} instead of the command itself. */
    void propagateAs(byte[]... argv) {
        propagateAs = argv;
    }

    /** Logs an extra record, before the command's own. */
    void alsoPropagate(byte[]... argv) {
        pending.add(argv);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    byte[] arg(int i) {
        return args.copy(i);
    }
}
