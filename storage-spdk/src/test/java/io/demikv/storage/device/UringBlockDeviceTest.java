package io.demikv.storage.device;

import io.demikv.libos.Errno;
import io.demikv.storage.StorageKit;
import io.demikv.storage.cattree.CattreeLog;
import io.demikv.storage.cattree.ScanReport;
import io.demikv.storage.device.uring.UringBlockDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class UringBlockDeviceTest {
    private final List<Path> files = new ArrayList<>();

    private Path file() {
        Path p = UringTestFiles.tempFile("uring");
        files.add(p);
        return p;
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (Path p : files) {
            Files.deleteIfExists(p);
        }
    }

    @Test
    void preallocatesTheFileAndReadsBackWhatItWrote() throws IOException {
        Path p = file();
        try (UringBlockDevice dev = UringTestFiles.fileDevice(p, 4 << 20, 16)) {
            assertEquals(4 << 20, dev.capacityBytes());
            assertEquals(4 << 20, Files.size(p));
            assertFalse(dev.isBlockDevice());
            assertTrue(dev.buffersRegistered(), dev.describe());
            SyncIo io = new SyncIo(dev);
            MemorySegment buf = dev.allocateDma(8192);
            assertEquals(0, io.read(buf, 1 << 20, 8192));
            for (long i = 0; i < 8192; i++) {
                assertEquals(0, buf.get(ValueLayout.JAVA_BYTE, i), "zero-filled at " + i);
            }
            for (int i = 0; i < 8192; i++) {
                buf.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 13));
            }
            assertEquals(0, io.write(buf, 12288, 8192, BlockDevice.FUA));
            assertEquals(0, io.flush());
            MemorySegment back = dev.allocateDma(8192);
            assertEquals(0, io.read(back, 12288, 8192));
            assertEquals(-1, buf.mismatch(back));
        }
        byte[] onDisk = Files.readAllBytes(p);
        assertEquals((byte) (1 * 13), onDisk[12288 + 1]);
    }

    @Test
    void keepsSeveralWritesInFlightAndReportsEachToken() {
        try (UringBlockDevice dev = UringTestFiles.fileDevice(file(), 4 << 20, 32)) {
            MemorySegment buf = dev.allocateDma(32 * 4096);
            for (int i = 0; i < 16; i++) {
                assertEquals(0, dev.submitWrite(buf.asSlice(i * 4096L), i * 4096L, 4096, 0, 100 + i));
            }
            assertEquals(16, dev.inFlight());
            boolean[] seen = new boolean[16];
            int got = 0;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (got < 16 && System.nanoTime() < deadline) {
                int n = dev.pollCompletions(64, (token, res) -> {
                    assertEquals(4096, res);
                    seen[(int) token - 100] = true;
                });
                assertTrue(n >= 0);
                got += n;
            }
            assertEquals(16, got);
            for (boolean s : seen) {
                assertTrue(s);
            }
            assertEquals(0, dev.inFlight());
        }
    }

    /** Reaps until {@code count} completions arrived (10 s at most); returns the (token, result) pairs in order. */
    private static List<long[]> reap(BlockDevice dev, int count) {
        List<long[]> got = new ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (got.size() < count && System.nanoTime() < deadline) {
            assertTrue(dev.pollCompletions(64, (token, res) -> got.add(new long[] {token, res})) >= 0);
        }
        assertEquals(count, got.size(), "completions");
        return got;
    }

    @Test
    void aFlushChainedToAWriteCompletesAfterIt() {
        try (UringBlockDevice dev = UringTestFiles.fileDevice(file(), 1 << 20, 8)) {
            MemorySegment buf = dev.allocateDma(4096);
            buf.fill((byte) 7);
            assertEquals(-Errno.EINVAL, dev.submitFlushAfterLast(9), "nothing published to chain to");
            assertEquals(0, dev.submitWrite(buf, 8192, 4096, 0, 1));
            assertEquals(0, dev.submitFlushAfterLast(2));
            assertEquals(2, dev.inFlight());
            List<long[]> got = reap(dev, 2);
            assertArrayEquals(new long[] {1, 4096}, got.get(0), "the write first");
            assertArrayEquals(new long[] {2, 0}, got.get(1), "then its flush");
        }
    }

    @Test
    void aFlushChainedToAFailedWriteIsCancelled() {
        try (UringBlockDevice dev = UringTestFiles.fileDevice(file(), 1 << 20, 8)) {
            // An aligned address with nothing mapped there: the kernel fails the write with EFAULT.
            MemorySegment unmapped = MemorySegment.ofAddress(4096).reinterpret(4096);
            assertEquals(0, dev.submitWrite(unmapped, 0, 4096, 0, 1));
            assertEquals(0, dev.submitFlushAfterLast(2));
            List<long[]> got = reap(dev, 2);
            assertEquals(1, got.get(0)[0]);
            assertTrue(got.get(0)[1] < 0, "the write failed: " + got.get(0)[1]);
            assertArrayEquals(new long[] {2, -Errno.ECANCELED}, got.get(1), "the chained flush did not run");
        }
    }

    @Test
    void itsCompletionFdBecomesReadableWhenACompletionIsPosted() throws Exception {
        try (UringBlockDevice dev = UringTestFiles.fileDevice(file(), 1 << 20, 8);
             io.demikv.libos.ffi.Epoll epoll = new io.demikv.libos.ffi.Epoll(4)) {
            int fd = dev.completionFd();
            assertTrue(fd >= 0, "an eventfd is registered with the ring");
            assertEquals(0, epoll.add(fd, io.demikv.libos.ffi.Epoll.EPOLLIN | io.demikv.libos.ffi.Epoll.EPOLLET, 42));
            epoll.await(0); // preallocation's completions may have signalled it already: edge-triggered, reported once
            assertEquals(0, epoll.await(0), "nothing completed since");
            MemorySegment buf = dev.allocateDma(4096);
            assertEquals(0, dev.submitWrite(buf, 0, 4096, 0, 1));
            assertEquals(1, dev.submit());
            // A completion that io_uring posts from task work interrupts epoll_wait first (EINTR, reported as 0
            // events); the eventfd is signalled when the CQE is posted.
            int n = 0;
            for (long end = System.nanoTime() + 5_000_000_000L; n == 0 && System.nanoTime() < end; ) {
                n = epoll.await(1_000_000_000L);
            }
            assertEquals(1, n, "woken by the completion");
            assertEquals(42, epoll.data(0));
            assertEquals(1, reap(dev, 1).size());
        }
    }

    @Test
    void refusesMisalignedIoAndOverfullQueue() {
        try (UringBlockDevice dev = UringTestFiles.fileDevice(file(), 1 << 20, 2)) {
            MemorySegment buf = dev.allocateDma(8192);
            assertEquals(-Errno.EINVAL, dev.submitWrite(buf, 100, 4096, 0, 1));
            assertEquals(-Errno.EINVAL, dev.submitWrite(buf, 0, 100, 0, 1));
            assertEquals(-Errno.EINVAL, dev.submitWrite(buf, 1 << 20, 4096, 0, 1), "past capacity");
            assertEquals(0, dev.submitWrite(buf, 0, 4096, 0, 1));
            assertEquals(0, dev.submitFlush(2));
            assertEquals(-Errno.EAGAIN, dev.submitWrite(buf, 4096, 4096, 0, 3));
        }
    }

    @Test
    void cattreeLogOnAFileSurvivesReopen() {
        Path p = file();
        int n = 200;
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.create(UringTestFiles.fileDevice(p, 8 << 20, 32),
                    StorageKit.smallOptions().withSegmentBytes(1 << 20));
            long[] qts = new long[n];
            for (int i = 0; i < n; i++) {
                qts[i] = kit.push(log, StorageKit.payload(i, 64 + i * 11));
            }
            for (long qt : qts) {
                kit.awaitPush(qt);
            }
            assertTrue(log.flushes() < n, "group commit: " + log.flushes() + " flushes for " + n + " pushes");
        }
        try (StorageKit kit = new StorageKit()) {
            CattreeLog log = kit.open(UringTestFiles.fileDevice(p, 8 << 20, 32), StorageKit.smallOptions());
            assertEquals(ScanReport.Status.CLEAN, log.recovery().status());
            assertEquals(n, log.recovery().records());
            for (int i = 0; i < n; i++) {
                assertArrayEquals(StorageKit.payload(i, 64 + i * 11), kit.pop(log), "record " + i);
            }
            assertNull(kit.pop(log));
        }
    }

    @Test
    void cattreeLogOnALoopDevice() {
        try (UringTestFiles.LoopDevice loop = UringTestFiles.loopDevice(16 << 20)) {
            int n = 100;
            try (StorageKit kit = new StorageKit()) {
                UringBlockDevice dev = UringBlockDevice.open(
                        io.demikv.storage.device.uring.UringOptions.blockDevice(loop.device()));
                assertTrue(dev.isBlockDevice(), dev.describe());
                assertEquals(16 << 20, dev.capacityBytes());
                CattreeLog log = kit.create(dev, StorageKit.smallOptions().withSegmentBytes(1 << 20));
                for (int i = 0; i < n; i++) {
                    kit.append(log, StorageKit.payload(i, 3000));
                }
            }
            try (StorageKit kit = new StorageKit()) {
                CattreeLog log = kit.open(UringBlockDevice.open(
                        io.demikv.storage.device.uring.UringOptions.blockDevice(loop.device())), StorageKit.smallOptions());
                assertEquals(n, log.recovery().records());
                assertArrayEquals(StorageKit.payload(n - 1, 3000), kit.popAll(log).get(n - 1));
            }
        }
    }
}
