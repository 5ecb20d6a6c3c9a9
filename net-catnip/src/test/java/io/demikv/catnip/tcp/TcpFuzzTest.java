package io.demikv.catnip.tcp;

import io.demikv.catnip.net.Captures;
import io.demikv.catnip.wire.TcpOptions;
import io.demikv.libos.LibOS;
import io.demikv.libos.QResult;
import io.demikv.libos.sched.Task;
import io.demikv.libos.testkit.LibOsTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input: thousands of well-formed (checksummed) segments with random flags, sequence and
 * acknowledgment numbers (near the live connection's and anywhere), windows, options and data, into a host with
 * a listener, an established connection and pending operations, while time jumps. Nothing may throw out of the
 * stack; once the application closes, every connection must end in bounded time, no buffer may leak, and a
 * fresh handshake must still work.
 */
class TcpFuzzTest {
    static final int PORT = 8080;

    @RegisterExtension
    final Captures captures = new Captures();
    ScriptedPeer p;

    @AfterEach
    void close() {
        if (p != null) {
            p.close();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomSegmentsNeverBreakTheStack(long seed) {
        captures.note("fuzz seed " + seed);
        p = new ScriptedPeer(captures, PacketScriptTest.CONFIG.withOptions(true, true));
        Random random = new Random(seed);
        int listener = p.host.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        assertEquals(0, p.host.bind(listener, p.hostEndpoint(PORT)));
        assertEquals(0, p.host.listen(listener, 8));
        long accept = p.host.accept(listener);
        p.inject("S 0:0(0) win 65535 <mss 1460,wscale 7,TS val 1 ecr 0>", PORT);
        p.discardEmitted();
        p.inject(". 1:1(0) ack 1 win 512", PORT);
        QResult r = take(accept);
        int qd = r.newQd();
        long pop = p.host.pop(qd);
        io.demikv.libos.Sga pushed = LibOsTestKit.sga(p.host, new byte[3000]);
        long push = p.host.push(qd, pushed);
        for (int i = 0; i < 20_000; i++) {
            int flags = random.nextInt(256);
            int seq = random.nextInt(4) == 0 ? random.nextInt()
                    : ScriptedPeer.PEER_ISN + 1 + random.nextInt(200_000) - 100_000;
            int ack = random.nextInt(4) == 0 ? random.nextInt() : p.hostIsn + random.nextInt(8000) - 4000;
            TcpOptions o = new TcpOptions();
            if (random.nextInt(4) == 0) {
                o.mss(random.nextInt(65536));
            }
            if (random.nextInt(4) == 0) {
                o.windowScale(random.nextInt(15));
            }
            if (random.nextInt(3) == 0) {
                o.timestamps(random.nextInt(), random.nextInt());
            }
            byte[] data = new byte[random.nextInt(8) == 0 ? random.nextInt(1400) : 0];
            int port = random.nextInt(10) == 0 ? 1 + random.nextInt(65535) : PORT;
            p.injectRaw(flags, seq, ack, random.nextInt(65536), o, data, port);
            if (random.nextInt(50) == 0) {
                p.runFor(random.nextInt(3000) * TcpConfig.MS);
            }
            p.discardEmitted();
        }
        // The application lets go; everything must end on its own.
        p.host.close(qd);
        p.host.close(listener);
        for (long qt : new long[] {pop, push}) {
            Task t = p.host.scheduler().lookup(qt);
            assertTrue(t != null && t.isDone(), "close finishes every operation");
            QResult done = new QResult();
            p.host.scheduler().take(qt, done);
            if (qt == pop && done.sga() != null) {
                p.host.sgaFree(done.sga());
            }
        }
        assertEquals(0, p.host.sgaFree(pushed));
        p.runFor(30 * 60 * TcpConfig.S);
        assertEquals(0, p.host.stack().tcp().connections().size(), "every connection ended");
        p.discardEmitted();
        LibOsTestKit.assertNoLeaks(p.host);

        // Still a working TCP: a clean handshake on a new listener.
        int again = p.host.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        assertEquals(0, p.host.bind(again, p.hostEndpoint(PORT + 1)));
        assertEquals(0, p.host.listen(again, 8));
        p.hostIsnKnown = false;
        p.inject("S 0:0(0) win 65535 <mss 1460>", PORT + 1);
        ScriptedPeer.Emitted synAck = p.next(TcpConfig.S);
        assertTrue(synAck != null && synAck.text().startsWith("S. 0:0(0) ack 1 "), String.valueOf(synAck));
    }

    QResult take(long qt) {
        p.settle();
        QResult r = new QResult();
        assertEquals(0, p.host.scheduler().take(qt, r), "operation completed");
        return r;
    }
}
