package io.demikv.kvstore.resp;

/**
 * Writes replies for one connection in the protocol it negotiated (RESP2 or RESP3 through {@code HELLO}).
 * Each method appends one RESP element; aggregates take their element count up front and the caller then
 * writes that many elements. RESP3-only types are mapped to their RESP2 forms as Redis does (map to a flat
 * array, set to an array, double to a bulk string, boolean to an integer, null to {@code $-1}/{@code *-1}).
 * Server thread only.
 */
public interface Reply {
    /** 2 or 3. */
    int protocol();

    /** {@code +OK}. */
    void ok();

    /** A simple string, {@code +text}; text must not contain CR or LF. */
    void simple(String text);

    /**
     * An error, {@code -message}: {@code message} starts with its code ("ERR ...", "WRONGTYPE ...",
     * "NOAUTH ..."). CR and LF in it are replaced by spaces, as Redis does.
     */
    void error(String message);

    void integer(long value);

    void bulk(byte[] value);

    void bulk(byte[] value, int offset, int length);

    void bulk(String value);

    /** A bulk string holding the decimal form of {@code value}. */
    void bulk(long value);

    /** The null bulk string: {@code $-1} (RESP2) or {@code _} (RESP3). */
    void nullBulk();

    /** The null array: {@code *-1} (RESP2) or {@code _} (RESP3). */
    void nullArray();

    void array(int count);

    /** A map of {@code pairs} key-value pairs: {@code %n} (RESP3) or an array of 2n (RESP2). */
    void map(int pairs);

    /** {@code ~n} (RESP3) or an array (RESP2). */
    void set(int count);

    /** {@code ,d} (RESP3) or a bulk string (RESP2), formatted as Redis formats doubles. */
    void doubleValue(double value);

    /** {@code #t}/{@code #f} (RESP3) or {@code :1}/{@code :0} (RESP2). */
    void bool(boolean value);

    /** {@code =len\r\ntxt:text} (RESP3) or a bulk string (RESP2). */
    void verbatim(String text);

    /** An out-of-band push message header: {@code >n} (RESP3) or an array (RESP2). */
    void push(int count);

    /** Raw bytes already in RESP form (a cached constant reply). */
    void raw(byte[] resp);
}
