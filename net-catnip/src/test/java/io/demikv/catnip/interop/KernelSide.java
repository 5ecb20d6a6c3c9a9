package io.demikv.catnip.interop;

import io.demikv.catnip.ffi.NetNamespace;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Linux kernel's end of an interop test: TCP and UDP sockets created inside the kernel's namespace (through
 * {@link NetNamespace}; a socket stays in the namespace it was made in) and then used from ordinary threads. Every
 * blocking call has a timeout, so a misbehaving peer fails the test instead of hanging it.
 */
final class KernelSide {
    /** Message sizes for echo checks: below, at and above one MSS, and well above the window. */
    static final int[] SIZES = {1, 64, 1024, 1460, 1461, 4096, 65_536, 1 << 20};
    static final int IO_TIMEOUT_MS = 15_000;

    private KernelSide() {
    }

    static SocketChannel tcpSocket(String ns) {
        return NetNamespace.call(ns, () -> {
            try {
                return SocketChannel.open();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static DatagramChannel udpSocket(String ns, String bindIp) {
        return NetNamespace.call(ns, () -> {
            try {
                DatagramChannel ch = DatagramChannel.open();
                ch.bind(new InetSocketAddress(bindIp, 0));
                return ch;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static byte[] message(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    /**
     * One kernel TCP connection to {@code ip:port}: sends each of {@code sizes} {@code rounds} times and expects it
     * echoed byte for byte (a writer thread sends while this thread reads, so a message larger than both windows
     * cannot deadlock), then closes its sending side and expects the server's FIN. Returns the bytes echoed.
     */
    static long tcpEchoClient(String ns, String ip, int port, int[] sizes, int rounds, long seed) throws Exception {
        try (SocketChannel ch = tcpSocket(ns)) {
            ch.socket().connect(new InetSocketAddress(ip, port), IO_TIMEOUT_MS);
            ch.socket().setSoTimeout(IO_TIMEOUT_MS);
            ch.socket().setTcpNoDelay(true);
            InputStream in = ch.socket().getInputStream();
            OutputStream out = ch.socket().getOutputStream();
            Random random = new Random(seed);
            long total = 0;
            for (int r = 0; r < rounds; r++) {
                for (int size : sizes) {
                    byte[] msg = message(random, size);
                    Thread writer = Thread.ofPlatform().start(() -> {
                        try {
                            out.write(msg);
                        } catch (IOException e) {
                            // the reader sees the connection fail
                        }
                    });
                    byte[] got = in.readNBytes(size);
                    writer.join(IO_TIMEOUT_MS);
                    if (got.length != size) {
                        throw new AssertionError("echo of " + size + " bytes ended after " + got.length);
                    }
                    if (!Arrays.equals(msg, got)) {
                        throw new AssertionError("echo of " + size + " bytes differs at byte " + Arrays.mismatch(msg, got));
                    }
                    total += size;
                }
            }
            ch.socket().shutdownOutput();
            int eof = in.read();
            if (eof != -1) {
                throw new AssertionError("expected the server's FIN, got a byte");
            }
            return total;
        }
    }

    /** {@code clients} concurrent {@link #tcpEchoClient}s; fails with the first failure. Returns bytes echoed. */
    static long tcpEchoClients(String ns, String ip, int port, int clients, int[] sizes, int rounds)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Long>> all = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                long seed = 1000 + c;
                all.add(pool.submit(() -> tcpEchoClient(ns, ip, port, sizes, rounds, seed)));
            }
            long total = 0;
            for (Future<Long> f : all) {
                total += f.get(120, TimeUnit.SECONDS);
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A kernel UDP socket sends {@code count} datagrams of sizes up to {@code maxSize} to {@code ip:port} and expects
     * each echoed unchanged from that address. A datagram is sent again after 1 s without an answer (at most 3
     * times; a raw socket may drop under load); returns how many were resent.
     */
    static int udpEchoClient(String ns, String bindIp, String ip, int port, int count, int maxSize) throws Exception {
        try (DatagramChannel ch = udpSocket(ns, bindIp)) {
            ch.socket().setSoTimeout(1000);
            InetSocketAddress server = new InetSocketAddress(ip, port);
            Random random = new Random(7);
            byte[] in = new byte[65_536];
            int resent = 0;
            for (int i = 0; i < count; i++) {
                int size = i == 0 ? maxSize : 1 + random.nextInt(maxSize);
                byte[] msg = message(random, size);
                msg[0] = (byte) i;
                boolean answered = false;
                for (int attempt = 0; attempt < 4 && !answered; attempt++) {
                    if (attempt > 0) {
                        resent++;
                    }
                    ch.socket().send(new DatagramPacket(msg, size, server));
                    DatagramPacket p = new DatagramPacket(in, in.length);
                    try {
                        while (true) {
                            ch.socket().receive(p);
                            if (p.getLength() == size && in[0] == msg[0]) {
                                break; // else a late echo of an earlier, resent datagram
                            }
                            p = new DatagramPacket(in, in.length);
                        }
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    if (!server.equals(p.getSocketAddress())) {
                        throw new AssertionError("echo came from " + p.getSocketAddress() + ", not " + server);
                    }
                    if (!Arrays.equals(msg, 0, size, in, 0, size)) {
                        throw new AssertionError("datagram " + i + " of " + size + " bytes came back changed");
                    }
                    answered = true;
                }
                if (!answered) {
                    throw new AssertionError("datagram " + i + " (" + size + " bytes) never came back");
                }
            }
            return resent;
        }
    }

    /**
     * A kernel echo server (TCP and UDP on one port) in namespace {@code ns}: each TCP connection gets a thread that
     * echoes until end of stream, then closes; UDP datagrams go back to their sender.
     */
    static final class EchoServer implements AutoCloseable {
        private final ServerSocketChannel tcp;
        private final DatagramChannel udp;
        private final ExecutorService threads = Executors.newCachedThreadPool();
        final AtomicLong connections = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        EchoServer(String ns, String ip, int port) {
            tcp = NetNamespace.call(ns, () -> {
                try {
                    ServerSocketChannel s = ServerSocketChannel.open();
                    s.bind(new InetSocketAddress(ip, port));
                    return s;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            udp = NetNamespace.call(ns, () -> {
                try {
                    DatagramChannel d = DatagramChannel.open();
                    d.bind(new InetSocketAddress(ip, port));
                    return d;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            threads.submit(this::acceptLoop);
            threads.submit(this::udpLoop);
        }

        private void acceptLoop() {
            while (tcp.isOpen()) {
                try {
                    SocketChannel ch = tcp.accept();
                    connections.incrementAndGet();
                    threads.submit(() -> echo(ch));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void echo(SocketChannel ch) {
            try (ch) {
                ch.socket().setSoTimeout(IO_TIMEOUT_MS);
                ch.socket().setTcpNoDelay(true);
                InputStream in = ch.socket().getInputStream();
                OutputStream out = ch.socket().getOutputStream();
                byte[] buf = new byte[256 * 1024];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                }
                completed.incrementAndGet();
            } catch (IOException e) {
                failure.compareAndSet(null, e);
            }
        }

        private void udpLoop() {
            ByteBuffer b = ByteBuffer.allocate(65_536);
            while (udp.isOpen()) {
                try {
                    b.clear();
                    var from = udp.receive(b);
                    udp.send(b.flip(), from);
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        @Override
        public void close() throws IOException {
            tcp.close();
            udp.close();
            threads.shutdownNow();
        }
    }
}
