package io.demikv.storage.format;

/**
 * The decoded contents of a {@link Superblock}: mutable, owned by the log that reads and rewrites it (its
 * libOS thread), or by an offline checker. See {@link Superblock} for what each field means.
 */
public final class SuperblockState {
    public long generation;
    public long logId;
    public long segmentBytes;
    public int segmentCount;
    public int chainLength;
    public int[] chain = new int[16];
    public long dataOffset;
    public long chainStartLsn;
    public long headLsn;
    public long headSeq;
    public int epoch;
    public int maxRecordBytes;
    public long compactionGeneration;
    public long compactionSeq;
    public long compactionTimeMillis;
    public long createdTimeMillis;

    /** The segment that holds log position {@code lsn}: its index in the chain, or -1 outside the chain. */
    public int chainIndexOf(long lsn) {
        if (lsn < chainStartLsn) {
            return -1;
        }
        long j = (lsn - chainStartLsn) / segmentBytes;
        return j < chainLength ? (int) j : -1;
    }

    /** The log position of the first byte of chain entry {@code j}. */
    public long segmentStartLsn(int j) {
        return chainStartLsn + j * segmentBytes;
    }

    /** The log position just past the last segment of the chain. */
    public long chainEndLsn() {
        return segmentStartLsn(chainLength);
    }

    /** The device byte offset of log position {@code lsn}, which must be inside the chain. */
    public long deviceOffset(long lsn) {
        int j = chainIndexOf(lsn);
        if (j < 0) {
            throw new IllegalArgumentException("log position " + lsn + " is outside the segment chain ["
                    + chainStartLsn + ", " + chainEndLsn() + ")");
        }
        return dataOffset + (long) chain[j] * segmentBytes + (lsn - segmentStartLsn(j));
    }

    /** The log position of device byte {@code offset}, or -1 when no chain segment holds it. */
    public long lsnOf(long offset) {
        if (offset < dataOffset) {
            return -1;
        }
        long seg = (offset - dataOffset) / segmentBytes;
        for (int j = 0; j < chainLength; j++) {
            if (chain[j] == seg) {
                return segmentStartLsn(j) + (offset - dataOffset - seg * segmentBytes);
            }
        }
        return -1;
    }

    /** Appends segment {@code index} to the chain. */
    public void appendSegment(int index) {
        if (chainLength == chain.length) {
            chain = java.util.Arrays.copyOf(chain, chain.length * 2);
        }
        chain[chainLength++] = index;
    }

    /** True when segment {@code index} is in the chain. */
    public boolean inChain(int index) {
        for (int j = 0; j < chainLength; j++) {
            if (chain[j] == index) {
                return true;
            }
        }
        return false;
    }

    /** The next free segment after the chain's last one, in device order with wrap-around, or -1 when none. */
    public int nextFreeSegment() {
        int last = chain[chainLength - 1];
        for (int i = 1; i < segmentCount; i++) {
            int c = (last + i) % segmentCount;
            if (!inChain(c)) {
                return c;
            }
        }
        return -1;
    }

    public SuperblockState copy() {
        SuperblockState s = new SuperblockState();
        s.generation = generation;
        s.logId = logId;
        s.segmentBytes = segmentBytes;
        s.segmentCount = segmentCount;
        s.chainLength = chainLength;
        s.chain = chain.clone();
        s.dataOffset = dataOffset;
        s.chainStartLsn = chainStartLsn;
        s.headLsn = headLsn;
        s.headSeq = headSeq;
        s.epoch = epoch;
        s.maxRecordBytes = maxRecordBytes;
        s.compactionGeneration = compactionGeneration;
        s.compactionSeq = compactionSeq;
        s.compactionTimeMillis = compactionTimeMillis;
        s.createdTimeMillis = createdTimeMillis;
        return s;
    }
}
