package io.demikv.bench.echo;

import io.demikv.libos.Errno;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import io.demikv.libos.memory.DemiBuffer;
import org.HdrHistogram.Histogram;

import java.lang.foreign.ValueLayout;

/**
 * A closed-loop echo client on any libOS: {@code clients} connections driven from one thread, each sending
 * one message, waiting for all of it to come back, recording the round trip, and repeating. The message
 * array is allocated once per connection and reused (a push hands it back on completion).
 */
final class PdpixEchoClient {
    private final LibOS libos;
    private final EchoOptions o;
    private final boolean tcp;

    private int[] qds;
    private Sga[] messages;
    private long[] sentAt;
    private long[] received;
    private long[] done;
    private boolean[] pushing;
    private boolean[] sendWhenPushed;
    private final org.agrona.collections.Int2IntHashMap indexByQd = new org.agrona.collections.Int2IntHashMap(-1);

    PdpixEchoClient(LibOS libos, EchoOptions o) {
        this.libos = libos;
        this.o = o;
        this.tcp = o.proto.equals("tcp");
    }

    Histogram run() {
        int c = o.clients;
        qds = new int[c];
        messages = new Sga[c];
        sentAt = new long[c];
        received = new long[c];
        done = new long[c];
        pushing = new boolean[c];
        sendWhenPushed = new boolean[c];
        QResult r = new QResult();
        for (int i = 0; i < c; i++) {
            qds[i] = (int) check(libos.socket(LibOS.AF_INET, tcp ? LibOS.SOCK_STREAM : LibOS.SOCK_DGRAM, 0), "socket");
            indexByQd.put(qds[i], i);
            if (tcp) {
                long qt = check(libos.connect(qds[i], o.addr), "connect");
                check(libos.wait(qt, 10_000_000_000L, r), "wait connect");
                if (r.failed()) {
                    throw new IllegalStateException("connect failed: " + Errno.name(r.errno()));
                }
            } else {
                check(libos.bind(qds[i], io.demikv.libos.Endpoint.of(0, 0)), "bind");
            }
            messages[i] = libos.sgaAlloc(o.size);
            DemiBuffer b = messages[i].segment(0);
            for (int j = 0; j < o.size; j++) {
                b.memory().set(ValueLayout.JAVA_BYTE, b.offset() + j, (byte) ('a' + (j % 26)));
            }
        }
        long warmup = o.perClientWarmup();
        long perClient = o.perClientIterations();
        Histogram h = EchoReport.newHistogram();
        for (int i = 0; i < c; i++) {
            send(i);
        }
        QResult[] results = new QResult[64];
        for (int i = 0; i < results.length; i++) {
            results[i] = new QResult();
        }
        int active = c;
        long measureStart = 0;
        boolean measuring = warmup == 0;
        if (measuring) {
            measureStart = System.nanoTime();
        }
        while (active > 0 || anyPushing()) {
            int n = libos.waitNext(results, results.length, 10_000_000_000L);
            if (n < 0) {
                throw new IllegalStateException("no echo reply within 10 s (" + Errno.name(n) + ")");
            }
            for (int k = 0; k < n; k++) {
                QResult res = results[k];
                int i = indexOf(res.qd());
                if (res.opcode() == Opcode.PUSH) {
                    pushing[i] = false;
                    if (sendWhenPushed[i]) {
                        sendWhenPushed[i] = false;
                        send(i);
                    }
                    continue;
                }
                if (res.opcode() == Opcode.FAILED) {
                    throw new IllegalStateException("echo connection failed: " + Errno.name(res.errno()));
                }
                long len = res.sga().length();
                libos.sgaFree(res.sga());
                if (len == 0) {
                    throw new IllegalStateException("server closed the connection");
                }
                received[i] += len;
                if (received[i] < o.size) {
                    check(libos.pop(qds[i]), "pop");
                    continue;
                }
                long now = System.nanoTime();
                done[i]++;
                if (done[i] > warmup) {
                    if (!measuring) {
                        measuring = true;
                        measureStart = now;
                    }
                    h.recordValue(now - sentAt[i]);
                }
                if (done[i] < warmup + perClient) {
                    send(i);
                } else {
                    active--;
                }
            }
        }
        long elapsed = System.nanoTime() - measureStart;
        for (int i = 0; i < c; i++) {
            libos.sgaFree(messages[i]);
            libos.close(qds[i]);
        }
        h.setStartTimeStamp(0);
        h.setEndTimeStamp(elapsed / 1_000_000);
        lastElapsedNanos = elapsed;
        return h;
    }

    long lastElapsedNanos;

    private boolean anyPushing() {
        for (boolean p : pushing) {
            if (p) {
                return true;
            }
        }
        return false;
    }

    private void send(int i) {
        if (pushing[i]) {
            // The echo came back before the push of this array completed: send again once it has.
            sendWhenPushed[i] = true;
            return;
        }
        received[i] = 0;
        sentAt[i] = System.nanoTime();
        pushing[i] = true;
        long qt = tcp ? libos.push(qds[i], messages[i]) : libos.pushTo(qds[i], messages[i], o.addr);
        check(qt, "push");
        check(libos.pop(qds[i]), "pop");
    }

    private int indexOf(int qd) {
        int i = indexByQd.get(qd);
        if (i < 0) {
            throw new IllegalStateException("completion for unknown qd " + qd);
        }
        return i;
    }

    private static long check(long rc, String what) {
        if (rc < 0) {
            throw new IllegalStateException(what + " failed: " + Errno.name((int) rc));
        }
        return rc;
    }
}
