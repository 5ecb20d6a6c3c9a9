package io.demikv.catnip.wire;

import java.lang.foreign.MemorySegment;

/**
 * The TCP options this stack understands, parsed from or written into a header's option bytes: a reusable
 * holder, so parsing allocates nothing.
 *
 * <ul>
 *   <li>End of option list (kind 0) and no-operation (kind 1): one byte each (RFC 9293 §3.1).</li>
 *   <li>Maximum segment size (kind 2, length 4; RFC 9293 §3.7.1).</li>
 *   <li>Window scale (kind 3, length 3; RFC 7323 §2.2); a shift above 14 is read as 14 (RFC 7323 §2.3).</li>
 *   <li>SACK permitted (kind 4, length 2; RFC 2018 §2); SACK blocks (kind 5, length 2 + 8n, 1 &lt;= n &lt;= 4)
 *       are counted, not stored.</li>
 *   <li>Timestamps (kind 8, length 10; RFC 7323 §3.2).</li>
 *   <li>Any other kind with a length of at least 2 that fits is skipped (RFC 9293 §3.2: a TCP must ignore
 *       options it does not implement).</li>
 * </ul>
 * An option whose length is below 2, runs past the option bytes, or differs from its kind's fixed length is
 * malformed (RFC 9293 §3.2 "must be prepared to handle an illegal option length ... without crashing"):
 * {@link #parse} returns {@link WireStatus#MALFORMED_OPTION}. Libos thread only.
 */
public final class TcpOptions {
    public static final int KIND_EOL = 0;
    public static final int KIND_NOP = 1;
    public static final int KIND_MSS = 2;
    public static final int KIND_WINDOW_SCALE = 3;
    public static final int KIND_SACK_PERMITTED = 4;
    public static final int KIND_SACK = 5;
    public static final int KIND_TIMESTAMPS = 8;
    /** The largest window shift (RFC 7323 §2.3). */
    public static final int MAX_WINDOW_SCALE = 14;
    /** Option bytes at most: a 60-byte header minus the fixed 20. */
    public static final int MAX_LENGTH = 40;

    /** -1 when absent. */
    private int mss = -1;
    /** -1 when absent. */
    private int windowScale = -1;
    private boolean sackPermitted;
    private boolean timestamps;
    private int timestampValue;
    private int timestampEcho;
    private int sackBlocks;

    /** Forgets every option. */
    public TcpOptions clear() {
        mss = -1;
        windowScale = -1;
        sackPermitted = false;
        timestamps = false;
        timestampValue = 0;
        timestampEcho = 0;
        sackBlocks = 0;
        return this;
    }

    /** The announced MSS, or -1. */
    public int mss() {
        return mss;
    }

    public TcpOptions mss(int value) {
        this.mss = value;
        return this;
    }

    /** The announced window shift 0..14, or -1. */
    public int windowScale() {
        return windowScale;
    }

    public TcpOptions windowScale(int shift) {
        this.windowScale = shift;
        return this;
    }

    public boolean sackPermitted() {
        return sackPermitted;
    }

    public TcpOptions sackPermitted(boolean value) {
        this.sackPermitted = value;
        return this;
    }

    public boolean hasTimestamps() {
        return timestamps;
    }

    /** TSval, meaningful when {@link #hasTimestamps()}. */
    public int timestampValue() {
        return timestampValue;
    }

    /** TSecr, meaningful when {@link #hasTimestamps()}. */
    public int timestampEcho() {
        return timestampEcho;
    }

    public TcpOptions timestamps(int value, int echo) {
        this.timestamps = true;
        this.timestampValue = value;
        this.timestampEcho = echo;
        return this;
    }

    /** SACK blocks seen in the last parse. */
    public int sackBlocks() {
        return sackBlocks;
    }

    /**
     * Clears this holder and parses {@code length} option bytes at {@code offset}. The window must lie inside
     * the segment (the caller, {@link TcpSegment#parseOptions}, guarantees it). Never throws on any bytes.
     */
    public WireStatus parse(MemorySegment s, long offset, int length) {
        clear();
        if (length < 0 || length > MAX_LENGTH || !Bytes.inside(s, offset, length)) {
            return WireStatus.MALFORMED_OPTION;
        }
        int i = 0;
        while (i < length) {
            int kind = Bytes.u8(s, offset + i);
            if (kind == KIND_EOL) {
                return WireStatus.OK;
            }
            if (kind == KIND_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= length) {
                return WireStatus.MALFORMED_OPTION;
            }
            int len = Bytes.u8(s, offset + i + 1);
            if (len < 2 || i + len > length) {
                return WireStatus.MALFORMED_OPTION;
            }
            long at = offset + i + 2;
            switch (kind) {
                case KIND_MSS -> {
                    if (len != 4) {
                        return WireStatus.MALFORMED_OPTION;
                    }
                    mss = Bytes.u16(s, at);
                }
                case KIND_WINDOW_SCALE -> {
                    if (len != 3) {
                        return WireStatus.MALFORMED_OPTION;
                    }
                    windowScale = Math.min(Bytes.u8(s, at), MAX_WINDOW_SCALE);
                }
                case KIND_SACK_PERMITTED -> {
                    if (len != 2) {
                        return WireStatus.MALFORMED_OPTION;
                    }
                    sackPermitted = true;
                }
                case KIND_SACK -> {
                    int blocks = (len - 2) / 8;
                    if ((len - 2) % 8 != 0 || blocks < 1 || blocks > 4) {
                        return WireStatus.MALFORMED_OPTION;
                    }
                    sackBlocks = blocks;
                }
                case KIND_TIMESTAMPS -> {
                    if (len != 10) {
                        return WireStatus.MALFORMED_OPTION;
                    }
                    timestamps = true;
                    timestampValue = Bytes.i32(s, at);
                    timestampEcho = Bytes.i32(s, at + 4);
                }
                default -> {
                    // Unknown option with a sane length: skipped (RFC 9293 §3.2).
                }
            }
            i += len;
        }
        return WireStatus.OK;
    }

    /** Bytes {@link #write} needs: a multiple of 4. */
    public int encodedLength() {
        int n = 0;
        if (mss >= 0) {
            n += 4;
        }
        if (windowScale >= 0) {
            n += 4;
        }
        if (sackPermitted || timestamps) {
            n += timestamps ? 12 : 4;
        }
        return n;
    }

    /**
     * Writes the options present, 32-bit aligned with NOPs as Linux lays them out: MSS; NOP + window scale;
     * SACK-permitted + timestamps (or NOP NOP + timestamps, or NOP NOP + SACK-permitted). The window of
     * {@link #encodedLength()} bytes must lie inside the segment. Returns the bytes written.
     */
    public int write(MemorySegment s, long offset) {
        long at = offset;
        if (mss >= 0) {
            Bytes.u8(s, at, KIND_MSS);
            Bytes.u8(s, at + 1, 4);
            Bytes.u16(s, at + 2, mss);
            at += 4;
        }
        if (windowScale >= 0) {
            Bytes.u8(s, at, KIND_NOP);
            Bytes.u8(s, at + 1, KIND_WINDOW_SCALE);
            Bytes.u8(s, at + 2, 3);
            Bytes.u8(s, at + 3, windowScale);
            at += 4;
        }
        if (timestamps) {
            if (sackPermitted) {
                Bytes.u8(s, at, KIND_SACK_PERMITTED);
                Bytes.u8(s, at + 1, 2);
            } else {
                Bytes.u8(s, at, KIND_NOP);
                Bytes.u8(s, at + 1, KIND_NOP);
            }
            Bytes.u8(s, at + 2, KIND_TIMESTAMPS);
            Bytes.u8(s, at + 3, 10);
            Bytes.i32(s, at + 4, timestampValue);
            Bytes.i32(s, at + 8, timestampEcho);
            at += 12;
        } else if (sackPermitted) {
            Bytes.u8(s, at, KIND_NOP);
            Bytes.u8(s, at + 1, KIND_NOP);
            Bytes.u8(s, at + 2, KIND_SACK_PERMITTED);
            Bytes.u8(s, at + 3, 2);
            at += 4;
        }
        return (int) (at - offset);
    }
}
