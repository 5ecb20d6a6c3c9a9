package io.demikv.kvstore.command;

import java.nio.charset.StandardCharsets;

/**
 * The arguments of one command, as slices of the connection's query buffer: argument {@code i} is
 * {@code buf()[offset(i) .. offset(i) + length(i))}. Argument 0 is the command name. A view, valid only
 * while the command executes: a handler that keeps an argument (a key or value it stores) copies it with
 * {@link #copy}. Reused for every command of a connection; server thread only.
 */
public final class Args {
    private byte[] buf = new byte[0];
    private int[] offsets = new int[16];
    private int[] lengths = new int[16];
    private int count;

    /** Starts a new command over {@code buffer}. For the parser. */
    public void reset(byte[] buffer) {
        this.buf = buffer;
        this.count = 0;
    }

    /** Adds an argument slice. For the parser. */
    public void add(int offset, int length) {
        if (count == offsets.length) {
            offsets = java.util.Arrays.copyOf(offsets, count * 2);
            lengths = java.util.Arrays.copyOf(lengths, count * 2);
        }
        offsets[count] = offset;
        lengths[count] = length;
        count++;
    }

    /** Replaces the buffer (after the parser compacted or grew it) keeping the slices. For the parser. */
    public void rebase(byte[] buffer, int shift) {
        this.buf = buffer;
        for (int i = 0; i < count; i++) {
            offsets[i] -= shift;
        }
    }

    public int count() {
        return count;
    }

    public byte[] buf() {
        return buf;
    }

    public int offset(int i) {
        return offsets[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    /** A copy of argument {@code i}. */
    public byte[] copy(int i) {
        return java.util.Arrays.copyOfRange(buf, offsets[i], offsets[i] + lengths[i]);
    }

    /** A copy of every argument, the command name first (a fresh array the caller may keep). */
    public byte[][] copyAll() {
        byte[][] argv = new byte[count][];
        for (int i = 0; i < count; i++) {
            argv[i] = copy(i);
        }
        return argv;
    }

    /** Argument {@code i} as a (lossy for binary) UTF-8 string; for messages and rare paths. */
    public String string(int i) {
        return new String(buf, offsets[i], lengths[i], StandardCharsets.UTF_8);
    }

    /** True when argument {@code i} equals {@code lowerAscii} ignoring ASCII case ({@code lowerAscii} must be lower case). */
    public boolean is(int i, String lowerAscii) {
        int len = lengths[i];
        if (len != lowerAscii.length()) {
            return false;
        }
        int off = offsets[i];
        for (int j = 0; j < len; j++) {
            int c = buf[off + j];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lowerAscii.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    /** True when argument {@code i} equals {@code bytes} exactly. */
    public boolean equals(int i, byte[] bytes) {
        return java.util.Arrays.equals(buf, offsets[i], offsets[i] + lengths[i], bytes, 0, bytes.length);
    }
}
