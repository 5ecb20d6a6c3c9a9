package io.demikv.kvstore.command;

/** Redis 7's error texts, without the leading '-' (the {@code Reply} adds it). Constants only. */
final class Errors {
    static final String SYNTAX = "ERR syntax error";
    static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    static final String NOT_FLOAT = "ERR value is not a valid float";
    static final String OVERFLOW = "ERR increment or decrement would overflow";
    static final String NAN_OR_INF = "ERR increment would produce NaN or Infinity";
    static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    static final String NO_SUCH_KEY = "ERR no such key";
    static final String DB_RANGE = "ERR DB index is out of range";
    static final String NOAUTH = "NOAUTH Authentication required.";
    static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    static final String AUTH_NO_PASSWORD = "ERR AUTH <password> called without any password configured for the "
            + "default user. Are you sure your configuration is correct?";
    static final String NOPROTO = "NOPROTO unsupported protocol version";
    static final String MAX_CLIENTS = "ERR max number of clients reached";
    static final String STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    static final String OFFSET_RANGE = "ERR offset is out of range";
    static final String INVALID_CURSOR = "ERR invalid cursor";
    static final String NO_SUCH_CLIENT = "ERR No such client";
    static final String CLIENT_NAME = "ERR Client names cannot contain spaces, newlines or special characters.";
    static final String LFU_NOT_SELECTED = "ERR An LFU maxmemory policy is not selected, access frequency not "
            + "tracked. Please note that when switching between policies at runtime LRU and LFU data will take "
            + "some time to adjust.";
    static final String LRU_NOT_SELECTED = "ERR An LFU maxmemory policy is selected, idle time not tracked. "
            + "Please note that when switching between policies at runtime LRU and LFU data will take some time "
            + "to adjust.";

    private Errors() {
    }

    static String invalidExpire(String command) {
        return "ERR invalid expire time in '" + command + "' command";
    }

    static String wrongArity(String fullName) {
        return "ERR wrong number of arguments for '" + fullName + "' command";
    }
}
