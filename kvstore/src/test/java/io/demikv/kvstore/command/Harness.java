package io.demikv.kvstore.command;

import io.demikv.config.DirectiveRegistry;
import io.demikv.kvstore.server.Session;
import io.demikv.libos.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives {@link Commands} directly: a virtual clock (starting at a fixed Unix time), sessions with
 * recording replies, and a recording {@link CommandLog}. Commands are given as argument lists.
 */
final class Harness {
    /** 2023-11-14T22:13:20Z, in microseconds. */
    static final long START_UNIX_MICROS = 1_700_000_000_000_000L;

    final ManualClock mono = new ManualClock(0);
    final ServerClock clock;
    final DirectiveRegistry config;
    final List<String> log = new ArrayList<>();
    /** The same records as {@link #log}, byte exact, for replay. */
    final List<Record> records = new ArrayList<>();
    final Commands commands;
    private long nextId = 1;
    final Session session;
    final RecordingReply reply;

    Harness() {
        this(ServerDirectives.defaults());
    }

    Harness(DirectiveRegistry config) {
        this(config, START_UNIX_MICROS);
    }

    /** With the virtual wall clock starting at {@code startUnixMicros}. */
    Harness(DirectiveRegistry config, long startUnixMicros) {
        this(config, startUnixMicros, 42);
    }

    /** As above with another seed for hashing and random choices. */
    Harness(DirectiveRegistry config, long startUnixMicros, long seed) {
        this.clock = ServerClock.virtual(mono, startUnixMicros, mono::advance);
        this.config = config;
        this.commands = new Commands(config, clock, (db, argv) -> {
            log.add(db + " " + join(argv));
            records.add(new Record(db, argv));
        }, seed);
        this.session = connect(true);
        this.reply = (RecordingReply) session.reply;
    }

    /** One record the {@link CommandLog} received. */
    record Record(int db, byte[][] argv) {
    }

    /** A new loopback (or not) session that went through onConnect. */
    Session connect(boolean loopback) {
        long id = nextId++;
        Session s = new Session(id, 100 + (int) id, "127.0.0.1:" + (50000 + id), "127.0.0.1:6379", loopback,
                clock.unixMillis());
        final Session self = s;
        s.reply = new RecordingReply(() -> self.protocol);
        String refused = commands.onConnect(s);
        if (refused != null) {
            throw new IllegalStateException(refused);
        }
        return s;
    }

    static String join(byte[][] argv) {
        StringBuilder sb = new StringBuilder();
        for (byte[] a : argv) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(new String(a, StandardCharsets.ISO_8859_1));
        }
        return sb.toString();
    }

    static Args args(byte[]... parts) {
        int total = 0;
        for (byte[] p : parts) {
            total += p.length + 3; // some slack around each slice, so offsets are not trivially 0
        }
        byte[] buf = new byte[total + 8];
        java.util.Arrays.fill(buf, (byte) 0xA5);
        Args a = new Args();
        a.reset(buf);
        int off = 2;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, buf, off, p.length);
            a.add(off, p.length);
            off += p.length + 3;
        }
        return a;
    }

    static Args args(String... parts) {
        byte[][] b = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            b[i] = parts[i].getBytes(StandardCharsets.UTF_8);
        }
        return args(b);
    }

    /** Executes on the default session and returns the RESP it produced. */
    String run(String... parts) {
        return run(session, parts);
    }

    String run(Session s, String... parts) {
        commands.execute(s, args(parts), s.reply);
        return ((RecordingReply) s.reply).take();
    }

    String runBytes(byte[]... parts) {
        commands.execute(session, args(parts), session.reply);
        return reply.take();
    }

    void advanceMillis(long ms) {
        mono.advance(ms * 1_000_000L);
    }

    static String bulk(String s) {
        return "$" + s.getBytes(StandardCharsets.UTF_8).length + "\r\n" + s + "\r\n";
    }

    static String err(String s) {
        return "-" + s + "\r\n";
    }

    static String integer(long v) {
        return ":" + v + "\r\n";
    }

    static final String OK = "+OK\r\n";
    static final String NULL = "$-1\r\n";
}
