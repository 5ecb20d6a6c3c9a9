package io.demikv.bench.echo;

import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;

/**
 * An echo server on any libOS, through PDPIX only: every popped array is pushed back unchanged (zero copy)
 * and freed when its push completes. TCP keeps one accept and one pop per connection outstanding; UDP
 * echoes each datagram to its sender. Runs on the calling thread until {@link #stop()} or the deadline.
 */
final class PdpixEchoServer {
    private final LibOS libos;
    private final boolean tcp;
    private final long bindAddr;
    private volatile boolean stopped;
    private int listenQd = -1;

    PdpixEchoServer(LibOS libos, boolean tcp, long bindAddr) {
        this.libos = libos;
        this.tcp = tcp;
        this.bindAddr = bindAddr;
    }

    /** Binds; returns the bound endpoint (port 0 is resolved where the libOS supports it). */
    int open() {
        int qd = libos.socket(LibOS.AF_INET, tcp ? LibOS.SOCK_STREAM : LibOS.SOCK_DGRAM, 0);
        check(qd, "socket");
        check(libos.bind(qd, bindAddr), "bind " + Endpoint.toString(bindAddr));
        if (tcp) {
            check(libos.listen(qd, 1024), "listen");
        }
        listenQd = qd;
        return qd;
    }

    void stop() {
        stopped = true;
    }

    void run(long deadlineNanos) {
        if (listenQd < 0) {
            open();
        }
        if (tcp) {
            check(libos.accept(listenQd), "accept");
        } else {
            check(libos.pop(listenQd), "pop");
        }
        QResult[] results = new QResult[64];
        for (int i = 0; i < results.length; i++) {
            results[i] = new QResult();
        }
        while (!stopped && libos.nowNanos() < deadlineNanos) {
            int n = libos.waitNext(results, results.length, 100_000_000L);
            if (n == -Errno.ETIMEDOUT) {
                continue;
            }
            check(n, "waitNext");
            for (int i = 0; i < n; i++) {
                handle(results[i]);
            }
        }
        libos.close(listenQd);
    }

    private void handle(QResult r) {
        switch (r.opcode()) {
            case Opcode.ACCEPT -> {
                libos.pop(r.newQd());
                check(libos.accept(listenQd), "accept");
            }
            case Opcode.POP -> {
                if (r.sga().length() == 0) {
                    libos.sgaFree(r.sga());
                    libos.close(r.qd());
                    return;
                }
                long qt = tcp ? libos.push(r.qd(), r.sga()) : libos.pushTo(r.qd(), r.sga(), r.peer());
                if (qt < 0) {
                    libos.sgaFree(r.sga());
                    if (tcp) {
                        libos.close(r.qd());
                    }
                    return;
                }
                if (libos.pop(r.qd()) < 0 && tcp) {
                    libos.close(r.qd());
                }
            }
            case Opcode.PUSH -> libos.sgaFree(r.sga());
            case Opcode.FAILED -> {
                if (r.sga() != null) {
                    libos.sgaFree(r.sga());
                }
                if (r.qd() == listenQd) {
                    if (r.errno() != Errno.ECANCELED) {
                        check(tcp ? libos.accept(listenQd) : libos.pop(listenQd), "re-arm");
                    }
                } else if (r.errno() != Errno.ECANCELED) {
                    libos.close(r.qd());
                }
            }
            default -> {
            }
        }
    }

    private static long check(long rc, String what) {
        if (rc < 0) {
            throw new IllegalStateException(what + " failed: " + Errno.name((int) rc));
        }
        return rc;
    }
}
