package io.demikv.catnip.wire;

/**
 * The outcome of wrapping or checking a wire view: parsers never throw on bad input, they return one of
 * these. {@link #OK} is the only success. Immutable; any thread.
 */
public enum WireStatus {
    /** The bytes are well formed. */
    OK,
    /** Fewer bytes than the fixed header (or the window lies outside its segment). */
    TRUNCATED,
    /** A version field other than the one this view reads (IPv4 version 4). */
    BAD_VERSION,
    /** A header-length field smaller than the fixed header or larger than the bytes present. */
    BAD_HEADER_LENGTH,
    /** A total-length field smaller than the header or larger than the bytes present. */
    BAD_LENGTH,
    /** The checksum does not verify. */
    BAD_CHECKSUM,
    /** Well formed but not a kind this stack handles (an ARP for another hardware or protocol type). */
    UNSUPPORTED,
    /** A TCP option with an impossible length or running past the header (RFC 9293 §3.1). */
    MALFORMED_OPTION
}
