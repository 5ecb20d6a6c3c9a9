package io.demikv.libos;

/**
 * One entry in a libOS's queue-descriptor table: a socket, an in-memory queue, a storage log. Subclasses
 * implement the operations their kind supports; the defaults return {@code -EOPNOTSUPP}. Libos thread only.
 */
public abstract class IoQueue {
    /** Set by the {@link QueueTable} when the queue is installed. */
    int qd = -1;

    public final int qd() {
        return qd;
    }

    /** A short name of the kind ("tcp", "udp", "memory", "log"). */
    public abstract String kind();

    public int bind(long endpoint) {
        return -Errno.EOPNOTSUPP;
    }

    public int listen(int backlog) {
        return -Errno.EOPNOTSUPP;
    }

    public long accept() {
        return -Errno.EOPNOTSUPP;
    }

    public long connect(long endpoint) {
        return -Errno.EOPNOTSUPP;
    }

    /** Starts a push; the sga has been validated and marked held by the caller. */
    public abstract long push(Sga sga);

    public long pushTo(Sga sga, long endpoint) {
        return -Errno.EOPNOTSUPP;
    }

    public abstract long pop(int maxBytes);

    /** The local address, or {@link Endpoint#NONE}. */
    public long localEndpoint() {
        return Endpoint.NONE;
    }

    /**
     * Closes the queue: pending operations complete as FAILED with {@code ECANCELED}. Returns 0 or -errno.
     * After this the qd is free for reuse.
     */
    public abstract int close();
}
