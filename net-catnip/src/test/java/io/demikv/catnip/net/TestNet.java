package io.demikv.catnip.net;

import io.demikv.catnip.Catnip;
import io.demikv.catnip.phy.Device;
import io.demikv.catnip.phy.FaultInjectingDevice;
import io.demikv.catnip.phy.Faults;
import io.demikv.catnip.phy.InMemoryLink;
import io.demikv.catnip.phy.PcapDevice;
import io.demikv.catnip.phy.PcapWriter;
import io.demikv.config.InetStackConfig;
import io.demikv.config.Ipv4Address;
import io.demikv.config.MacAddress;
import io.demikv.libos.Errno;
import io.demikv.libos.QResult;
import io.demikv.libos.WaitPolicy;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.memory.MemoryProvider;
import io.demikv.libos.sched.Task;
import io.demikv.libos.time.ManualClock;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Several Catnip hosts on one {@link InMemoryLink} and one {@link ManualClock}, all on the test thread
 * (Demikernel's test_helpers). {@link #runUntil} polls every host in turn; when a whole round does no work
 * it jumps the clock to the earliest timer of any host, so ARP timeouts take no real time and happen at
 * exactly their virtual deadline. Every host's frames are captured to pcap through {@link Captures}.
 */
public final class TestNet implements AutoCloseable {
    /** Rounds {@link #runUntil} allows by default. */
    public static final int MAX_ROUNDS = 200_000;
    /** ARP settings for tests: 15 s TTL, 20 ms timeout, 3 retries. */
    public static final InetStackConfig CONFIG = new InetStackConfig(1500, 1460, Map.of(), Duration.ofSeconds(15),
            Duration.ofMillis(20), 3, false, false, false);

    public final ManualClock clock = new ManualClock();
    public final InMemoryLink link = new InMemoryLink();
    private final Captures captures;
    private final List<Host> hosts = new ArrayList<>();

    public TestNet(Captures captures) {
        this.captures = captures;
    }

    /** One host: its libOS and its devices. */
    public static final class Host {
        public final String name;
        public final Catnip catnip;
        public final InMemoryLink.Port port;
        public final FaultInjectingDevice faults;
        public final int ip;
        public final long mac;

        Host(String name, Catnip catnip, InMemoryLink.Port port, FaultInjectingDevice faults, int ip, long mac) {
            this.name = name;
            this.catnip = catnip;
            this.port = port;
            this.faults = faults;
            this.ip = ip;
            this.mac = mac;
        }
    }

    public Host host(String name, String ip, String mac) {
        return host(name, ip, mac, CONFIG, null, 0);
    }

    /** A host; with {@code faults} its transmissions go through a {@link FaultInjectingDevice} seeded {@code seed}. */
    public Host host(String name, String ip, String mac, InetStackConfig config, Faults faults, long seed) {
        BufferPool pool = new BufferPool(MemoryProvider.nativeMemory(), BufferPool.DEFAULT_HEADROOM);
        long m = MacAddress.parse(mac).value();
        InMemoryLink.Port port = link.attach(m, config.mtu(), pool);
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
        Catnip c = new Catnip(clock, WaitPolicy.BLOCKING, pool, device, Ipv4Address.parse(ip).value(), config);
        Host h = new Host(name, c, port, f, Ipv4Address.parse(ip).value(), m);
        hosts.add(h);
        return h;
    }

    /** One round: every host polls once. Returns the work done. */
    public int round() {
        int work = 0;
        for (Host h : hosts) {
            work += h.catnip.poll();
        }
        return work;
    }

    /**
     * Polls all hosts until {@code condition} holds; idle rounds jump the clock to the next timer (or 1 ms
     * when none is set). Fails after {@link #MAX_ROUNDS} rounds or {@code maxVirtualNanos} of virtual time.
     */
    public void runUntil(BooleanSupplier condition, long maxVirtualNanos, String what) {
        long start = clock.nanoTime();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (round() == 0) {
                long next = Long.MAX_VALUE;
                for (Host h : hosts) {
                    next = Math.min(next, h.catnip.scheduler().timers().nextDeadline());
                }
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

    public void runUntil(BooleanSupplier condition, String what) {
        runUntil(condition, 10_000_000_000L, what);
    }

    /** Polls all hosts for {@code nanos} of virtual time, in 1 ms steps (timers fire on time). */
    public void runFor(long nanos) {
        long end = clock.nanoTime() + nanos;
        while (clock.nanoTime() < end) {
            while (round() > 0) {
                // drain
            }
            long next = Long.MAX_VALUE;
            for (Host h : hosts) {
                next = Math.min(next, h.catnip.scheduler().timers().nextDeadline());
            }
            long now = clock.nanoTime();
            clock.set(Math.min(end, next > now ? Math.min(next, now + 1_000_000) : now + 1_000_000));
        }
        while (round() > 0) {
            // drain what the last step started
        }
    }

    /** True once {@code qt} of {@code host} has completed. */
    public static boolean done(Host host, long qt) {
        Task t = host.catnip.scheduler().lookup(qt);
        return t != null && t.isDone();
    }

    /** Runs until {@code qt} completes, then takes its result. */
    public QResult await(Host host, long qt, String what) {
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

    /** Puts raw frame bytes on the link as if sent by a station attached through {@code via}. */
    public static void inject(InMemoryLink.Port via, BufferPool pool, byte[] frame) {
        DemiBuffer b = pool.allocate(frame.length);
        MemorySegment.copy(frame, 0, b.memory(), ValueLayout.JAVA_BYTE, b.offset(), frame.length);
        via.transmit(new DemiBuffer[] {b}, 1);
    }

    public List<Host> hosts() {
        return hosts;
    }

    @Override
    public void close() {
        for (Host h : hosts) {
            h.catnip.close();
        }
    }
}
