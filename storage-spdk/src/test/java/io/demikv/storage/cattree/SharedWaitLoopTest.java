package io.demikv.storage.cattree;

import io.demikv.libos.Endpoint;
import io.demikv.libos.LibOS;
import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.libos.catnap.Catnap;
import io.demikv.libos.testkit.LibOsTestKit;
import io.demikv.storage.StorageKit;
import io.demikv.storage.device.MemoryBlockDevice;
import io.demikv.storage.device.UringTestFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Cattree's queues live in the host libOS's table: one waitNext returns storage and other completions together. */
class SharedWaitLoopTest {
    @Test
    void waitNextReturnsLogAndMemoryQueueCompletionsTogether() {
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(new MemoryBlockDevice(1 << 20), StorageKit.smallOptions());
            int mq = kit.libos.queue();
            assertNotEquals(mq, log.qd());
            long logQt = kit.push(log, StorageKit.payload(0, 10));
            long popQt = kit.libos.pop(mq);
            assertTrue(kit.libos.push(mq, LibOsTestKit.sga(kit.libos, "x")) > 0);
            boolean sawLog = false;
            boolean sawPop = false;
            QResult[] results = {new QResult(), new QResult(), new QResult(), new QResult()};
            for (int round = 0; round < 10 && !(sawLog && sawPop); round++) {
                int n = kit.libos.waitNext(results, results.length, StorageKit.TIMEOUT);
                for (int i = 0; i < n; i++) {
                    QResult r = results[i];
                    if (r.qt() == logQt) {
                        assertEquals(Opcode.PUSH, r.opcode());
                        sawLog = true;
                    } else if (r.qt() == popQt) {
                        assertEquals(Opcode.POP, r.opcode());
                        sawPop = true;
                    }
                    kit.free(r.sga());
                }
            }
            assertTrue(sawLog && sawPop);
        }
    }

    @Test
    void catnapSocketsAndAnIoUringLogShareOneWaitLoop() throws IOException {
        Path file = UringTestFiles.tempFile("shared");
        try (Catnap catnap = new Catnap(); Cattree cattree = Cattree.attach(catnap)) {
            CattreeLog log = cattree.create(UringTestFiles.fileDevice(file, 4 << 20, 16),
                    StorageKit.smallOptions().withSegmentBytes(1 << 20));
            int udp = catnap.socket(LibOS.AF_INET, LibOS.SOCK_DGRAM, 0);
            assertEquals(0, catnap.bind(udp, Endpoint.parse("127.0.0.1:0")));
            long self = catnap.localEndpoint(udp);
            long popQt = catnap.pop(udp);
            long logQt = catnap.push(log.qd(), LibOsTestKit.sga(catnap, "durable"));
            long sendQt = catnap.pushTo(udp, LibOsTestKit.sga(catnap, "ping"), self);
            assertTrue(popQt > 0 && logQt > 0 && sendQt > 0);
            boolean sawLog = false;
            boolean sawPop = false;
            QResult[] results = {new QResult(), new QResult(), new QResult()};
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!(sawLog && sawPop) && System.nanoTime() < deadline) {
                int n = catnap.waitNext(results, results.length, 1_000_000_000L);
                for (int i = 0; i < n; i++) {
                    QResult r = results[i];
                    if (r.qt() == logQt) {
                        assertEquals(Opcode.PUSH, r.opcode(), r.toString());
                        sawLog = true;
                    } else if (r.qt() == popQt) {
                        assertEquals("ping", LibOsTestKit.text(r.sga()));
                        sawPop = true;
                    }
                    if (r.sga() != null) {
                        catnap.sgaFree(r.sga());
                    }
                }
            }
            assertTrue(sawLog, "log push completed");
            assertTrue(sawPop, "datagram received");
            assertEquals(1, log.flushes());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aWaitForADurablePushSleepsOnTheRingsEventfdInsteadOfPolling() throws IOException {
        Path file = UringTestFiles.tempFile("sleep");
        try (Catnap catnap = new Catnap(); Cattree cattree = Cattree.attach(catnap)) {
            CattreeLog log = cattree.create(UringTestFiles.fileDevice(file, 4 << 20, 16),
                    StorageKit.smallOptions().withSegmentBytes(1 << 20).withDurability(Durability.FLUSH));
            assertTrue(log.sleepsOnDevice(), "Catnap watches the ring's eventfd");
            QResult r = new QResult();
            for (int i = 0; i < 20; i++) {
                long passesBefore = catnap.scheduler().passes();
                long qt = catnap.push(log.qd(), LibOsTestKit.sga(catnap, "durable " + i));
                assertEquals(0, catnap.wait(qt, 10_000_000_000L, r));
                assertEquals(Opcode.PUSH, r.opcode(), r.toString());
                catnap.sgaFree(r.sga());
                // A write and a flush take tens to hundreds of microseconds. Polling would run a pass every
                // microsecond or so; sleeping on the eventfd wakes once per completion (plus a few passes).
                long passes = catnap.scheduler().passes() - passesBefore;
                assertTrue(passes < 50, "push " + i + " took " + passes + " scheduler passes");
            }
            assertEquals(20, log.flushes(), "one flush per push, each chained to its write");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
