package io.demikv.kvstore.resp;

import io.demikv.kvstore.command.Args;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: feeds bytes to a {@link RequestParser} in given pieces and records what it produces. Arguments
 * are kept as ISO-8859-1 strings (one char per byte), so binary arguments compare exactly.
 */
final class ParseRun {
    final List<List<String>> commands = new ArrayList<>();
    String error;
    RequestParser parser;

    static ParseRun whole(String input) {
        return pieces(latin1(input), false, ProtocolLimits.DEFAULT_PROTO_MAX_BULK_LEN, input.length());
    }

    static ParseRun whole(byte[] input, boolean authRequired) {
        return pieces(input, authRequired, ProtocolLimits.DEFAULT_PROTO_MAX_BULK_LEN, input.length);
    }

    /** Feeds {@code input} in the pieces that end at each of {@code cuts} (ascending) and at the end. */
    static ParseRun cuts(byte[] input, int... cuts) {
        ParseRun run = new ParseRun();
        run.parser = new RequestParser(new ProtocolLimits());
        int from = 0;
        for (int cut : cuts) {
            run.feed(input, from, cut - from, false);
            from = cut;
        }
        run.feed(input, from, input.length - from, false);
        return run;
    }

    static ParseRun pieces(byte[] input, boolean authRequired, long protoMaxBulkLen, int pieceSize) {
        ParseRun run = new ParseRun();
        ProtocolLimits limits = new ProtocolLimits();
        limits.protoMaxBulkLen = protoMaxBulkLen;
        run.parser = new RequestParser(limits);
        for (int from = 0; from < input.length; from += Math.max(1, pieceSize)) {
            run.feed(input, from, Math.min(Math.max(1, pieceSize), input.length - from), authRequired);
        }
        return run;
    }

    void feed(byte[] input, int from, int length, boolean authRequired) {
        if (error != null) {
            return;
        }
        parser.append(input, from, length);
        drain(authRequired);
    }

    void drain(boolean authRequired) {
        while (error == null) {
            int r = parser.next(authRequired);
            if (r == RequestParser.NEED_MORE) {
                return;
            }
            if (r == RequestParser.PROTOCOL_ERROR) {
                error = parser.error();
                return;
            }
            commands.add(strings(parser.args()));
        }
    }

    static List<String> strings(Args args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.count(); i++) {
            out.add(new String(args.buf(), args.offset(i), args.length(i), StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The multibulk encoding of {@code args}. */
    static byte[] multibulk(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(latin1("*" + args.size() + "\r\n"));
        for (String a : args) {
            out.writeBytes(latin1("$" + a.length() + "\r\n"));
            out.writeBytes(latin1(a));
            out.writeBytes(latin1("\r\n"));
        }
        return out.toByteArray();
    }

    static byte[] multibulk(String... args) {
        return multibulk(List.of(args));
    }
}
