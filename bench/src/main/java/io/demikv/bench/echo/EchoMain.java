package io.demikv.bench.echo;

import io.demikv.libos.LibOS;
import io.demikv.libos.LibOsFactory;
import org.HdrHistogram.Histogram;

/**
 * {@code bin/demikv-echo}: the echo benchmark of the Demikernel artifact. See {@link EchoOptions#USAGE}.
 * The client prints one line {@code echo: proto=... libos=... size=... clients=... n=... ops_per_s=...
 * p50_us=... p99_us=... p999_us=...}; exit code 0 on success, 1 on failure, 2 on a usage error.
 */
public final class EchoMain {
    private EchoMain() {
    }

    public static void main(String[] args) {
        EchoOptions o;
        try {
            o = EchoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("demikv-echo: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            run(o);
        } catch (Exception e) {
            System.err.println("demikv-echo: " + e.getMessage());
            System.exit(1);
        }
    }

    static void run(EchoOptions o) throws Exception {
        long deadline = o.durationSeconds > 0 ? System.nanoTime() + o.durationSeconds * 1_000_000_000L : Long.MAX_VALUE;
        if (o.libos.equals("posix")) {
            if (o.mode.equals("server")) {
                System.err.println("demikv-echo: posix " + o.proto + " echo server on " + io.demikv.libos.Endpoint.toString(o.addr));
                PosixEcho.server(o, deadline);
            } else {
                long[] elapsed = new long[1];
                Histogram h = PosixEcho.client(o, elapsed);
                System.out.println(EchoReport.line(o, h, elapsed[0]));
            }
            return;
        }
        try (LibOS libos = LibOsFactory.create(o.libos, o.config, o.mss, o.mtu)) {
            if (o.mode.equals("server")) {
                PdpixEchoServer server = new PdpixEchoServer(libos, o.proto.equals("tcp"), o.addr);
                server.open();
                System.err.println("demikv-echo: " + o.libos + " " + o.proto + " echo server on "
                        + io.demikv.libos.Endpoint.toString(o.addr));
                server.run(deadline);
            } else {
                PdpixEchoClient client = new PdpixEchoClient(libos, o);
                Histogram h = client.run();
                System.out.println(EchoReport.line(o, h, client.lastElapsedNanos));
            }
        }
    }
}
