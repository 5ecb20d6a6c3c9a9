package io.demikv.kvstore.persist;

import io.demikv.kvstore.command.Args;
import io.demikv.kvstore.resp.ProtocolLimits;
import io.demikv.kvstore.resp.RequestParser;

import java.io.ByteArrayOutputStream;

/**
 * Reads record payloads (see {@link RecordFormat}) back into commands, in log order: for recovery, which
 * executes them, and for {@code demikv-check-log}, which prints or exports them. Reassembles part records;
 * drops a run of parts that never got its last part. Single-threaded.
 */
final class RecordDecoder {
    /** Receives each command; {@code args} is valid only during the call. */
    @FunctionalInterface
    interface CommandSink {
        /**
         * @param recordStart true for the first command of a record (its database is 0 again)
         */
        void command(Args args, boolean recordStart);
    }

    private final RequestParser parser;
    private final ByteArrayOutputStream parts = new ByteArrayOutputStream();
    private boolean inParts;
    private long commands;
    private long droppedParts;

    RecordDecoder() {
        ProtocolLimits limits = new ProtocolLimits();
        limits.protoMaxBulkLen = Integer.MAX_VALUE;
        limits.queryBufferLimit = Long.MAX_VALUE;
        this.parser = new RequestParser(limits);
    }

    /** Commands decoded so far. */
    long commands() {
        return commands;
    }

    /** Runs of part records dropped because no last part followed. */
    long droppedParts() {
        return droppedParts;
    }

    /** True when the last records were parts without their last part (an unfinished large command). */
    boolean inParts() {
        return inParts;
    }

    /**
     * Decodes one record payload. Returns null, or what is wrong with it (an unknown kind, RESP that does not
     * parse, or bytes after the last complete command).
     */
    String record(byte[] payload, int length) {
        if (length < 1) {
            return "empty record";
        }
        byte kind = payload[0];
        if (kind == RecordFormat.PART || kind == RecordFormat.LAST_PART) {
            if (!inParts) {
                parts.reset();
                inParts = true;
            }
            parts.write(payload, 1, length - 1);
            if (kind == RecordFormat.PART) {
                return null;
            }
            inParts = false;
            byte[] whole = parts.toByteArray();
            parts.reset();
            return commands(whole, 0, whole.length);
        }
        if (kind != RecordFormat.COMMANDS) {
            return "unknown record kind 0x" + Integer.toHexString(kind & 0xFF);
        }
        if (inParts) {
            inParts = false;
            parts.reset();
            droppedParts++;
        }
        return commands(payload, 1, length - 1);
    }

    /** Forgets an unfinished run of parts (the end of the log). */
    void finish() {
        if (inParts) {
            inParts = false;
            parts.reset();
            droppedParts++;
        }
    }

    private CommandSink sink;

    /** Where the next {@link #record} calls deliver commands. */
    RecordDecoder sink(CommandSink s) {
        this.sink = s;
        return this;
    }

    private String commands(byte[] b, int off, int len) {
        if (!parser.append(b, off, len)) {
            return "record too large to parse";
        }
        boolean first = true;
        while (true) {
            int r = parser.next(false);
            if (r == RequestParser.NEED_MORE) {
                break;
            }
            if (r == RequestParser.PROTOCOL_ERROR) {
                String e = parser.error();
                resetParser();
                return "RESP does not parse: " + e;
            }
            commands++;
            sink.command(parser.args(), first);
            first = false;
        }
        if (parser.bufferedBytes() != 0) {
            int left = parser.bufferedBytes();
            resetParser();
            return left + " bytes after the last complete command";
        }
        return null;
    }

    private void resetParser() {
        // A parser that failed keeps its state; drain it with a fresh instance's worth of input is not possible,
        // so callers treat any error as the end of what can be read.
        parser.shrinkIfIdle();
    }
}
