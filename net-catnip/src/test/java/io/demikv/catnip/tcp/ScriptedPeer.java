package io.demikv.catnip.tcp;

import io.demikv.catnip.Catnip;
import io.demikv.catnip.net.Captures;
import io.demikv.catnip.phy.InMemoryLink;
import io.demikv.catnip.phy.PcapDevice;
import io.demikv.catnip.phy.PcapWriter;
import io.demikv.catnip.wire.EthernetFrame;
import io.demikv.catnip.wire.Ipv4Packet;
import io.demikv.catnip.wire.TcpOptions;
import io.demikv.catnip.wire.TcpSegment;
import io.demikv.catnip.wire.WireStatus;
import io.demikv.config.InetStackConfig;
import io.demikv.config.Ipv4Address;
import io.demikv.config.MacAddress;
import io.demikv.libos.Endpoint;
import io.demikv.libos.WaitPolicy;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.memory.MemoryProvider;
import io.demikv.libos.time.ManualClock;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * A packetdrill-style harness: one Catnip host under test on an {@link InMemoryLink}, and a scripted peer that
 * is nothing but a raw port on the same link. The test injects hand-built segments and asserts the exact
 * segments the host emits, written in one compact text form both ways (tcpdump's, as packetdrill uses it):
 * <pre>
 *   S. 0:0(0) ack 1 win 65535 &lt;mss 1460,wscale 5&gt;
 *   P. 1:101(100) ack 1 win 2048
 * </pre>
 * Flags ({@code S F R P} and {@code .} for ACK), {@code start:end(length)}, {@code ack N} when ACK is set,
 * {@code win N} (the raw field), and options in a fixed order ({@code mss}, {@code wscale}, {@code sackOK},
 * {@code TS val V ecr E}). Sequence numbers are relative: the host's to its ISN (learned from its first SYN
 * or SYN-ACK), the peer's to {@link #PEER_ISN}, which sits just below the 2^32 wrap so every script crosses
 * it. Injected data bytes follow a pattern of their sequence number, so the received stream can be checked.
 * Time is a {@link ManualClock}: when the host is idle the clock jumps to its next timer, and every emitted
 * segment is stamped with the time it left, so scripts assert timer values exactly. The host has a static
 * ARP entry for the peer (no ARP exchange in the scripts). Test thread only.
 */
final class ScriptedPeer implements AutoCloseable {
    static final String HOST_IP = "192.168.0.1";
    static final String PEER_IP = "192.168.0.2";
    static final long HOST_MAC = MacAddress.parse("02:00:00:00:01:01").value();
    static final long PEER_MAC = MacAddress.parse("02:00:00:00:01:02").value();
    static final int PEER_ISN = 0xFFFF_FF00;
    static final int PEER_PORT = 40000;

    final ManualClock clock = new ManualClock();
    final Catnip host;
    final InMemoryLink link = new InMemoryLink();
    private final InMemoryLink.Port peer;
    private final BufferPool peerPool = new BufferPool(MemoryProvider.nativeMemory(), BufferPool.DEFAULT_HEADROOM);
    private final ArrayDeque<Emitted> emitted = new ArrayDeque<>();
    private final DemiBuffer[] rx = new DemiBuffer[64];
    private final TcpOptions options = new TcpOptions();
    final int hostIp = Ipv4Address.parse(HOST_IP).value();
    final int peerIp = Ipv4Address.parse(PEER_IP).value();
    /** The host's ISN, once seen. */
    int hostIsn;
    boolean hostIsnKnown;
    /** The port of the host's side of the scripted connection. */
    int hostPort;

    /** One segment the host sent, with the virtual time it left. */
    record Emitted(String text, long atNanos, int dataLength, int windowField, byte[] tcpBytes) {
    }

    ScriptedPeer(Captures captures, TcpConfig tcp) {
        InetStackConfig inet = new InetStackConfig(1500, tcp.mss(),
                Map.of(Ipv4Address.parse(PEER_IP), new MacAddress(PEER_MAC)), Duration.ofSeconds(60),
                Duration.ofMillis(20), 3, false, false, false);
        BufferPool pool = new BufferPool(MemoryProvider.nativeMemory(), BufferPool.DEFAULT_HEADROOM);
        InMemoryLink.Port port = link.attach(HOST_MAC, 1500, pool);
        PcapWriter[] writer = new PcapWriter[1];
        writer[0] = PcapWriter.create(captures.file("host", () -> writer[0].flush()));
        host = new Catnip(clock, WaitPolicy.BLOCKING, pool, new PcapDevice(port, writer[0], clock), hostIp, inet, tcp);
        peer = link.attach(PEER_MAC, 1500, peerPool);
        drain();
        emitted.clear(); // the gratuitous ARP
    }

    long peerEndpoint() {
        return Endpoint.of(peerIp, PEER_PORT);
    }

    long hostEndpoint(int port) {
        return Endpoint.of(hostIp, port);
    }

    // ------------------------------------------------------------------ running the host

    /** One pass of the host, then collects what it sent. Returns the host's work. */
    int step() {
        int work = host.poll();
        drain();
        return work;
    }

    /** Runs the host until it is idle (no time passes). */
    void settle() {
        for (int i = 0; i < 10_000 && step() > 0; i++) {
            // keep going
        }
    }

    /** Jumps the clock to the host's next timer and runs it (no-op when no timer is set). */
    boolean nextTimer() {
        long next = host.scheduler().timers().nextDeadline();
        if (next == Long.MAX_VALUE) {
            return false;
        }
        clock.set(Math.max(next, clock.nanoTime()));
        settle();
        return true;
    }

    /** Runs for {@code nanos} of virtual time, firing timers on time. */
    void runFor(long nanos) {
        long end = clock.nanoTime() + nanos;
        settle();
        while (true) {
            long next = host.scheduler().timers().nextDeadline();
            if (next > end) {
                clock.set(end);
                settle();
                return;
            }
            clock.set(Math.max(next, clock.nanoTime()));
            settle();
        }
    }

    private void drain() {
        int n;
        while ((n = peer.receive(rx, rx.length)) > 0) {
            for (int i = 0; i < n; i++) {
                DemiBuffer b = rx[i];
                rx[i] = null;
                try {
                    Emitted e = parse(b);
                    if (e != null) {
                        emitted.addLast(e);
                    }
                } finally {
                    b.release();
                }
            }
        }
    }

    private Emitted parse(DemiBuffer b) {
        EthernetFrame eth = new EthernetFrame();
        if (eth.wrap(b) != WireStatus.OK || eth.etherType() != EthernetFrame.ETHERTYPE_IPV4) {
            return null;
        }
        Ipv4Packet ip = new Ipv4Packet();
        ip.wrap(b.memory(), b.offset() + EthernetFrame.HEADER_LENGTH, b.length() - EthernetFrame.HEADER_LENGTH);
        if (ip.check() != WireStatus.OK || ip.protocol() != Ipv4Packet.PROTOCOL_TCP) {
            return null;
        }
        TcpSegment tcp = new TcpSegment();
        tcp.wrap(ip.segment(), ip.offset() + ip.headerLength(), ip.payloadLength());
        if (tcp.check() != WireStatus.OK || !tcp.checksumValid(ip.source(), ip.destination())
                || tcp.parseOptions(options) != WireStatus.OK) {
            throw new AssertionError("the host sent a malformed TCP segment");
        }
        int flags = tcp.flags();
        if (!hostIsnKnown && (flags & TcpSegment.SYN) != 0) {
            hostIsn = tcp.sequence();
            hostIsnKnown = true;
            hostPort = tcp.sourcePort();
        }
        int seq = tcp.sequence() - hostIsn;
        int len = tcp.dataLength();
        int ack = tcp.acknowledgment() - PEER_ISN;
        String text = format(flags, seq, len, ack, tcp.window(), options);
        byte[] raw = new byte[tcp.length()];
        java.lang.foreign.MemorySegment.copy(tcp.segment(), ValueLayout.JAVA_BYTE, tcp.offset(), raw, 0, raw.length);
        return new Emitted(text, clock.nanoTime(), len, tcp.window(), raw);
    }

    static String format(int flags, int seq, int len, int ack, int window, TcpOptions o) {
        StringBuilder s = new StringBuilder();
        if ((flags & TcpSegment.SYN) != 0) {
            s.append('S');
        }
        if ((flags & TcpSegment.FIN) != 0) {
            s.append('F');
        }
        if ((flags & TcpSegment.RST) != 0) {
            s.append('R');
        }
        if ((flags & TcpSegment.PSH) != 0) {
            s.append('P');
        }
        if ((flags & TcpSegment.ACK) != 0) {
            s.append('.');
        }
        s.append(' ').append(Integer.toUnsignedString(seq)).append(':')
                .append(Integer.toUnsignedString(seq + len)).append('(').append(len).append(')');
        if ((flags & TcpSegment.ACK) != 0) {
            s.append(" ack ").append(Integer.toUnsignedString(ack));
        }
        s.append(" win ").append(window);
        StringBuilder opts = new StringBuilder();
        if (o.mss() >= 0) {
            opts.append("mss ").append(o.mss());
        }
        if (o.windowScale() >= 0) {
            opts.append(opts.isEmpty() ? "" : ",").append("wscale ").append(o.windowScale());
        }
        if (o.sackPermitted()) {
            opts.append(opts.isEmpty() ? "" : ",").append("sackOK");
        }
        if (o.hasTimestamps()) {
            opts.append(opts.isEmpty() ? "" : ",").append("TS val ").append(Integer.toUnsignedString(o.timestampValue()))
                    .append(" ecr ").append(Integer.toUnsignedString(o.timestampEcho()));
        }
        if (!opts.isEmpty()) {
            s.append(" <").append(opts).append('>');
        }
        return s.toString();
    }

    // ------------------------------------------------------------------ expectations

    /**
     * The next segment the host sends (running it and jumping to its timers until one appears, at most
     * {@code 10 min} of virtual time), which must read {@code expected}. Returns it with its send time.
     */
    Emitted expect(String expected) {
        Emitted e = next(600 * TcpConfig.S);
        if (e == null) {
            throw new AssertionError("expected `" + expected + "`, but the host sent nothing");
        }
        if (!e.text().equals(expected)) {
            throw new AssertionError("expected `" + expected + "`\n     got `" + e.text() + "` at "
                    + e.atNanos() / 1_000_000 + " ms");
        }
        return e;
    }

    /** As {@link #expect}, and the segment must leave exactly {@code delayNanos} after {@code since}. */
    Emitted expectAt(long since, long delayNanos, String expected) {
        Emitted e = expect(expected);
        if (e.atNanos() - since != delayNanos) {
            throw new AssertionError("`" + expected + "` left after " + (e.atNanos() - since) / 1_000_000.0
                    + " ms, expected " + delayNanos / 1_000_000.0 + " ms");
        }
        return e;
    }

    /** The next emitted segment, or null when none comes within {@code maxNanos} of virtual time. */
    Emitted next(long maxNanos) {
        long end = clock.nanoTime() + maxNanos;
        settle();
        while (emitted.isEmpty()) {
            long next = host.scheduler().timers().nextDeadline();
            if (next == Long.MAX_VALUE || next > end) {
                return null;
            }
            clock.set(Math.max(next, clock.nanoTime()));
            settle();
        }
        return emitted.pollFirst();
    }

    /** Asserts the host sends nothing for {@code nanos} of virtual time (timers fire meanwhile). */
    void expectSilenceFor(long nanos) {
        runFor(nanos);
        if (!emitted.isEmpty()) {
            throw new AssertionError("expected silence, got `" + emitted.peekFirst().text() + "`");
        }
    }

    /** Asserts nothing more was sent so far (no time passes). */
    void expectNothingYet() {
        settle();
        if (!emitted.isEmpty()) {
            throw new AssertionError("expected nothing, got `" + emitted.peekFirst().text() + "`");
        }
    }

    // ------------------------------------------------------------------ injection

    /**
     * Injects a segment from the peer, written as {@link ScriptedPeer} describes (e.g.
     * {@code "P. 1:101(100) ack 1 win 65535"} or {@code "S 0:0(0) win 65535 <mss 1460,wscale 7>"}), to the
     * host's {@code port}; then runs the host until idle.
     */
    void inject(String text, int port) {
        String[] parts = text.trim().split(" ", 3);
        String flagText = parts[0];
        int flags = 0;
        for (char c : flagText.toCharArray()) {
            flags |= switch (c) {
                case 'S' -> TcpSegment.SYN;
                case 'F' -> TcpSegment.FIN;
                case 'R' -> TcpSegment.RST;
                case 'P' -> TcpSegment.PSH;
                case '.' -> TcpSegment.ACK;
                default -> throw new IllegalArgumentException("flag " + c + " in " + text);
            };
        }
        String range = parts[1];
        int colon = range.indexOf(':');
        int paren = range.indexOf('(');
        long start = Long.parseLong(range.substring(0, colon));
        int len = Integer.parseInt(range.substring(paren + 1, range.indexOf(')')));
        String rest = parts.length > 2 ? parts[2] : "";
        long ack = 0;
        int window = 65535;
        TcpOptions o = new TcpOptions();
        int lt = rest.indexOf('<');
        String fields = lt >= 0 ? rest.substring(0, lt) : rest;
        String[] f = fields.trim().isEmpty() ? new String[0] : fields.trim().split("\\s+");
        for (int i = 0; i + 1 < f.length; i += 2) {
            switch (f[i]) {
                case "ack" -> ack = Long.parseLong(f[i + 1]);
                case "win" -> window = Integer.parseInt(f[i + 1]);
                default -> throw new IllegalArgumentException("field " + f[i] + " in " + text);
            }
        }
        if (lt >= 0) {
            for (String opt : rest.substring(lt + 1, rest.indexOf('>')).split(",")) {
                String[] kv = opt.trim().split(" ");
                switch (kv[0]) {
                    case "mss" -> o.mss(Integer.parseInt(kv[1]));
                    case "wscale" -> o.windowScale(Integer.parseInt(kv[1]));
                    case "sackOK" -> o.sackPermitted(true);
                    case "TS" -> o.timestamps((int) Long.parseLong(kv[2]), (int) Long.parseLong(kv[4]));
                    default -> throw new IllegalArgumentException("option " + kv[0] + " in " + text);
                }
            }
        }
        int seq = PEER_ISN + (int) start;
        int ackAbs = hostIsn + (int) ack;
        byte[] data = new byte[len];
        for (int i = 0; i < len; i++) {
            data[i] = patternByte((int) start + i);
        }
        send(flags, seq, ackAbs, window, o, data, port);
        settle();
    }

    /** Injects a segment with absolute numbers and raw fields (for fuzzing), then runs the host until idle. */
    void injectRaw(int flags, int seq, int ack, int window, TcpOptions o, byte[] data, int port) {
        send(flags, seq, ack, window, o, data, port);
        settle();
    }

    /** Forgets what the host sent so far; returns how many segments that was. */
    int discardEmitted() {
        settle();
        int n = emitted.size();
        emitted.clear();
        return n;
    }

    /** The byte the peer sends at relative sequence number {@code relSeq} (data starts at 1). */
    static byte patternByte(int relSeq) {
        return (byte) (relSeq * 7 + 3);
    }

    private void send(int flags, int seq, int ack, int window, TcpOptions o, byte[] data, int port) {
        int optionBytes = o.encodedLength();
        int tcpLength = TcpSegment.HEADER_LENGTH + optionBytes + data.length;
        int frameLength = EthernetFrame.HEADER_LENGTH + Ipv4Packet.HEADER_LENGTH + tcpLength;
        DemiBuffer b = peerPool.allocate(frameLength);
        EthernetFrame eth = new EthernetFrame();
        eth.wrap(b);
        eth.write(HOST_MAC, PEER_MAC, EthernetFrame.ETHERTYPE_IPV4);
        Ipv4Packet ip = new Ipv4Packet();
        ip.wrap(b.memory(), b.offset() + EthernetFrame.HEADER_LENGTH, Ipv4Packet.HEADER_LENGTH + tcpLength);
        ip.write(Ipv4Packet.HEADER_LENGTH + tcpLength, 1, Ipv4Packet.FLAG_DF, 64, Ipv4Packet.PROTOCOL_TCP, peerIp, hostIp);
        long tcpAt = b.offset() + EthernetFrame.HEADER_LENGTH + Ipv4Packet.HEADER_LENGTH;
        TcpSegment tcp = new TcpSegment();
        tcp.wrap(b.memory(), tcpAt, tcpLength);
        tcp.write(PEER_PORT, port, seq, ack, TcpSegment.HEADER_LENGTH + optionBytes, flags, window, 0);
        o.write(b.memory(), tcpAt + TcpSegment.HEADER_LENGTH);
        java.lang.foreign.MemorySegment.copy(data, 0, b.memory(), ValueLayout.JAVA_BYTE,
                tcpAt + TcpSegment.HEADER_LENGTH + optionBytes, data.length);
        tcp.fillChecksum(peerIp, hostIp);
        peer.transmit(new DemiBuffer[] {b}, 1);
    }

    @Override
    public void close() {
        host.close();
        peer.close();
        peerPool.close();
    }
}
