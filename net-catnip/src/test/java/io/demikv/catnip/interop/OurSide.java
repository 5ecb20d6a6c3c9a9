package io.demikv.catnip.interop;

import io.demikv.catnip.Catnip;
import io.demikv.libos.Endpoint;
import io.demikv.libos.Errno;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.Sga;
import io.demikv.libos.memory.DemiBuffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our stack as the client of a kernel server, driven on the test thread (which owns the {@link Catnip}): TCP and
 * UDP echo exchanges through PDPIX, every wait bounded.
 */
final class OurSide {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private OurSide() {
    }

    /**
     * Connects to {@code server}, sends each of {@code sizes} {@code rounds} times (in pushes of at most 64 KB) while
     * popping the echo, compares it, then closes. Returns the bytes echoed.
     */
    static long tcpEcho(Catnip catnip, long server, int[] sizes, int rounds, long seed) {
        QResult r = new QResult();
        int qd = catnip.socket(LibOS.AF_INET, LibOS.SOCK_STREAM, 0);
        assertTrue(qd >= 0, Errno.name(qd));
        long connect = catnip.connect(qd, server);
        assertEquals(0, catnip.wait(connect, 10 * SECOND, r), "connect timed out");
        assertEquals(Opcode.CONNECT, r.opcode(), r.toString());
        Random random = new Random(seed);
        long total = 0;
        for (int round = 0; round < rounds; round++) {
            for (int size : sizes) {
                byte[] msg = KernelSide.message(random, size);
                assertArrayEquals(msg, exchange(catnip, qd, msg), "echo of " + size + " bytes");
                total += size;
            }
        }
        assertEquals(0, catnip.close(qd));
        return total;
    }

    /** Pushes {@code msg} and pops until as many bytes came back; runs the stack meanwhile. */
    static byte[] exchange(Catnip catnip, int qd, byte[] msg) {
        QResult r = new QResult();
        long[] pushes = new long[4];
        int pushed = 0;
        int received = 0;
        byte[] got = new byte[msg.length];
        long pop = catnip.pop(qd);
        long deadline = System.nanoTime() + 60 * SECOND;
        while (received < msg.length || anyPending(pushes)) {
            assertTrue(System.nanoTime() < deadline, "echo stalled: pushed " + pushed + ", received " + received
                    + " of " + msg.length);
            for (int i = 0; i < pushes.length; i++) {
                if (pushes[i] != 0 && catnip.scheduler().lookup(pushes[i]).isDone()) {
                    catnip.scheduler().take(pushes[i], r);
                    assertEquals(Opcode.PUSH, r.opcode(), r.toString());
                    catnip.sgaFree(r.sga());
                    pushes[i] = 0;
                }
                if (pushes[i] == 0 && pushed < msg.length) {
                    int n = Math.min(64 * 1024, msg.length - pushed);
                    Sga sga = catnip.sgaAlloc(n);
                    DemiBuffer b = sga.segment(0);
                    MemorySegment.copy(msg, pushed, b.memory(), ValueLayout.JAVA_BYTE, b.offset(), n);
                    pushes[i] = catnip.push(qd, sga);
                    assertTrue(pushes[i] > 0, Errno.name((int) pushes[i]));
                    pushed += n;
                }
            }
            if (pop != 0 && catnip.scheduler().lookup(pop).isDone()) {
                catnip.scheduler().take(pop, r);
                assertEquals(Opcode.POP, r.opcode(), r.toString());
                int n = (int) r.sga().length();
                assertTrue(n > 0, "end of stream after " + received + " of " + msg.length + " bytes");
                assertTrue(received + n <= msg.length, "more bytes came back than were sent");
                r.sga().copyTo(got, received);
                received += n;
                catnip.sgaFree(r.sga());
                pop = received < msg.length ? catnip.pop(qd) : 0;
            }
            catnip.poll();
        }
        return got;
    }

    private static boolean anyPending(long[] qts) {
        for (long qt : qts) {
            if (qt != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sends {@code count} datagrams (up to {@code maxSize} bytes) from an unbound UDP socket to {@code server} and
     * expects each back unchanged from it; resends after 1 s without an answer (3 times at most). Returns how many
     * were resent.
     */
    static int udpEcho(Catnip catnip, long server, int count, int maxSize) {
        QResult r = new QResult();
        int qd = catnip.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
        assertTrue(qd >= 0, Errno.name(qd));
        Random random = new Random(11);
        int resent = 0;
        long pop = catnip.pop(qd); // an unbound socket: the first push binds it
        for (int i = 0; i < count; i++) {
            int size = i == 0 ? maxSize : 1 + random.nextInt(maxSize);
            byte[] msg = KernelSide.message(random, size);
            msg[0] = (byte) i;
            boolean answered = false;
            for (int attempt = 0; attempt < 4 && !answered; attempt++) {
                if (attempt > 0) {
                    resent++;
                }
                Sga sga = catnip.sgaAlloc(size);
                DemiBuffer b = sga.segment(0);
                MemorySegment.copy(msg, 0, b.memory(), ValueLayout.JAVA_BYTE, b.offset(), size);
                long push = catnip.pushTo(qd, sga, server);
                assertTrue(push > 0, Errno.name((int) push));
                assertEquals(0, catnip.wait(push, 5 * SECOND, r), "push timed out");
                assertEquals(Opcode.PUSH, r.opcode(), r.toString());
                catnip.sgaFree(r.sga());
                long end = System.nanoTime() + SECOND;
                while (!answered && System.nanoTime() < end) {
                    if (pop == 0) {
                        pop = catnip.pop(qd);
                    }
                    if (catnip.wait(pop, Math.max(1, end - System.nanoTime()), r) != 0) {
                        break;
                    }
                    pop = 0;
                    assertEquals(Opcode.POP, r.opcode(), r.toString());
                    byte[] got = new byte[(int) r.sga().length()];
                    r.sga().copyTo(got, 0);
                    catnip.sgaFree(r.sga());
                    assertEquals(server, r.peer(), "the echo comes from the server");
                    if (got.length == size && got[0] == msg[0]) {
                        assertTrue(Arrays.equals(msg, got), "datagram " + i + " came back changed");
                        answered = true;
                    }
                }
            }
            assertTrue(answered, "datagram " + i + " (" + size + " bytes) never came back from "
                    + Endpoint.toString(server));
        }
        assertEquals(0, catnip.close(qd));
        return resent;
    }
}
