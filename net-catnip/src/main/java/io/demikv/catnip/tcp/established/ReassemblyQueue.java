package io.demikv.catnip.tcp.established;

import io.demikv.catnip.tcp.SeqNumber;
import io.demikv.libos.memory.DemiBuffer;

/**
 * Out-of-order data waiting for the hole before it to fill (RFC 9293 §3.10.7.4, seventh step: "segments
 * with higher beginning sequence numbers ... may be held for later processing"). Entries are the received
 * buffers themselves (windows trimmed, no copy), sorted by sequence number and never overlapping:
 * <ul>
 *   <li>new data overlapping held data is trimmed so the held bytes win (a retransmission carries the same
 *       bytes; keeping the first copy means no buffer is ever split);</li>
 *   <li>held entries that new data covers entirely are replaced by it;</li>
 *   <li>at most {@code maxSegments} entries: when full, the entry furthest from the left edge is dropped to
 *       make room for data closer to it (the peer retransmits it; closer data unblocks the stream sooner).</li>
 * </ul>
 * The caller trims data to the receive window before inserting, so the bytes held never exceed the window
 * (design principle 7). Sequence numbers compare only through {@link SeqNumber}. Libos thread only.
 */
public final class ReassemblyQueue {
    private final int maxSegments;
    private final int[] seqs;
    private final DemiBuffer[] buffers;
    private int count;
    private long bytes;
    private long evicted;

    public ReassemblyQueue(int maxSegments) {
        this.maxSegments = maxSegments;
        this.seqs = new int[maxSegments];
        this.buffers = new DemiBuffer[maxSegments];
    }

    public int segments() {
        return count;
    }

    public long bytes() {
        return bytes;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Entries dropped to make room. */
    public long evicted() {
        return evicted;
    }

    /** The sequence number of entry {@code i} (sorted), for tests and SACK-like reporting. */
    public int seqAt(int i) {
        return seqs[i];
    }

    public int lengthAt(int i) {
        return buffers[i].length();
    }

    /**
     * Holds the data of {@code data} (window = bytes, starting at {@code seq}), taking over the reference (it
     * is released at once when every byte is already held). {@code seq} must come after the left edge the
     * caller delivers from.
     */
    public void insert(int seq, DemiBuffer data) {
        int len = data.length();
        if (len == 0) {
            data.release();
            return;
        }
        int end = SeqNumber.add(seq, len);
        // The first entry that ends after seq: everything before it is entirely before the new data.
        int i = 0;
        while (i < count && SeqNumber.le(SeqNumber.add(seqs[i], buffers[i].length()), seq)) {
            i++;
        }
        // Trim the front against an entry that starts at or before seq (it ends after seq).
        if (i < count && SeqNumber.le(seqs[i], seq)) {
            int heldEnd = SeqNumber.add(seqs[i], buffers[i].length());
            if (SeqNumber.ge(heldEnd, end)) {
                data.release(); // entirely held already
                return;
            }
            int cut = SeqNumber.distance(seq, heldEnd);
            data.trimFront(cut);
            seq = heldEnd;
            i++;
        }
        // Remove entries the new data covers entirely.
        int j = i;
        while (j < count && SeqNumber.le(SeqNumber.add(seqs[j], buffers[j].length()), end)
                && SeqNumber.ge(seqs[j], seq)) {
            bytes -= buffers[j].length();
            buffers[j].release();
            buffers[j] = null;
            j++;
        }
        if (j > i) {
            System.arraycopy(seqs, j, seqs, i, count - j);
            System.arraycopy(buffers, j, buffers, i, count - j);
            for (int k = count - (j - i); k < count; k++) {
                buffers[k] = null;
            }
            count -= j - i;
        }
        // Trim the back against the next entry, which starts inside the new data.
        if (i < count && SeqNumber.lt(seqs[i], end)) {
            data.trimBack(SeqNumber.distance(seqs[i], end));
        }
        if (data.length() == 0) {
            data.release();
            return;
        }
        if (count == maxSegments) {
            if (i == count) {
                evicted++;
                data.release(); // the new data is the furthest: it is the one to drop
                return;
            }
            count--;
            bytes -= buffers[count].length();
            buffers[count].release();
            buffers[count] = null;
            evicted++;
        }
        System.arraycopy(seqs, i, seqs, i + 1, count - i);
        System.arraycopy(buffers, i, buffers, i + 1, count - i);
        seqs[i] = seq;
        buffers[i] = data;
        bytes += data.length();
        count++;
    }

    /**
     * Takes the first entry when it contains {@code next} (the byte the stream needs), trimmed to start
     * there; releases entries that end at or before {@code next}. Returns null when the hole is still open.
     */
    public DemiBuffer takeAt(int next) {
        while (count > 0) {
            int s = seqs[0];
            DemiBuffer b = buffers[0];
            int e = SeqNumber.add(s, b.length());
            if (SeqNumber.gt(s, next)) {
                return null;
            }
            removeFirst();
            if (SeqNumber.le(e, next)) {
                b.release();
                continue;
            }
            b.trimFront(SeqNumber.distance(s, next));
            return b;
        }
        return null;
    }

    private void removeFirst() {
        bytes -= buffers[0].length();
        System.arraycopy(seqs, 1, seqs, 0, count - 1);
        System.arraycopy(buffers, 1, buffers, 0, count - 1);
        count--;
        buffers[count] = null;
    }

    /** Releases everything. */
    public void clear() {
        for (int i = 0; i < count; i++) {
            buffers[i].release();
            buffers[i] = null;
        }
        count = 0;
        bytes = 0;
    }
}
