package io.demikv.libos;

import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.sched.Scheduler;

/**
 * PDPIX, Demikernel's portable queue API, in Java. Every I/O object is a queue named by an {@code int qd};
 * every pending operation is named by a {@code long qt} (qtoken) and completes exactly once, into a
 * caller-owned {@link QResult}.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>Calls return a negated errno on failure ({@code -EBADF} for an unknown qd, {@code -EINVAL} for a
 *       bad argument or an unknown/already-taken qtoken); misuse is never an exception and never corrupts
 *       state.</li>
 *   <li>Timeouts are in nanoseconds; a negative timeout waits forever, zero polls once.</li>
 *   <li>Push is zero-copy: the pushed {@link Sga} is held until the push's qtoken completes;
 *       {@link #sgaFree} of a held array returns {@code -EBUSY}. A TCP push completes when the libOS has
 *       queued all its bytes for transmission (the kernel's socket buffer for Catnap, the send queue for
 *       Catnip), not when the peer acknowledged them.</li>
 *   <li>Pop hands over a new {@link Sga} the application must free. A pop that completes with zero bytes
 *       means end of stream.</li>
 *   <li>Results of operations nobody waits on yet are kept until asked for: {@link #wait} for one qtoken,
 *       {@link #waitAny} for one of several, {@link #waitNext} for whatever completes next.</li>
 * </ul>
 * An instance is single-threaded: only the thread that runs the application (and so {@code wait}) may call
 * it. Protocol work runs inside the {@code wait*} calls.
 */
public interface LibOS extends AutoCloseable {
    int AF_INET = 2;
    int SOCK_STREAM = 1;
    int SOCK_DGRAM = 2;

    /** A short name: "catnap", "catnip", "catmint", "memory". */
    String name();

    /** Creates a socket queue ({@code AF_INET} with {@code SOCK_STREAM} or {@code SOCK_DGRAM}); returns its qd. */
    int socket(int domain, int type, int protocol);

    /** Binds a socket to a local {@link Endpoint}. Returns 0 or -errno. */
    int bind(int qd, long endpoint);

    /** Marks a bound stream socket as accepting connections. Returns 0 or -errno. */
    int listen(int qd, int backlog);

    /** Starts accepting one connection; the result's {@link QResult#newQd()} is the connection. */
    long accept(int qd);

    /** Starts connecting a stream socket to {@code endpoint}. */
    long connect(int qd, long endpoint);

    /** Starts sending every byte of {@code sga}. */
    long push(int qd, Sga sga);

    /** Starts sending {@code sga} as one datagram to {@code endpoint}. */
    long pushTo(int qd, Sga sga, long endpoint);

    /** Starts receiving: the next datagram, or the next bytes of a stream. */
    long pop(int qd);

    /** Closes a queue at once; its pending operations complete as FAILED with {@code ECANCELED}. 0 or -errno. */
    int close(int qd);

    /** Creates an in-memory queue (PDPIX {@code queue()}): what one push puts in, one pop takes out. */
    int queue();

    /**
     * Waits for {@code qt}: runs the libOS until it completes or the timeout passes. Returns 0 and fills
     * {@code result}, {@code -ETIMEDOUT}, or {@code -EINVAL} when {@code qt} is unknown or already taken.
     */
    int wait(long qt, long timeoutNanos, QResult result);

    /**
     * Waits for the first of {@code qts[0..n)} to complete (when several already have, the one that completed
     * earliest, not the lowest index); returns its index and fills {@code result}, or
     * -errno ({@code -ETIMEDOUT}; {@code -EINVAL} if any token is unknown).
     */
    int waitAny(long[] qts, int n, long timeoutNanos, QResult result);

    /**
     * Waits until at least one operation of this libOS has completed, then fills up to {@code max} results
     * in completion order. Returns how many, or {@code -ETIMEDOUT}.
     */
    int waitNext(QResult[] results, int max, long timeoutNanos);

    /** A one-segment array with room for {@code length} bytes, or {@code null} when {@code length} is 0,
     *  negative or above {@link BufferPool#MAX_BUFFER_BYTES}. */
    Sga sgaAlloc(int length);

    /** Frees an array from {@link #sgaAlloc} or a pop. 0, {@code -EBUSY} while a push holds it, or
     *  {@code -EINVAL} when it is already free. */
    int sgaFree(Sga sga);

    /** Runs one pass of the scheduler without waiting; returns the work done. */
    int poll();

    /** This libOS's clock. */
    long nowNanos();

    /** For libOS implementations and benchmarks. */
    Scheduler scheduler();

    BufferPool buffers();

    /** Closes every queue and releases the libOS's memory. */
    @Override
    void close();
}
