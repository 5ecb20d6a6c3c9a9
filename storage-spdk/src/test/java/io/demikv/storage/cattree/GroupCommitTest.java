package io.demikv.storage.cattree;

import io.demikv.libos.Opcode;
import io.demikv.libos.QResult;
import io.demikv.storage.StorageKit;
import io.demikv.storage.device.BlockDevice;
import io.demikv.storage.device.MemoryBlockDevice;
import io.demikv.storage.device.MemoryBlockDevice.Event;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Completion semantics and group commit, against a memory device in manual mode: the test decides when
 * each write and flush completes and checks the order of everything the log asked the device to do.
 */
class GroupCommitTest {
    private final StorageKit kit = new StorageKit();

    private CattreeLog manualLog(MemoryBlockDevice dev, Durability d) {
        CattreeLog log = kit.create(dev, StorageKit.smallOptions().withDurability(d));
        dev.manual(true);
        dev.clearEvents();
        return log;
    }

    private boolean done(long qt) {
        return kit.libos.scheduler().lookup(qt).isDone();
    }

    private static List<Event.Kind> kinds(List<Event> events) {
        return events.stream().map(Event::kind).toList();
    }

    @Test
    void pushCompletesOnlyAfterAFlushThatFollowedItsWrite() {
        MemoryBlockDevice dev = new MemoryBlockDevice(1 << 20);
        CattreeLog log = manualLog(dev, Durability.FLUSH);
        long qt = kit.push(log, StorageKit.payload(1, 100));
        kit.libos.poll();
        assertEquals(List.of(Event.Kind.WRITE), kinds(dev.pending()));
        assertFalse(done(qt), "not durable before the write");

        dev.completeOldest();
        kit.libos.poll();
        assertFalse(done(qt), "written is not durable");
        assertEquals(List.of(Event.Kind.FLUSH), kinds(dev.pending()));

        dev.completeOldest();
        kit.libos.poll();
        assertTrue(done(qt));
        assertEquals(List.of(Event.Kind.WRITE, Event.Kind.COMPLETE, Event.Kind.FLUSH, Event.Kind.COMPLETE),
                kinds(dev.events()));
        assertEquals(0, dev.events().get(0).flags() & BlockDevice.FUA);
        kit.awaitPush(qt);
    }

    @Test
    void pushesOfOnePassShareOneWriteAndOneFlush() {
        MemoryBlockDevice dev = new MemoryBlockDevice(1 << 20);
        CattreeLog log = manualLog(dev, Durability.FLUSH);
        long[] qts = new long[40];
        for (int i = 0; i < qts.length; i++) {
            qts[i] = kit.push(log, StorageKit.payload(i, 150));
        }
        kit.libos.poll();
        assertEquals(1, dev.pending().size(), "one write for 40 records");
        assertEquals(2 * 4096, dev.pending().get(0).length(), "40 frames of 184 bytes fill two blocks");
        dev.completeAll();
        kit.libos.poll();
        assertEquals(List.of(Event.Kind.FLUSH), kinds(dev.pending()));
        dev.completeAll();
        kit.libos.poll();
        for (long qt : qts) {
            assertTrue(done(qt));
            kit.awaitPush(qt);
        }
        long flushes = dev.events().stream().filter(e -> e.kind() == Event.Kind.FLUSH).count();
        long writes = dev.events().stream().filter(e -> e.kind() == Event.Kind.WRITE).count();
        assertEquals(1, flushes);
        assertEquals(1, writes);
        assertEquals(1, log.flushes());
    }

    @Test
    void nextBatchIsWrittenWhileTheFlushRunsButWaitsForItsOwnFlush() {
        MemoryBlockDevice dev = new MemoryBlockDevice(1 << 20);
        CattreeLog log = manualLog(dev, Durability.FLUSH);
        long a = kit.push(log, StorageKit.payload(0, 5000));
        kit.libos.poll();
        dev.completeOldest(Event.Kind.WRITE);
        kit.libos.poll();
        assertEquals(List.of(Event.Kind.FLUSH), kinds(dev.pending()), "flush A in flight");

        long b = kit.push(log, StorageKit.payload(1, 5000));
        kit.libos.poll();
        assertEquals(List.of(Event.Kind.FLUSH, Event.Kind.WRITE), kinds(dev.pending()),
                "B's write is submitted while A's flush is in flight");

        dev.completeOldest(Event.Kind.WRITE); // B written before A's flush completes
        kit.libos.poll();
        assertFalse(done(a));
        assertFalse(done(b));
        assertEquals(List.of(Event.Kind.FLUSH), kinds(dev.pending()), "no second flush while one runs");

        dev.completeOldest(Event.Kind.FLUSH);
        kit.libos.poll();
        assertTrue(done(a));
        assertFalse(done(b), "A's flush was submitted before B's write completed");
        assertEquals(List.of(Event.Kind.FLUSH), kinds(dev.pending()), "the next flush covers B");

        dev.completeOldest(Event.Kind.FLUSH);
        kit.libos.poll();
        assertTrue(done(b));
        kit.awaitPush(a);
        kit.awaitPush(b);
        assertEquals(2, log.flushes());
    }

    @Test
    void partlyFilledBlockIsNotRewrittenWhileItsWriteIsInFlight() {
        MemoryBlockDevice dev = new MemoryBlockDevice(1 << 20);
        CattreeLog log = manualLog(dev, Durability.FLUSH);
        long a = kit.push(log, StorageKit.payload(0, 100));
        kit.libos.poll();
        long b = kit.push(log, StorageKit.payload(1, 100));
        kit.libos.poll();
        assertEquals(1, dev.pending().size(), "B shares A's block, whose write is still in flight");
        dev.completeOldest();
        kit.libos.poll();
        List<Event> pending = dev.pending();
        assertEquals(List.of(Event.Kind.WRITE, Event.Kind.FLUSH), kinds(pending), "B's write, A's flush");
        assertEquals(dev.events().get(0).offset(), pending.get(0).offset(), "B rewrites the same block");
        dev.completeAll();
        kit.libos.poll();
        dev.completeAll();
        kit.libos.poll();
        kit.awaitPush(a);
        kit.awaitPush(b);
    }

    @Test
    void fuaModeCompletesOnTheWriteWithoutAFlush() {
        MemoryBlockDevice dev = new MemoryBlockDevice(1 << 20);
        CattreeLog log = manualLog(dev, Durability.FUA);
        long qt = kit.push(log, StorageKit.payload(0, 300));
        kit.libos.poll();
        List<Event> pending = dev.pending();
        assertEquals(1, pending.size());
        assertEquals(BlockDevice.FUA, pending.get(0).flags() & BlockDevice.FUA);
        dev.completeAll();
        kit.libos.poll();
        assertTrue(done(qt));
        assertTrue(dev.events().stream().noneMatch(e -> e.kind() == Event.Kind.FLUSH));
        kit.awaitPush(qt);
    }

    @Test
    void bufferedModeCompletesOnTheWriteAndSyncFlushes() {
        MemoryBlockDevice dev = new MemoryBlockDevice(1 << 20);
        CattreeLog log = manualLog(dev, Durability.BUFFERED);
        long qt = kit.push(log, StorageKit.payload(0, 300));
        kit.libos.poll();
        dev.completeAll();
        kit.libos.poll();
        assertTrue(done(qt), "buffered: written is enough");
        kit.libos.poll();
        assertTrue(dev.pending().isEmpty(), "no flush without a sync");
        long before = log.durablePosition();

        long sync = log.sync();
        kit.libos.poll();
        assertEquals(List.of(Event.Kind.FLUSH), kinds(dev.pending()));
        dev.completeAll();
        kit.libos.poll();
        assertTrue(done(sync));
        QResult r = kit.await(sync);
        assertEquals(Opcode.PUSH, r.opcode());
        assertTrue(log.durablePosition() > before);
        kit.awaitPush(qt);
    }

    @Test
    void durableImageHoldsEveryAcknowledgedRecord() {
        MemoryBlockDevice dev = new MemoryBlockDevice(1 << 20);
        CattreeLog log = kit.create(dev, StorageKit.smallOptions());
        for (int i = 0; i < 50; i++) {
            kit.append(log, StorageKit.payload(i, 700));
        }
        try (StorageKit other = new StorageKit()) {
            CattreeLog again = other.open(MemoryBlockDevice.of(dev.durableImage()), StorageKit.smallOptions());
            assertEquals(50, other.popAll(again).size());
        }
        kit.close();
    }
}
