package io.demikv.storage.cattree;

/**
 * How to open (or create) a log. Immutable; any thread.
 *
 * @param durability        when pushes complete (see {@link Durability})
 * @param stagingBytes      the registered buffer records are framed into before they are written: a ring that
 *                          holds everything appended and not yet written (a push that does not fit waits for
 *                          writes to finish); a multiple of 4096 at least {@code 2 * maxRecordBytes + 16 KiB}
 * @param readBufferBytes   the buffer pops read blocks into; at least {@code maxRecordBytes + 8 KiB}
 * @param segmentBytes      for {@link Cattree#create}: the size of a segment (the unit the log grows and is
 *                          trimmed by); a multiple of 4096; 0 picks 64 MiB or less on small devices
 * @param maxRecordBytes    for {@link Cattree#create}: the largest record payload (larger pushes fail with
 *                          {@code EMSGSIZE}); recorded in the superblock, later opens use the stored value
 * @param readFromEnd       pops start at the end of the log (only new records) instead of its head
 * @param spinWhileInFlight while device commands are in flight, the log's poller reports work, so a
 *                          {@code wait} keeps polling the device instead of sleeping (in epoll for Catnap)
 *                          for up to its park time: lower latency for a core spent polling
 */
public record LogOptions(Durability durability, int stagingBytes, int readBufferBytes, long segmentBytes,
                         int maxRecordBytes, boolean readFromEnd, boolean spinWhileInFlight) {
    public static final int DEFAULT_MAX_RECORD = 1 << 20;
    public static final int DEFAULT_STAGING = 4 << 20;
    public static final long DEFAULT_SEGMENT = 64L << 20;

    public LogOptions {
        if (durability == null) {
            throw new IllegalArgumentException("durability is required");
        }
        if (maxRecordBytes <= 0) {
            throw new IllegalArgumentException("maxRecordBytes must be positive: " + maxRecordBytes);
        }
        if (stagingBytes % 4096 != 0 || stagingBytes < 2L * maxRecordBytes + 16384) {
            throw new IllegalArgumentException("stagingBytes must be a multiple of 4096 and at least 2 * maxRecordBytes"
                    + " + 16 KiB (" + (2L * maxRecordBytes + 16384) + "): " + stagingBytes);
        }
        if (readBufferBytes % 4096 != 0 || readBufferBytes < maxRecordBytes + 8192) {
            throw new IllegalArgumentException("readBufferBytes must be a multiple of 4096 and at least maxRecordBytes"
                    + " + 8 KiB: " + readBufferBytes);
        }
        if (segmentBytes < 0 || segmentBytes % 4096 != 0) {
            throw new IllegalArgumentException("segmentBytes must be a multiple of 4096: " + segmentBytes);
        }
    }

    /** Durable pushes (write + flush), 1 MiB records, 4 MiB staging, 64 MiB segments. */
    public static LogOptions defaults() {
        return new LogOptions(Durability.FLUSH, DEFAULT_STAGING, DEFAULT_MAX_RECORD + 8192, 0, DEFAULT_MAX_RECORD,
                false, true);
    }

    public LogOptions withDurability(Durability d) {
        return new LogOptions(d, stagingBytes, readBufferBytes, segmentBytes, maxRecordBytes, readFromEnd,
                spinWhileInFlight);
    }

    public LogOptions withSegmentBytes(long bytes) {
        return new LogOptions(durability, stagingBytes, readBufferBytes, bytes, maxRecordBytes, readFromEnd,
                spinWhileInFlight);
    }

    /** Sets the largest record and sizes the staging and read buffers to fit it. */
    public LogOptions withMaxRecordBytes(int bytes) {
        int staging = (int) Math.max(stagingBytes, (2L * bytes + 16384 + 4095) / 4096 * 4096);
        int read = (int) Math.max(readBufferBytes, ((long) bytes + 8192 + 4095) / 4096 * 4096);
        return new LogOptions(durability, staging, read, segmentBytes, bytes, readFromEnd, spinWhileInFlight);
    }

    public LogOptions withStagingBytes(int bytes) {
        return new LogOptions(durability, bytes, readBufferBytes, segmentBytes, maxRecordBytes, readFromEnd,
                spinWhileInFlight);
    }

    public LogOptions withReadFromEnd(boolean fromEnd) {
        return new LogOptions(durability, stagingBytes, readBufferBytes, segmentBytes, maxRecordBytes, fromEnd,
                spinWhileInFlight);
    }

    public LogOptions withSpinWhileInFlight(boolean spin) {
        return new LogOptions(durability, stagingBytes, readBufferBytes, segmentBytes, maxRecordBytes, readFromEnd,
                spin);
    }
}
