package io.demikv.kvstore.resp;

import io.demikv.libos.Sga;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golden bytes of every reply type in RESP2 and RESP3, plus the writer's buffer handling. */
class ReplyWriterTest {

    private static String write(int protocol, Consumer<ReplyWriter> body) {
        try (WriterHarness h = new WriterHarness(protocol)) {
            body.accept(h.writer);
            String text = h.text();
            assertEquals(0, h.libos.sgasOutstanding(), "arrays leaked");
            assertEquals(0, h.libos.buffers().outstanding(), "buffers leaked");
            return text;
        }
    }

    private static void golden(Consumer<ReplyWriter> body, String resp2, String resp3) {
        assertEquals(resp2, write(2, body), "RESP2");
        assertEquals(resp3, write(3, body), "RESP3");
    }

    @Test
    void writesSimpleStringsAndOk() {
        golden(w -> w.ok(), "+OK\r\n", "+OK\r\n");
        golden(w -> w.simple("PONG"), "+PONG\r\n", "+PONG\r\n");
        golden(w -> w.simple(""), "+\r\n", "+\r\n");
    }

    @Test
    void writesErrorsWithNewlinesReplacedBySpaces() {
        golden(w -> w.error("ERR syntax error"), "-ERR syntax error\r\n", "-ERR syntax error\r\n");
        golden(w -> w.error("ERR a\r\nb\nc"), "-ERR a  b c\r\n", "-ERR a  b c\r\n");
        golden(w -> w.error("ERR unknown command 'caf\u00e9'"), "-ERR unknown command 'caf\u00c3\u00a9'\r\n",
                "-ERR unknown command 'caf\u00c3\u00a9'\r\n");
    }

    @Test
    void writesIntegers() {
        golden(w -> w.integer(0), ":0\r\n", ":0\r\n");
        golden(w -> w.integer(1), ":1\r\n", ":1\r\n");
        golden(w -> w.integer(-1), ":-1\r\n", ":-1\r\n");
        golden(w -> w.integer(1234567890123L), ":1234567890123\r\n", ":1234567890123\r\n");
        golden(w -> w.integer(Long.MIN_VALUE), ":-9223372036854775808\r\n", ":-9223372036854775808\r\n");
        golden(w -> w.integer(Long.MAX_VALUE), ":9223372036854775807\r\n", ":9223372036854775807\r\n");
    }

    @Test
    void writesBulkStringsFromBytesSlicesStringsAndNumbers() {
        golden(w -> w.bulk("foo".getBytes()), "$3\r\nfoo\r\n", "$3\r\nfoo\r\n");
        golden(w -> w.bulk("xfooy".getBytes(), 1, 3), "$3\r\nfoo\r\n", "$3\r\nfoo\r\n");
        golden(w -> w.bulk(new byte[0]), "$0\r\n\r\n", "$0\r\n\r\n");
        golden(w -> w.bulk("h\u00e9"), "$3\r\nh\u00c3\u00a9\r\n", "$3\r\nh\u00c3\u00a9\r\n");
        golden(w -> w.bulk(-42L), "$3\r\n-42\r\n", "$3\r\n-42\r\n");
        golden(w -> w.bulk(7L), "$1\r\n7\r\n", "$1\r\n7\r\n");
    }

    @Test
    void writesNullsPerProtocol() {
        golden(ReplyWriter::nullBulk, "$-1\r\n", "_\r\n");
        golden(ReplyWriter::nullArray, "*-1\r\n", "_\r\n");
    }

    @Test
    void writesAggregatesPerProtocol() {
        golden(w -> w.array(0), "*0\r\n", "*0\r\n");
        golden(w -> {
            w.array(2);
            w.integer(1);
            w.bulk("a");
        }, "*2\r\n:1\r\n$1\r\na\r\n", "*2\r\n:1\r\n$1\r\na\r\n");
        golden(w -> {
            w.map(1);
            w.bulk("k");
            w.integer(5);
        }, "*2\r\n$1\r\nk\r\n:5\r\n", "%1\r\n$1\r\nk\r\n:5\r\n");
        golden(w -> w.set(3), "*3\r\n", "~3\r\n");
        golden(w -> w.push(3), "*3\r\n", ">3\r\n");
        golden(w -> w.map(0), "*0\r\n", "%0\r\n");
    }

    @Test
    void writesBooleansPerProtocol() {
        golden(w -> w.bool(true), ":1\r\n", "#t\r\n");
        golden(w -> w.bool(false), ":0\r\n", "#f\r\n");
    }

    @Test
    void writesVerbatimStringsPerProtocol() {
        golden(w -> w.verbatim("hello"), "$5\r\nhello\r\n", "=9\r\ntxt:hello\r\n");
    }

    @Test
    void writesDoublesPerProtocol() {
        golden(w -> w.doubleValue(3.0), "$1\r\n3\r\n", ",3\r\n");
        golden(w -> w.doubleValue(1.5), "$3\r\n1.5\r\n", ",1.5\r\n");
        golden(w -> w.doubleValue(Double.POSITIVE_INFINITY), "$3\r\ninf\r\n", ",inf\r\n");
        golden(w -> w.doubleValue(Double.NEGATIVE_INFINITY), "$4\r\n-inf\r\n", ",-inf\r\n");
        golden(w -> w.doubleValue(0.1), "$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n");
    }

    @Test
    void writesRawRespUnchanged() {
        golden(w -> w.raw("+QUEUED\r\n".getBytes()), "+QUEUED\r\n", "+QUEUED\r\n");
    }

    /** Expected values are C's printf("%.17g") (Redis 7.0's addReplyDouble), computed with glibc. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "3.0, 3", "1.5, 1.5", "0.1, 0.10000000000000001", "1e20, 1e+20", "1e17, 1e+17",
            "1e16, 10000000000000000", "123456789.123, 123456789.123", "1e-5, 1.0000000000000001e-05",
            "-2.5, -2.5", "0.0001, 0.0001", "1.234e-05, 1.234e-05", "0.3333333333333333, 0.33333333333333331",
            "-0.3333333333333333, -0.33333333333333331", "9007199254740992.0, 9007199254740992",
            "1.7976931348623157e308, 1.7976931348623157e+308", "4.9e-324, 4.9406564584124654e-324",
            "2.2250738585072014e-308, 2.2250738585072014e-308", "1.2345678901234568e16, 12345678901234568",
            "0.30000000000000004, 0.30000000000000004", "100.5, 100.5", "-0.0, -0",
            "9.999999999999998e16, 99999999999999984", "1.23456e-08, 1.23456e-08", "0, 0",
    })
    void formatsDoublesAsPrintfPercent17g(double value, String expected) {
        assertEquals(expected, RespDouble.format(value));
    }

    @Test
    void spreadsABigReplyOverChunksAndAtMostEightSegmentsPerPush() {
        try (WriterHarness h = new WriterHarness(2)) {
            byte[] big = new byte[10_000_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) i;
            }
            h.writer.bulk(big);
            h.writer.ok();
            int pushes = 0;
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            Sga sga;
            while ((sga = h.writer.detach()) != null) {
                assertTrue(sga.segmentCount() <= Sga.MAX_SEGMENTS);
                byte[] b = new byte[(int) sga.length()];
                sga.copyTo(b, 0);
                out.writeBytes(b);
                h.libos.sgaFree(sga);
                pushes++;
            }
            byte[] all = out.toByteArray();
            assertTrue(pushes >= 2, "a 10 MB reply needs more than one push of 8 segments of at most 1 MB");
            String head = "$10000000\r\n";
            assertEquals(head, new String(all, 0, head.length(), StandardCharsets.US_ASCII));
            for (int i = 0; i < big.length; i++) {
                if (all[head.length() + i] != big[i]) {
                    throw new AssertionError("byte " + i + " differs");
                }
            }
            assertEquals("\r\n+OK\r\n", new String(all, head.length() + big.length, 7, StandardCharsets.US_ASCII));
            assertEquals(0, h.writer.pendingBytes());
            assertEquals(0, h.libos.buffers().outstanding());
        }
    }

    @Test
    void tellsTheListenerOnceUntilDetached() {
        try (WriterHarness h = new WriterHarness(2)) {
            assertNull(h.writer.detach());
            h.writer.ok();
            h.writer.integer(5);
            assertEquals(1, h.signals);
            assertEquals(9, h.writer.pendingBytes());
            assertEquals("+OK\r\n:5\r\n", h.text());
            h.writer.ok();
            assertEquals(2, h.signals);
        }
    }

    @Test
    void discardReturnsEveryBuffer() {
        try (WriterHarness h = new WriterHarness(2)) {
            h.writer.bulk(new byte[100_000]);
            h.writer.discard();
            assertEquals(0, h.writer.pendingBytes());
            assertEquals(0, h.libos.buffers().outstanding());
            assertEquals(0, h.libos.sgasOutstanding());
        }
    }

    @Test
    void dropsRepliesAfterCloseWithoutTakingBuffers() {
        try (WriterHarness h = new WriterHarness(3)) {
            h.writer.bulk(new byte[10_000]);
            h.writer.close();
            assertEquals(0, h.libos.buffers().outstanding());
            int signals = h.signals;
            h.writer.push(3);
            h.writer.bulk("message");
            h.writer.bulk(new byte[3_000_000]);
            h.writer.integer(12345);
            assertEquals(signals, h.signals, "a closed writer does not ask to be flushed");
            assertNull(h.writer.detach());
            assertEquals(0, h.libos.buffers().outstanding());
            assertEquals(0, h.libos.sgasOutstanding());
        }
    }

    @Test
    void allocatesNothingForSimpleRepliesInSteadyState() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (WriterHarness h = new WriterHarness(2)) {
            byte[] value = "some value".getBytes();
            Runnable round = () -> {
                for (int i = 0; i < 100; i++) {
                    h.writer.ok();
                    h.writer.integer(i * 1000L);
                    h.writer.bulk(value);
                    h.writer.nullBulk();
                    h.writer.array(2);
                    h.writer.simple("PONG");
                    h.writer.error("ERR no such key");
                    h.writer.bulk(12345L);
                }
                Sga sga;
                while ((sga = h.writer.detach()) != null) {
                    h.libos.sgaFree(sga);
                }
            };
            for (int i = 0; i < 20_000; i++) {
                round.run(); // warm up: JIT, pools
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1_000; i++) {
                round.run();
            }
            long perRound = (threads.getCurrentThreadAllocatedBytes() - before) / 1_000;
            assertTrue(perRound < 64, "allocated " + perRound + " bytes per 800 replies");
        }
    }
}
