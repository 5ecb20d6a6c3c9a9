package io.demikv.libos.catnap;

import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.Opcode;
import io.demikv.libos.Sga;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.sched.Task;

/**
 * A UDP socket queue: a non-blocking {@code SOCK_DGRAM} kernel socket. One push is one datagram
 * (sendto(2), or sendmsg(2) for a multi-segment array), complete when the kernel took it; one pop is one
 * datagram (recvfrom(2)) with its sender as the result's peer. {@code connect} sets a default peer (udp(7))
 * and completes at once, after which {@code push} without an address works. A zero-length datagram pops
 * as an empty array: for UDP that is data, not end of stream. Libos thread only.
 */
final class UdpSocketQueue extends SocketQueue {
    /** The largest IPv4 UDP payload: 65535 minus the 20-byte IPv4 and 8-byte UDP headers (RFC 768, RFC 791). */
    static final int MAX_DATAGRAM = 65_507;

    private boolean bound;
    private boolean connected;

    UdpSocketQueue(Catnap catnap, int fd) {
        super(catnap, fd);
    }

    @Override
    public String kind() {
        return "udp";
    }

    @Override
    public int bind(long endpoint) {
        if (bound || isClosed()) {
            return -Errno.EINVAL;
        }
        int rc = sys.bind(fd, endpoint);
        if (rc == 0) {
            bound = true;
        }
        return rc;
    }

    @Override
    public long connect(long endpoint) {
        Task t = scheduler.acquire(this, Opcode.CONNECT, qd());
        int rc = sys.connect(fd, endpoint);
        if (rc == 0) {
            connected = true;
            bound = true; // connect(2) binds an unbound datagram socket to an ephemeral port
            scheduler.complete(t, null, -1, endpoint, 0);
        } else {
            scheduler.fail(t, -rc);
        }
        return t.qt();
    }

    @Override
    public long push(Sga sga) {
        if (!connected) {
            return -Errno.EDESTADDRREQ; // send(2) on an unconnected datagram socket
        }
        return pushTo(sga, Endpoint.NONE);
    }

    @Override
    public long pushTo(Sga sga, long endpoint) {
        Task t = scheduler.acquire(this, Opcode.PUSH, qd());
        t.sga = sga;
        t.endpoint = endpoint;
        return startWrite(t);
    }

    @Override
    public long pop(int maxBytes) {
        if (maxBytes <= 0) {
            return -Errno.EINVAL;
        }
        Task t = scheduler.acquire(this, Opcode.POP, qd());
        t.arg = maxBytes;
        return startRead(t);
    }

    @Override
    int readOnce(Task t) {
        int capacity = (int) Math.min(t.arg, MAX_DATAGRAM);
        DemiBuffer b = catnap.buffers().allocate(capacity);
        if (b == null) {
            scheduler.fail(t, Errno.ENOMEM);
            return DONE;
        }
        long n = sys.recvFrom(fd, address(b), capacity);
        if (n >= 0) {
            b.setLength((int) n);
            scheduler.complete(t, catnap.wrap(b), -1, sys.lastAddress(), n);
            return DONE;
        }
        b.release();
        if (n == -Errno.EAGAIN) {
            return AGAIN;
        }
        if (n == -Errno.EINTR) {
            return RETRY;
        }
        scheduler.fail(t, (int) -n);
        return DONE;
    }

    @Override
    int writeOnce(Task t) {
        long n = sendSga(t.sga, 0, t.endpoint);
        if (n >= 0) {
            catnap.completePush(t, n);
            return DONE;
        }
        if (n == -Errno.EAGAIN) {
            return AGAIN;
        }
        if (n == -Errno.EINTR) {
            return RETRY;
        }
        catnap.failPush(t, (int) -n);
        return DONE;
    }

    @Override
    void markClosed() {
        connected = false;
    }
}
