package io.demikv.libos.catnap;

import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.demikv.libos.catnap.CatnapKit.*;
import static org.junit.jupiter.api.Assertions.*;

/** Every PDPIX call on Catnap sockets: what succeeds, and the error each misuse gets. */
@Timeout(30)
class CatnapCallErrorsTest {
    private final Catnap catnap = new Catnap();

    @AfterEach
    void closeLibOs() {
        catnap.close();
    }

    private int tcp() {
        int qd = catnap.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        assertTrue(qd >= 0, () -> "socket: " + Errno.name(qd));
        return qd;
    }

    private int udp() {
        int qd = catnap.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
        assertTrue(qd >= 0, () -> "socket: " + Errno.name(qd));
        return qd;
    }

    private static void assertErrno(int errno, long rc) {
        assertEquals(Errno.name(-errno), Errno.name((int) rc));
        assertEquals(-errno, rc);
    }

    /** A port on 127.0.0.1 that nothing listens on (bound, read back, released). */
    private int unusedPort() {
        int qd = tcp();
        assertEquals(0, catnap.bind(qd, LOOPBACK_ANY_PORT));
        int port = Endpoint.port(catnap.localEndpoint(qd));
        assertEquals(0, catnap.close(qd));
        return port;
    }

    // ---------------------------------------------------------------- socket

    @Test
    void socketCreatesDistinctQueuesOfTheRightKind() {
        int a = tcp();
        int b = udp();
        assertNotEquals(a, b);
        assertEquals("tcp", catnap.queueTable().get(a).kind());
        assertEquals("udp", catnap.queueTable().get(b).kind());
        assertTrue(catnap.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 6) >= 0, "IPPROTO_TCP is accepted");
        assertTrue(catnap.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 17) >= 0, "IPPROTO_UDP is accepted");
    }

    @Test
    void socketRejectsOtherFamiliesTypesAndProtocols() {
        assertErrno(Errno.EAFNOSUPPORT, catnap.socket(10 /* AF_INET6 */, LibOS.SOCK_STREAM, 0));
        assertErrno(Errno.EPROTONOSUPPORT, catnap.socket(LibOS.AF_INET, 5 /* SOCK_SEQPACKET */, 0));
        assertErrno(Errno.EPROTONOSUPPORT, catnap.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 17));
        assertEquals(0, catnap.queueTable().openCount(), "nothing was left open");
    }

    // ---------------------------------------------------------------- bind

    @Test
    void bindToPortZeroPicksAnEphemeralPortReadBackWithLocalEndpoint() {
        int qd = tcp();
        assertEquals(Endpoint.ANY, catnap.localEndpoint(qd), "unbound: 0.0.0.0:0");
        assertEquals(0, catnap.bind(qd, LOOPBACK_ANY_PORT));
        long local = catnap.localEndpoint(qd);
        assertEquals(0x7F00_0001, Endpoint.ipv4(local));
        assertTrue(Endpoint.port(local) > 0);
    }

    @Test
    void bindTwiceFailsWithEinval() {
        for (int qd : new int[] {tcp(), udp()}) {
            assertEquals(0, catnap.bind(qd, LOOPBACK_ANY_PORT));
            assertErrno(Errno.EINVAL, catnap.bind(qd, LOOPBACK_ANY_PORT));
        }
    }

    @Test
    void bindToAPortInUseFailsWithEaddrinuse() {
        int first = listener(catnap);
        int second = tcp();
        assertErrno(Errno.EADDRINUSE, catnap.bind(second, catnap.localEndpoint(first)));
        int u1 = udp();
        assertEquals(0, catnap.bind(u1, LOOPBACK_ANY_PORT));
        assertErrno(Errno.EADDRINUSE, catnap.bind(udp(), catnap.localEndpoint(u1)));
        assertEquals(0, catnap.bind(second, LOOPBACK_ANY_PORT), "a failed bind leaves the socket bindable");
    }

    @Test
    void bindToAnAddressNotOfThisHostFailsWithEaddrnotavail() {
        assertErrno(Errno.EADDRNOTAVAIL, catnap.bind(tcp(), Endpoint.parse("192.0.2.1:0")));
    }

    @Test
    void callsOnAnUnknownOrClosedQdFailWithEbadf() {
        int qd = tcp();
        assertEquals(0, catnap.close(qd));
        Sga sga = sgaOf(catnap, "x");
        assertErrno(Errno.EBADF, catnap.bind(qd, LOOPBACK_ANY_PORT));
        assertErrno(Errno.EBADF, catnap.listen(qd, 1));
        assertErrno(Errno.EBADF, catnap.accept(qd));
        assertErrno(Errno.EBADF, catnap.connect(qd, LOOPBACK_ANY_PORT));
        assertErrno(Errno.EBADF, catnap.push(qd, sga));
        assertErrno(Errno.EBADF, catnap.pop(qd));
        assertErrno(Errno.EBADF, catnap.close(qd));
        assertErrno(Errno.EBADF, catnap.close(12345));
        assertEquals(Endpoint.NONE, catnap.localEndpoint(qd));
        assertEquals(0, catnap.sgaFree(sga));
    }

    // ---------------------------------------------------------------- listen, accept

    @Test
    void listenBeforeBindFailsWithEdestaddrreq() {
        int qd = tcp();
        assertErrno(Errno.EDESTADDRREQ, catnap.listen(qd, 16));
        assertEquals(0, catnap.bind(qd, LOOPBACK_ANY_PORT));
        assertEquals(0, catnap.listen(qd, 16));
        assertEquals(0, catnap.listen(qd, 32), "listen again only changes the backlog");
    }

    @Test
    void listenAndAcceptOnUdpFailWithEopnotsupp() {
        int qd = udp();
        assertEquals(0, catnap.bind(qd, LOOPBACK_ANY_PORT));
        assertErrno(Errno.EOPNOTSUPP, catnap.listen(qd, 16));
        assertErrno(Errno.EOPNOTSUPP, catnap.accept(qd));
    }

    @Test
    void listenWithNegativeBacklogFailsWithEinval() {
        int qd = tcp();
        assertEquals(0, catnap.bind(qd, LOOPBACK_ANY_PORT));
        assertErrno(Errno.EINVAL, catnap.listen(qd, -1));
    }

    @Test
    void acceptOnASocketThatIsNotListeningFailsWithEinval() {
        int qd = tcp();
        assertErrno(Errno.EINVAL, catnap.accept(qd));
        assertEquals(0, catnap.bind(qd, LOOPBACK_ANY_PORT));
        assertErrno(Errno.EINVAL, catnap.accept(qd));
        int[] pair = connectedPair(catnap, listener(catnap));
        assertErrno(Errno.EINVAL, catnap.accept(pair[1]));
    }

    @Test
    void listenOnAConnectedSocketFailsWithEinval() {
        int[] pair = connectedPair(catnap, listener(catnap));
        assertErrno(Errno.EINVAL, catnap.listen(pair[0], 1));
        assertErrno(Errno.EINVAL, catnap.bind(pair[1], LOOPBACK_ANY_PORT));
    }

    @Test
    void acceptWaitsForAConnectionAndReportsThePeer() {
        int listener = listener(catnap);
        long aqt = catnap.accept(listener);
        QResult r = new QResult();
        assertErrno(Errno.ETIMEDOUT, catnap.wait(aqt, 20_000_000, r));
        int client = tcp();
        long cqt = catnap.connect(client, catnap.localEndpoint(listener));
        QResult accepted = expect(catnap, aqt, Opcode.ACCEPT);
        expect(catnap, cqt, Opcode.CONNECT);
        assertEquals(catnap.localEndpoint(client), accepted.peer());
        assertEquals("tcp", catnap.queueTable().get(accepted.newQd()).kind());
        assertEquals(catnap.localEndpoint(listener), catnap.localEndpoint(accepted.newQd()));
    }

    // ---------------------------------------------------------------- connect

    @Test
    void connectToAPortNobodyListensOnFailsWithEconnrefused() {
        int port = unusedPort();
        int qd = tcp();
        QResult r = await(catnap, catnap.connect(qd, Endpoint.of(0x7F00_0001, port)));
        assertEquals(Opcode.FAILED, r.opcode());
        assertEquals(Errno.ECONNREFUSED, r.errno());
        assertErrno(Errno.ENOTCONN, catnap.pop(qd));
        int listener = listener(catnap);
        expect(catnap, catnap.connect(qd, catnap.localEndpoint(listener)), Opcode.CONNECT);
        expect(catnap, catnap.accept(listener), Opcode.ACCEPT);
    }

    @Test
    void secondConnectFailsWithEalreadyWhilePendingAndEisconnAfter() {
        int listener = listener(catnap);
        int qd = tcp();
        long qt = catnap.connect(qd, catnap.localEndpoint(listener));
        assertPositive(qt);
        assertErrno(Errno.EALREADY, catnap.connect(qd, catnap.localEndpoint(listener)));
        expect(catnap, qt, Opcode.CONNECT);
        assertErrno(Errno.EISCONN, catnap.connect(qd, catnap.localEndpoint(listener)));
    }

    @Test
    void connectOnAListeningSocketFailsWithEopnotsupp() {
        int listener = listener(catnap);
        assertErrno(Errno.EOPNOTSUPP, catnap.connect(listener, catnap.localEndpoint(listener)));
    }

    @Test
    void connectToNoAddressFailsWithEinval() {
        assertErrno(Errno.EINVAL, catnap.connect(tcp(), Endpoint.NONE));
    }

    // ---------------------------------------------------------------- push, pop

    @Test
    void pushAndPopOnAnUnconnectedTcpSocketFailWithEnotconn() {
        int qd = tcp();
        Sga sga = sgaOf(catnap, "x");
        assertErrno(Errno.ENOTCONN, catnap.push(qd, sga));
        assertErrno(Errno.ENOTCONN, catnap.pop(qd));
        int listener = listener(catnap);
        assertErrno(Errno.ENOTCONN, catnap.push(listener, sga));
        assertErrno(Errno.ENOTCONN, catnap.pop(listener));
        assertFalse(sga.isHeld(), "a refused push does not hold the array");
        assertEquals(0, catnap.sgaFree(sga));
    }

    @Test
    void pushToOnTcpFailsWithEopnotsupp() {
        int[] pair = connectedPair(catnap, listener(catnap));
        Sga sga = sgaOf(catnap, "x");
        assertErrno(Errno.EOPNOTSUPP, catnap.pushTo(pair[0], sga, catnap.localEndpoint(pair[1])));
        assertEquals(0, catnap.sgaFree(sga));
    }

    @Test
    void pushOfAnEmptyOrFreedArrayFailsWithEinval() {
        int[] pair = connectedPair(catnap, listener(catnap));
        Sga empty = catnap.newSga();
        assertErrno(Errno.EINVAL, catnap.push(pair[0], empty));
        assertErrno(Errno.EINVAL, catnap.push(pair[0], null));
        assertEquals(0, catnap.sgaFree(empty));
        assertErrno(Errno.EINVAL, catnap.push(pair[0], empty));
    }

    @Test
    void pushedArrayIsHeldUntilThePushCompletes() {
        int[] pair = connectedPair(catnap, listener(catnap));
        Sga sga = sgaOf(catnap, pattern(8 << 20, 3)); // larger than the socket buffers: cannot finish at once
        long qt = catnap.push(pair[0], sga);
        assertPositive(qt);
        assertTrue(sga.isHeld());
        assertErrno(Errno.EBUSY, catnap.sgaFree(sga));
        long pop = catnap.pop(pair[1]);
        QResult r = new QResult();
        int received = 0;
        boolean pushed = false;
        long[] qts = {qt, pop};
        while (!pushed || received < (8 << 20)) {
            int idx = catnap.waitAny(qts, pushed ? 1 : 2, WAIT, r);
            assertTrue(idx >= 0);
            if (r.opcode() == Opcode.PUSH) {
                pushed = true;
                qts[0] = qts[1];
            } else {
                received += (int) r.sga().length();
                catnap.sgaFree(r.sga());
                long next = received < (8 << 20) ? catnap.pop(pair[1]) : 0;
                if (pushed) {
                    qts[0] = next;
                } else {
                    qts[1] = next;
                }
            }
        }
        assertFalse(sga.isHeld());
        assertEquals(0, catnap.sgaFree(sga));
    }

    @Test
    void pushAfterThePeerClosedFailsWithEpipeOrEconnreset() {
        int[] pair = connectedPair(catnap, listener(catnap));
        assertEquals(0, catnap.close(pair[1]));
        // The first send may still be accepted (the kernel learns of the close from the peer's RST).
        Sga sga = sgaOf(catnap, pattern(1000, 1));
        QResult r = null;
        for (int i = 0; i < 100; i++) {
            r = await(catnap, catnap.push(pair[0], sga));
            if (r.failed()) {
                break;
            }
        }
        assertTrue(r.failed(), "a push to a closed peer fails");
        assertTrue(r.errno() == Errno.EPIPE || r.errno() == Errno.ECONNRESET, r::toString);
        assertEquals(0, catnap.sgaFree(sga));
    }

    @Test
    void popWithAZeroByteLimitFailsWithEinval() {
        int[] pair = connectedPair(catnap, listener(catnap));
        assertErrno(Errno.EINVAL, catnap.queueTable().get(pair[0]).pop(0));
    }

    // ---------------------------------------------------------------- UDP misuse

    @Test
    void udpPushWithoutConnectFailsWithEdestaddrreq() {
        int qd = udp();
        Sga sga = sgaOf(catnap, "x");
        assertErrno(Errno.EDESTADDRREQ, catnap.push(qd, sga));
        assertErrno(Errno.EDESTADDRREQ, catnap.pushTo(qd, sga, Endpoint.NONE));
        assertEquals(0, catnap.sgaFree(sga));
    }

    @Test
    void udpDatagramTooLargeFailsWithEmsgsize() {
        int qd = udp();
        Sga sga = sgaOf(catnap, new byte[70_000]);
        QResult r = await(catnap, catnap.pushTo(qd, sga, Endpoint.of(0x7F00_0001, unusedPort())));
        assertEquals(Opcode.FAILED, r.opcode());
        assertEquals(Errno.EMSGSIZE, r.errno());
        assertEquals(0, catnap.sgaFree(sga));
    }

    // ---------------------------------------------------------------- close

    @Test
    void closeReleasesTheFileDescriptorAndTheQd() {
        int before = openFds();
        int qd = tcp();
        assertEquals(before + 1, openFds());
        assertEquals(0, catnap.close(qd));
        assertEquals(before, openFds());
        assertErrno(Errno.EBADF, catnap.close(qd));
        assertEquals(0, catnap.queueTable().openCount());
    }

    @Test
    void closingTheLibOsClosesEverySocketAndTheEpollInstance() {
        int before = openFds();
        Catnap other = new Catnap();
        int listener = listener(other);
        connectedPair(other, listener);
        other.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
        assertEquals(before + 5, openFds(), "epoll + listener + two ends + udp");
        other.close();
        assertEquals(before, openFds());
        other.close(); // idempotent
    }
}
