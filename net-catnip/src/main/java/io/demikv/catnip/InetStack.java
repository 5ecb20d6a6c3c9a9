package io.demikv.catnip;

import io.demikv.catnip.arp.ArpLayer;
import io.demikv.catnip.ethernet.EthernetLayer;
import io.demikv.catnip.icmp.Icmpv4Layer;
import io.demikv.catnip.ipv4.Ipv4Layer;
import io.demikv.catnip.phy.Device;
import io.demikv.catnip.tcp.TcpConfig;
import io.demikv.catnip.tcp.TcpLayer;
import io.demikv.catnip.udp.UdpLayer;
import io.demikv.catnip.wire.Ipv4Packet;
import io.demikv.config.InetStackConfig;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.sched.Poller;
import io.demikv.libos.sched.Timers;

/**
 * The layers of one host wired together, bottom up: {@link Device} → {@link EthernetLayer} → {@link ArpLayer}
 * and {@link Ipv4Layer} → {@link Icmpv4Layer}, {@link UdpLayer} and {@link TcpLayer}.
 * A {@link Poller}: each {@link #poll} receives one burst of frames and runs them up the stack; timers (ARP
 * retries) run on the libOS's {@link Timers}. Time is always passed in; nothing here reads a clock, so the
 * stack runs the same on a virtual clock. {@link Catnip} owns one; tests may reach the layers through the
 * accessors to read counters. Libos thread only.
 */
public final class InetStack implements Poller, AutoCloseable {
    private final Device device;
    private final EthernetLayer ethernet;
    private final ArpLayer arp;
    private final Ipv4Layer ipv4;
    private final Icmpv4Layer icmp;
    private final UdpLayer udp;
    private final TcpLayer tcp;
    private long polls;
    private long emptyPolls;

    /**
     * @param device the link (owned by the stack from now on: closed with it)
     * @param pool   buffers for frames the stack builds
     * @param timers the libOS's timers
     * @param ip     our IPv4 address (as {@link io.demikv.config.Ipv4Address#value()})
     * @param config MTU and ARP settings; the MTU used is the smaller of the config's and the device's
     */
    public InetStack(Device device, BufferPool pool, Timers timers, int ip, InetStackConfig config) {
        this(device, pool, timers, ip, config, TcpConfig.defaults(config));
    }

    /** As above, with TCP's settings ({@link TcpConfig}). */
    public InetStack(Device device, BufferPool pool, Timers timers, int ip, InetStackConfig config,
                     TcpConfig tcpConfig) {
        if (device.macAddress() == 0 || (device.macAddress() >>> 40 & 1) != 0) {
            throw new IllegalArgumentException("the stack needs a unicast MAC address, got "
                    + new io.demikv.config.MacAddress(device.macAddress()) + " (set demikernel.local_link_addr)");
        }
        if (ip == 0 || ip == Ipv4Packet.BROADCAST || (ip >>> 28) == 0xE) {
            throw new IllegalArgumentException("the stack needs a unicast IPv4 address, got "
                    + new io.demikv.config.Ipv4Address(ip) + " (set demikernel.local_ipv4_addr)");
        }
        this.device = device;
        int mtu = Math.min(config.mtu(), device.mtu());
        this.ethernet = new EthernetLayer(device, pool, device.macAddress());
        this.arp = new ArpLayer(ethernet, pool, timers, ip, config);
        this.ipv4 = new Ipv4Layer(arp, pool, ip, mtu);
        this.icmp = new Icmpv4Layer(ipv4, pool);
        this.udp = new UdpLayer(ipv4, pool);
        this.tcp = new TcpLayer(ipv4, pool, timers, tcpConfig);
        ethernet.handlers(arp, ipv4);
        ipv4.register(Ipv4Packet.PROTOCOL_ICMP, icmp);
        ipv4.register(Ipv4Packet.PROTOCOL_UDP, udp);
        ipv4.register(Ipv4Packet.PROTOCOL_TCP, tcp);
    }

    /** Announces our address (gratuitous ARP, RFC 5227 §3). */
    public void start() {
        arp.announce();
        ethernet.flush();
    }

    /**
     * Sends what the application queued since the last pass (its pushes), receives and processes one burst,
     * hands TCP's received data to waiting pops, and sends what that produced (ACKs, replies); returns the frames
     * received plus 1 when it sent anything.
     */
    @Override
    public int poll(long nowNanos) {
        int sent = ethernet.flush();
        int n = ethernet.poll(nowNanos);
        tcp.deliverReadable(nowNanos);
        sent += ethernet.flush();
        polls++;
        if (n == 0) {
            emptyPolls++;
        }
        return sent > 0 ? n + 1 : n;
    }

    /** Receive polls so far (one per scheduler pass). */
    public long polls() {
        return polls;
    }

    /** Of {@link #polls()}, those that found no frame: what an idle stack spends between frames. */
    public long emptyPolls() {
        return emptyPolls;
    }

    public Device device() {
        return device;
    }

    public EthernetLayer ethernet() {
        return ethernet;
    }

    public ArpLayer arp() {
        return arp;
    }

    public Ipv4Layer ipv4() {
        return ipv4;
    }

    public Icmpv4Layer icmp() {
        return icmp;
    }

    public UdpLayer udp() {
        return udp;
    }

    public TcpLayer tcp() {
        return tcp;
    }

    /** Hands every frame the stack has queued to the device (before the libOS sleeps). */
    public void flush() {
        ethernet.flush();
    }

    /** Sends what is queued, forgets every TCP connection, drops packets waiting for ARP and closes the device. */
    @Override
    public void close() {
        ethernet.flush();
        tcp.close();
        arp.close();
        ethernet.flush();
        device.close();
    }
}
