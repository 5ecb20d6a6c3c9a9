package io.demikv.kvstore.persist;

import io.demikv.kvstore.command.CommandKeys;
import io.demikv.kvstore.db.Db;
import io.demikv.kvstore.db.Entry;
import io.demikv.kvstore.db.Keyspace;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * Writes a new base of the log from the live keyspace in bounded steps while writes go on: the heart of the
 * log rewrite (see {@link AppendOnlyLog} for where the base goes and how the switch works).
 *
 * <h2>Why the result is exact without a snapshot</h2>
 * The base is written into the log after the rewrite's start position P, interleaved with the records of
 * the writes that continue meanwhile, and every dump is a {@link KeyDumper full replacement} of a key by its
 * current state. Replaying from P on an empty keyspace must give the live keyspace once the base is complete:
 * <ol>
 *   <li><b>Scan</b>: every database is walked with a SCAN cursor, a few buckets per pass; each live key is
 *       dumped. SCAN returns every key that exists for the whole walk, and such a key was not written meanwhile
 *       (or it would be dirty), so its dump is still its state. Every key that a write touched during the scan
 *       (the command table's key positions; every argument for commands with movable keys) is <em>dirty</em>:
 *       its replayed state may be wrong (an INCR replayed before the key's dump, a RENAME of a key not yet
 *       dumped).</li>
 *   <li><b>Catch-up</b>: dirty keys are dumped again (or DEL'ed when gone), a bounded number per pass. Now
 *       every key not dirty is replayed exactly; a write whose keys are all exact keeps them exact (it is in the
 *       log right after the state it read), while a write touching any dirty key makes all its keys dirty.
 *       When no key is dirty, replaying from P gives the live keyspace: the base is complete.</li>
 * </ol>
 * A dump is a fact about the live state at its place in the log, so replaying from <em>before</em> P (a crash
 * before the switch) is exact too. {@code SWAPDB} (whole databases change places) restarts the rewrite;
 * FLUSHALL/FLUSHDB need nothing (replaying them gives the empty state they made). Server thread only.
 */
final class BaseWriter {
    /** A key of a database, compared by bytes. */
    private static final class Key {
        final byte[] bytes;
        final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final Keyspace keyspace;
    private final CommandKeys keys;
    private final KeyDumper dumper;
    private final LinkedHashSet<Key>[] dirty;
    private int[] keyIndexes = new int[16];

    private boolean scanning;
    private boolean catchingUp;
    private int scanDb;
    private long scanCursor;
    private boolean scanStarted;
    private boolean restart;
    private long keysDumped;
    private long redumped;
    private long skippedTypes;

    @SuppressWarnings("unchecked")
    BaseWriter(Keyspace keyspace, CommandKeys keys, KeyDumper dumper) {
        this.keyspace = keyspace;
        this.keys = keys;
        this.dumper = dumper;
        this.dirty = new LinkedHashSet[keyspace.databases()];
        for (int i = 0; i < dirty.length; i++) {
            dirty[i] = new LinkedHashSet<>();
        }
    }

    /** Starts a new base: the scan begins at the first database; nothing is dirty. */
    void begin() {
        for (LinkedHashSet<Key> d : dirty) {
            d.clear();
        }
        scanning = true;
        catchingUp = false;
        scanDb = 0;
        scanCursor = 0;
        scanStarted = false;
        restart = false;
        keysDumped = 0;
        redumped = 0;
    }

    /** Drops the base under way (the log failed, the rewrite was cancelled). */
    void abort() {
        scanning = catchingUp = false;
        for (LinkedHashSet<Key> d : dirty) {
            d.clear();
        }
    }

    /** True while the base is being written (writes must be {@link #track tracked}). */
    boolean active() {
        return scanning || catchingUp;
    }

    /** A write changed the whole keyspace's layout (SWAPDB): the caller starts over. */
    boolean restartNeeded() {
        return restart;
    }

    long keysDumped() {
        return keysDumped;
    }

    long dirtyKeys() {
        long n = 0;
        for (LinkedHashSet<Key> d : dirty) {
            n += d.size();
        }
        return n;
    }

    /** A write command logged now in database {@code db} (in replayable form). */
    void track(int db, byte[][] argv) {
        if (!active()) {
            return;
        }
        String name = new String(argv[0], StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        switch (name) {
            case "swapdb" -> {
                restart = true;
                return;
            }
            case "move" -> {
                if (argv.length >= 3) {
                    int to = parseDb(argv[2]);
                    touch(db, argv[1], to, argv[1]);
                }
                return;
            }
            case "copy" -> {
                if (argv.length >= 3) {
                    int to = db;
                    for (int i = 3; i + 1 < argv.length; i++) {
                        if (new String(argv[i], StandardCharsets.ISO_8859_1).equalsIgnoreCase("db")) {
                            to = parseDb(argv[i + 1]);
                        }
                    }
                    touch(db, argv[1], to, argv[2]);
                }
                return;
            }
            default -> {
            }
        }
        if (keyIndexes.length < argv.length) {
            keyIndexes = new int[argv.length];
        }
        int n = keys.keys(argv, keyIndexes);
        if (n == CommandKeys.UNKNOWN) {
            restart = true;
            return;
        }
        if (n == CommandKeys.ALL_ARGUMENTS) {
            n = 0;
            for (int i = 1; i < argv.length; i++) {
                keyIndexes[n++] = i;
            }
        }
        if (n == 0) {
            return;
        }
        boolean mark = scanning;
        for (int i = 0; i < n && !mark; i++) {
            mark = dirty[db].contains(new Key(argv[keyIndexes[i]]));
        }
        if (mark) {
            for (int i = 0; i < n; i++) {
                dirty[db].add(new Key(argv[keyIndexes[i]]));
            }
        }
    }

    private void touch(int db1, byte[] k1, int db2, byte[] k2) {
        if (db2 < 0 || db2 >= dirty.length) {
            db2 = db1;
        }
        Key a = new Key(k1);
        Key b = new Key(k2);
        if (scanning || dirty[db1].contains(a) || dirty[db2].contains(b)) {
            dirty[db1].add(a);
            dirty[db2].add(b);
        }
    }

    private static int parseDb(byte[] b) {
        try {
            return Integer.parseInt(new String(b, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Dumps keys until about {@code budgetBytes} were written or the base is complete. Returns true when it
     * is complete (no key dirty, scan done).
     */
    boolean step(long budgetBytes) {
        long until = dumper.bytes() + budgetBytes;
        while (scanning && dumper.bytes() < until) {
            if (scanDb >= keyspace.databases()) {
                scanning = false;
                catchingUp = true;
                break;
            }
            Db db = keyspace.db(scanDb);
            if (scanStarted && scanCursor == 0 || db.size() == 0) {
                scanDb++;
                scanCursor = 0;
                scanStarted = false;
                continue;
            }
            scanStarted = true;
            scanCursor = db.scan(scanCursor, e -> {
                if (!db.isExpired(e)) {
                    dumpEntry(db, e);
                }
            });
        }
        if (catchingUp) {
            for (int i = 0; i < dirty.length && dumper.bytes() < until; i++) {
                LinkedHashSet<Key> d = dirty[i];
                Db db = keyspace.db(i);
                while (!d.isEmpty() && dumper.bytes() < until) {
                    Iterator<Key> it = d.iterator();
                    Key k = it.next();
                    it.remove();
                    // lookup may delete an expired key: that DEL is logged (before this dump) as for any lookup
                    Entry e = db.lookup(k.bytes, 0, k.bytes.length, false);
                    redumped++;
                    if (e == null) {
                        dumper.missing(i, k.bytes);
                    } else {
                        dumpEntry(db, e);
                    }
                }
            }
            if (dirtyKeys() == 0) {
                catchingUp = false;
                return true;
            }
        }
        return false;
    }

    private void dumpEntry(Db db, Entry e) {
        keysDumped++;
        if (!dumper.dump(db, e)) {
            skippedTypes++;
        }
    }

    long redumped() {
        return redumped;
    }

    long skippedTypes() {
        return skippedTypes;
    }
}
