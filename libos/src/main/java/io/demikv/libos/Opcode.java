package io.demikv.libos;

/** Operation codes reported in {@link QResult#opcode()}, as Demikernel's {@code demi_opcode_t}. */
public final class Opcode {
    public static final int INVALID = 0;
    public static final int PUSH = 1;
    public static final int POP = 2;
    public static final int ACCEPT = 3;
    public static final int CONNECT = 4;
    public static final int CLOSE = 5;
    /** The operation failed; {@link QResult#errno()} says why. */
    public static final int FAILED = 6;

    private Opcode() {
    }

    public static String name(int opcode) {
        return switch (opcode) {
            case PUSH -> "PUSH";
            case POP -> "POP";
            case ACCEPT -> "ACCEPT";
            case CONNECT -> "CONNECT";
            case CLOSE -> "CLOSE";
            case FAILED -> "FAILED";
            default -> "INVALID";
        };
    }
}
