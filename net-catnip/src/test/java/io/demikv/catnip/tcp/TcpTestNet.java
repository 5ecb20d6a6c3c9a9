package io.demikv.catnip.tcp;

import io.demikv.catnip.Catnip;
import io.demikv.catnip.net.Captures;
import io.demikv.catnip.phy.Device;
import io.demikv.catnip.phy.FaultInjectingDevice;
import io.demikv.catnip.phy.Faults;
import io.demikv.catnip.phy.InMemoryLink;
import io.demikv.catnip.phy.PcapDevice;
import io.demikv.catnip.phy.PcapWriter;
import io.demikv.config.InetStackConfig;
import io.demikv.config.Ipv4Address;
import io.demikv.config.MacAddress;
import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.LibOS;
import io.demikv.libos.QResult;
import io.demikv.libos.WaitPolicy;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.MemoryProvider;
import io.demikv.libos.sched.Task;
import io.demikv.libos.time.ManualClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Catnip hosts with TCP on one {@link InMemoryLink} and one {@link ManualClock} (as the UDP tests'
 * {@code TestNet}, with a {@link TcpConfig} per host). {@link #runUntil} polls every host in turn and, when a
 * whole round does no work, jumps the clock to the earliest timer of any host: retransmission timeouts,
 * delayed ACKs and TIME-WAIT take no real time and fire at exactly their virtual deadline. Every host's frames
 * go to a pcap file kept only when the test fails ({@link Captures}).
 */
final class TcpTestNet implements AutoCloseable {
    static final InetStackConfig INET = new InetStackConfig(1500, 1460, Map.of(), Duration.ofSeconds(60),
            Duration.ofMillis(20), 3, false, false, false);
    /** Test TCP settings: RFC defaults but a fixed ISN key, 1 s TIME-WAIT and 5 s FIN-WAIT-2. */
    static final TcpConfig TCP = TcpConfig.defaults(INET).withIsnKey(1, 2)
            .withTimers(40 * TcpConfig.MS, TcpConfig.S, 5 * TcpConfig.S);

    final ManualClock clock = new ManualClock();
    final InMemoryLink link = new InMemoryLink();
    private final Captures captures;
    private final List<Host> hosts = new ArrayList<>();
    long maxRounds = 5_000_000;

    TcpTestNet(Captures captures) {
        this.captures = captures;
    }

    static final class Host {
        final String name;
        final Catnip catnip;
        final FaultInjectingDevice faults;
        final int ip;

        Host(String name, Catnip catnip, FaultInjectingDevice faults, int ip) {
            this.name = name;
            this.catnip = catnip;
            this.faults = faults;
            this.ip = ip;
        }

        TcpLayer tcp() {
            return catnip.stack().tcp();
        }

        long endpoint(int port) {
            return Endpoint.of(ip, port);
        }
    }

    Host host(String name, String ip, String mac, TcpConfig tcp) {
        return host(name, ip, mac, INET, tcp, null, 0);
    }

    Host host(String name, String ip, String mac, InetStackConfig inet, TcpConfig tcp, Faults faults, long seed) {
        BufferPool pool = new BufferPool(MemoryProvider.nativeMemory(), BufferPool.DEFAULT_HEADROOM);
        InMemoryLink.Port port = link.attach(MacAddress.parse(mac).value(), inet.mtu(), pool);
        Device device = port;
        FaultInjectingDevice f = null;
        if (faults != null) {
            f = new FaultInjectingDevice(port, faults, seed, pool);
            device = f;
            captures.note(name + " fault seed " + seed + " " + faults);
        }
        PcapWriter[] writer = new PcapWriter[1];
        writer[0] = PcapWriter.create(captures.file(name, () -> writer[0].flush()));
        device = new PcapDevice(device, writer[0], clock);
        int address = Ipv4Address.parse(ip).value();
        Catnip c = new Catnip(clock, WaitPolicy.BLOCKING, pool, device, address, inet, tcp);
        Host h = new Host(name, c, f, address);
        hosts.add(h);
        return h;
    }

    int round() {
        int work = 0;
        for (Host h : hosts) {
            work += h.catnip.poll();
        }
        return work;
    }

    /** The earliest timer of any host, or {@link Long#MAX_VALUE}. */
    long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Host h : hosts) {
            next = Math.min(next, h.catnip.scheduler().timers().nextDeadline());
        }
        return next;
    }

    /**
     * Polls until {@code condition} holds; an idle round jumps the clock to the next timer (1 ms when none).
     * Fails after {@code maxVirtualNanos} of virtual time or {@link #maxRounds} rounds.
     */
    void runUntil(BooleanSupplier condition, long maxVirtualNanos, String what) {
        long start = clock.nanoTime();
        for (long round = 0; round < maxRounds; round++) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (round() == 0) {
                long next = nextDeadline();
                long now = clock.nanoTime();
                clock.set(next == Long.MAX_VALUE || next <= now ? now + 1_000_000 : next);
            }
            if (clock.nanoTime() - start > maxVirtualNanos) {
                break;
            }
        }
        if (condition.getAsBoolean()) {
            return;
        }
        throw new AssertionError("still not true after " + (clock.nanoTime() - start) / 1_000_000
                + " ms of virtual time: " + what);
    }

    void runUntil(BooleanSupplier condition, String what) {
        runUntil(condition, 600 * TcpConfig.S, what);
    }

    /** Polls for {@code nanos} of virtual time; timers fire on time. */
    void runFor(long nanos) {
        long end = clock.nanoTime() + nanos;
        while (true) {
            while (round() > 0) {
                // drain
            }
            long now = clock.nanoTime();
            if (now >= end) {
                return;
            }
            long next = nextDeadline();
            clock.set(Math.min(end, next > now ? next : now + 1_000_000));
        }
    }

    static boolean done(Host host, long qt) {
        Task t = host.catnip.scheduler().lookup(qt);
        return t != null && t.isDone();
    }

    QResult await(Host host, long qt, String what) {
        if (qt < 0) {
            throw new AssertionError(what + ": refused with " + Errno.name((int) qt));
        }
        runUntil(() -> done(host, qt), what);
        QResult r = new QResult();
        int rc = host.catnip.scheduler().take(qt, r);
        if (rc != 0) {
            throw new AssertionError(what + ": take failed " + Errno.name(rc));
        }
        return r;
    }

    /** A stream socket bound to {@code port} and listening. */
    static int listen(Host h, int port) {
        int qd = h.catnip.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        if (qd < 0 || h.catnip.bind(qd, Endpoint.of(0, port)) != 0 || h.catnip.listen(qd, 16) != 0) {
            throw new AssertionError("listen on " + port + " failed");
        }
        return qd;
    }

    List<Host> hosts() {
        return hosts;
    }

    @Override
    public void close() {
        for (Host h : hosts) {
            h.catnip.close();
        }
    }
}
