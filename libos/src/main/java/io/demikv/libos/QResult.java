package io.demikv.libos;

/**
 * The result of one completed operation, as Demikernel's {@code demi_qresult_t}. Caller-owned and reusable:
 * {@link LibOS#wait} fills it in, so waiting allocates nothing. Fields are valid until the next fill.
 *
 * <ul>
 *   <li>{@link #opcode()}: PUSH, POP, ACCEPT, CONNECT, CLOSE, or FAILED with {@link #errno()} set;</li>
 *   <li>POP: {@link #sga()} is the popped data, now owned by the caller (free it with
 *       {@link LibOS#sgaFree}); an empty array ({@code sga().length() == 0}) means the peer closed its
 *       side (end of stream); {@link #peer()} is the sender for datagram queues;</li>
 *   <li>ACCEPT: {@link #newQd()} is the new connection's qd and {@link #peer()} its remote address;</li>
 *   <li>PUSH: {@link #value()} is the number of bytes pushed and {@link #sga()} the pushed array, no longer
 *       held, still owned by the caller (reuse it or free it);</li>
 * </ul>
 * Libos thread only.
 */
public final class QResult {
    int opcode;
    int qd;
    long qt;
    int errno;
    Sga sga;
    int newQd = -1;
    long peer = Endpoint.NONE;
    long value;

    public int opcode() {
        return opcode;
    }

    public int qd() {
        return qd;
    }

    public long qt() {
        return qt;
    }

    /** Positive errno when {@link #opcode()} is FAILED, 0 otherwise. */
    public int errno() {
        return errno;
    }

    public Sga sga() {
        return sga;
    }

    public int newQd() {
        return newQd;
    }

    public long peer() {
        return peer;
    }

    public long value() {
        return value;
    }

    public boolean failed() {
        return opcode == Opcode.FAILED;
    }

    /** Fills every field; for libOS implementations (the scheduler), not applications. */
    public void fill(int opcode, int qd, long qt, int errno, Sga sga, int newQd, long peer, long value) {
        this.opcode = opcode;
        this.qd = qd;
        this.qt = qt;
        this.errno = errno;
        this.sga = sga;
        this.newQd = newQd;
        this.peer = peer;
        this.value = value;
    }

    /** Resets every field. */
    public void clear() {
        opcode = Opcode.INVALID;
        qd = -1;
        qt = 0;
        errno = 0;
        sga = null;
        newQd = -1;
        peer = Endpoint.NONE;
        value = 0;
    }

    @Override
    public String toString() {
        return "QResult{" + Opcode.name(opcode) + " qd=" + qd + " qt=" + qt
                + (errno != 0 ? " errno=" + Errno.name(errno) : "")
                + (sga != null ? " bytes=" + sga.length() : "")
                + (newQd >= 0 ? " newQd=" + newQd : "")
                + (peer != Endpoint.NONE ? " peer=" + Endpoint.toString(peer) : "") + "}";
    }
}
