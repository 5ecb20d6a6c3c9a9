package io.demikv.kvstore.command;

import io.demikv.kvstore.server.Session;

/**
 * Formats a command for MONITOR clients as Redis's {@code replicationFeedMonitors} does:
 * {@code 1700000000.123456 [0 127.0.0.1:12345] "SET" "k" "v"}, each argument quoted with
 * {@code sdscatrepr}'s escapes. Stateless; server thread.
 */
final class Monitor {
    private Monitor() {
    }

    static String line(long unixMicros, int db, Session from, Args args) {
        StringBuilder sb = new StringBuilder(64);
        sb.append(unixMicros / 1_000_000).append('.');
        String frac = Long.toString(unixMicros % 1_000_000);
        sb.repeat('0', 6 - frac.length()).append(frac);
        sb.append(" [").append(db).append(' ').append(from.addr).append(']');
        for (int i = 0; i < args.count(); i++) {
            sb.append(' ');
            repr(sb, args.buf(), args.offset(i), args.length(i));
        }
        return sb.toString();
    }

    /** Redis's {@code sdscatrepr}: a double-quoted string with C-style escapes for non-printables. */
    static void repr(StringBuilder sb, byte[] b, int off, int len) {
        sb.append('"');
        for (int i = off; i < off + len; i++) {
            int c = b[i] & 0xff;
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case 8 -> sb.append("\\b");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    }
                }
            }
        }
        sb.append('"');
    }
}
