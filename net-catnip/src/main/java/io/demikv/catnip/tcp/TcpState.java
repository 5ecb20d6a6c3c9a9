package io.demikv.catnip.tcp;

/**
 * The connection states of RFC 9293 §3.3.2, as small ints (a connection's state is one field, compared
 * often). LISTEN is a {@link io.demikv.catnip.tcp.passive.ListenSocket}, not a connection state here.
 * Pure constants; any thread.
 *
 * <pre>
 *   CLOSED -> SYN_SENT -> ESTABLISHED          (active open, tcp/active)
 *   LISTEN -> SYN_RCVD -> ESTABLISHED          (passive open, tcp/passive)
 *   SYN_SENT -> SYN_RCVD                       (simultaneous open)
 *   ESTABLISHED -> FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT -> CLOSED      (we close first, tcp/closing)
 *   FIN_WAIT_1 -> CLOSING -> TIME_WAIT         (simultaneous close)
 *   ESTABLISHED -> CLOSE_WAIT -> LAST_ACK -> CLOSED                     (the peer closes first)
 * </pre>
 */
public final class TcpState {
    public static final int CLOSED = 0;
    public static final int SYN_SENT = 1;
    public static final int SYN_RCVD = 2;
    public static final int ESTABLISHED = 3;
    public static final int FIN_WAIT_1 = 4;
    public static final int FIN_WAIT_2 = 5;
    public static final int CLOSE_WAIT = 6;
    public static final int CLOSING = 7;
    public static final int LAST_ACK = 8;
    public static final int TIME_WAIT = 9;

    private TcpState() {
    }

    /** RFC 9293's name of a state. */
    public static String name(int state) {
        return switch (state) {
            case CLOSED -> "CLOSED";
            case SYN_SENT -> "SYN-SENT";
            case SYN_RCVD -> "SYN-RECEIVED";
            case ESTABLISHED -> "ESTABLISHED";
            case FIN_WAIT_1 -> "FIN-WAIT-1";
            case FIN_WAIT_2 -> "FIN-WAIT-2";
            case CLOSE_WAIT -> "CLOSE-WAIT";
            case CLOSING -> "CLOSING";
            case LAST_ACK -> "LAST-ACK";
            case TIME_WAIT -> "TIME-WAIT";
            default -> "state " + state;
        };
    }

    /** True once the SYNs are exchanged: every state from ESTABLISHED on (RFC 9293 §3.5's "synchronized"). */
    public static boolean synchronizedState(int state) {
        return state >= ESTABLISHED;
    }

    /** True in the states where the peer may still send data (we have not received its FIN). */
    public static boolean receiving(int state) {
        return state == ESTABLISHED || state == FIN_WAIT_1 || state == FIN_WAIT_2;
    }

    /** True in the states where the application may still queue data (we have not sent a FIN). */
    public static boolean sending(int state) {
        return state == ESTABLISHED || state == CLOSE_WAIT;
    }
}
