package io.demikv.catnip.interop;

import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Our echo server through PDPIX only, TCP and UDP on one port: every popped array is pushed back unchanged (zero
 * copy, as {@code bin/demikv-echo server}), a TCP connection is closed after the peer's FIN, a UDP datagram goes
 * back to its sender. {@link #run} serves on the calling thread, which must own the libOS, until {@link #stop}
 * (any thread) or until its condition turns false; the first unexpected failure is kept in {@link #failure} and
 * ends the loop.
 */
final class EchoService {
    private final LibOS libos;
    private final int port;
    private volatile boolean stopped;
    private int tcpQd = -1;
    private int udpQd = -1;
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong closedByPeer = new AtomicLong();
    final AtomicLong bytesEchoed = new AtomicLong();
    final AtomicReference<String> failure = new AtomicReference<>();

    EchoService(LibOS libos, int port) {
        this.libos = libos;
        this.port = port;
    }

    /** Binds and listens (on the thread that will {@link #run}); throws when the libOS refuses. */
    void open() {
        tcpQd = check(libos.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0), "tcp socket");
        check(libos.bind(tcpQd, Endpoint.of(0, port)), "tcp bind");
        check(libos.listen(tcpQd, 128), "listen");
        udpQd = check(libos.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0), "udp socket");
        check(libos.bind(udpQd, Endpoint.of(0, port)), "udp bind");
    }

    void stop() {
        stopped = true;
    }

    /** Serves until {@link #stop}; closes both sockets at the end. */
    void run() {
        run(() -> true);
    }

    /** Serves while {@code keepGoing} holds and until {@link #stop}; closes both sockets at the end. */
    void run(java.util.function.BooleanSupplier keepGoing) {
        if (tcpQd < 0) {
            open();
        }
        check(libos.accept(tcpQd), "accept");
        check(libos.pop(udpQd), "udp pop");
        QResult[] results = new QResult[32];
        for (int i = 0; i < results.length; i++) {
            results[i] = new QResult();
        }
        try {
            while (!stopped && failure.get() == null && keepGoing.getAsBoolean()) {
                int n = libos.waitNext(results, results.length, 5_000_000L);
                if (n == -Errno.ETIMEDOUT) {
                    continue;
                }
                check(n, "waitNext");
                for (int i = 0; i < n; i++) {
                    handle(results[i]);
                }
            }
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e.toString());
        } finally {
            libos.close(tcpQd);
            libos.close(udpQd);
        }
    }

    private void handle(QResult r) {
        switch (r.opcode()) {
            case Opcode.ACCEPT -> {
                accepted.incrementAndGet();
                check(libos.pop(r.newQd()), "pop");
                check(libos.accept(tcpQd), "accept");
            }
            case Opcode.POP -> {
                long n = r.sga().length();
                if (n == 0) {
                    closedByPeer.incrementAndGet();
                    libos.sgaFree(r.sga());
                    libos.close(r.qd());
                    return;
                }
                boolean udp = r.qd() == udpQd;
                long qt = udp ? libos.pushTo(r.qd(), r.sga(), r.peer()) : libos.push(r.qd(), r.sga());
                if (qt < 0) {
                    libos.sgaFree(r.sga());
                    throw new IllegalStateException("push failed: " + Errno.name((int) qt));
                }
                bytesEchoed.addAndGet(n);
                check(libos.pop(r.qd()), "pop");
            }
            case Opcode.PUSH -> libos.sgaFree(r.sga());
            case Opcode.FAILED -> {
                if (r.sga() != null) {
                    libos.sgaFree(r.sga());
                }
                if (r.errno() == Errno.ECANCELED) {
                    return;
                }
                if (r.qd() == tcpQd || r.qd() == udpQd) {
                    throw new IllegalStateException("listening socket failed: " + r);
                }
                // A connection the peer reset: that peer's problem, not the server's.
                System.out.println("[echo] connection " + r.qd() + " failed: " + Errno.name(r.errno()));
                libos.close(r.qd());
            }
            default -> {
            }
        }
    }

    private static int check(long rc, String what) {
        if (rc < 0) {
            throw new IllegalStateException(what + " failed: " + Errno.name((int) rc));
        }
        return (int) rc;
    }
}
