package io.demikv.kvstore.command;

/**
 * Per-connection command state that is not part of the shared {@code Session} contract: CLIENT NO-TOUCH,
 * NO-EVICT and REPLY ON/OFF/SKIP. Kept by {@link Commands} beside each session. Server thread only.
 */
final class ClientExtras {
    boolean noTouch;
    boolean noEvict;
    /** CLIENT REPLY OFF: drop every reply until ON. */
    boolean replyOff;
    /** CLIENT REPLY SKIP: drop the reply of the next command only. */
    boolean skipNext;
    /** MULTI/WATCH state, created by the first MULTI or WATCH. */
    Transaction tx;
}
