package io.demikv.kvstore.resp;

/**
 * The request-size limits the parser enforces, with Redis 7's values and meanings. The fixed ones are
 * constants (Redis compiles them in); the configurable ones are fields that the server thread changes when
 * {@code CONFIG SET} changes the directive, and every parser of the server reads the new value at its next
 * request. Server thread only.
 */
public final class ProtocolLimits {
    /** {@code PROTO_INLINE_MAX_SIZE}: an inline request, or a {@code *} or {@code $} header line, without
     *  its line ending longer than this is refused ("too big inline request", "too big ... count string"). */
    public static final int INLINE_MAX_BYTES = 64 * 1024;
    /** Redis accepts a multibulk count up to {@code INT_MAX}. */
    public static final long MULTIBULK_MAX = Integer.MAX_VALUE;
    /** Before AUTH (when a password is required) Redis allows at most this many arguments (CVE-2021-32675). */
    public static final int UNAUTHENTICATED_MULTIBULK_MAX = 10;
    /** Before AUTH (when a password is required) Redis allows arguments of at most this many bytes. */
    public static final int UNAUTHENTICATED_BULK_MAX = 16 * 1024;
    /** Default of {@code proto-max-bulk-len}: 512 MB. */
    public static final long DEFAULT_PROTO_MAX_BULK_LEN = 512L * 1024 * 1024;
    /** Default of {@code client-query-buffer-limit}: 1 GB. */
    public static final long DEFAULT_QUERY_BUFFER_LIMIT = 1024L * 1024 * 1024;
    /** The largest query buffer a Java array can hold; limits above it act as this. */
    public static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 16;

    /** {@code proto-max-bulk-len}: the largest bulk argument, in bytes. */
    public long protoMaxBulkLen = DEFAULT_PROTO_MAX_BULK_LEN;
    /** {@code client-query-buffer-limit}: a client whose unprocessed input exceeds this is closed. */
    public long queryBufferLimit = DEFAULT_QUERY_BUFFER_LIMIT;
}
