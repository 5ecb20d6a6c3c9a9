package io.demikv.catnip.phy;

import io.demikv.catnip.wire.Frames;
import io.demikv.catnip.wire.Ipv4Packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;

/** Frame surgery for tests: change bytes of an Ethernet/IPv4 frame and fix the IPv4 header checksum after. */
public final class Injector {
    private Injector() {
    }

    public static byte[] withIpv4Fixup(byte[] frame, Consumer<byte[]> change) {
        byte[] f = frame.clone();
        change.accept(f);
        MemorySegment s = Frames.segment(f);
        Ipv4Packet ip = new Ipv4Packet();
        ip.wrap(s, 14, f.length - 14);
        ip.fillChecksum();
        byte[] out = new byte[f.length];
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, 0, out, 0, f.length);
        return out;
    }
}
