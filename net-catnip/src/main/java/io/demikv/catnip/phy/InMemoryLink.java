package io.demikv.catnip.phy;

import io.demikv.libos.memory.BufferPool;
import io.demikv.libos.memory.DemiBuffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * An Ethernet switch in one JVM for tests: several hosts {@link #attach} a {@link Port} each. A transmitted
 * frame is copied off the sender's buffer at once (the wire), then delivered to the port whose MAC is its
 * destination, or to every other port for a group or unknown destination (as a learning switch floods);
 * a port's receive copies it into a buffer of that host's own pool, so every host's buffer accounting stays
 * its own. Delivery is instantaneous and in order; decorate a port with {@link FaultInjectingDevice} for
 * loss, duplication, reordering and corruption. Frames above a port's MTU and frames that find a full inbox
 * are dropped and counted. Single thread (all hosts run on the test thread).
 */
public final class InMemoryLink {
    /** Frames waiting per port at most; more are dropped (a NIC's receive ring). */
    public static final int INBOX_FRAMES = 4096;

    private final List<Port> ports = new ArrayList<>();
    private long delivered;
    private long dropped;

    /** A port with MAC {@code mac} and MTU 1500 whose received frames come from {@code pool}. */
    public Port attach(long mac, BufferPool pool) {
        return attach(mac, 1500, pool);
    }

    /** A port with the given MAC and MTU, receiving into {@code pool}. */
    public Port attach(long mac, int mtu, BufferPool pool) {
        Port p = new Port(mac, mtu, pool);
        ports.add(p);
        return p;
    }

    /** Frames copied into some inbox so far. */
    public long delivered() {
        return delivered;
    }

    /** Frames dropped: oversize, or an inbox was full. */
    public long dropped() {
        return dropped;
    }

    private void carry(Port from, byte[] frame) {
        long destination = frame.length >= 6 ? macAt(frame) : 0;
        Port target = null;
        if ((destination >>> 40 & 1) == 0) {
            for (Port p : ports) {
                if (p != from && !p.closed && p.mac == destination) {
                    target = p;
                    break;
                }
            }
        }
        if (target != null) {
            target.enqueue(frame);
            return;
        }
        for (Port p : ports) {
            if (p != from && !p.closed) {
                p.enqueue(frame);
            }
        }
    }

    private static long macAt(byte[] f) {
        long m = 0;
        for (int i = 0; i < 6; i++) {
            m = (m << 8) | (f[i] & 0xFF);
        }
        return m;
    }

    /** One host's attachment to the link: a {@link Device}. Single thread. */
    public final class Port implements Device {
        private final long mac;
        private final int mtu;
        private final BufferPool pool;
        private final ArrayDeque<byte[]> inbox = new ArrayDeque<>();
        private boolean closed;

        private Port(long mac, int mtu, BufferPool pool) {
            this.mac = mac;
            this.mtu = mtu;
            this.pool = pool;
        }

        private void enqueue(byte[] frame) {
            if (inbox.size() >= INBOX_FRAMES) {
                dropped++;
                return;
            }
            inbox.addLast(frame);
            delivered++;
        }

        /** Frames waiting to be received. */
        public int pending() {
            return inbox.size();
        }

        @Override
        public int receive(DemiBuffer[] frames, int max) {
            int n = 0;
            int limit = Math.min(max, frames.length);
            while (n < limit && !inbox.isEmpty()) {
                byte[] f = inbox.peekFirst();
                DemiBuffer b = pool.allocate(f.length);
                if (b == null) {
                    break;
                }
                inbox.pollFirst();
                MemorySegment.copy(f, 0, b.memory(), ValueLayout.JAVA_BYTE, b.offset(), f.length);
                frames[n++] = b;
            }
            return n;
        }

        @Override
        public int transmit(DemiBuffer[] frames, int count) {
            int sent = 0;
            for (int i = 0; i < count; i++) {
                DemiBuffer b = frames[i];
                frames[i] = null;
                if (closed || b.length() > mtu + 14 || b.length() < 14) {
                    dropped++;
                } else {
                    byte[] copy = new byte[b.length()];
                    MemorySegment.copy(b.memory(), ValueLayout.JAVA_BYTE, b.offset(), copy, 0, copy.length);
                    carry(this, copy);
                    sent++;
                }
                b.release();
            }
            return sent;
        }

        @Override
        public long macAddress() {
            return mac;
        }

        @Override
        public int mtu() {
            return mtu;
        }

        /** Leaves the link: later frames to this port are not delivered; waiting frames are dropped. */
        @Override
        public void close() {
            closed = true;
            inbox.clear();
        }
    }
}
