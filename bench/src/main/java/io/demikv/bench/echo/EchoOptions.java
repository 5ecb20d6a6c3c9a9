package io.demikv.bench.echo;

import io.demikv.libos.Endpoint;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@code bin/demikv-echo}: {@code server|client --libos catnap|posix --proto tcp|udp
 * --addr HOST:PORT --size BYTES --iterations N --clients C [--warmup N] [--mss N] [--mtu N] [--config FILE]}.
 * Immutable after parsing.
 */
final class EchoOptions {
    String mode;
    String libos = "catnap";
    String proto = "tcp";
    long addr = Endpoint.parse("127.0.0.1:7777");
    int size = 64;
    long iterations = 100_000;
    int clients = 1;
    long warmup = -1;
    int mss = -1;
    int mtu = -1;
    String config;
    long durationSeconds = -1;

    static final String USAGE = """
            usage: demikv-echo server|client [options]
              --libos catnap|posix|catnip   the libOS (posix = plain blocking Java sockets, the kernel baseline)
              --proto tcp|udp               transport (default tcp)
              --addr HOST:PORT              server address (default 127.0.0.1:7777)
              --size BYTES                  message size, client (default 64)
              --iterations N                round trips in total over all clients (default 100000)
              --clients C                   concurrent connections, closed loop (default 1)
              --warmup N                    round trips per client not recorded (default 10% up to 10000)
              --mss N / --mtu N             TCP MSS / link MTU for user-level stacks (passed to their config)
              --config FILE                 libOS configuration (YAML) for user-level stacks
              --duration S                  server: exit after S seconds (default: run until killed)""";

    static EchoOptions parse(String[] args) {
        EchoOptions o = new EchoOptions();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            if (a.equals("--help")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--libos" -> o.libos = v;
                case "--proto" -> o.proto = v;
                case "--addr" -> o.addr = Endpoint.parse(v);
                case "--size" -> o.size = (int) positive(a, v, 1, 64L << 20);
                case "--iterations" -> o.iterations = positive(a, v, 1, Long.MAX_VALUE);
                case "--clients" -> o.clients = (int) positive(a, v, 1, 10_000);
                case "--warmup" -> o.warmup = positive(a, v, 0, Long.MAX_VALUE);
                case "--mss" -> o.mss = (int) positive(a, v, 536, 65535);
                case "--mtu" -> o.mtu = (int) positive(a, v, 68, 65535);
                case "--config" -> o.config = v;
                case "--duration" -> o.durationSeconds = positive(a, v, 1, Long.MAX_VALUE);
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        if (positional.size() != 1 || !(positional.get(0).equals("server") || positional.get(0).equals("client"))) {
            throw new IllegalArgumentException("say 'server' or 'client'\n" + USAGE);
        }
        o.mode = positional.get(0);
        if (!o.proto.equals("tcp") && !o.proto.equals("udp")) {
            throw new IllegalArgumentException("--proto must be tcp or udp, not '" + o.proto + "'");
        }
        if (o.proto.equals("udp") && o.size > 65507) {
            throw new IllegalArgumentException("--size " + o.size + " exceeds the largest UDP datagram (65507)");
        }
        if (o.clients > o.iterations) {
            throw new IllegalArgumentException("--clients " + o.clients + " exceeds --iterations " + o.iterations);
        }
        return o;
    }

    private static long positive(String name, String v, long min, long max) {
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number, got '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + " " + n + " is out of range (" + min + ".." + max + ")");
        }
        return n;
    }

    long perClientIterations() {
        return Math.max(1, iterations / clients);
    }

    long perClientWarmup() {
        if (warmup >= 0) {
            return warmup;
        }
        return Math.min(perClientIterations() / 10, 10_000);
    }
}
