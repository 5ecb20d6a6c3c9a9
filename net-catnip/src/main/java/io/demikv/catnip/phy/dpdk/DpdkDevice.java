package io.demikv.catnip.phy.dpdk;

import io.demikv.catnip.phy.Device;
import io.demikv.catnip.phy.dpdk.ffi.Dpdk;
import io.demikv.catnip.phy.dpdk.ffi.PktRecord;
import io.demikv.catnip.phy.dpdk.ffi.ThreadNetns;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.BitSet;
import java.util.List;

/**
 * A {@link Device} on a DPDK ethdev port (one receive and one transmit queue), through FFM and the C shim for
 * DPDK's inline burst and mbuf functions. Runs over any PMD; here the software ones: {@code net_af_packet},
 * {@code net_af_xdp} and {@code net_tap} on veth/TAP interfaces.
 *
 * <h2>Zero copy</h2>
 * <ul>
 *   <li><b>Receive: no copy.</b> Each received mbuf becomes the {@link DemiBuffer} the stack parses and the
 *       application pops ({@link MbufPool}: one buffer per mbuf, made at start-up); releasing its last reference
 *       returns the mbuf to DPDK. Only a packet that spans several mbufs (larger than one mbuf's room) is dropped
 *       and counted ({@link #rxDropped()}), and one from a pool not ours is copied ({@link #rxCopied()}).</li>
 *   <li><b>Transmit: no copy for mbuf memory.</b> A frame whose bytes live in one of our mbufs (an ICMP echo
 *       reply built in the request, a UDP echo of a popped datagram) goes out as that mbuf: its window is set, it
 *       gains a reference for the driver, and the stack keeps its own. Any other frame (from the
 *       {@link BufferPool}'s own memory) is copied once into a fresh mbuf ({@link #txCopied()}), as onto a NIC
 *       without scatter-gather.</li>
 * </ul>
 *
 * <h2>Opening</h2>
 * {@link #open} initialises EAL once per process ({@link Eal}), then finds the port: by device arguments
 * ({@link Settings#devargs}, else the first {@code --vdev} of the EAL arguments), probing the device when it does
 * not exist yet (so a closed vdev can be opened again), or else the first port not already open. The port is
 * configured with all defaults, started, and made promiscuous when the stack's MAC differs from the port's.
 * {@link #close()} stops and closes the port, unplugs a vdev (so the same device arguments can be opened again;
 * not for {@code net_af_xdp} in DPDK 22.11, which keeps the closed port's XDP socket bound until the process
 * exits), and frees the mbuf pool once no buffer over it is held; it does so in the network namespace the port was opened in ({@link ThreadNetns}), whichever thread
 * calls it. Libos thread only (one thread uses a queue at a time, as DPDK requires).
 */
public final class DpdkDevice implements Device {
    /** Frames per burst, as Catnip's receive burst. */
    static final int BURST = 32;
    private static final BitSet OPEN_PORTS = new BitSet();
    private static int poolSequence;

    /**
     * How to open the port.
     *
     * @param devargs       device arguments of the port (e.g. {@code net_af_packet0,iface=veth1}), probed when
     *                      no port of that name exists; null: the first {@code --vdev} of the EAL arguments, or
     *                      else the first free port
     * @param mbufs         mbufs in the pool; {@code net_af_xdp} needs about 8191
     * @param mbufCache     per-lcore mempool cache
     * @param mbufDataRoom  bytes of each mbuf's buffer with its 128-byte headroom (RTE_MBUF_DEFAULT_BUF_SIZE,
     *                      2176, holds a 1500-byte MTU frame)
     * @param rxDescriptors receive ring size (clamped to the driver's limits)
     * @param txDescriptors transmit ring size (clamped to the driver's limits)
     */
    public record Settings(String devargs, int mbufs, int mbufCache, int mbufDataRoom, int rxDescriptors,
                           int txDescriptors) {
        /** 8191 mbufs of 2176 bytes, cache 256, 1024 descriptors each way, port from the EAL arguments. */
        public static final Settings DEFAULTS = new Settings(null, 8191, 256, 2176, 1024, 1024);

        public Settings {
            if (mbufs < 2 * BURST || mbufCache < 0 || mbufCache > 512 || mbufDataRoom < 256 || mbufDataRoom > 65535
                    || rxDescriptors < 1 || rxDescriptors > 65535 || txDescriptors < 1 || txDescriptors > 65535) {
                throw new IllegalArgumentException("bad DPDK settings " + this);
            }
        }

        /** These settings for the device {@code devargs}. */
        public Settings withDevargs(String newDevargs) {
            return new Settings(newDevargs, mbufs, mbufCache, mbufDataRoom, rxDescriptors, txDescriptors);
        }

        /** These settings with {@code count} mbufs. */
        public Settings withMbufs(int count) {
            return new Settings(devargs, count, mbufCache, mbufDataRoom, rxDescriptors, txDescriptors);
        }
    }

    private final int port;
    private final String name;
    /** Frames per rte_eth_tx_burst: {@link #BURST}, or 1 on net_af_xdp (see {@link #transmit}). */
    private final int framesPerBurst;
    /** Where the port was opened: drivers over kernel interfaces must be stopped there too. */
    private final ThreadNetns netns;
    private final boolean unplugOnClose;
    private final MbufPool mbufs;
    private final BufferPool pool;
    private final long mac;
    private final long portMac;
    private final int mtu;
    private final MemorySegment rxPtrs;
    private final MemorySegment rxInfo;
    private final MemorySegment txPtrs;
    private final MemorySegment txInfo;
    private final MemorySegment allocPtrs;
    private final MemorySegment allocInfo;
    /** Per mbuf, the transmit chunk that last sent it without a copy (one window per mbuf per burst). */
    private final int[] txMark;
    private final boolean[] txCopy = new boolean[BURST];
    private int txChunk;
    private boolean closed;

    private long rxPackets;
    private long rxCopied;
    private long rxDropped;
    private long txPackets;
    private long txZeroCopy;
    private long txCopied;
    private long txDropped;

    private DpdkDevice(int port, String name, ThreadNetns netns, boolean unplugOnClose, MbufPool mbufs,
                       BufferPool pool, long mac, long portMac, int mtu) {
        this.port = port;
        this.name = name;
        this.framesPerBurst = name.startsWith("net_af_xdp") ? 1 : BURST;
        this.netns = netns;
        this.unplugOnClose = unplugOnClose;
        this.mbufs = mbufs;
        this.pool = pool;
        this.mac = mac;
        this.portMac = portMac;
        this.mtu = mtu;
        Arena arena = Arena.ofAuto();
        this.rxPtrs = arena.allocate(ValueLayout.ADDRESS, BURST);
        this.rxInfo = arena.allocate((long) PktRecord.BYTES * BURST, 8);
        this.txPtrs = arena.allocate(ValueLayout.ADDRESS, BURST);
        this.txInfo = arena.allocate((long) PktRecord.BYTES * BURST, 8);
        this.allocPtrs = arena.allocate(ValueLayout.ADDRESS, BURST);
        this.allocInfo = arena.allocate((long) PktRecord.BYTES * BURST, 8);
        this.txMark = new int[mbufs.size()];
        java.util.Arrays.fill(txMark, -1);
    }

    /**
     * Initialises EAL with {@code ealArguments} (once per process, see {@link Eal}) and opens a port.
     *
     * @param ealArguments the {@code dpdk.eal_init} list
     * @param mac          the stack's station address, or 0 for the port's own
     * @param pool         the pool the stack allocates from; received frames are buffers of it over mbufs
     * @throws IllegalStateException when the shim is missing, EAL or the port cannot start (with DPDK's reason
     *                               and what to do)
     */
    public static DpdkDevice open(List<String> ealArguments, Settings settings, long mac, BufferPool pool) {
        Eal.init(ealArguments);
        String devargs = settings.devargs() != null ? settings.devargs() : EalArguments.firstVdev(ealArguments);
        return openPort(settings.withDevargs(devargs), mac, pool);
    }

    /**
     * Opens a port in a process whose EAL already runs ({@link Eal#init}): the one named by
     * {@link Settings#devargs} (probed when it does not exist), or with none the first port not open yet.
     *
     * @throws IllegalStateException when EAL does not run, no port is free, or the port cannot start
     */
    public static DpdkDevice openPort(Settings settings, long mac, BufferPool pool) {
        if (!Eal.isInitialised()) {
            throw new IllegalStateException("DPDK's EAL does not run in this process: use DpdkDevice.open(eal_init, ...)");
        }
        String devargs = settings.devargs();
        try (Arena scratch = Arena.ofConfined()) {
            synchronized (OPEN_PORTS) {
                int port;
                String name;
                if (devargs != null) {
                    name = EalArguments.deviceName(devargs);
                    port = Dpdk.portByName(scratch.allocateFrom(name), scratch.allocate(ValueLayout.JAVA_CHAR));
                    if (port < 0) {
                        int rc = Dpdk.devProbe(scratch.allocateFrom(devargs));
                        if (rc < 0) {
                            throw new IllegalStateException("rte_dev_probe(" + devargs + ") failed: " + Dpdk.strerror(rc)
                                    + " (does the interface exist in this network namespace? see DPDK's messages above)");
                        }
                        port = Dpdk.portByName(scratch.allocateFrom(name), scratch.allocate(ValueLayout.JAVA_CHAR));
                        if (port < 0) {
                            throw new IllegalStateException("device " + devargs + " was probed but is no ethdev port");
                        }
                    }
                    if (OPEN_PORTS.get(port)) {
                        throw new IllegalStateException("DPDK port " + port + " (" + name + ") is already open in this "
                                + "process");
                    }
                } else {
                    port = firstFreePort();
                    if (port < 0) {
                        throw new IllegalStateException("no DPDK port is available: give a device in dpdk.eal_init, "
                                + "e.g. --vdev net_af_packet0,iface=veth1 (EAL arguments " + Eal.arguments() + ")");
                    }
                    MemorySegment buf = scratch.allocate(Dpdk.ETH_NAME_MAX);
                    name = Dpdk.nameByPort(port, buf) == 0 ? buf.getString(0) : "port" + port;
                }
                // Virtual devices (net_*) are unplugged on close, so that their device arguments can be probed again.
                DpdkDevice d = start(port, name, name.startsWith("net_"), settings, mac, pool, scratch);
                OPEN_PORTS.set(port);
                return d;
            }
        }
    }

    private static int firstFreePort() {
        for (int p = Dpdk.findNextPort(0); Dpdk.isValidPort(p); p = Dpdk.findNextPort(p + 1)) {
            if (!OPEN_PORTS.get(p)) {
                return p;
            }
        }
        return -1;
    }

    private static DpdkDevice start(int port, String name, boolean vdev, Settings s, long mac, BufferPool pool,
                                    Arena scratch) {
        MbufPool mbufs = null;
        boolean configured = false;
        try {
            int socket = Dpdk.devSocketId(port);
            check(Dpdk.configure(port, 1, 1, scratch.allocate(Dpdk.sizeofEthConf(), 8)), "rte_eth_dev_configure", name);
            configured = true;
            MemorySegment rx = scratch.allocate(ValueLayout.JAVA_CHAR);
            MemorySegment tx = scratch.allocate(ValueLayout.JAVA_CHAR);
            rx.set(ValueLayout.JAVA_CHAR, 0, (char) s.rxDescriptors());
            tx.set(ValueLayout.JAVA_CHAR, 0, (char) s.txDescriptors());
            check(Dpdk.adjustDescriptors(port, rx, tx), "rte_eth_dev_adjust_nb_rx_tx_desc", name);
            String poolName;
            synchronized (OPEN_PORTS) {
                poolName = "demikv_mb" + port + "_" + (poolSequence++);
            }
            mbufs = new MbufPool(poolName, s.mbufs(), s.mbufCache(), s.mbufDataRoom(), socket, pool);
            int rc = Dpdk.rxQueueSetup(port, 0, rx.get(ValueLayout.JAVA_CHAR, 0), socket, mbufs.mempool());
            if (rc < 0 && name.startsWith("net_af_xdp")) {
                throw new IllegalStateException("rte_eth_rx_queue_setup on " + name + " failed: " + Dpdk.strerror(rc)
                        + ": no AF_XDP socket on that interface queue. DPDK 22.11 keeps a closed net_af_xdp port's "
                        + "socket bound until the process exits, so a queue can be opened once per process; also "
                        + "check start_queue/queue_count against the interface's queues (ethtool -l)");
            }
            check(rc, "rte_eth_rx_queue_setup", name);
            check(Dpdk.txQueueSetup(port, 0, tx.get(ValueLayout.JAVA_CHAR, 0), socket), "rte_eth_tx_queue_setup", name);
            check(Dpdk.start(port), "rte_eth_dev_start", name);
            MemorySegment m = scratch.allocate(8);
            check(Dpdk.macAddress(port, m), "rte_eth_macaddr_get", name);
            long own = 0;
            for (int i = 0; i < 6; i++) {
                own = (own << 8) | (m.get(ValueLayout.JAVA_BYTE, i) & 0xFF);
            }
            long station = mac != 0 ? mac : own;
            if (station != own) {
                check(Dpdk.promiscuousEnable(port), "rte_eth_promiscuous_enable", name);
            }
            int portMtu = Dpdk.mtu(port, scratch.allocate(ValueLayout.JAVA_CHAR));
            // One mbuf holds a frame: Ethernet header and a VLAN tag beyond the MTU.
            int roomMtu = s.mbufDataRoom() - mbufs.headroom() - 18;
            int mtu = Math.min(portMtu > 0 ? portMtu : 1500, roomMtu);
            return new DpdkDevice(port, name, ThreadNetns.current(), vdev, mbufs, pool, station, own, mtu);
        } catch (RuntimeException e) {
            if (configured) {
                Dpdk.stop(port);
                Dpdk.close(port);
                if (vdev) {
                    unplug(name);
                }
            }
            if (mbufs != null) {
                mbufs.close();
            }
            throw e;
        }
    }

    private static void check(int rc, String call, String name) {
        if (rc < 0) {
            throw new IllegalStateException(call + " on " + name + " failed: " + Dpdk.strerror(rc) + " (" + rc + ")");
        }
    }

    private static void unplug(String name) {
        try (Arena scratch = Arena.ofConfined()) {
            Dpdk.hotplugRemove(scratch.allocateFrom("vdev"), scratch.allocateFrom(name));
        }
    }

    /** The ethdev port number. */
    public int port() {
        return port;
    }

    /** The port's device name (e.g. {@code net_af_packet0}). */
    public String name() {
        return name;
    }

    /** The port's own MAC (the stack's may differ: then the port is promiscuous). */
    public long portMac() {
        return portMac;
    }

    /** Mbufs in the pool. */
    public int mbufCount() {
        return mbufs.size();
    }

    /** Buffers over this device's mbufs that the stack or the application holds now. */
    public int mbufsHeld() {
        return mbufs.held();
    }

    public long rxPackets() {
        return rxPackets;
    }

    /** Received packets copied out of an mbuf of another pool (normally 0). */
    public long rxCopied() {
        return rxCopied;
    }

    /** Received packets dropped: multi-segment, or no buffer for a copy. */
    public long rxDropped() {
        return rxDropped;
    }

    public long txPackets() {
        return txPackets;
    }

    /** Frames sent as the mbuf they already lived in. */
    public long txZeroCopy() {
        return txZeroCopy;
    }

    /** Frames copied into a fresh mbuf. */
    public long txCopied() {
        return txCopied;
    }

    /** Frames not sent: a full queue, no free mbuf, or larger than an mbuf. */
    public long txDropped() {
        return txDropped;
    }

    @Override
    public int receive(DemiBuffer[] frames, int max) {
        mbufs.flush();
        int n = Math.min(Math.min(max, frames.length), BURST);
        if (n <= 0 || closed) {
            return 0;
        }
        int got = Dpdk.rxBurst(port, 0, rxPtrs, rxInfo, n, mbufs.mempool());
        int k = 0;
        for (int i = 0; i < got; i++) {
            int index = PktRecord.index(rxInfo, i);
            if ((PktRecord.flags(rxInfo, i) & PktRecord.MULTISEG) != 0) {
                rxDropped++;
                mbufs.freeLater(rxPtrs.getAtIndex(ValueLayout.JAVA_LONG, i));
            } else if (index >= 0) {
                frames[k++] = mbufs.claim(index, PktRecord.dataOff(rxInfo, i), PktRecord.dataLen(rxInfo, i));
            } else {
                DemiBuffer copy = copyOut(i);
                mbufs.freeLater(rxPtrs.getAtIndex(ValueLayout.JAVA_LONG, i));
                if (copy == null) {
                    rxDropped++;
                } else {
                    rxCopied++;
                    frames[k++] = copy;
                }
            }
        }
        rxPackets += k;
        mbufs.flush();
        return k;
    }

    /** Copies received record {@code i} (an mbuf of another pool) into a buffer of ours; null when none. */
    @SuppressWarnings("restricted") // the mbuf's data, valid until it is freed after this copy
    private DemiBuffer copyOut(int i) {
        int len = PktRecord.dataLen(rxInfo, i);
        DemiBuffer b = pool.allocate(len);
        if (b != null) {
            MemorySegment src = MemorySegment.ofAddress(PktRecord.bufAddr(rxInfo, i) + PktRecord.dataOff(rxInfo, i))
                    .reinterpret(len);
            MemorySegment.copy(src, 0, b.memory(), b.offset(), len);
        }
        return b;
    }

    @Override
    public int transmit(DemiBuffer[] frames, int count) {
        int sent = 0;
        // net_af_xdp (DPDK 22.11 over a veth in copy mode, kernel 6.18) lost frames when handed several at once:
        // DpdkInteropTest's kernel TCP clients saw 15-19 of our retransmission timeouts in 3 runs of 4 with bursts
        // of up to 32, none in 3 runs one frame per burst (the old behaviour). There each frame is its own burst.
        for (int from = 0; from < count; from += framesPerBurst) {
            sent += transmitChunk(frames, from, Math.min(framesPerBurst, count - from));
        }
        txPackets += sent;
        return sent;
    }

    private int transmitChunk(DemiBuffer[] frames, int from, int n) {
        int chunk = ++txChunk;
        int copies = 0;
        for (int j = 0; j < n; j++) {
            DemiBuffer f = frames[from + j];
            boolean copy = true;
            if (!closed && mbufs.owns(f)) {
                int index = (int) f.root().foreignHandle();
                // The same mbuf twice in one burst would need two windows at once: copy the second.
                if (txMark[index] != chunk) {
                    txMark[index] = chunk;
                    copy = false;
                }
            }
            txCopy[j] = copy;
            if (copy) {
                copies++;
            }
        }
        int allocated = 0;
        if (copies > 0 && !closed) {
            if (Dpdk.allocBulk(mbufs.mempool(), allocPtrs, allocInfo, copies) == 0) {
                allocated = copies;
            }
        }
        int k = 0;
        int a = 0;
        for (int j = 0; j < n; j++) {
            DemiBuffer f = frames[from + j];
            if (!txCopy[j]) {
                int index = (int) f.root().foreignHandle();
                txPtrs.setAtIndex(ValueLayout.JAVA_LONG, k, mbufs.mbuf(index));
                PktRecord.setWindow(txInfo, k, f.offset(), f.length(), PktRecord.RETAIN);
                k++;
                txZeroCopy++;
            } else if (a < allocated) {
                long mbuf = allocPtrs.getAtIndex(ValueLayout.JAVA_LONG, a);
                int index = PktRecord.index(allocInfo, a);
                int off = PktRecord.dataOff(allocInfo, a);
                a++;
                MemorySegment room = mbufs.buffer(index).memory();
                if (f.length() > room.byteSize() - off) {
                    mbufs.freeLater(mbuf);
                    txDropped++;
                    continue;
                }
                MemorySegment.copy(f.memory(), f.offset(), room, off, f.length());
                txPtrs.setAtIndex(ValueLayout.JAVA_LONG, k, mbuf);
                PktRecord.setWindow(txInfo, k, off, f.length(), 0);
                k++;
                txCopied++;
            } else {
                txDropped++;
            }
        }
        int sent = k > 0 ? Dpdk.txBurst(port, 0, txPtrs, txInfo, k) : 0;
        txDropped += k - sent;
        // The driver holds its own references now (RETAIN): the stack's can go.
        for (int j = 0; j < n; j++) {
            frames[from + j].release();
            frames[from + j] = null;
        }
        mbufs.flush();
        return sent;
    }

    @Override
    public long macAddress() {
        return mac;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    /** Stops and closes the port (unplugging a vdev, so that it can be probed again) and frees the pool. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        mbufs.flush();
        boolean done = netns.run(() -> {
            Dpdk.stop(port);
            Dpdk.close(port);
            if (unplugOnClose) {
                unplug(name);
            }
        });
        netns.close();
        if (!done) {
            // Not stopped: its driver may still use the mbufs, so the pool stays too.
            System.err.println("[dpdk] " + name + " not closed: cannot enter network namespace " + netns
                    + " it was opened in");
            return;
        }
        mbufs.close();
        synchronized (OPEN_PORTS) {
            OPEN_PORTS.clear(port);
        }
    }

    @Override
    public String toString() {
        return "DPDK port " + port + " (" + name + "), " + mbufs.size() + " mbufs, mtu " + mtu;
    }
}
