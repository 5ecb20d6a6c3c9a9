package io.demikv.catnip.phy;

import io.demikv.catnip.net.Captures;
import io.demikv.catnip.wire.Frames;
import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;
import io.demikv.libos.memory.MemoryProvider;
import io.demikv.libos.time.ManualClock;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PcapAndDevicesTest {
    static final String UDP_FRAME = "020000000002020000000001080045000021" + "1c464000" + "40110a84"
            + "0a0000010a000002" + "04d20007000da32668656c6c6f";

    static DemiBuffer buffer(BufferPool pool, byte[] bytes) {
        DemiBuffer b = pool.allocate(bytes.length);
        MemorySegment.copy(bytes, 0, b.memory(), ValueLayout.JAVA_BYTE, b.offset(), bytes.length);
        return b;
    }

    @Test
    void writesTheClassicPcapFormatByteForByte() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcapWriter w = new PcapWriter(out);
        byte[] frame = Frames.hex(UDP_FRAME);
        w.write(1_500_000_123L, Frames.segment(frame), 0, frame.length); // 1.500000123 s
        w.close();
        String hex = HexFormat.of().formatHex(out.toByteArray());
        assertEquals("d4c3b2a1" + "0200" + "0400" + "00000000" + "00000000" + "ffff0000" + "01000000"
                + "01000000" + "20a10700" + "2f000000" + "2f000000" + UDP_FRAME, hex);
    }

    @Test
    void tsharkReadsOurCaptures() throws Exception {
        Path tshark = Path.of("/usr/bin/tshark");
        assumeTrue(Files.isExecutable(tshark), "tshark is not installed (apt-get install tshark); skipped");
        Path file = Captures.root().resolve("PcapAndDevicesTest.tshark.pcap");
        try (BufferPool pool = new BufferPool(MemoryProvider.nativeMemory(), 64)) {
            ManualClock clock = new ManualClock();
            InMemoryLink link = new InMemoryLink();
            InMemoryLink.Port a = link.attach(0x020000000001L, pool);
            InMemoryLink.Port b = link.attach(0x020000000002L, pool);
            PcapDevice pa = new PcapDevice(a, PcapWriter.create(file), clock);
            pa.transmit(new DemiBuffer[] {buffer(pool, Frames.hex(UDP_FRAME))}, 1);
            DemiBuffer[] rx = new DemiBuffer[4];
            assertEquals(1, b.receive(rx, 4));
            rx[0].release();
            pa.close();
        }
        Process p = new ProcessBuilder(tshark.toString(), "-r", file.toString(), "-T", "fields",
                "-e", "frame.protocols", "-e", "udp.dstport", "-e", "udp.checksum.status", "-o", "udp.check_checksum:TRUE")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tshark did not finish");
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("eth:ethertype:ip:udp"), out);
        assertTrue(out.endsWith("\t7\t1"), "port 7, UDP checksum good (status 1): " + out);
        Files.deleteIfExists(file);
    }

    @Test
    void linkDeliversUnicastToItsOwnerAndFloodsBroadcast() {
        try (BufferPool pool = new BufferPool(MemoryProvider.nativeMemory(), 64)) {
            InMemoryLink link = new InMemoryLink();
            InMemoryLink.Port a = link.attach(0x020000000001L, pool);
            InMemoryLink.Port b = link.attach(0x020000000002L, pool);
            InMemoryLink.Port c = link.attach(0x020000000003L, pool);
            a.transmit(new DemiBuffer[] {buffer(pool, Frames.hex(UDP_FRAME))}, 1);
            assertEquals(0, a.pending());
            assertEquals(1, b.pending());
            assertEquals(0, c.pending());
            byte[] broadcast = Frames.hex(UDP_FRAME);
            for (int i = 0; i < 6; i++) {
                broadcast[i] = (byte) 0xFF;
            }
            a.transmit(new DemiBuffer[] {buffer(pool, broadcast)}, 1);
            assertEquals(2, b.pending());
            assertEquals(1, c.pending());
            byte[] huge = new byte[1515];
            a.transmit(new DemiBuffer[] {buffer(pool, huge)}, 1);
            assertEquals(1, link.dropped(), "above MTU + 14");
            DemiBuffer[] rx = new DemiBuffer[4];
            int n = b.receive(rx, 4);
            assertEquals(2, n);
            for (int i = 0; i < n; i++) {
                rx[i].release();
            }
            c.receive(rx, 4);
            rx[0].release();
            assertEquals(0, pool.outstanding());
        }
    }

    @Test
    void faultInjectorIsReproducibleFromItsSeed() {
        long[] first = runFaults(42);
        long[] again = runFaults(42);
        long[] other = runFaults(43);
        assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(again));
        assertTrue(!java.util.Arrays.equals(first, other), "another seed, another sequence");
        assertTrue(first[0] > 0 && first[1] > 0 && first[2] > 0 && first[3] > 0, java.util.Arrays.toString(first));
    }

    private static long[] runFaults(long seed) {
        try (BufferPool pool = new BufferPool(MemoryProvider.nativeMemory(), 64)) {
            InMemoryLink link = new InMemoryLink();
            InMemoryLink.Port a = link.attach(0x020000000001L, pool);
            InMemoryLink.Port b = link.attach(0x020000000002L, pool);
            FaultInjectingDevice f = new FaultInjectingDevice(a, new Faults(0.2, 0.2, 0.2, 0.2, 3), seed, pool);
            long received = 0;
            long checksum = 0;
            DemiBuffer[] rx = new DemiBuffer[64];
            for (int i = 0; i < 500; i++) {
                f.transmit(new DemiBuffer[] {buffer(pool, Frames.hex(UDP_FRAME))}, 1);
                f.receive(rx, 0);
                int n = b.receive(rx, 64);
                for (int k = 0; k < n; k++) {
                    received++;
                    checksum = checksum * 31 + rx[k].memory().get(ValueLayout.JAVA_BYTE, rx[k].offset() + 45);
                    rx[k].release();
                }
            }
            f.close();
            return new long[] {f.lost(), f.duplicated(), f.reordered(), f.corrupted(), received, checksum};
        }
    }
}
