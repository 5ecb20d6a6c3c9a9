package io.demikv.catnip;

import io.demikv.catnip.ffi.ReadyWait;
import io.demikv.catnip.phy.Device;
import io.demikv.catnip.tcp.TcpConfig;
import io.demikv.catnip.tcp.TcpQueue;
import io.demikv.catnip.udp.UdpQueue;
import io.demikv.config.CatnipIdle;
import io.demikv.config.InetStackConfig;
import io.demikv.libos.AbstractLibOS;
import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.IoQueue;
import io.demikv.libos.LibOS;
import io.demikv.libos.WaitPolicy;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.time.ManualClock;
import io.demikv.libos.time.NanoClock;

/**
 * Catnip: the libOS over a user-level Ethernet/ARP/IPv4/ICMP/UDP stack ({@link InetStack}) on a
 * {@link Device}, behind PDPIX. The application's network stack runs in its own process and thread: every
 * {@code wait*} call polls the device and runs the protocols (Demikernel's design).
 *
 * <h2>Use</h2>
 * <pre>{@code
 * BufferPool pool = new BufferPool();
 * Device device = new RawSocketDevice("veth1", 0, pool);          // or TapDevice, an InMemoryLink port
 * try (Catnip catnip = new Catnip(NanoClock.SYSTEM, WaitPolicy.DEFAULT, pool, device,
 *         Ipv4Address.parse("10.0.0.2").value(), InetStackConfig.DEFAULTS)) {
 *     int qd = catnip.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
 *     catnip.bind(qd, Endpoint.parse("10.0.0.2:7"));
 *     long qt = catnip.pop(qd);
 *     ...
 * }
 * }</pre>
 * {@link CatnipProvider} builds one from the YAML configuration ({@code LIBOS=catnip}).
 *
 * <h2>Semantics (beyond {@link LibOS})</h2>
 * <ul>
 *   <li>{@code socket}: {@code AF_INET} only ({@code -EAFNOSUPPORT}); {@code SOCK_DGRAM} gives a
 *       {@link UdpQueue}, {@code SOCK_STREAM} a {@link TcpQueue}.</li>
 *   <li>TCP: see {@link TcpQueue}. A push completes when its bytes are in the connection's send queue, not
 *       when the peer acknowledged them; the queue holds the pushed buffers until then.</li>
 *   <li>UDP: see {@link UdpQueue}. A push completes when its datagram is handed to the device (after ARP
 *       resolution, if needed), not when it arrives anywhere.</li>
 *   <li>The host answers ARP and ICMP echo requests for its address whenever the application waits or
 *       {@link #poll}s.</li>
 *   <li>Frames go to the device in batches (see {@link io.demikv.catnip.ethernet.EthernetLayer}): what a push
 *       produces leaves at the start of the next pass, i.e. when the application next waits or polls, together
 *       with everything else pushed since.</li>
 * </ul>
 *
 * <h2>Idling</h2>
 * A {@code wait} first follows its {@link WaitPolicy}: it polls the device while passes find work, spins and
 * yields for a while when they stop, then asks the libOS to block for the park time (never past the wait's
 * deadline or the next timer's, such as a retransmission or a delayed ACK). What blocking means is the
 * {@link CatnipIdle} ({@code catnip.idle}): {@link CatnipIdle#BLOCK} (the default) sleeps in poll(2) on the
 * device's file descriptor ({@link Device#readyFd()}), so an arriving frame ends the sleep at once and an idle
 * stack leaves its CPU to the kernel and other processes; a device without one naps as {@link CatnipIdle#PARK},
 * which sleeps for the park time whatever arrives; {@link CatnipIdle#SPIN} never sleeps. On a
 * {@link ManualClock} every policy advances virtual time instead. {@link #idleBlocks()} and
 * {@link #deviceWakeups()} count the sleeps.
 *
 * <p>Single-threaded: only the thread that calls {@code wait*} may call it.
 */
public final class Catnip extends AbstractLibOS {
    private final InetStack stack;
    private final CatnipIdle idle;
    private final ReadyWait readyWait;
    private long idleBlocks;
    private long deviceWakeups;
    private boolean shut;

    /**
     * Builds the stack on {@code device} and announces our address (a gratuitous ARP).
     *
     * @param clock      the libOS clock (a {@link io.demikv.libos.time.ManualClock} in tests); the stack gets its
     *                   time from here, through the scheduler
     * @param waitPolicy how {@code wait} idles
     * @param buffers    every buffer of this libOS (frames, pops, pushes); closed with it
     * @param device     the link, owned by Catnip from now on; its MAC is the host's
     * @param ipv4       the host's IPv4 address ({@link io.demikv.config.Ipv4Address#value()})
     * @param config     MTU and ARP settings
     * @throws IllegalArgumentException for a multicast/zero MAC or a non-unicast address
     */
    public Catnip(NanoClock clock, WaitPolicy waitPolicy, BufferPool buffers, Device device, int ipv4,
                  InetStackConfig config) {
        this(clock, waitPolicy, buffers, device, ipv4, config, TcpConfig.defaults(config));
    }

    /** As above, with TCP's settings (socket options, buffers, timer constants; see {@link TcpConfig}). */
    public Catnip(NanoClock clock, WaitPolicy waitPolicy, BufferPool buffers, Device device, int ipv4,
                  InetStackConfig config, TcpConfig tcp) {
        this(clock, waitPolicy, CatnipIdle.BLOCK, buffers, device, ipv4, config, tcp);
    }

    /** As above, idling as {@code idle} says once the wait policy asks to block (see "Idling"). */
    public Catnip(NanoClock clock, WaitPolicy waitPolicy, CatnipIdle idle, BufferPool buffers, Device device,
                  int ipv4, InetStackConfig config, TcpConfig tcp) {
        super(clock, waitPolicy, buffers);
        this.idle = java.util.Objects.requireNonNull(idle, "idle");
        this.stack = new InetStack(device, buffers, scheduler.timers(), ipv4, config, tcp);
        this.readyWait = idle == CatnipIdle.BLOCK && !(clock instanceof ManualClock) ? new ReadyWait() : null;
        scheduler.addPoller(stack);
        stack.start();
    }

    @Override
    public String name() {
        return "catnip";
    }

    /** The protocol layers, for counters and diagnostics. */
    public InetStack stack() {
        return stack;
    }

    /** Our IPv4 address. */
    public int address() {
        return stack.ipv4().address();
    }

    /** What this libOS does when its wait policy asks it to block. */
    public CatnipIdle idle() {
        return idle;
    }

    /** Times an idle wait slept in poll(2) on the device (only {@link CatnipIdle#BLOCK}). */
    public long idleBlocks() {
        return idleBlocks;
    }

    /** Of {@link #idleBlocks()}, those that a frame ended before their time (the device became readable). */
    public long deviceWakeups() {
        return deviceWakeups;
    }

    /**
     * Sends the frames still queued, then sleeps as {@link #idle()} says, at most {@code nanos} (the libOS bounds
     * it by the wait's deadline and the next timer). Not when it sent frames or while a task is runnable: that is
     * work for the next pass.
     */
    @Override
    protected void block(long nanos) {
        if (stack.ethernet().flush() > 0) {
            return; // frames a task queued after the last poll: sent, and that was work
        }
        if (clock instanceof ManualClock || idle == CatnipIdle.PARK) {
            super.block(nanos);
            return;
        }
        if (idle == CatnipIdle.SPIN || scheduler.runnableTasks() > 0) {
            Thread.onSpinWait();
            return;
        }
        int fd = stack.device().readyFd();
        if (fd < 0 || readyWait == null) {
            super.block(nanos);
            return;
        }
        idleBlocks++;
        int rc = readyWait.await(fd, nanos);
        if (rc > 0) {
            deviceWakeups++;
        } else if (rc < 0) {
            // The descriptor is unusable (closed under us): nap, and let the next receive report the error.
            super.block(nanos);
        }
    }

    @Override
    public int socket(int domain, int type, int protocol) {
        if (domain != LibOS.AF_INET) {
            return -Errno.EAFNOSUPPORT;
        }
        if (type == LibOS.SOCK_DGRAM && (protocol == 0 || protocol == 17)) {
            return install(new UdpQueue(this, stack.udp()));
        }
        if (type == LibOS.SOCK_STREAM && (protocol == 0 || protocol == 6)) {
            return install(new TcpQueue(this, stack.tcp(), this::install));
        }
        return -Errno.EPROTONOSUPPORT;
    }

    /** The local address a queue is bound to, or {@link Endpoint#NONE} (unknown qd, or not bound). */
    public long localEndpoint(int qd) {
        IoQueue q = queues.get(qd);
        return q == null ? Endpoint.NONE : q.localEndpoint();
    }

    /** Closes every queue, then the stack and its device, then the buffer pool. */
    @Override
    public void close() {
        if (shut) {
            return;
        }
        shut = true;
        for (IoQueue q : queues.snapshot()) {
            q.close();
            queues.remove(q.qd());
        }
        stack.close();
        if (readyWait != null) {
            readyWait.close();
        }
        super.close();
    }
}
