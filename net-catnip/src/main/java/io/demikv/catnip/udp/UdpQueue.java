package io.demikv.catnip.udp;

import io.demikv.catnip.arp.TransmitListener;
import io.demikv.libos.AbstractLibOS;
import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.IoQueue;
import io.demikv.libos.Opcode;
import io.demikv.libos.Sga;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.sched.Operator;
import io.demikv.libos.sched.Scheduler;
import io.demikv.libos.sched.Task;

import java.util.ArrayDeque;

/**
 * A UDP socket of Catnip, as a PDPIX queue. One push is one datagram; one pop is one datagram, its sender in
 * the result's peer.
 *
 * <ul>
 *   <li>{@code bind}: address 0.0.0.0 or ours ({@code -EADDRNOTAVAIL} otherwise); port 0 picks an ephemeral
 *       port; {@code -EADDRINUSE} for a taken port; {@code -EINVAL} when already bound.</li>
 *   <li>{@code connect}: sets the default peer (then {@code push} works and only that peer's datagrams are
 *       received, as udp(7)); completes at once. Binds an ephemeral port first when unbound.</li>
 *   <li>{@code pushTo}/{@code push}: binds an ephemeral port first when unbound (as Linux does). Completes
 *       when the datagram is handed to the device, which may wait for ARP; fails with
 *       {@code EHOSTUNREACH} when ARP gives up, {@code EMSGSIZE} above {@link UdpLayer#maxDatagram()},
 *       {@code EAGAIN} when ARP's queue for the host is full. {@code push} without a peer:
 *       {@code -EDESTADDRREQ}.</li>
 *   <li>{@code pop}: the next datagram, zero-copy (the popped array holds the received frame's buffer with
 *       its window on the UDP data). Received datagrams wait in a queue of {@link #RECEIVE_QUEUE} at most;
 *       more are dropped and counted, as a full socket buffer does.</li>
 *   <li>{@code close}: pending pops and pushes fail with {@code ECANCELED}; queued datagrams are freed; the
 *       port is free again. A datagram already queued in ARP still leaves when the host resolves.</li>
 * </ul>
 * Libos thread only.
 */
public final class UdpQueue extends IoQueue implements Operator, TransmitListener {
    /** Datagrams waiting for a pop at most. */
    public static final int RECEIVE_QUEUE = 1024;

    private final AbstractLibOS libos;
    private final Scheduler scheduler;
    private final UdpLayer udp;
    private final ArrayDeque<Task> pops = new ArrayDeque<>();
    private final ArrayDeque<Task> pushes = new ArrayDeque<>();
    private DemiBuffer[] queued = new DemiBuffer[16];
    private long[] queuedPeers = new long[16];
    private int head;
    private int count;
    private int port = -1;
    private long peer = Endpoint.NONE;
    private boolean closed;
    private long overflowDrops;
    private long foreignDrops;

    /** For {@code Catnip.socket}. */
    public UdpQueue(AbstractLibOS libos, UdpLayer udp) {
        this.libos = libos;
        this.scheduler = libos.scheduler();
        this.udp = udp;
    }

    @Override
    public String kind() {
        return "udp";
    }

    @Override
    public long localEndpoint() {
        return port < 0 ? Endpoint.NONE : Endpoint.of(udp.address(), port);
    }

    /** Datagrams dropped because the receive queue was full. */
    public long overflowDrops() {
        return overflowDrops;
    }

    /** Datagrams dropped because they came from someone other than the connected peer. */
    public long foreignDrops() {
        return foreignDrops;
    }

    @Override
    public int bind(long endpoint) {
        if (closed || port >= 0 || endpoint == Endpoint.NONE) {
            return -Errno.EINVAL;
        }
        int ip = Endpoint.ipv4(endpoint);
        if (ip != 0 && ip != udp.address()) {
            return -Errno.EADDRNOTAVAIL;
        }
        int rc = udp.bind(this, Endpoint.port(endpoint));
        if (rc < 0) {
            return rc;
        }
        port = rc;
        return 0;
    }

    private int autobind() {
        if (port >= 0) {
            return 0;
        }
        int rc = udp.bind(this, 0);
        if (rc < 0) {
            return rc;
        }
        port = rc;
        return 0;
    }

    @Override
    public long connect(long endpoint) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (Endpoint.ipv4(endpoint) == 0 || Endpoint.port(endpoint) == 0) {
            return -Errno.EINVAL;
        }
        int rc = autobind();
        if (rc < 0) {
            return rc;
        }
        peer = endpoint;
        Task t = scheduler.acquire(this, Opcode.CONNECT, qd());
        scheduler.complete(t, null, -1, endpoint, 0);
        return t.qt();
    }

    @Override
    public long push(Sga sga) {
        if (peer == Endpoint.NONE) {
            return -Errno.EDESTADDRREQ;
        }
        return pushTo(sga, peer);
    }

    @Override
    public long pushTo(Sga sga, long endpoint) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (Endpoint.port(endpoint) == 0 || Endpoint.ipv4(endpoint) == 0) {
            return -Errno.EINVAL;
        }
        int rc = autobind();
        if (rc < 0) {
            return rc;
        }
        Task t = scheduler.acquire(this, Opcode.PUSH, qd());
        t.sga = sga;
        t.endpoint = endpoint;
        t.arg = sga.length();
        long qt = t.qt();
        int sent = udp.send(sga, port, endpoint, this, qt, libos.nowNanos());
        if (sent == TransmitListener.SENT) {
            libos.completePush(t, t.arg);
        } else if (sent == TransmitListener.QUEUED) {
            pushes.addLast(t);
        } else {
            libos.failPush(t, -sent);
        }
        return qt;
    }

    @Override
    public void onTransmitted(long token, int errno) {
        Task t = scheduler.lookup(token);
        if (t == null || !t.isPending() || !pushes.remove(t)) {
            return; // finished meanwhile (the queue closed)
        }
        if (errno == 0) {
            libos.completePush(t, t.arg);
        } else {
            libos.failPush(t, errno);
        }
    }

    @Override
    public long pop(int maxBytes) {
        if (closed) {
            return -Errno.EBADF;
        }
        Task t = scheduler.acquire(this, Opcode.POP, qd());
        if (count > 0 && pops.isEmpty()) {
            DemiBuffer b = queued[head];
            long from = queuedPeers[head];
            queued[head] = null;
            head = (head + 1) & (queued.length - 1);
            count--;
            completePop(t, b, from);
        } else {
            pops.addLast(t);
        }
        return t.qt();
    }

    private void completePop(Task t, DemiBuffer b, long from) {
        scheduler.complete(t, libos.wrap(b), -1, from, b.length());
    }

    /** A datagram for this socket: its buffer (window = data, reference handed over) and sender. */
    void deliver(DemiBuffer data, long from) {
        if (peer != Endpoint.NONE && from != peer) {
            foreignDrops++;
            data.release();
            return;
        }
        Task t = pops.pollFirst();
        if (t != null) {
            completePop(t, data, from);
            return;
        }
        if (count >= RECEIVE_QUEUE) {
            overflowDrops++;
            data.release();
            return;
        }
        if (count == queued.length) {
            grow();
        }
        int tail = (head + count) & (queued.length - 1);
        queued[tail] = data;
        queuedPeers[tail] = from;
        count++;
    }

    private void grow() {
        int n = queued.length * 2;
        DemiBuffer[] q = new DemiBuffer[n];
        long[] p = new long[n];
        for (int i = 0; i < count; i++) {
            int from = (head + i) & (queued.length - 1);
            q[i] = queued[from];
            p[i] = queuedPeers[from];
        }
        queued = q;
        queuedPeers = p;
        head = 0;
    }

    /** Tasks here are completed by events (a datagram, a transmission), never by polling. */
    @Override
    public void poll(Task task, long nowNanos) {
        scheduler.park(task);
    }

    @Override
    public int close() {
        if (closed) {
            return 0;
        }
        closed = true;
        Task t;
        while ((t = pops.pollFirst()) != null) {
            scheduler.fail(t, Errno.ECANCELED);
        }
        while ((t = pushes.pollFirst()) != null) {
            libos.failPush(t, Errno.ECANCELED);
        }
        while (count > 0) {
            queued[head].release();
            queued[head] = null;
            head = (head + 1) & (queued.length - 1);
            count--;
        }
        udp.unbind(this, port);
        return 0;
    }
}
