package io.demikv.kvstore.command;

import io.demikv.kvstore.resp.Reply;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/**
 * A test {@link Reply} that records the RESP bytes it would send, in RESP2 or RESP3 (the protocol is read
 * from the supplier on every element, as the real writer does after HELLO switches it).
 */
final class RecordingReply implements Reply {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final IntSupplier protocol;

    RecordingReply(IntSupplier protocol) {
        this.protocol = protocol;
    }

    RecordingReply() {
        this(() -> 2);
    }

    /** Everything recorded so far (Latin-1, so every byte is one char), and clears it. */
    String take() {
        String s = out.toString(StandardCharsets.ISO_8859_1);
        out.reset();
        return s;
    }

    byte[] takeBytes() {
        byte[] b = out.toByteArray();
        out.reset();
        return b;
    }

    private void line(char prefix, String text) {
        out.write(prefix);
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    private boolean resp3() {
        return protocol.getAsInt() == 3;
    }

    @Override
    public int protocol() {
        return protocol.getAsInt();
    }

    @Override
    public void ok() {
        line('+', "OK");
    }

    @Override
    public void simple(String text) {
        line('+', text.replace('\r', ' ').replace('\n', ' '));
    }

    @Override
    public void error(String message) {
        line('-', message.replace('\r', ' ').replace('\n', ' '));
    }

    @Override
    public void integer(long value) {
        line(':', Long.toString(value));
    }

    @Override
    public void bulk(byte[] value) {
        bulk(value, 0, value.length);
    }

    @Override
    public void bulk(byte[] value, int offset, int length) {
        line('$', Integer.toString(length));
        out.write(value, offset, length);
        out.write('\r');
        out.write('\n');
    }

    @Override
    public void bulk(String value) {
        bulk(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void bulk(long value) {
        bulk(Long.toString(value));
    }

    @Override
    public void nullBulk() {
        out.writeBytes(resp3() ? "_\r\n".getBytes(StandardCharsets.US_ASCII) : "$-1\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void nullArray() {
        out.writeBytes(resp3() ? "_\r\n".getBytes(StandardCharsets.US_ASCII) : "*-1\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void array(int count) {
        line('*', Integer.toString(count));
    }

    @Override
    public void map(int pairs) {
        if (resp3()) {
            line('%', Integer.toString(pairs));
        } else {
            line('*', Integer.toString(pairs * 2));
        }
    }

    @Override
    public void set(int count) {
        line(resp3() ? '~' : '*', Integer.toString(count));
    }

    @Override
    public void doubleValue(double value) {
        String s = io.demikv.kvstore.resp.RespDouble.format(value);
        if (resp3()) {
            line(',', s);
        } else {
            bulk(s);
        }
    }

    @Override
    public void bool(boolean value) {
        if (resp3()) {
            line('#', value ? "t" : "f");
        } else {
            integer(value ? 1 : 0);
        }
    }

    @Override
    public void verbatim(String text) {
        if (resp3()) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            line('=', Integer.toString(b.length + 4));
            out.writeBytes("txt:".getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(b);
            out.write('\r');
            out.write('\n');
        } else {
            bulk(text);
        }
    }

    @Override
    public void push(int count) {
        line(resp3() ? '>' : '*', Integer.toString(count));
    }

    @Override
    public void raw(byte[] resp) {
        out.writeBytes(resp);
    }
}
