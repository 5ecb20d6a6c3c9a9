package io.demikv.bench.echo;

import io.demikv.libos.Endpoint;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * The Linux/POSIX baseline of the Demikernel artifact: plain blocking Java sockets, a thread per TCP
 * connection on the server and a thread per client connection on the client. Measures what the kernel path
 * costs so the libOS figures have a reference in the same run.
 */
final class PosixEcho {
    private PosixEcho() {
    }

    static InetSocketAddress address(long endpoint) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(Endpoint.ipv4ToString(Endpoint.ipv4(endpoint))),
                Endpoint.port(endpoint));
    }

    static void server(EchoOptions o, long deadlineNanos) throws IOException {
        if (o.proto.equals("udp")) {
            try (DatagramSocket s = new DatagramSocket(address(o.addr))) {
                s.setSoTimeout(100);
                byte[] buf = new byte[65536];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                while (System.nanoTime() < deadlineNanos) {
                    p.setData(buf);
                    try {
                        s.receive(p);
                    } catch (java.net.SocketTimeoutException e) {
                        continue;
                    }
                    s.send(p);
                }
            }
            return;
        }
        try (ServerSocket ss = new ServerSocket()) {
            ss.setReuseAddress(true);
            ss.bind(address(o.addr), 1024);
            ss.setSoTimeout(100);
            while (System.nanoTime() < deadlineNanos) {
                Socket s;
                try {
                    s = ss.accept();
                } catch (java.net.SocketTimeoutException e) {
                    continue;
                }
                Thread t = new Thread(() -> echoConnection(s), "echo-" + s.getPort());
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private static void echoConnection(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            s.setTcpNoDelay(true);
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException ignored) {
            // The peer went away: nothing to echo any more.
        }
    }

    /** Runs the clients; returns the merged histogram and stores elapsed time in {@code elapsedOut[0]}. */
    static Histogram client(EchoOptions o, long[] elapsedOut) throws Exception {
        long perClient = o.perClientIterations();
        long warmup = o.perClientWarmup();
        List<Thread> threads = new ArrayList<>();
        List<Histogram> hs = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        InetSocketAddress server = address(o.addr);
        long[] starts = new long[o.clients];
        long[] ends = new long[o.clients];
        for (int c = 0; c < o.clients; c++) {
            Histogram h = EchoReport.newHistogram();
            hs.add(h);
            int id = c;
            Thread t = new Thread(() -> {
                try {
                    if (o.proto.equals("tcp")) {
                        tcpClient(server, o.size, warmup, perClient, h, starts, ends, id);
                    } else {
                        udpClient(server, o.size, warmup, perClient, h, starts, ends, id);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "echo-client-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("echo client failed: " + errors.get(0), errors.get(0));
        }
        Histogram all = EchoReport.newHistogram();
        long start = Long.MAX_VALUE;
        long end = 0;
        for (int c = 0; c < o.clients; c++) {
            all.add(hs.get(c));
            start = Math.min(start, starts[c]);
            end = Math.max(end, ends[c]);
        }
        elapsedOut[0] = end - start;
        return all;
    }

    private static void tcpClient(InetSocketAddress server, int size, long warmup, long n, Histogram h,
                                  long[] starts, long[] ends, int id) throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(server, 10_000);
            // No SO_TIMEOUT: with one, the JDK polls before every read, which is not the plain kernel path.
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] msg = new byte[size];
            byte[] back = new byte[size];
            for (long i = 0; i < warmup + n; i++) {
                if (i == warmup) {
                    starts[id] = System.nanoTime();
                }
                long t0 = System.nanoTime();
                out.write(msg);
                int got = 0;
                while (got < size) {
                    int r = in.read(back, got, size - got);
                    if (r < 0) {
                        throw new IOException("server closed the connection");
                    }
                    got += r;
                }
                if (i >= warmup) {
                    h.recordValue(System.nanoTime() - t0);
                }
            }
            ends[id] = System.nanoTime();
        }
    }

    private static void udpClient(InetSocketAddress server, int size, long warmup, long n, Histogram h,
                                  long[] starts, long[] ends, int id) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(10_000);
            s.connect(server);
            byte[] msg = new byte[size];
            byte[] back = new byte[65536];
            DatagramPacket out = new DatagramPacket(msg, size);
            DatagramPacket in = new DatagramPacket(back, back.length);
            for (long i = 0; i < warmup + n; i++) {
                if (i == warmup) {
                    starts[id] = System.nanoTime();
                }
                long t0 = System.nanoTime();
                s.send(out);
                in.setData(back);
                s.receive(in);
                if (i >= warmup) {
                    h.recordValue(System.nanoTime() - t0);
                }
            }
            ends[id] = System.nanoTime();
        }
    }
}
