package io.demikv.kvstore.command;

import io.demikv.config.Glob;
import io.demikv.kvstore.db.Entry;
import io.demikv.kvstore.db.ValueType;
import java.util.ArrayList;
import java.util.List;

/**
 * HSCAN, SSCAN and ZSCAN: Redis's {@code scanGenericCommand} for one collection. The cursor is parsed
 * first (strtoul rules, as SCAN), then the key (absent: an empty scan), then MATCH and COUNT (TYPE is a
 * syntax error here). A compact encoding is returned whole with cursor 0; a table is walked bucket by
 * bucket until COUNT elements were collected or 10 x COUNT buckets visited. MATCH filters fields and
 * members; a hash's value and a member's score travel with their element. Server thread only.
 */
final class CollectionScan {
    /** Walks one step of a collection from {@code cursor}, adding elements to {@code out}; returns the next cursor. */
    @FunctionalInterface
    interface Step {
        long step(Object value, long cursor, List<byte[]> out);
    }

    private final long[] cursorSlot = new long[1];
    private final List<byte[]> items = new ArrayList<>();

    /**
     * Runs a scan of the key at argument 1 with the cursor at argument 2. {@code pairs}: elements come in
     * (element, value) pairs and MATCH applies to the first of each.
     */
    void run(Ctx x, ValueType type, boolean pairs, Step step) {
        if (!KeyCommands.parseCursor(x.args.buf(), x.args.offset(2), x.args.length(2), cursorSlot)) {
            x.error(Errors.INVALID_CURSOR);
            return;
        }
        long cursor = cursorSlot[0];
        Entry e = x.read(1);
        if (e == null) {
            x.reply.array(2);
            x.reply.bulk("0");
            x.reply.array(0);
            return;
        }
        if (Family.wrongType(x, e, type)) {
            return;
        }
        long count = 10;
        int patArg = -1;
        for (int i = 3; i < x.argc(); ) {
            int left = x.argc() - i;
            if (x.args.is(i, "count") && left >= 2) {
                if (!x.longOrReply(i + 1)) {
                    return;
                }
                count = x.lval;
                if (count < 1) {
                    x.syntaxError();
                    return;
                }
                i += 2;
            } else if (x.args.is(i, "match") && left >= 2) {
                patArg = i + 1;
                i += 2;
            } else {
                x.syntaxError();
                return;
            }
        }
        items.clear();
        long maxIterations = count * 10;
        int stride = pairs ? 2 : 1;
        do {
            cursor = step.step(e.value(), cursor, items);
        } while (cursor != 0 && maxIterations-- > 0 && items.size() / stride < count);

        boolean usePattern = patArg >= 0
                && !(x.args.length(patArg) == 1 && x.args.buf()[x.args.offset(patArg)] == '*');
        int kept = items.size();
        if (usePattern) {
            byte[] pb = x.args.buf();
            int po = x.args.offset(patArg);
            int pl = x.args.length(patArg);
            kept = 0;
            for (int k = 0; k < items.size(); k += stride) {
                byte[] el = items.get(k);
                if (Glob.matches(pb, po, pl, el, 0, el.length, false)) {
                    for (int j = 0; j < stride; j++) {
                        items.set(kept++, items.get(k + j));
                    }
                }
            }
        }
        x.reply.array(2);
        x.reply.bulk(Long.toUnsignedString(cursor));
        x.reply.array(kept);
        for (int k = 0; k < kept; k++) {
            x.reply.bulk(items.get(k));
        }
        items.clear();
    }
}
