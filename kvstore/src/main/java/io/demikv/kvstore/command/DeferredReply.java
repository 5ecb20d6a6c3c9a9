package io.demikv.kvstore.command;

import io.demikv.kvstore.resp.Reply;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link Reply} that records the calls made on it and plays them onto another writer later. A blocked client
 * served by another client's command is answered through one: its reply reaches its connection only after the
 * pop was handed to the {@link CommandLog}, so that with {@code appendfsync always} the network layer holds it
 * until that record is durable, as it does for the client's own commands. Server thread only.
 */
final class DeferredReply implements Reply {
    private final Reply target;
    private final List<Consumer<Reply>> calls = new ArrayList<>();

    DeferredReply(Reply target) {
        this.target = target;
    }

    /** Plays every recorded call onto the target, in order. */
    void flush() {
        for (Consumer<Reply> c : calls) {
            c.accept(target);
        }
        calls.clear();
    }

    @Override
    public int protocol() {
        return target.protocol();
    }

    @Override
    public void ok() {
        calls.add(Reply::ok);
    }

    @Override
    public void simple(String text) {
        calls.add(r -> r.simple(text));
    }

    @Override
    public void error(String message) {
        calls.add(r -> r.error(message));
    }

    @Override
    public void integer(long value) {
        calls.add(r -> r.integer(value));
    }

    @Override
    public void bulk(byte[] value) {
        byte[] copy = value.clone();
        calls.add(r -> r.bulk(copy));
    }

    @Override
    public void bulk(byte[] value, int offset, int length) {
        byte[] copy = Arrays.copyOfRange(value, offset, offset + length);
        calls.add(r -> r.bulk(copy));
    }

    @Override
    public void bulk(String value) {
        calls.add(r -> r.bulk(value));
    }

    @Override
    public void bulk(long value) {
        calls.add(r -> r.bulk(value));
    }

    @Override
    public void nullBulk() {
        calls.add(Reply::nullBulk);
    }

    @Override
    public void nullArray() {
        calls.add(Reply::nullArray);
    }

    @Override
    public void array(int count) {
        calls.add(r -> r.array(count));
    }

    @Override
    public void map(int pairs) {
        calls.add(r -> r.map(pairs));
    }

    @Override
    public void set(int count) {
        calls.add(r -> r.set(count));
    }

    @Override
    public void doubleValue(double value) {
        calls.add(r -> r.doubleValue(value));
    }

    @Override
    public void bool(boolean value) {
        calls.add(r -> r.bool(value));
    }

    @Override
    public void verbatim(String text) {
        calls.add(r -> r.verbatim(text));
    }

    @Override
    public void push(int count) {
        calls.add(r -> r.push(count));
    }

    @Override
    public void raw(byte[] resp) {
        byte[] copy = resp.clone();
        calls.add(r -> r.raw(copy));
    }
}
