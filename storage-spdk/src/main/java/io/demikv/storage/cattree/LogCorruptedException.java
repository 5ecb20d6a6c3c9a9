package io.demikv.storage.cattree;

/**
 * Thrown by {@link Cattree#open} when a log cannot be served as it is: a durable record in the middle is
 * damaged ({@link ScanReport.Status#CORRUPT}), neither superblock copy is valid, or the device failed while
 * being read. The message names the device offset and the repair command; {@link #report()} has the details.
 * Start-up code prints the message and refuses to start. Thrown on the opening (libOS) thread.
 */
public final class LogCorruptedException extends Exception {
    private final ScanReport report;

    public LogCorruptedException(String device, ScanReport report) {
        super(message(device, report));
        this.report = report;
    }

    private static String message(String device, ScanReport r) {
        return switch (r.status()) {
            case CORRUPT -> "log on " + device + " is corrupt at byte offset " + r.badOffset() + " (log position "
                    + r.badLsn() + ", record seq " + r.nextSeq() + "): " + r.reason()
                    + ". Refusing to serve partial data. Inspect with 'bin/demikv-check-log " + device
                    + "'; truncate there (losing every record from that offset on) with 'bin/demikv-check-log --fix "
                    + device + "'";
            case NO_SUPERBLOCK -> "no valid Cattree superblock on " + device + ": " + r.reason()
                    + ". Create a new log there only if it holds nothing you need";
            case IO_ERROR -> "cannot read the log on " + device + ": " + r.reason();
            default -> "log on " + device + " cannot be opened: " + r.reason();
        };
    }

    /** The scan that found the problem. */
    public ScanReport report() {
        return report;
    }

    /** The device byte offset of the damage, or -1. */
    public long offset() {
        return report.badOffset();
    }
}
