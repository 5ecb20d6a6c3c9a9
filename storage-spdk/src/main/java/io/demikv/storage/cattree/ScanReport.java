package io.demikv.storage.cattree;

/**
 * What a scan of a log found ({@link LogScanner#scan}): how it ends, how many records it holds, and, for a
 * damaged log, where. Positions are given both as log positions (LSN, bytes since the log began) and as
 * device byte offsets, the unit {@code demikv-check-log} prints and truncates at. Immutable; any thread.
 *
 * @param status         how the log ends
 * @param records        valid data records from the head to the end
 * @param firstSeq       the sequence number of the head record (the next one for an empty log)
 * @param nextSeq        the sequence number the next appended record gets
 * @param headLsn        where the live log starts
 * @param endLsn         where the valid log ends: the next record goes here (after a repair)
 * @param endOffset      {@code endLsn} as a device offset
 * @param badLsn         for {@link Status#TORN_TAIL} and {@link Status#CORRUPT}: the first bad record; -1 otherwise
 * @param badOffset      {@code badLsn} as a device offset, or -1
 * @param evidenceLsn    for {@link Status#CORRUPT}: a later valid record that proves the bad one had been
 *                       durable (its durable mark lies beyond the bad record); -1 otherwise
 * @param epoch          the superblock's epoch
 * @param generation     the superblock's generation
 * @param superblockCopy the copy that won (0 = A, 1 = B), -1 when none is valid
 * @param reason         a sentence for people: what is wrong and what to do, empty for a clean log
 * @param maxEpoch       the highest epoch of any record that checked, anywhere the scan looked (the next
 *                       writer's epoch must exceed it)
 */
public record ScanReport(Status status, long records, long firstSeq, long nextSeq, long headLsn, long endLsn,
                         long endOffset, long badLsn, long badOffset, long evidenceLsn, int epoch, long generation,
                         int superblockCopy, String reason, int maxEpoch) {
    /** How a log ends. */
    public enum Status {
        /** The log ends at never-written (zero) bytes or at older data: nothing to repair. */
        CLEAN,
        /**
         * The log ends at a partly written record (a crash during a write that was never acknowledged): open
         * truncates there.
         */
        TORN_TAIL,
        /** A record that had been durable is damaged: the log must not be served; see {@link #badOffset}. */
        CORRUPT,
        /** Neither superblock copy is valid: not a Cattree store, or both copies are damaged. */
        NO_SUPERBLOCK,
        /** The device failed while being read. */
        IO_ERROR
    }

    /** True when the log can be opened as it is (after truncating a torn tail). */
    public boolean usable() {
        return status == Status.CLEAN || status == Status.TORN_TAIL;
    }
}
