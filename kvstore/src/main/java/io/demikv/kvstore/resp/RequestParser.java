package io.demikv.kvstore.resp;

import io.demikv.kvstore.command.Args;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The request side of RESP for one connection: a heap query buffer that popped bytes are copied into once,
 * and a resumable parser that turns it into commands whose arguments are slices of that buffer
 * ({@link Args}). Both request forms of Redis are read, with Redis 7's rules and error texts
 * ({@code processMultibulkBuffer} and {@code processInlineBuffer} in Redis's {@code networking.c}):
 * <ul>
 *   <li>multibulk: {@code *<count>\r\n} then {@code count} times {@code $<len>\r\n<len bytes>\r\n}, chosen when
 *       a request starts with {@code *}. A count of zero or less is an empty request. As in Redis the two
 *       bytes after a header's {@code \r} and after a bulk's data are skipped unchecked;</li>
 *   <li>inline: one line ending in {@code \n} (a {@code \r} before it is dropped), split into words with
 *       {@code sdssplitargs}'s quoting: {@code "..."} with the escapes {@code \n \r \t \b \a \xHH} and
 *       {@code \<any>}, {@code '...'} with only {@code \'}; a closing quote must be followed by a space or the
 *       end of the line. An empty line is an empty request.</li>
 * </ul>
 * Line ends are searched as C's {@code strchr} searches Redis's query buffer, so a NUL byte in a header or
 * inline line hides the line end behind it (Redis then waits until the 64 KB line limit fails the request).
 * A state ({@link State}) survives between calls, so input may arrive split at any byte: {@link #append}
 * whatever was popped, then call {@link #next} until it returns {@link #NEED_MORE}. A line is searched for
 * its end only once (the search resumes where it stopped), and bulk data is never copied again.
 * Inline words are unescaped in place, inside their own line.
 *
 * <p>Protocol violations return {@link #PROTOCOL_ERROR} with Redis's exact text in {@link #error()}; the
 * parser then stays {@link State#FAILED} and the connection must be closed after the error is sent.
 *
 * <p>{@link #args()} are valid from a {@link #COMMAND} result until the next call of {@link #next} or
 * {@link #append}. Not thread-safe: the server thread owns it. Steady state allocates nothing.
 */
public final class RequestParser {
    /** Where the parser is inside a request. */
    public enum State {
        /** Between requests. */
        START,
        /** Reading the {@code *<count>} line of a multibulk request. */
        MULTIBULK_COUNT,
        /** Reading a {@code $<len>} line. */
        BULK_LENGTH,
        /** Waiting for a bulk argument's bytes and its line ending. */
        BULK_DATA,
        /** Waiting for the end of an inline request's line. */
        INLINE,
        /** A protocol error happened; nothing more is parsed. */
        FAILED
    }

    /** {@link #next} found no complete request in the buffer. */
    public static final int NEED_MORE = 0;
    /** {@link #next} parsed a command into {@link #args()}. */
    public static final int COMMAND = 1;
    /** {@link #next} found a protocol violation; see {@link #error()}. */
    public static final int PROTOCOL_ERROR = -1;

    /** The query buffer's size when the connection starts and after it shrinks. */
    public static final int INITIAL_CAPACITY = 4096;

    static final String TOO_BIG_INLINE = "ERR Protocol error: too big inline request";
    static final String UNBALANCED_QUOTES = "ERR Protocol error: unbalanced quotes in request";
    static final String TOO_BIG_MBULK = "ERR Protocol error: too big mbulk count string";
    static final String INVALID_MBULK = "ERR Protocol error: invalid multibulk length";
    static final String UNAUTH_MBULK = "ERR Protocol error: unauthenticated multibulk length";
    static final String TOO_BIG_BULK = "ERR Protocol error: too big bulk count string";
    static final String INVALID_BULK = "ERR Protocol error: invalid bulk length";
    static final String UNAUTH_BULK = "ERR Protocol error: unauthenticated bulk length";

    private final ProtocolLimits limits;
    private final Args args = new Args();
    private byte[] buf;
    /** First byte still needed: the start of the request being parsed. */
    private int start;
    /** Next byte to parse. */
    private int pos;
    /** End of the received bytes. */
    private int end;
    /** The line-end search resumes here: {@code [pos, scanFrom)} holds none. */
    private int scanFrom;
    private State state = State.START;
    private long multibulkLeft;
    private long bulkLength;
    private String error;
    /** Set by {@link #parseDecimal}: whether the last call read a valid number. */
    private boolean decimalOk;

    public RequestParser(ProtocolLimits limits) {
        this.limits = limits;
        this.buf = new byte[INITIAL_CAPACITY];
        args.reset(buf);
    }

    // ---------------------------------------------------------------- input

    /**
     * Copies {@code length} bytes of {@code src} from {@code offset} into the query buffer, growing or
     * compacting it as needed. Returns false (copying nothing) when the buffer would pass the size a Java
     * array can have; callers close such a client (it passed any {@code client-query-buffer-limit} first).
     */
    public boolean append(MemorySegment src, long offset, int length) {
        if (!makeRoom(length)) {
            return false;
        }
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset, buf, end, length);
        end += length;
        return true;
    }

    /** As {@link #append(MemorySegment, long, int)} from a heap array; for tests and in-process callers. */
    public boolean append(byte[] src, int offset, int length) {
        if (!makeRoom(length)) {
            return false;
        }
        System.arraycopy(src, offset, buf, end, length);
        end += length;
        return true;
    }

    /** Bytes received and not yet consumed by executed commands (CLIENT LIST's {@code qbuf}). */
    public int bufferedBytes() {
        return state == State.START ? end - pos : end - start;
    }

    /** True when received bytes wait to be parsed (after the client was blocked, for example). */
    public boolean hasUnparsedInput() {
        return state != State.FAILED && pos < end;
    }

    /** The query buffer's current capacity (CLIENT LIST's {@code qbuf-free} is this minus the used part). */
    public int capacity() {
        return buf.length;
    }

    /**
     * Gives a large, empty query buffer back (Redis resizes idle query buffers in its client cron).
     * Returns true when it shrank.
     */
    public boolean shrinkIfIdle() {
        if (buf.length > INITIAL_CAPACITY * 4 && state == State.START && pos == end) {
            buf = new byte[INITIAL_CAPACITY];
            start = pos = end = scanFrom = 0;
            args.reset(buf);
            return true;
        }
        return false;
    }

    private boolean makeRoom(int incoming) {
        if (state == State.START) {
            start = pos; // the last command has executed: its bytes are no longer needed
        }
        if (start == end) {
            start = pos = end = scanFrom = 0;
        }
        if (end + incoming <= buf.length && end + incoming >= 0) {
            return true;
        }
        int live = end - start;
        long need = (long) live + incoming;
        if (need > ProtocolLimits.MAX_ARRAY_BYTES) {
            return false;
        }
        byte[] target = buf;
        if (need > buf.length) {
            long grown = Math.min(ProtocolLimits.MAX_ARRAY_BYTES, Math.max(need, 2L * buf.length));
            target = new byte[(int) grown];
        }
        System.arraycopy(buf, start, target, 0, live);
        int shift = start;
        buf = target;
        start = 0;
        pos -= shift;
        scanFrom = Math.max(0, scanFrom - shift);
        end = live;
        args.rebase(buf, shift);
        return true;
    }

    // ---------------------------------------------------------------- parsing

    /** The arguments of the command the last {@link #COMMAND} result announced. */
    public Args args() {
        return args;
    }

    public State state() {
        return state;
    }

    /** The error text of the last {@link #PROTOCOL_ERROR}, without the leading '-', e.g. {@code ERR Protocol error: ...}. */
    public String error() {
        return error;
    }

    /**
     * The error as a complete RESP line, byte for byte as Redis sends it: {@code -<error>\r\n}, where a byte
     * the error quotes (the unexpected type byte) is the raw byte and CR/LF become spaces.
     */
    public byte[] errorLine() {
        byte[] line = new byte[error.length() + 3];
        line[0] = '-';
        for (int i = 0; i < error.length(); i++) {
            char c = error.charAt(i);
            line[i + 1] = (byte) (c == '\r' || c == '\n' ? ' ' : c);
        }
        line[line.length - 2] = '\r';
        line[line.length - 1] = '\n';
        return line;
    }

    /**
     * Parses the next request.
     *
     * @param authRequired true while the client has not authenticated and a password is required: Redis's
     *                     smaller limits for such clients apply
     * @return {@link #COMMAND} (arguments in {@link #args()}, at least one), {@link #NEED_MORE} or
     *         {@link #PROTOCOL_ERROR}
     */
    public int next(boolean authRequired) {
        while (true) {
            switch (state) {
                case START -> {
                    start = pos;
                    if (pos == end) {
                        start = pos = end = scanFrom = 0;
                        return NEED_MORE;
                    }
                    scanFrom = pos;
                    args.reset(buf);
                    state = buf[pos] == '*' ? State.MULTIBULK_COUNT : State.INLINE;
                }
                case INLINE -> {
                    int r = parseInline();
                    if (r != COMMAND || args.count() > 0) {
                        return r;
                    }
                    // an empty line: no command; go on with the next request
                }
                case MULTIBULK_COUNT -> {
                    int r = parseMultibulkCount(authRequired);
                    if (r != COMMAND) {
                        return r;
                    }
                }
                case BULK_LENGTH -> {
                    int r = parseBulkLength(authRequired);
                    if (r != COMMAND) {
                        return r;
                    }
                }
                case BULK_DATA -> {
                    if (end - pos < bulkLength + 2) {
                        return NEED_MORE;
                    }
                    args.add(pos, (int) bulkLength);
                    pos += (int) bulkLength + 2; // the two bytes after the data are not checked, as in Redis
                    scanFrom = pos;
                    if (--multibulkLeft == 0) {
                        state = State.START;
                        return COMMAND;
                    }
                    state = State.BULK_LENGTH;
                }
                case FAILED -> {
                    return PROTOCOL_ERROR;
                }
            }
        }
    }

    /** Returns COMMAND to go on (state advanced), or NEED_MORE / PROTOCOL_ERROR. */
    private int parseMultibulkCount(boolean authRequired) {
        int cr = find((byte) '\r');
        if (cr < 0) {
            return end - pos > ProtocolLimits.INLINE_MAX_BYTES ? fail(TOO_BIG_MBULK) : NEED_MORE;
        }
        if (cr + 1 >= end) {
            scanFrom = cr; // the byte after '\r' has not arrived yet
            return NEED_MORE;
        }
        long count = parseDecimal(buf, pos + 1, cr);
        if (!decimalOk || count > ProtocolLimits.MULTIBULK_MAX) {
            return fail(INVALID_MBULK);
        }
        if (count > ProtocolLimits.UNAUTHENTICATED_MULTIBULK_MAX && authRequired) {
            return fail(UNAUTH_MBULK);
        }
        pos = cr + 2;
        scanFrom = pos;
        if (count <= 0) {
            state = State.START; // "*0" and "*-1": an empty request, nothing to run
        } else {
            multibulkLeft = count;
            state = State.BULK_LENGTH;
        }
        return COMMAND;
    }

    private int parseBulkLength(boolean authRequired) {
        int cr = find((byte) '\r');
        if (cr < 0) {
            return end - pos > ProtocolLimits.INLINE_MAX_BYTES ? fail(TOO_BIG_BULK) : NEED_MORE;
        }
        if (cr + 1 >= end) {
            scanFrom = cr;
            return NEED_MORE;
        }
        if (buf[pos] != '$') {
            return fail("ERR Protocol error: expected '$', got '" + (char) (buf[pos] & 0xFF) + "'");
        }
        long length = parseDecimal(buf, pos + 1, cr);
        if (!decimalOk || length < 0 || length > Math.min(limits.protoMaxBulkLen, ProtocolLimits.MAX_ARRAY_BYTES - 2)) {
            return fail(INVALID_BULK);
        }
        if (length > ProtocolLimits.UNAUTHENTICATED_BULK_MAX && authRequired) {
            return fail(UNAUTH_BULK);
        }
        pos = cr + 2;
        bulkLength = length;
        state = State.BULK_DATA;
        return COMMAND;
    }

    /** Returns COMMAND when a line was split (possibly into zero words), or NEED_MORE / PROTOCOL_ERROR. */
    private int parseInline() {
        int nl = find((byte) '\n');
        if (nl < 0) {
            return end - pos > ProtocolLimits.INLINE_MAX_BYTES ? fail(TOO_BIG_INLINE) : NEED_MORE;
        }
        int lineEnd = nl > pos && buf[nl - 1] == '\r' ? nl - 1 : nl;
        if (!splitInline(pos, lineEnd)) {
            return fail(UNBALANCED_QUOTES);
        }
        pos = nl + 1;
        scanFrom = pos;
        state = State.START;
        return COMMAND;
    }

    /**
     * Splits {@code buf[from, to)} into words as Redis's {@code sdssplitargs} does, unescaping each word in
     * place (a word never grows, so it is rewritten over its own text). The line acts as a C string: a NUL
     * byte ends it. Returns false for unbalanced quotes.
     */
    private boolean splitInline(int from, int to) {
        byte[] b = buf;
        int p = from;
        while (true) {
            while (p < to && isSpace(b[p])) {
                p++;
            }
            if (p >= to || b[p] == 0) {
                return true;
            }
            boolean inDouble = false;
            boolean inSingle = false;
            int word = p;
            int w = p;
            while (true) {
                int c = p < to ? b[p] : 0;
                if (inDouble) {
                    int c1 = at(p + 1, to);
                    if (c == '\\' && c1 == 'x' && isHex(at(p + 2, to)) && isHex(at(p + 3, to))) {
                        b[w++] = (byte) (hexValue(b[p + 2]) * 16 + hexValue(b[p + 3]));
                        p += 3;
                    } else if (c == '\\' && c1 != 0) {
                        p++;
                        b[w++] = switch (b[p]) {
                            case 'n' -> (byte) '\n';
                            case 'r' -> (byte) '\r';
                            case 't' -> (byte) '\t';
                            case 'b' -> (byte) '\b';
                            case 'a' -> (byte) 7;
                            default -> b[p];
                        };
                    } else if (c == '"') {
                        if (c1 != 0 && !isSpace((byte) c1)) {
                            return false; // a closing quote must be followed by a space or the end
                        }
                        p = advance(p, to);
                        break;
                    } else if (c == 0) {
                        return false; // unterminated quotes
                    } else {
                        b[w++] = (byte) c;
                    }
                } else if (inSingle) {
                    int c1 = at(p + 1, to);
                    if (c == '\\' && c1 == '\'') {
                        p++;
                        b[w++] = '\'';
                    } else if (c == '\'') {
                        if (c1 != 0 && !isSpace((byte) c1)) {
                            return false;
                        }
                        p = advance(p, to);
                        break;
                    } else if (c == 0) {
                        return false;
                    } else {
                        b[w++] = (byte) c;
                    }
                } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0) {
                    p = advance(p, to);
                    break;
                } else if (c == '"') {
                    inDouble = true;
                } else if (c == '\'') {
                    inSingle = true;
                } else {
                    b[w++] = (byte) c;
                }
                p = advance(p, to);
            }
            args.add(word, w - word);
        }
    }

    /** C's {@code if (*p) p++}: steps over the byte at {@code p} unless it is the terminating NUL. */
    private int advance(int p, int to) {
        return p < to && buf[p] != 0 ? p + 1 : p;
    }

    private int at(int i, int to) {
        return i < to ? buf[i] : 0;
    }

    private int fail(String message) {
        error = message;
        state = State.FAILED;
        return PROTOCOL_ERROR;
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Finds the line end {@code b} from the current line start as Redis's {@code strchr} does: the search
     * also stops at a NUL byte, and then the line end is never found (the request waits until it passes
     * the 64 KB line limit, exactly as in Redis). Resumes where the last search stopped. Returns the index,
     * or -1 when not (yet) found.
     */
    private int find(byte b) {
        byte[] buf = this.buf;
        int i = Math.max(scanFrom, pos);
        for (; i < end; i++) {
            byte c = buf[i];
            if (c == b) {
                return i;
            }
            if (c == 0) {
                break;
            }
        }
        scanFrom = i;
        return -1;
    }

    /** C's {@code isspace} in the "C" locale. */
    static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    private static boolean isHex(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    private static int hexValue(byte c) {
        return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    }

    /**
     * Reads {@code b[from, to)} as Redis's {@code string2ll} does: optional '-', no '+', no leading zeros (but
     * "0"), no spaces, at most 20 characters, within a signed 64-bit range. Sets {@link #decimalOk}.
     */
    long parseDecimal(byte[] b, int from, int to) {
        decimalOk = false;
        int len = to - from;
        if (len <= 0 || len >= 21) {
            return 0;
        }
        if (len == 1 && b[from] == '0') {
            decimalOk = true;
            return 0;
        }
        int p = from;
        boolean negative = b[p] == '-';
        if (negative && ++p == to) {
            return 0;
        }
        if (b[p] < '1' || b[p] > '9') {
            return 0;
        }
        long v = 0; // accumulated negatively, so Long.MIN_VALUE fits
        for (; p < to; p++) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                return 0;
            }
            if (v < (Long.MIN_VALUE + d) / 10) { // v * 10 - d would pass Long.MIN_VALUE
                return 0;
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return 0;
            }
            v = -v;
        }
        decimalOk = true;
        return v;
    }

    @Override
    public String toString() {
        return "RequestParser{" + state + " start=" + start + " pos=" + pos + " end=" + end + " cap=" + buf.length
                + (error != null ? " error=" + new String(errorLine(), StandardCharsets.ISO_8859_1).trim() : "") + "}";
    }
}
