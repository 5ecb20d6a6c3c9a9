package io.demikv.kvstore.command;

import io.demikv.kvstore.resp.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Redis's slow log: commands that ran longer than {@code slowlog-log-slower-than} microseconds, newest
 * first, at most {@code slowlog-max-len} entries; arguments are cut as Redis cuts them (32 arguments,
 * 128 bytes each). Server thread only; one per server instance.
 */
final class SlowLog {
    static final int MAX_ARGC = 32;
    static final int MAX_ARG_LEN = 128;

    private record Entry(long id, long unixSeconds, long micros, byte[][] argv, String addr, String name) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    void add(Args args, long unixSeconds, long micros, String addr, String name, long maxLen) {
        int argc = Math.min(args.count(), MAX_ARGC);
        byte[][] argv = new byte[argc][];
        for (int i = 0; i < argc; i++) {
            if (argc != args.count() && i == argc - 1) {
                argv[i] = ("... (" + (args.count() - argc + 1) + " more arguments)").getBytes(StandardCharsets.US_ASCII);
            } else if (args.length(i) > MAX_ARG_LEN) {
                byte[] head = Arrays.copyOfRange(args.buf(), args.offset(i), args.offset(i) + MAX_ARG_LEN);
                byte[] tail = ("... (" + (args.length(i) - MAX_ARG_LEN) + " more bytes)").getBytes(StandardCharsets.US_ASCII);
                argv[i] = Arrays.copyOf(head, head.length + tail.length);
                System.arraycopy(tail, 0, argv[i], head.length, tail.length);
            } else {
                argv[i] = args.copy(i);
            }
        }
        entries.addFirst(new Entry(nextId++, unixSeconds, micros, argv, addr, name == null ? "" : name));
        trim(maxLen);
    }

    void trim(long maxLen) {
        while (entries.size() > maxLen) {
            entries.removeLast();
        }
    }

    int size() {
        return entries.size();
    }

    void reset() {
        entries.clear();
    }

    /** SLOWLOG GET: the newest {@code count} entries ({@code -1} = all). */
    void reply(Reply r, long count) {
        int n = count < 0 || count > entries.size() ? entries.size() : (int) count;
        r.array(n);
        Iterator<Entry> it = entries.iterator();
        for (int i = 0; i < n; i++) {
            Entry e = it.next();
            r.array(6);
            r.integer(e.id);
            r.integer(e.unixSeconds);
            r.integer(e.micros);
            r.array(e.argv.length);
            for (byte[] a : e.argv) {
                r.bulk(a);
            }
            r.bulk(e.addr);
            r.bulk(e.name);
        }
    }
}
