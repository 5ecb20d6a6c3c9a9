package io.demikv.kvstore.persist;

import java.util.ArrayDeque;

/**
 * Encodes logged commands into Cattree record payloads (see {@link RecordFormat}): RESP arrays as Redis's AOF
 * writes them, a {@code SELECT} where the database changes, many commands per record (one record per event-loop
 * pass, split where it would pass {@link #maxPayload()}), and a command too large for one record as a run of
 * part records. The current record grows in one reused array; the rare extra records of a large pass are copied
 * aside. Server thread only.
 */
final class RecordEncoder {
    /** Takes one record payload; the array is reused after the call. */
    @FunctionalInterface
    interface RecordConsumer {
        void record(byte[] payload, int length);
    }

    private final int maxPayload;
    private byte[] buf = new byte[16 << 10];
    private int len;
    /** The database the current record's commands run in (each record starts in db 0). */
    private int db;
    private final ArrayDeque<byte[]> sealed = new ArrayDeque<>();
    private final byte[] digits = new byte[20];
    private long commands;

    /** @param maxPayload the largest record payload, at least 64 bytes */
    RecordEncoder(int maxPayload) {
        if (maxPayload < 64) {
            throw new IllegalArgumentException("maxPayload " + maxPayload);
        }
        this.maxPayload = maxPayload;
    }

    int maxPayload() {
        return maxPayload;
    }

    /** Records encoded and not yet taken. */
    int pendingRecords() {
        return sealed.size() + (len > 0 ? 1 : 0);
    }

    /** True when at least {@code bytes} of records are waiting to be taken. */
    boolean pendingAtLeast(int bytes) {
        return !sealed.isEmpty() || len >= bytes;
    }

    /** Bytes of records waiting to be taken (Redis's {@code aof_buffer_length}). */
    long pendingBytes() {
        long n = len;
        for (byte[] r : sealed) {
            n += r.length;
        }
        return n;
    }

    boolean isEmpty() {
        return len == 0 && sealed.isEmpty();
    }

    /** Commands encoded so far. */
    long commands() {
        return commands;
    }

    /** Appends {@code argv}, executed in database {@code dbIndex}. */
    void command(int dbIndex, byte[][] argv) {
        long size = RecordFormat.respSize(argv);
        if (!fitsOneRecord(dbIndex, size)) {
            commands++;
            large(dbIndex, argv, size);
            return;
        }
        open(dbIndex, size);
        writeArray(argv);
    }

    /**
     * Appends the command in {@code args} (slices of a connection's query buffer), executed in database
     * {@code dbIndex}: encoded straight from the slices, no copy of the arguments.
     */
    void command(int dbIndex, io.demikv.kvstore.command.Args args) {
        long size = RecordFormat.respSize(args);
        if (!fitsOneRecord(dbIndex, size)) {
            command(dbIndex, args.copyAll()); // a record of its own, in parts: rare, copying is fine
            return;
        }
        int count = args.count();
        open(dbIndex, size);
        put('*');
        putDigits(count);
        crlf();
        byte[] src = args.buf();
        for (int i = 0; i < count; i++) {
            int n = args.length(i);
            bulkHeader(n);
            System.arraycopy(src, args.offset(i), buf, len, n);
            len += n;
            crlf();
        }
    }

    /** True when a command of {@code size} bytes (after a SELECT when not in db 0) fits in one record. */
    private boolean fitsOneRecord(int dbIndex, long size) {
        return 1 + (dbIndex != 0 ? RecordFormat.selectSize(dbIndex) : 0) + size <= maxPayload;
    }

    /** Makes room for a command of {@code size} bytes in the current record, sealing it or starting one. */
    private void open(int dbIndex, long size) {
        commands++;
        long select = dbIndex != 0 ? RecordFormat.selectSize(dbIndex) : 0;
        long selectHere = dbIndex != (len == 0 ? 0 : db) ? RecordFormat.selectSize(dbIndex) : 0;
        if (len > 0 && len + selectHere + size > maxPayload) {
            seal();
            selectHere = select;
        }
        if (len == 0) {
            ensure(1);
            buf[len++] = RecordFormat.COMMANDS;
            db = 0;
        }
        ensure((int) (selectHere + size));
        if (dbIndex != db) {
            writeSelect(dbIndex);
            db = dbIndex;
        }
    }

    private void large(int dbIndex, byte[][] argv, long size) {
        if (len > 0) {
            seal();
        }
        long total = size + (dbIndex != 0 ? RecordFormat.selectSize(dbIndex) : 0);
        if (total > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("command of " + total + " bytes is too large to log");
        }
        byte[] saved = buf;
        buf = new byte[(int) total];
        len = 0;
        if (dbIndex != 0) {
            writeSelect(dbIndex);
        }
        writeArray(argv);
        byte[] whole = buf;
        buf = saved;
        len = 0;
        int chunk = maxPayload - 1;
        for (int off = 0; off < whole.length; off += chunk) {
            int n = Math.min(chunk, whole.length - off);
            byte[] part = new byte[1 + n];
            part[0] = off + n >= whole.length ? RecordFormat.LAST_PART : RecordFormat.PART;
            System.arraycopy(whole, off, part, 1, n);
            sealed.add(part);
        }
    }

    private void seal() {
        byte[] r = new byte[len];
        System.arraycopy(buf, 0, r, 0, len);
        sealed.add(r);
        len = 0;
    }

    /** Hands every pending record to {@code consumer}, oldest first, and empties the encoder. */
    int drain(RecordConsumer consumer) {
        int n = 0;
        byte[] r;
        while ((r = sealed.pollFirst()) != null) {
            consumer.record(r, r.length);
            n++;
        }
        if (len > 0) {
            consumer.record(buf, len);
            len = 0;
            n++;
        }
        return n;
    }

    /** Drops everything pending (the log failed). */
    void clear() {
        sealed.clear();
        len = 0;
    }

    private void writeSelect(int dbIndex) {
        put('*');
        put('2');
        crlf();
        bulk(RecordFormat.SELECT);
        bulkHeader(RecordFormat.decimalLength(dbIndex));
        putDigits(dbIndex);
        crlf();
    }

    private void writeArray(byte[][] argv) {
        put('*');
        putDigits(argv.length);
        crlf();
        for (byte[] a : argv) {
            bulk(a);
        }
    }

    private void bulk(byte[] a) {
        bulkHeader(a.length);
        System.arraycopy(a, 0, buf, len, a.length);
        len += a.length;
        crlf();
    }

    private void bulkHeader(int n) {
        put('$');
        putDigits(n);
        crlf();
    }

    private void putDigits(long v) {
        int n = digits(v);
        System.arraycopy(digits, digits.length - n, buf, len, n);
        len += n;
    }

    /** Writes the decimal digits of {@code v >= 0} at the end of {@link #digits}; returns how many. */
    private int digits(long v) {
        int i = digits.length;
        do {
            digits[--i] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v > 0);
        return digits.length - i;
    }

    private void put(char c) {
        buf[len++] = (byte) c;
    }

    private void crlf() {
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(len + extra, Math.min(maxPayload, buf.length * 2)));
        }
    }
}
