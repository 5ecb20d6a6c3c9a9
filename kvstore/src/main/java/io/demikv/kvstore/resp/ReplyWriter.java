package io.demikv.kvstore.resp;

import io.demikv.libos.LibOS;
import io.demikv.libos.Sga;
import io.demikv.libos.memory.DemiBuffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/**
 * The {@link Reply} of one connection: RESP2/RESP3 written straight into off-heap buffers of the libOS's
 * pool, ready to push without another copy. Output is a chain of one-segment arrays from
 * {@link LibOS#sgaAlloc}; chunks grow from {@value #FIRST_CHUNK_BYTES} bytes to {@value #MAX_CHUNK_BYTES}
 * bytes (capacity, headroom included) so small replies use little memory and big ones few segments.
 * {@link #detach()} hands the written bytes over as one array of up to {@link Sga#MAX_SEGMENTS} segments
 * for a single push; further chunks wait for the next push.
 *
 * <p>Constant replies ({@code +OK}, {@code :0}, {@code $-1}, ...) are encoded once; integers and lengths are
 * written digit by digit; so simple replies allocate nothing. The protocol is read from
 * {@code protocol} at every reply, so a {@code HELLO 3} reply is already RESP3.
 *
 * <p>The first write after a {@link #detach()} tells the {@link Listener} once, so the server learns of
 * output produced for any connection (a reply, or a pub/sub message written by another client's command).
 * Server thread only.
 */
public final class ReplyWriter implements Reply {
    /** Told when a writer with nothing pending gets its first byte. */
    @FunctionalInterface
    public interface Listener {
        void outputPending(ReplyWriter writer);
    }

    static final int FIRST_CHUNK_BYTES = 4096;
    static final int MAX_CHUNK_BYTES = 1 << 20;
    private static final int SINK_BYTES = 4096;

    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] OK = ascii("+OK\r\n");
    private static final byte[] ZERO = ascii(":0\r\n");
    private static final byte[] ONE = ascii(":1\r\n");
    private static final byte[] NULL_BULK = ascii("$-1\r\n");
    private static final byte[] NULL_ARRAY = ascii("*-1\r\n");
    private static final byte[] NULL3 = ascii("_\r\n");
    private static final byte[] EMPTY_ARRAY = ascii("*0\r\n");
    private static final byte[] TRUE3 = ascii("#t\r\n");
    private static final byte[] FALSE3 = ascii("#f\r\n");
    private static final byte[] INF2 = ascii("$3\r\ninf\r\n");
    private static final byte[] NEG_INF2 = ascii("$4\r\n-inf\r\n");
    private static final byte[] INF3 = ascii(",inf\r\n");
    private static final byte[] NEG_INF3 = ascii(",-inf\r\n");
    private static final byte[] TXT = ascii("txt:");

    private final LibOS libos;
    private final IntSupplier protocol;
    private final Listener listener;
    private final int headroom;
    private final byte[] scratch = new byte[40];
    private final byte[] doubleText = new byte[40];

    /** Chunks written and not yet detached, oldest first (a ring). The last one is being written. */
    private Sga[] chain = new Sga[8];
    private int chainHead;
    private int chainCount;
    private DemiBuffer current;
    private MemorySegment memory;
    private long writeAt;
    private long limit;
    private int nextChunkBytes = FIRST_CHUNK_BYTES;
    /** Bytes written and not yet detached. */
    private long pendingBytes;
    private boolean signalled;
    /** After {@link #close()}: replies go to a scratch segment and are dropped. */
    private boolean closed;

    /**
     * @param libos    the libOS whose buffers hold the output and which will push them
     * @param protocol the connection's protocol, 2 or 3, read at every reply (the session's field)
     * @param listener told of the first write after each {@link #detach()}
     */
    public ReplyWriter(LibOS libos, IntSupplier protocol, Listener listener) {
        this.libos = libos;
        this.protocol = protocol;
        this.listener = listener;
        this.headroom = libos.buffers().headroom();
    }

    // ---------------------------------------------------------------- Reply

    @Override
    public int protocol() {
        return protocol.getAsInt();
    }

    @Override
    public void ok() {
        raw(OK);
    }

    @Override
    public void simple(String text) {
        begin();
        ensure(1);
        putByte('+');
        putLineText(text);
        put(CRLF);
    }

    @Override
    public void error(String message) {
        begin();
        ensure(1);
        putByte('-');
        putLineText(message);
        put(CRLF);
    }

    @Override
    public void integer(long value) {
        if (value == 0) {
            raw(ZERO);
        } else if (value == 1) {
            raw(ONE);
        } else {
            header(':', value);
        }
    }

    @Override
    public void bulk(byte[] value) {
        bulk(value, 0, value.length);
    }

    @Override
    public void bulk(byte[] value, int offset, int length) {
        header('$', length);
        put(value, offset, length);
        put(CRLF);
    }

    @Override
    public void bulk(String value) {
        if (isAscii(value)) {
            header('$', value.length());
            putAscii(value);
            put(CRLF);
        } else {
            bulk(value.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void bulk(long value) {
        int n = RespDouble.writeLong(value, scratch, 0);
        header('$', n);
        put(scratch, 0, n);
        put(CRLF);
    }

    @Override
    public void nullBulk() {
        raw(protocol() == 3 ? NULL3 : NULL_BULK);
    }

    @Override
    public void nullArray() {
        raw(protocol() == 3 ? NULL3 : NULL_ARRAY);
    }

    @Override
    public void array(int count) {
        if (count == 0) {
            raw(EMPTY_ARRAY);
        } else {
            header('*', count);
        }
    }

    @Override
    public void map(int pairs) {
        if (protocol() == 3) {
            header('%', pairs);
        } else {
            array(2 * pairs);
        }
    }

    @Override
    public void set(int count) {
        if (protocol() == 3) {
            header('~', count);
        } else {
            array(count);
        }
    }

    @Override
    public void doubleValue(double value) {
        boolean resp3 = protocol() == 3;
        if (Double.isInfinite(value)) {
            raw(value > 0 ? (resp3 ? INF3 : INF2) : (resp3 ? NEG_INF3 : NEG_INF2));
            return;
        }
        byte[] digits = doubleText;
        int n = RespDouble.format(value, digits);
        if (resp3) {
            begin();
            ensure(1);
            putByte(',');
        } else {
            header('$', n);
        }
        put(digits, 0, n);
        put(CRLF);
    }

    @Override
    public void bool(boolean value) {
        if (protocol() == 3) {
            raw(value ? TRUE3 : FALSE3);
        } else {
            raw(value ? ONE : ZERO);
        }
    }

    @Override
    public void verbatim(String text) {
        if (protocol() != 3) {
            bulk(text);
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        header('=', bytes.length + TXT.length);
        put(TXT);
        put(bytes, 0, bytes.length);
        put(CRLF);
    }

    @Override
    public void push(int count) {
        if (protocol() == 3) {
            header('>', count);
        } else {
            array(count);
        }
    }

    @Override
    public void raw(byte[] resp) {
        begin();
        put(resp, 0, resp.length);
    }

    /** Appends {@code length} bytes of RESP already encoded in {@code resp}. */
    public void raw(byte[] resp, int offset, int length) {
        begin();
        put(resp, offset, length);
    }

    // ---------------------------------------------------------------- output side, for the server

    /** Bytes written and not yet handed to a push (CLIENT LIST's omem counts these plus in-flight ones). */
    public long pendingBytes() {
        return pendingBytes;
    }

    public boolean hasPending() {
        return pendingBytes > 0;
    }

    /**
     * Hands the oldest written bytes over for one push: an array of up to {@link Sga#MAX_SEGMENTS} segments
     * that the caller pushes and frees when the push completes. Returns null when nothing is written. When
     * more chunks remain they stay for the next call, and the listener will not be told of them again:
     * the caller calls again after its push completes.
     */
    public Sga detach() {
        if (chainCount == 0 || closed) {
            return null;
        }
        sealCurrent();
        Sga out = takeChunk();
        long bytes = out.length();
        int segments = 1;
        while (chainCount > 0 && segments < Sga.MAX_SEGMENTS) {
            Sga next = takeChunk();
            bytes += next.segment(0).length();
            out.add(next.segment(0).retain());
            libos.sgaFree(next);
            segments++;
        }
        pendingBytes -= bytes;
        if (chainCount == 0) {
            current = null;
            memory = null;
            writeAt = limit = 0;
            nextChunkBytes = FIRST_CHUNK_BYTES;
            signalled = false;
        }
        return out;
    }

    /** Drops everything written and not detached (the connection is closing without sending it). */
    public void discard() {
        while (chainCount > 0) {
            libos.sgaFree(takeChunk());
        }
        current = null;
        memory = null;
        writeAt = limit = 0;
        pendingBytes = 0;
        nextChunkBytes = FIRST_CHUNK_BYTES;
        signalled = false;
    }

    /**
     * Drops everything pending and turns the writer into a sink: later replies (say, a pub/sub message to a
     * session someone still holds after its connection closed) are encoded into a scratch buffer and dropped,
     * allocating nothing from the pool.
     */
    public void close() {
        discard();
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- encoding

    private void begin() {
        if (closed) {
            return;
        }
        if (!signalled) {
            signalled = true;
            listener.outputPending(this);
        }
    }

    /** Writes {@code <type><value>\r\n}. */
    private void header(char type, long value) {
        begin();
        ensure(24);
        putByte(type);
        if (value >= 0 && value < 10) {
            putByte((char) ('0' + value));
        } else {
            int n = RespDouble.writeLong(value, scratch, 0);
            putSmall(scratch, n);
        }
        putByte('\r');
        putByte('\n');
    }

    private void putByte(char c) {
        memory.set(ValueLayout.JAVA_BYTE, writeAt++, (byte) c);
        pendingBytes++;
    }

    /** Copies a few bytes that {@link #ensure} made room for. */
    private void putSmall(byte[] src, int n) {
        MemorySegment.copy(src, 0, memory, ValueLayout.JAVA_BYTE, writeAt, n);
        writeAt += n;
        pendingBytes += n;
    }

    private void put(byte[] src) {
        put(src, 0, src.length);
    }

    private void put(byte[] src, int offset, int length) {
        while (length > 0) {
            if (writeAt == limit) {
                nextChunk(length);
            }
            int n = (int) Math.min(length, limit - writeAt);
            MemorySegment.copy(src, offset, memory, ValueLayout.JAVA_BYTE, writeAt, n);
            writeAt += n;
            pendingBytes += n;
            offset += n;
            length -= n;
        }
    }

    private void putAscii(String s) {
        int i = 0;
        int len = s.length();
        while (i < len) {
            if (writeAt == limit) {
                nextChunk(len - i);
            }
            long room = limit - writeAt;
            int n = (int) Math.min(len - i, room);
            for (int j = 0; j < n; j++) {
                memory.set(ValueLayout.JAVA_BYTE, writeAt + j, (byte) s.charAt(i + j));
            }
            writeAt += n;
            pendingBytes += n;
            i += n;
        }
    }

    /** Text of a simple string or error: UTF-8, with CR and LF replaced by spaces as Redis does. */
    private void putLineText(String text) {
        if (isAscii(text) && text.indexOf('\r') < 0 && text.indexOf('\n') < 0) {
            putAscii(text);
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\r' || bytes[i] == '\n') {
                bytes[i] = ' ';
            }
        }
        put(bytes, 0, bytes.length);
    }

    /** Makes sure the current chunk has {@code n} contiguous bytes free (n is small). */
    private void ensure(int n) {
        if (limit - writeAt < n) {
            nextChunk(n);
        }
    }

    private void nextChunk(int wanted) {
        if (closed) {
            if (memory == null) {
                memory = java.lang.foreign.Arena.ofAuto().allocate(SINK_BYTES);
            }
            writeAt = 0; // overwrite: nobody will read it
            limit = SINK_BYTES;
            pendingBytes = 0;
            return;
        }
        sealCurrent();
        int capacity = nextChunkBytes;
        while (capacity < MAX_CHUNK_BYTES && capacity - headroom < wanted) {
            capacity <<= 1;
        }
        nextChunkBytes = Math.min(MAX_CHUNK_BYTES, capacity << 2);
        Sga chunk = libos.sgaAlloc(capacity - headroom);
        if (chunk == null) {
            throw new IllegalStateException("libOS refused an output buffer of " + (capacity - headroom) + " bytes");
        }
        if (chainCount == chain.length) {
            Sga[] grown = new Sga[chain.length * 2];
            for (int i = 0; i < chainCount; i++) {
                grown[i] = chain[(chainHead + i) % chain.length];
            }
            chain = grown;
            chainHead = 0;
        }
        chain[(chainHead + chainCount) % chain.length] = chunk;
        chainCount++;
        current = chunk.segment(0);
        memory = current.memory();
        writeAt = current.offset();
        limit = (long) current.offset() + current.length();
    }

    /** Sets the data window of the chunk being written to the bytes written so far. */
    private void sealCurrent() {
        if (current != null) {
            current.setLength((int) (writeAt - current.offset()));
        }
    }

    private Sga takeChunk() {
        Sga s = chain[chainHead];
        chain[chainHead] = null;
        chainHead = (chainHead + 1) % chain.length;
        chainCount--;
        return s;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
