package io.demikv.kvstore.command;

import io.demikv.kvstore.resp.Reply;

/**
 * A reply writer that drops everything: CLIENT REPLY OFF and SKIP, commands run on a woken client's behalf,
 * and log replay (which subclasses this to count errors). Server thread only.
 */
public class DiscardReply implements Reply {
    @Override
    public int protocol() {
        return 2;
    }

    @Override
    public void ok() {
    }

    @Override
    public void simple(String text) {
    }

    @Override
    public void error(String message) {
    }

    @Override
    public void integer(long value) {
    }

    @Override
    public void bulk(byte[] value) {
    }

    @Override
    public void bulk(byte[] value, int offset, int length) {
    }

    @Override
    public void bulk(String value) {
    }

    @Override
    public void bulk(long value) {
    }

    @Override
    public void nullBulk() {
    }

    @Override
    public void nullArray() {
    }

    @Override
    public void array(int count) {
    }

    @Override
    public void map(int pairs) {
    }

    @Override
    public void set(int count) {
    }

    @Override
    public void doubleValue(double value) {
    }

    @Override
    public void bool(boolean value) {
    }

    @Override
    public void verbatim(String text) {
    }

    @Override
    public void push(int count) {
    }

    @Override
    public void raw(byte[] resp) {
    }
}
