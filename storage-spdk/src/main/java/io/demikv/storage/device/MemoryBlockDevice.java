package io.demikv.storage.device;

import io.demikv.libos.Errno;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A block device in memory with a model of a volatile write cache, for tests and for checking tools on
 * images: every command is recorded in order ({@link #events()}), completes only when polled (by default in
 * the first {@link #pollCompletions} after its submit, or when the test says so in {@link #manual} mode), and
 * a write reaches the <em>durable</em> image only through a flush that was submitted after the write
 * completed, or with {@link #FUA}. {@link #crash} makes the image a power failure could leave: the durable
 * bytes plus any subset of the unflushed writes, each possibly torn at a 512-byte sector.
 *
 * <p>Data moves when a command completes (a write copies its buffer then, a read fills its buffer then), so
 * a caller that changes a buffer under an in-flight write is caught. Test thread (the polling thread) only.
 */
public final class MemoryBlockDevice implements BlockDevice {
    /** The sector a torn write may stop at (the smallest unit real devices write atomically). */
    public static final int SECTOR = 512;

    /** One recorded command or completion. */
    public record Event(Kind kind, long offset, int length, int flags, long token, int result) {
        /** What happened. */
        public enum Kind { WRITE, READ, FLUSH, COMPLETE }

        @Override
        public String toString() {
            return switch (kind) {
                case WRITE -> "WRITE@" + offset + "+" + length + ((flags & FUA) != 0 ? " FUA" : "") + " #" + token;
                case READ -> "READ@" + offset + "+" + length + " #" + token;
                case FLUSH -> "FLUSH #" + token;
                case COMPLETE -> "DONE #" + token + " " + result;
            };
        }
    }

    private static final int WRITE = 0;
    private static final int READ = 1;
    private static final int FLUSH = 2;

    /** A submitted command. */
    private static final class Command {
        int op;
        MemorySegment buffer;
        long offset;
        int length;
        int flags;
        long token;
        /** For a flush: the writes completed before it was submitted. */
        int coveredWrites;
        /** Forced result (a failure chosen by the test), or Integer.MIN_VALUE. */
        int forced = Integer.MIN_VALUE;
    }

    /** A completed write not yet flushed: its own copy of the data. */
    private record Unflushed(long offset, byte[] data) {
    }

    private final int queueDepth;
    private final byte[] durable;
    private final byte[] cache;
    private Arena arena = Arena.ofShared();
    private final List<Command> submitted = new ArrayList<>();
    private final ArrayDeque<Command> completed = new ArrayDeque<>();
    private final List<Unflushed> unflushed = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private boolean manual;
    private boolean recording = true;
    private long writes;
    private long flushes;
    private boolean closed;

    /** A zeroed device of {@code capacity} bytes (a multiple of 4096) and queue depth 64. */
    public MemoryBlockDevice(long capacity) {
        this(new byte[Math.toIntExact(capacity)], 64);
    }

    /** A device whose durable and visible contents are {@code image} (copied). */
    public MemoryBlockDevice(byte[] image, int queueDepth) {
        if (image.length % 4096 != 0 || image.length == 0) {
            throw new IllegalArgumentException("capacity must be a positive multiple of 4096: " + image.length);
        }
        this.queueDepth = queueDepth;
        this.durable = image.clone();
        this.cache = image.clone();
    }

    /** Manual mode: commands complete only through {@link #completeOldest}, {@link #completeAll} and friends. */
    public MemoryBlockDevice manual(boolean on) {
        this.manual = on;
        return this;
    }

    /** Stops or restarts recording {@link #events()} (long benchmarks). */
    public MemoryBlockDevice recording(boolean on) {
        this.recording = on;
        return this;
    }

    @Override
    public int blockSize() {
        return 4096;
    }

    @Override
    public long capacityBytes() {
        return durable.length;
    }

    @Override
    public int queueDepth() {
        return queueDepth;
    }

    @Override
    public int inFlight() {
        return submitted.size() + completed.size();
    }

    @Override
    public MemorySegment allocateDma(long bytes) {
        if (closed) {
            // Reopened after close (as a disk is by the next process): same images, fresh memory.
            arena = Arena.ofShared();
            closed = false;
        }
        return arena.allocate((bytes + 4095) / 4096 * 4096, 4096);
    }

    @Override
    public int submitWrite(MemorySegment buffer, long offset, int length, int flags, long token) {
        return add(WRITE, buffer, offset, length, flags, token);
    }

    @Override
    public int submitRead(MemorySegment buffer, long offset, int length, long token) {
        return add(READ, buffer, offset, length, 0, token);
    }

    @Override
    public int submitFlush(long token) {
        return add(FLUSH, null, 0, 0, 0, token);
    }

    private int add(int op, MemorySegment buffer, long offset, int length, int flags, long token) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (op != FLUSH && (length <= 0 || length % 4096 != 0 || offset % 4096 != 0 || offset < 0
                || offset + length > durable.length || length > buffer.byteSize())) {
            return -Errno.EINVAL;
        }
        if (inFlight() >= queueDepth) {
            return -Errno.EAGAIN;
        }
        Command c = new Command();
        c.op = op;
        c.buffer = buffer;
        c.offset = offset;
        c.length = length;
        c.flags = flags;
        c.token = token;
        if (op == FLUSH) {
            c.coveredWrites = unflushed.size();
        }
        submitted.add(c);
        record(new Event(op == WRITE ? Event.Kind.WRITE : op == READ ? Event.Kind.READ : Event.Kind.FLUSH,
                offset, length, flags, token, 0));
        return 0;
    }

    private void record(Event e) {
        if (recording) {
            events.add(e);
        }
    }

    @Override
    public int submit() {
        return 0;
    }

    @Override
    public int pollCompletions(int max, CompletionHandler handler) {
        if (!manual) {
            while (!submitted.isEmpty()) {
                finish(submitted.remove(0));
            }
        }
        int n = 0;
        while (n < max && !completed.isEmpty()) {
            Command c = completed.pollFirst();
            int result = c.forced != Integer.MIN_VALUE ? c.forced : c.length;
            record(new Event(Event.Kind.COMPLETE, c.offset, c.length, c.flags, c.token, result));
            n++;
            handler.onComplete(c.token, result);
        }
        return n;
    }

    /** Performs a command's effect now; its completion is reported by the next poll. */
    private void finish(Command c) {
        if (c.forced == Integer.MIN_VALUE) {
            switch (c.op) {
                case WRITE -> {
                    byte[] data = new byte[c.length];
                    MemorySegment.copy(c.buffer, ValueLayout.JAVA_BYTE, 0, data, 0, c.length);
                    System.arraycopy(data, 0, cache, (int) c.offset, c.length);
                    if ((c.flags & FUA) != 0) {
                        System.arraycopy(data, 0, durable, (int) c.offset, c.length);
                    } else {
                        unflushed.add(new Unflushed(c.offset, data));
                    }
                    writes++;
                }
                case READ -> MemorySegment.copy(cache, (int) c.offset, c.buffer, ValueLayout.JAVA_BYTE, 0, c.length);
                default -> {
                    for (int i = 0; i < c.coveredWrites; i++) {
                        Unflushed u = unflushed.get(i);
                        System.arraycopy(u.data, 0, durable, (int) u.offset, u.data.length);
                    }
                    unflushed.subList(0, c.coveredWrites).clear();
                    for (Command s : submitted) {
                        if (s.op == FLUSH) {
                            s.coveredWrites = Math.max(0, s.coveredWrites - c.coveredWrites);
                        }
                    }
                    for (Command s : completed) {
                        if (s.op == FLUSH) {
                            s.coveredWrites = Math.max(0, s.coveredWrites - c.coveredWrites);
                        }
                    }
                    flushes++;
                }
            }
        }
        completed.addLast(c);
    }

    // ---------------------------------------------------------------- test control (manual mode)

    /** Commands submitted and not yet completed, oldest first, as events. */
    public List<Event> pending() {
        List<Event> out = new ArrayList<>();
        for (Command c : submitted) {
            out.add(new Event(c.op == WRITE ? Event.Kind.WRITE : c.op == READ ? Event.Kind.READ : Event.Kind.FLUSH,
                    c.offset, c.length, c.flags, c.token, 0));
        }
        return out;
    }

    /** Completes the oldest pending command (reported at the next poll); false when none. */
    public boolean completeOldest() {
        if (submitted.isEmpty()) {
            return false;
        }
        finish(submitted.remove(0));
        return true;
    }

    /** Completes the pending command at {@code index} of {@link #pending()}. */
    public void complete(int index) {
        finish(submitted.remove(index));
    }

    /** Fails the pending command at {@code index} with {@code -errno} (its data goes nowhere). */
    public void fail(int index, int errno) {
        Command c = submitted.remove(index);
        c.forced = -errno;
        completed.addLast(c);
    }

    /** Completes every pending command, oldest first. */
    public void completeAll() {
        while (completeOldest()) {
            // keep going
        }
    }

    /** Completes the oldest pending command of {@code kind}; false when none. */
    public boolean completeOldest(Event.Kind kind) {
        for (int i = 0; i < submitted.size(); i++) {
            int op = submitted.get(i).op;
            if ((kind == Event.Kind.WRITE && op == WRITE) || (kind == Event.Kind.READ && op == READ)
                    || (kind == Event.Kind.FLUSH && op == FLUSH)) {
                complete(i);
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- images

    /** Every command and completion so far, in order. */
    public List<Event> events() {
        return events;
    }

    public void clearEvents() {
        events.clear();
    }

    /** Writes completed so far. */
    public long writes() {
        return writes;
    }

    /** Flushes completed so far. */
    public long flushes() {
        return flushes;
    }

    /** A copy of what a power failure now would certainly leave (flushed or FUA writes only). */
    public byte[] durableImage() {
        return durable.clone();
    }

    /** A copy of what reads see now (every completed write). */
    public byte[] visibleImage() {
        return cache.clone();
    }

    /** Overwrites bytes in both images, as a bit flip on the medium (for corruption tests). */
    public void poke(long offset, byte[] bytes) {
        System.arraycopy(bytes, 0, durable, (int) offset, bytes.length);
        System.arraycopy(bytes, 0, cache, (int) offset, bytes.length);
    }

    /** One byte of what reads see. */
    public byte peek(long offset) {
        return cache[(int) offset];
    }

    /**
     * The device a power failure now could leave: the durable image plus, for each unflushed completed write
     * and each write still in flight, in submission order, with probability 1/2, that write, cut at a random
     * sector boundary when {@code tear} is set.
     */
    public MemoryBlockDevice crash(Random random, boolean tear) {
        byte[] image = durable.clone();
        List<byte[]> datas = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        for (Unflushed u : unflushed) {
            datas.add(u.data);
            offsets.add(u.offset);
        }
        for (Command c : submitted) {
            if (c.op == WRITE) {
                byte[] data = new byte[c.length];
                MemorySegment.copy(c.buffer, ValueLayout.JAVA_BYTE, 0, data, 0, c.length);
                datas.add(data);
                offsets.add(c.offset);
            }
        }
        for (int i = 0; i < datas.size(); i++) {
            if (!random.nextBoolean()) {
                continue;
            }
            byte[] d = datas.get(i);
            int len = d.length;
            if (tear && random.nextBoolean()) {
                len = random.nextInt(d.length / SECTOR + 1) * SECTOR;
            }
            System.arraycopy(d, 0, image, (int) (long) offsets.get(i), len);
        }
        return new MemoryBlockDevice(image, queueDepth);
    }

    /** A device over a copy of {@code image} (an image taken earlier). */
    public static MemoryBlockDevice of(byte[] image) {
        return new MemoryBlockDevice(image, 64);
    }

    @Override
    public boolean supportsFua() {
        return true;
    }

    @Override
    public String describe() {
        return "memory (" + (durable.length >> 10) + " KiB, qd " + queueDepth + (manual ? ", manual" : "") + ")";
    }

    /**
     * Releases the device's memory and drops what is in flight (as a process that exits). The images stay: a
     * closed device can be opened again by the next log, like a disk.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        submitted.clear();
        completed.clear();
        arena.close();
    }

    @Override
    public String toString() {
        return describe() + " events=" + Arrays.toString(events.toArray());
    }
}
