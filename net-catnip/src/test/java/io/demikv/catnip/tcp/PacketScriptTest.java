package io.demikv.catnip.tcp;

import io.demikv.catnip.net.Captures;
import io.demikv.libos.Errno;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.sched.Task;
import io.demikv.libos.testkit.LibOsTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scripted exchanges (packetdrill style, {@link ScriptedPeer}): segments in, exact segments out, on a virtual
 * clock. Timestamps are off so the windows and options read plainly; RTO bounds are RFC 6298's (1 s).
 */
class PacketScriptTest {
    static final int PORT = 8080;
    static final long S = TcpConfig.S;
    static final long MS = TcpConfig.MS;
    static final TcpConfig CONFIG = TcpConfig.defaults(TcpTestNet.INET).withIsnKey(5, 6).withOptions(true, false)
            .withRetries(3, 2, 4).withTimers(40 * MS, 2 * S, 10 * S);

    @RegisterExtension
    final Captures captures = new Captures();
    ScriptedPeer p;

    @AfterEach
    void close() {
        if (p != null) {
            p.close();
        }
    }

    ScriptedPeer peer(TcpConfig config) {
        p = new ScriptedPeer(captures, config);
        return p;
    }

    QResult result(long qt) {
        p.settle();
        Task t = p.host.scheduler().lookup(qt);
        assertTrue(t != null && t.isDone(), "operation " + qt + " has not completed");
        QResult r = new QResult();
        assertEquals(0, p.host.scheduler().take(qt, r));
        return r;
    }

    boolean pending(long qt) {
        p.settle();
        Task t = p.host.scheduler().lookup(qt);
        return t != null && t.isPending();
    }

    int listen() {
        int qd = p.host.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        assertEquals(0, p.host.bind(qd, p.hostEndpoint(PORT)));
        assertEquals(0, p.host.listen(qd, 8));
        return qd;
    }

    /**
     * A passive open without window scaling on the peer's side (so our 1 MiB buffer shows as 65535 and windows
     * read plainly); returns the accepted qd.
     */
    int established() {
        return established(65535);
    }

    int established(int synAckWindow) {
        int listener = listen();
        long accept = p.host.accept(listener);
        p.inject("S 0:0(0) win 65535 <mss 1460>", PORT);
        p.expect("S. 0:0(0) ack 1 win " + synAckWindow + " <mss 1460>");
        p.inject(". 1:1(0) ack 1 win 65535", PORT);
        QResult r = result(accept);
        assertEquals(Opcode.ACCEPT, r.opcode(), r.toString());
        assertEquals(p.peerEndpoint(), r.peer());
        return r.newQd();
    }

    ControlBlock connection() {
        return p.host.stack().tcp().connection(p.peerIp, ScriptedPeer.PEER_PORT, p.hostPort);
    }

    void push(int qd, int bytes) {
        long qt = p.host.push(qd, LibOsTestKit.sga(p.host, new byte[bytes]));
        QResult r = result(qt);
        assertEquals(Opcode.PUSH, r.opcode(), "push completes once queued: " + r);
        p.host.sgaFree(r.sga());
    }

    // ------------------------------------------------------------------ handshakes

    @Test
    void passiveOpenNegotiatesMssAndWindowScale() {
        peer(CONFIG);
        int listener = listen();
        long accept = p.host.accept(listener);
        p.inject("S 0:0(0) win 65535 <mss 1000,wscale 7>", PORT);
        // RFC 7323 §2.2: the SYN-ACK's window is never scaled; our shift fits the 1 MiB buffer in 16 bits.
        p.expect("S. 0:0(0) ack 1 win 65535 <mss 1460,wscale 5>");
        assertTrue(pending(accept), "not accepted before the handshake completes");
        p.inject(". 1:1(0) ack 1 win 512", PORT);
        QResult r = result(accept);
        assertEquals(Opcode.ACCEPT, r.opcode());
        ControlBlock cb = connection();
        assertEquals(65536, cb.sender().window(), "512 << 7");
        assertEquals(1000, cb.sender().mss(), "the peer's MSS bounds our segments");
        // 3000 bytes: 3 segments of the peer's MSS; the initial window (RFC 5681: 4 segments of 1000) allows all.
        push(r.newQd(), 3000);
        p.expect(". 1:1001(1000) ack 1 win 32768");
        p.expect(". 1001:2001(1000) ack 1 win 32768");
        p.expect("P. 2001:3001(1000) ack 1 win 32768");
    }

    @Test
    void synAckGoldenBytes() {
        peer(CONFIG);
        listen();
        p.inject("S 0:0(0) win 65535 <mss 1460>", PORT);
        ScriptedPeer.Emitted synAck = p.expect("S. 0:0(0) ack 1 win 65535 <mss 1460>");
        // ports 8080 -> 40000 | ISN (RFC 6528 for key (5, 6), this 4-tuple, t = 1 s) | ACK = peer ISN + 1 |
        // offset 6 words | SYN+ACK | window 65535 | checksum (pseudo-header included) | urgent 0 | MSS 1460
        assertEquals("1f90" + "9c40" + "25608a0a" + "ffffff01" + "60" + "12" + "ffff" + "ac85" + "0000" + "020405b4",
                java.util.HexFormat.of().formatHex(synAck.tcpBytes()));
    }

    @Test
    void activeOpenWithoutPeerOptionsFallsBackToDefaults() {
        peer(CONFIG);
        int qd = p.host.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        long connect = p.host.connect(qd, p.peerEndpoint());
        p.expect("S 0:0(0) win 65535 <mss 1460,wscale 5>");
        p.inject("S. 0:0(0) ack 1 win 8000", p.hostPort);
        p.expect(". 1:1(0) ack 1 win 65535");
        QResult r = result(connect);
        assertEquals(Opcode.CONNECT, r.opcode(), r.toString());
        ControlBlock cb = connection();
        assertEquals(536, cb.sender().mss(), "RFC 9293 §3.7.1: no MSS option means 536");
        assertEquals(0, cb.receiver().shift(), "no scaling unless both offer it");
        assertEquals(8000, cb.sender().window());
    }

    @Test
    void simultaneousOpenGoesThroughSynReceived() {
        peer(CONFIG);
        int qd = p.host.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        long connect = p.host.connect(qd, p.peerEndpoint());
        p.expect("S 0:0(0) win 65535 <mss 1460,wscale 5>");
        p.inject("S 0:0(0) win 65535 <mss 1460>", p.hostPort); // the peer's SYN crosses ours
        p.expect("S. 0:0(0) ack 1 win 65535 <mss 1460>");
        assertEquals(TcpState.SYN_RCVD, connection().state());
        p.inject("S. 0:0(0) ack 1 win 65535 <mss 1460>", p.hostPort);
        // Its SYN is old news now (RFC 9293 §3.10.7.4 first check): answered with an ACK, not processed.
        p.expect(". 1:1(0) ack 1 win 65535");
        p.inject(". 1:1(0) ack 1 win 65535", p.hostPort);
        assertEquals(Opcode.CONNECT, result(connect).opcode());
        assertEquals(TcpState.ESTABLISHED, connection().state());
    }

    @Test
    void retransmitsTheSynWithExponentialBackoffThenTimesOut() {
        peer(CONFIG);
        int qd = p.host.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        long connect = p.host.connect(qd, p.peerEndpoint());
        String syn = "S 0:0(0) win 65535 <mss 1460,wscale 5>";
        long t0 = p.expect(syn).atNanos();
        long t1 = p.expectAt(t0, S, syn).atNanos();       // RFC 6298 §2.1: 1 s
        long t2 = p.expectAt(t1, 2 * S, syn).atNanos();   // §5.5: doubled
        long t3 = p.expectAt(t2, 4 * S, syn).atNanos();
        assertNull(p.next(7 * S), "three retries, then nothing");
        assertEquals(t3, p.clock.nanoTime());
        p.runFor(8 * S - 1);
        assertTrue(pending(connect), "the last SYN gets its full (doubled) timeout");
        p.runFor(1);
        QResult r = result(connect);
        assertEquals(Errno.ETIMEDOUT, r.errno(), r.toString());
        assertNull(connection());
    }

    @Test
    void retransmitsTheSynAckThenForgetsTheHalfOpenConnection() {
        peer(CONFIG);
        int listener = listen();
        long accept = p.host.accept(listener);
        p.inject("S 0:0(0) win 65535 <mss 1460>", PORT);
        long t0 = p.expect("S. 0:0(0) ack 1 win 65535 <mss 1460>").atNanos();
        long t1 = p.expectAt(t0, S, "S. 0:0(0) ack 1 win 65535 <mss 1460>").atNanos();
        p.expectAt(t1, 2 * S, "S. 0:0(0) ack 1 win 65535 <mss 1460>");
        p.runFor(5 * S);
        assertNull(connection(), "two retries, then the SYN queue forgets it");
        assertEquals(0, p.host.stack().tcp().listener(PORT).halfOpen());
        assertTrue(pending(accept));
    }

    @Test
    void duplicateSynInSynReceivedGetsTheSynAckAgain() {
        peer(CONFIG);
        listen();
        p.inject("S 0:0(0) win 65535 <mss 1460>", PORT);
        p.expect("S. 0:0(0) ack 1 win 65535 <mss 1460>");
        p.inject("S 0:0(0) win 65535 <mss 1460>", PORT);
        p.expect("S. 0:0(0) ack 1 win 65535 <mss 1460>");
        assertEquals(1, p.host.stack().tcp().listener(PORT).halfOpen());
    }

    // ------------------------------------------------------------------ resets

    @Test
    void resetInSynSentRefusesTheConnectOnlyWithAnAcceptableAck() {
        peer(CONFIG);
        int qd = p.host.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        long connect = p.host.connect(qd, p.peerEndpoint());
        p.expect("S 0:0(0) win 65535 <mss 1460,wscale 5>");
        p.inject("R. 0:0(0) ack 7 win 0", p.hostPort); // does not acknowledge our SYN: ignored
        assertTrue(pending(connect));
        p.inject("R. 0:0(0) ack 1 win 0", p.hostPort);
        QResult r = result(connect);
        assertEquals(Errno.ECONNREFUSED, r.errno());
        p.expectNothingYet();
        assertNull(connection());
        // connect(2) leaves the socket usable: it may try again.
        assertTrue(p.host.connect(qd, p.peerEndpoint()) > 0);
    }

    @Test
    void ackInSynSentForSomethingElseIsAnsweredWithAReset() {
        peer(CONFIG);
        int qd = p.host.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        long connect = p.host.connect(qd, p.peerEndpoint());
        p.expect("S 0:0(0) win 65535 <mss 1460,wscale 5>");
        p.inject(". 0:0(0) ack 50 win 0", p.hostPort);
        p.expect("R 50:50(0) win 0");
        assertTrue(pending(connect));
    }

    @Test
    void resetInSynReceivedReturnsToListen() {
        peer(CONFIG);
        int listener = listen();
        long accept = p.host.accept(listener);
        p.inject("S 0:0(0) win 65535 <mss 1460>", PORT);
        p.expect("S. 0:0(0) ack 1 win 65535 <mss 1460>");
        p.inject("R 1:1(0) win 0", PORT);
        p.expectNothingYet();
        assertNull(connection());
        assertTrue(pending(accept), "the listener goes on");
        p.inject("S 0:0(0) win 65535 <mss 1460>", PORT);
        p.expect("S. 0:0(0) ack 1 win 65535 <mss 1460>");
    }

    @Test
    void resetInEstablishedFailsPopsButOnlyWithTheExactSequenceNumber() {
        peer(CONFIG);
        int qd = established();
        long pop = p.host.pop(qd);
        // RFC 5961 §3.2: in the window but not RCV.NXT: a challenge ACK, the connection stays.
        p.inject("R 500:500(0) win 0", PORT);
        p.expect(". 1:1(0) ack 1 win 65535");
        assertTrue(pending(pop));
        // Outside the window: silently dropped.
        p.inject("R 100000:100000(0) win 0", PORT);
        p.expectNothingYet();
        p.inject("R 1:1(0) win 0", PORT);
        QResult r = result(pop);
        assertEquals(Errno.ECONNRESET, r.errno(), r.toString());
        assertNull(connection());
        long push = p.host.push(qd, LibOsTestKit.sga(p.host, "late"));
        assertEquals(Errno.ECONNRESET, result(push).errno());
    }

    @Test
    void segmentsForNoConnectionGetResetsPerRfc9293() {
        peer(CONFIG);
        p.inject("S 0:0(0) win 65535", 9);
        p.expect("R. 0:0(0) ack 1 win 0"); // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
        p.inject("P. 1:11(10) ack 77 win 65535", 9);
        p.expect("R 77:77(0) win 0");      // <SEQ=SEG.ACK><CTL=RST>
        p.inject("R 1:1(0) win 0", 9);
        p.expectNothingYet();              // never a reset for a reset
    }

    @Test
    void synInEstablishedGetsAChallengeAck() {
        peer(CONFIG);
        established();
        p.inject("S 1000:1000(0) win 65535 <mss 1460>", PORT);
        p.expect(". 1:1(0) ack 1 win 65535"); // RFC 5961 §4.2
        assertEquals(TcpState.ESTABLISHED, connection().state());
    }

    // ------------------------------------------------------------------ data and retransmission

    @Test
    void retransmitsOldestSegmentAfterRtoWithBackoff() {
        peer(CONFIG);
        int qd = established();
        push(qd, 100);
        long t0 = p.expect("P. 1:101(100) ack 1 win 65535").atNanos();
        long t1 = p.expectAt(t0, S, "P. 1:101(100) ack 1 win 65535").atNanos();
        long t2 = p.expectAt(t1, 2 * S, "P. 1:101(100) ack 1 win 65535").atNanos();
        p.inject(". 1:1(0) ack 101 win 65535", PORT);
        p.expectSilenceFor(30 * S);
        ControlBlock cb = connection();
        assertEquals(2, cb.retransmitter().retransmits());
        assertEquals(0, cb.retransmitter().retries(), "progress resets the retry count");
        assertEquals(S, cb.retransmitter().rto(), "progress undoes the backoff");
        assertTrue(t2 > t1);
    }

    @Test
    void pushCompletesWhenQueuedAndTheQueueKeepsTheBytesAfterTheArrayIsFreed() {
        peer(CONFIG);
        int qd = established();
        byte[] data = new byte[2000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 13);
        }
        io.demikv.libos.Sga sga = LibOsTestKit.sga(p.host, data);
        long qt = p.host.push(qd, sga);
        QResult r = result(qt); // before any ACK: the push completes once its bytes are queued
        assertEquals(Opcode.PUSH, r.opcode());
        assertEquals(2000, r.value());
        assertEquals(2000, connection().sender().queue().bytes(), "held until acknowledged");
        assertEquals(0, p.host.sgaFree(sga), "the array is the application's again");
        p.expect(". 1:1461(1460) ack 1 win 65535");
        p.expect("P. 1461:2001(540) ack 1 win 65535");
        ScriptedPeer.Emitted again = p.expect(". 1:1461(1460) ack 1 win 65535"); // after the RTO
        byte[] tcp = again.tcpBytes();
        for (int i = 0; i < 1460; i++) {
            assertEquals(data[i], tcp[20 + i], "the retransmission carries the pushed bytes, byte " + i);
        }
        p.inject(". 1:1(0) ack 2001 win 65535", PORT);
        assertEquals(0, connection().sender().queue().bytes());
    }

    @Test
    void abortsWithEtimedoutAfterTheDataRetries() {
        peer(CONFIG);
        int qd = established();
        long pop = p.host.pop(qd);
        push(qd, 10);
        String seg = "P. 1:11(10) ack 1 win 65535";
        long t = p.expect(seg).atNanos();
        long delay = S;
        for (int i = 0; i < CONFIG.dataRetries(); i++) {
            t = p.expectAt(t, delay, seg).atNanos();
            delay *= 2;
        }
        p.expectAt(t, delay, "R. 11:11(0) ack 1 win 0");
        assertEquals(Errno.ETIMEDOUT, result(pop).errno());
    }

    @Test
    void delaysTheAckOfOneSegmentAndAcksEverySecondFullSegmentAtOnce() {
        peer(CONFIG);
        established();
        p.inject("P. 1:101(100) ack 1 win 65535", PORT);
        p.expectNothingYet();
        long at = p.clock.nanoTime();
        p.expectAt(at, 40 * MS, ". 1:1(0) ack 101 win 65535"); // 1 MiB buffer, unscaled: 65535 // RFC 1122 §4.2.3.2: delayed, under 500 ms
        p.inject(". 101:1561(1460) ack 1 win 65535", PORT);
        p.expectNothingYet();
        p.inject(". 1561:3021(1460) ack 1 win 65535", PORT);
        p.expect(". 1:1(0) ack 3021 win 65535"); // the second full segment: at once (RFC 5681 §4.2)
    }

    @Test
    void reassemblesOutOfOrderSegmentsAndAcksImmediately() {
        peer(CONFIG);
        int qd = established();
        p.inject("P. 201:301(100) ack 1 win 65535", PORT);
        p.expect(". 1:1(0) ack 1 win 65535");   // RFC 5681 §4.2: an immediate duplicate ACK
        p.inject("P. 101:201(100) ack 1 win 65535", PORT);
        p.expect(". 1:1(0) ack 1 win 65535");
        p.inject("P. 1:101(100) ack 1 win 65535", PORT);
        p.expect(". 1:1(0) ack 301 win 65535"); // the hole filled: at once, everything acknowledged
        QResult r = result(p.host.pop(qd));
        byte[] got = LibOsTestKit.bytes(r.sga());
        assertEquals(300, got.length);
        for (int i = 0; i < got.length; i++) {
            assertEquals(ScriptedPeer.patternByte(1 + i), got[i], "byte " + i);
        }
        p.host.sgaFree(r.sga());
    }

    @Test
    void fastRetransmitAfterThreeDuplicateAcks() {
        peer(CONFIG.withCongestionControl(io.demikv.config.CongestionControl.NEWRENO, true));
        int qd = established();
        push(qd, 14600);
        p.expect(". 1:1461(1460) ack 1 win 65535");
        p.expect(". 1461:2921(1460) ack 1 win 65535");
        p.expect(". 2921:4381(1460) ack 1 win 65535"); // the initial window: 3 segments (RFC 5681 §3.1)
        p.expectNothingYet();
        p.inject(". 1:1(0) ack 1461 win 65535", PORT);
        p.expect(". 4381:5841(1460) ack 1 win 65535"); // slow start: cwnd 4 segments
        p.expect(". 5841:7301(1460) ack 1 win 65535");
        p.inject(". 1:1(0) ack 1461 win 65535", PORT);
        p.inject(". 1:1(0) ack 1461 win 65535", PORT);
        p.expectNothingYet();
        p.inject(". 1:1(0) ack 1461 win 65535", PORT);
        p.expect(". 1461:2921(1460) ack 1 win 65535"); // the third duplicate: fast retransmit
        // cwnd = ssthresh + 3 MSS = 2920 + 4380 covers one more segment of new data (RFC 6582 §3.2 step 3).
        p.expect(". 7301:8761(1460) ack 1 win 65535");
        ControlBlock cb = connection();
        assertTrue(cb.retransmitter().inRecovery());
        assertEquals(2920, cb.retransmitter().congestion().ssthresh(), "half the flight of 5840");
        // A partial ACK retransmits the next hole at once (RFC 6582 §3.2 step 5).
        p.inject(". 1:1(0) ack 2921 win 65535", PORT);
        p.expect(". 2921:4381(1460) ack 1 win 65535");
        // The full ACK ends recovery.
        p.inject(". 1:1(0) ack 8761 win 65535", PORT);
        assertFalse(cb.retransmitter().inRecovery());
        assertEquals(0, cb.retransmitter().timeouts());
        assertEquals(1, cb.retransmitter().fastRetransmits());
        assertEquals(2, cb.retransmitter().retransmits(), "the fast retransmit and the partial ACK's");
    }

    @Test
    void probesAZeroWindowWithBackoffUntilItOpens() {
        peer(CONFIG);
        int qd = established();
        push(qd, 100);
        p.expect("P. 1:101(100) ack 1 win 65535");
        p.inject(". 1:1(0) ack 101 win 0", PORT);
        push(qd, 50);
        p.expectNothingYet();
        long t0 = p.clock.nanoTime();
        // RFC 9293 §3.8.6.1: after the persist timeout, one byte of new data.
        long t1 = p.expectAt(t0, S, ". 101:102(1) ack 1 win 65535").atNanos();
        p.inject(". 1:1(0) ack 101 win 0", PORT); // still closed: the probe byte is not taken
        long t2 = p.expectAt(t1, 2 * S, ". 101:102(1) ack 1 win 65535").atNanos();
        p.inject(". 1:1(0) ack 101 win 0", PORT);
        p.expectAt(t2, 4 * S, ". 101:102(1) ack 1 win 65535");
        assertTrue(connection() != null && connection().state() == TcpState.ESTABLISHED,
                "a peer that answers probes is never given up on (RFC 1122 §4.2.2.17)");
        p.inject(". 1:1(0) ack 102 win 1000", PORT);
        p.expect("P. 102:151(49) ack 1 win 65535");
        p.inject(". 1:1(0) ack 151 win 1000", PORT);
        p.expectSilenceFor(10 * S);
    }

    @Test
    void advertisesAZeroWindowWhenTheApplicationDoesNotReadAndReopensIt() {
        peer(CONFIG.withBuffers(4096, 1 << 20).withOptions(false, false));
        int qd = established(4096);
        p.inject("P. 1:1461(1460) ack 1 win 65535", PORT);
        p.inject("P. 1461:2921(1460) ack 1 win 65535", PORT);
        p.expect(". 1:1(0) ack 2921 win 1176");
        p.inject("P. 2921:4097(1176) ack 1 win 65535", PORT);
        p.expectAt(p.clock.nanoTime(), 40 * MS, ". 1:1(0) ack 4097 win 0");
        p.inject("P. 4097:4098(1) ack 1 win 65535", PORT); // beyond the window: not acceptable
        p.expect(". 1:1(0) ack 4097 win 0");
        QResult r = result(p.host.pop(qd));
        assertEquals(4096, r.sga().length());
        p.host.sgaFree(r.sga());
        p.expect(". 1:1(0) ack 4097 win 4096"); // the window update after the pop
    }

    // ------------------------------------------------------------------ options and timers

    @Test
    void negotiatesTimestampsAndEchoesThem() {
        peer(CONFIG.withOptions(true, true));
        int listener = listen();
        long accept = p.host.accept(listener);
        p.inject("S 0:0(0) win 65535 <mss 1460,wscale 7,TS val 100 ecr 0>", PORT);
        // RFC 7323 §3.2: TSval is our clock (ms), TSecr echoes the peer's TSval.
        p.expect("S. 0:0(0) ack 1 win 65535 <mss 1460,wscale 5,TS val 1000 ecr 100>");
        p.runFor(30 * MS);
        p.inject(". 1:1(0) ack 1 win 512 <TS val 130 ecr 1000>", PORT);
        QResult r = result(accept);
        ControlBlock cb = connection();
        assertEquals(1448, cb.sender().mss(), "12 option bytes per segment come off the MSS (RFC 9293 §3.7.1)");
        assertEquals(30 * MS, cb.retransmitter().srtt(), "the RTT from the echoed timestamp");
        push(r.newQd(), 100);
        p.expect("P. 1:101(100) ack 1 win 32768 <TS val 1030 ecr 130>");
    }

    @Test
    void nagleHoldsASmallSegmentWhileDataIsInFlight() {
        peer(CONFIG.withCongestionControl(io.demikv.config.CongestionControl.CUBIC, false));
        int qd = established();
        push(qd, 10);
        p.expect("P. 1:11(10) ack 1 win 65535");
        push(qd, 10);
        push(qd, 10);
        p.expectNothingYet(); // RFC 9293 §3.7.4: a short segment waits for the ACK of the data in flight
        p.inject(". 1:1(0) ack 11 win 65535", PORT);
        p.expect("P. 11:31(20) ack 1 win 65535"); // and then goes out coalesced
    }

    @Test
    void keepaliveProbesAnIdleConnectionAndAbortsWhenUnanswered() {
        peer(CONFIG.withKeepalive(new io.demikv.config.TcpSocketOptions.Keepalive(true,
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1)), 3));
        int qd = established();
        long pop = p.host.pop(qd);
        long t0 = p.clock.nanoTime();
        // RFC 1122 §4.2.3.6: <SEQ=SND.NXT-1>, no data, after the idle time.
        long t1 = p.expectAt(t0, S, ". 0:0(0) ack 1 win 65535").atNanos();
        p.inject(". 1:1(0) ack 1 win 65535", PORT); // answered: the connection is alive
        long t2 = p.expectAt(t1, S, ". 0:0(0) ack 1 win 65535").atNanos();
        long t3 = p.expectAt(t2, S, ". 0:0(0) ack 1 win 65535").atNanos();
        long t4 = p.expectAt(t3, S, ". 0:0(0) ack 1 win 65535").atNanos();
        p.expectAt(t4, S, "R. 1:1(0) ack 1 win 0"); // three unanswered probes
        assertEquals(Errno.ETIMEDOUT, result(pop).errno());
    }

    @Test
    void lingerWithATimeBoundsTheGracefulClose() {
        peer(CONFIG.withLinger(new io.demikv.config.TcpSocketOptions.Linger(true, java.time.Duration.ofSeconds(2))));
        int qd = established();
        assertEquals(0, p.host.close(qd));
        long t0 = p.expect("F. 1:1(0) ack 1 win 65535").atNanos();
        p.expectAt(t0, S, "F. 1:1(0) ack 1 win 65535");
        p.expectAt(t0, 2 * S, "R. 2:2(0) ack 1 win 0"); // the FIN never acknowledged: reset after 2 s
        assertNull(connection());
    }

    // ------------------------------------------------------------------ closing

    @Test
    void activeCloseGoesThroughFinWait2AndTimeWait() {
        peer(CONFIG);
        int qd = established();
        assertEquals(0, p.host.close(qd));
        p.expect("F. 1:1(0) ack 1 win 65535");
        assertEquals(TcpState.FIN_WAIT_1, connection().state());
        p.inject(". 1:1(0) ack 2 win 65535", PORT);
        assertEquals(TcpState.FIN_WAIT_2, connection().state());
        p.inject("F. 1:1(0) ack 2 win 65535", PORT);
        long at = p.expect(". 2:2(0) ack 2 win 65535").atNanos();
        assertEquals(TcpState.TIME_WAIT, connection().state());
        // A retransmitted FIN in TIME-WAIT is acknowledged again and restarts the 2 MSL timer.
        p.runFor(S);
        p.inject("F. 1:1(0) ack 2 win 65535", PORT);
        long again = p.expect(". 2:2(0) ack 2 win 65535").atNanos();
        p.runFor(2 * S - 1);
        assertTrue(connection() != null, "still in TIME-WAIT just before 2 MSL");
        p.runFor(1);
        assertNull(connection(), "gone 2 MSL after the last FIN");
        assertTrue(again - at >= S);
        LibOsTestKit.assertNoLeaks(p.host);
    }

    @Test
    void passiveCloseGoesThroughCloseWaitAndLastAck() {
        peer(CONFIG);
        int qd = established();
        push(qd, 10);
        p.expect("P. 1:11(10) ack 1 win 65535");
        p.inject("F. 1:1(0) ack 11 win 65535", PORT);
        p.expect(". 11:11(0) ack 2 win 65535"); // a FIN is acknowledged at once
        assertEquals(TcpState.CLOSE_WAIT, connection().state());
        QResult eof = result(p.host.pop(qd));
        assertEquals(0, eof.sga().length(), "end of stream");
        p.host.sgaFree(eof.sga());
        push(qd, 5); // the other direction still works
        p.expect("P. 11:16(5) ack 2 win 65535");
        assertEquals(0, p.host.close(qd));
        p.expect("F. 16:16(0) ack 2 win 65535");
        assertEquals(TcpState.LAST_ACK, connection().state());
        p.inject(". 2:2(0) ack 17 win 65535", PORT);
        assertNull(connection(), "no TIME-WAIT for the side that closed second");
        LibOsTestKit.assertNoLeaks(p.host);
    }

    @Test
    void simultaneousCloseGoesThroughClosing() {
        peer(CONFIG);
        int qd = established();
        assertEquals(0, p.host.close(qd));
        p.expect("F. 1:1(0) ack 1 win 65535");
        p.inject("F. 1:1(0) ack 1 win 65535", PORT); // the peer's FIN crossed ours
        p.expect(". 2:2(0) ack 2 win 65535");
        assertEquals(TcpState.CLOSING, connection().state());
        p.inject(". 2:2(0) ack 2 win 65535", PORT);
        assertEquals(TcpState.TIME_WAIT, connection().state());
        p.runFor(2 * S);
        assertNull(connection());
    }

    @Test
    void finAndTheAckOfOurFinTogetherGoStraightToTimeWait() {
        peer(CONFIG);
        int qd = established();
        assertEquals(0, p.host.close(qd));
        p.expect("F. 1:1(0) ack 1 win 65535");
        p.inject("F. 1:1(0) ack 2 win 65535", PORT);
        p.expect(". 2:2(0) ack 2 win 65535");
        assertEquals(TcpState.TIME_WAIT, connection().state());
    }

    @Test
    void closeSendsQueuedDataBeforeTheFinAndRetransmitsIt() {
        peer(CONFIG);
        int qd = established();
        push(qd, 100);
        p.expect("P. 1:101(100) ack 1 win 65535");
        assertEquals(0, p.host.close(qd));
        p.expect("F. 101:101(0) ack 1 win 65535");
        long t = p.clock.nanoTime();
        // Nothing acknowledged: after the RTO, go back to SND.UNA: data again, FIN after it.
        p.expectAt(t, S, "FP. 1:101(100) ack 1 win 65535");
        p.inject(". 1:1(0) ack 102 win 65535", PORT);
        assertEquals(TcpState.FIN_WAIT_2, connection().state());
    }

    @Test
    void closeWithUnreadDataResets() {
        peer(CONFIG);
        int qd = established();
        p.inject("P. 1:11(10) ack 1 win 65535", PORT);
        assertEquals(0, p.host.close(qd));
        p.expect("R. 1:1(0) ack 11 win 0"); // RFC 1122 §4.2.2.13: the data is lost, say so
        assertNull(connection());
    }

    @Test
    void dataAfterCloseResets() {
        peer(CONFIG);
        int qd = established();
        assertEquals(0, p.host.close(qd));
        p.expect("F. 1:1(0) ack 1 win 65535");
        p.inject(". 1:1(0) ack 2 win 65535", PORT);
        p.inject("P. 1:11(10) ack 2 win 65535", PORT);
        p.expect("R. 2:2(0) ack 1 win 0");
        assertNull(connection());
    }

    @Test
    void lingerZeroAbortsWithAReset() {
        peer(CONFIG.withLinger(new io.demikv.config.TcpSocketOptions.Linger(true, java.time.Duration.ZERO)));
        int qd = established();
        push(qd, 10);
        p.expect("P. 1:11(10) ack 1 win 65535");
        assertEquals(0, p.host.close(qd));
        p.expect("R. 11:11(0) ack 1 win 0");
        assertNull(connection());
    }

    @Test
    void orphanedFinWait2TimesOut() {
        peer(CONFIG);
        int qd = established();
        assertEquals(0, p.host.close(qd));
        p.expect("F. 1:1(0) ack 1 win 65535");
        p.inject(". 1:1(0) ack 2 win 65535", PORT);
        p.runFor(CONFIG.finWait2Nanos() - 1);
        assertEquals(TcpState.FIN_WAIT_2, connection().state());
        p.runFor(1);
        assertNull(connection());
    }

    @Test
    void closeCancelsPendingOperations() {
        peer(CONFIG);
        int qd = established();
        long pop = p.host.pop(qd);
        assertEquals(0, p.host.close(qd));
        assertEquals(Errno.ECANCELED, result(pop).errno());
        assertEquals(-Errno.EBADF, p.host.pop(qd));
    }
}
