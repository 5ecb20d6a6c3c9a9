package io.demikv.kvstore.persist;

import java.nio.charset.StandardCharsets;

/**
 * The payload of one Cattree record of the store's log (Cattree frames it: length, CRC32C, sequence number,
 * epoch; see docs/storage.md). Byte 0 is the kind, the rest is RESP, byte for byte what a Redis AOF holds:
 *
 * <pre>
 *  0      1
 * +------+--------------------------------------------------------------+
 * | kind | RESP: *N\r\n$len\r\narg\r\n ... (one or more commands)        |
 * +------+--------------------------------------------------------------+
 *   'C' (0x43)  whole commands; the record starts in database 0 and holds a SELECT where that changes
 *   'P' (0x50)  a part of one command too large for a record (its RESP, after a SELECT when its database
 *               is not 0, is cut into parts); more parts follow
 *   'L' (0x4C)  the last part: the concatenated parts are then read as one 'C' payload
 * </pre>
 *
 * A run of parts that a later 'C' or 'P' record interrupts, or that the log ends in, is an unacknowledged
 * command (its reply waited for the last part) and is dropped. Commands arrive in replayable form
 * ({@link io.demikv.kvstore.command.CommandLog}: absolute expiry times, expired keys as DEL). Immutable.
 */
final class RecordFormat {
    static final byte COMMANDS = 'C';
    static final byte PART = 'P';
    static final byte LAST_PART = 'L';
    static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);

    private RecordFormat() {
    }

    /** Bytes of {@code argv} as a RESP array of bulk strings. */
    static long respSize(byte[][] argv) {
        long n = 1 + decimalLength(argv.length) + 2;
        for (byte[] a : argv) {
            n += 1 + decimalLength(a.length) + 2 + a.length + 2;
        }
        return n;
    }

    /** Bytes of {@code args} (slices of a query buffer) as a RESP array; the same as {@link #respSize(byte[][])}. */
    static long respSize(io.demikv.kvstore.command.Args args) {
        int count = args.count();
        long n = 1 + decimalLength(count) + 2;
        for (int i = 0; i < count; i++) {
            n += 1 + decimalLength(args.length(i)) + 2 + args.length(i) + 2;
        }
        return n;
    }

    /** Bytes of {@code SELECT db} in RESP. */
    static long selectSize(int db) {
        int d = decimalLength(db);
        return 4 + 4 + 6 + 2 + 1 + decimalLength(d) + 2 + d + 2;
    }

    static int decimalLength(long v) {
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }
}
