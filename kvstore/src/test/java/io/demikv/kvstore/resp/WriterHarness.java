package io.demikv.kvstore.resp;

import io.demikv.libos.MemoryLibOS;
import io.demikv.libos.Sga;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Test helper: a {@link ReplyWriter} over a {@link MemoryLibOS}, with its output read back as bytes. */
final class WriterHarness implements AutoCloseable {
    final MemoryLibOS libos = new MemoryLibOS();
    int protocol = 2;
    int signals;
    final ReplyWriter writer = new ReplyWriter(libos, () -> protocol, w -> signals++);

    WriterHarness(int protocol) {
        this.protocol = protocol;
    }

    /** Everything written so far, detaching (and freeing) every chunk. */
    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Sga sga;
        while ((sga = writer.detach()) != null) {
            if (sga.segmentCount() > Sga.MAX_SEGMENTS) {
                throw new AssertionError("too many segments");
            }
            byte[] b = new byte[(int) sga.length()];
            sga.copyTo(b, 0);
            out.writeBytes(b);
            libos.sgaFree(sga);
        }
        return out.toByteArray();
    }

    String text() {
        return new String(bytes(), StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        writer.discard();
        libos.close();
    }
}
