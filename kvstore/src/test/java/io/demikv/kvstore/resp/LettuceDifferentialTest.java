package io.demikv.kvstore.resp;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.protocol.RedisStateMachine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Differential tests against Lettuce, the client library: requests encoded by Lettuce's own command encoder,
 * split at random points, parse to the arguments Lettuce was given; and replies our writer produces decode
 * with Lettuce's RESP2 and RESP3 decoder ({@link RedisStateMachine}) to the values written.
 */
class LettuceDifferentialTest {
    private static final CommandType[] TYPES = {CommandType.SET, CommandType.GET, CommandType.MSET, CommandType.HSET,
            CommandType.ZADD, CommandType.LPUSH, CommandType.DEL, CommandType.EXISTS, CommandType.APPEND,
            CommandType.ECHO, CommandType.PING, CommandType.EXPIRE};

    // ---------------------------------------------------------------- requests

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void parsesLettuceEncodedCommandsSplitAtRandomPoints(long seed) {
        Random rnd = new Random(seed);
        ByteBuf wire = Unpooled.buffer();
        List<List<String>> expected = new ArrayList<>();
        for (int c = 0; c < 300; c++) {
            CommandType type = TYPES[rnd.nextInt(TYPES.length)];
            CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE);
            List<String> want = new ArrayList<>();
            want.add(type.name());
            int argc = rnd.nextInt(6);
            for (int i = 0; i < argc; i++) {
                switch (rnd.nextInt(4)) {
                    case 0 -> {
                        byte[] key = randomBytes(rnd, 1 + rnd.nextInt(20));
                        args.addKey(key);
                        want.add(new String(key, StandardCharsets.ISO_8859_1));
                    }
                    case 1 -> {
                        byte[] value = randomBytes(rnd, rnd.nextInt(rnd.nextInt(20) == 0 ? 70_000 : 100));
                        args.addValue(value);
                        want.add(new String(value, StandardCharsets.ISO_8859_1));
                    }
                    case 2 -> {
                        long n = rnd.nextLong() >> rnd.nextInt(64);
                        args.add(n);
                        want.add(Long.toString(n));
                    }
                    default -> {
                        String word = rnd.nextBoolean() ? "NX" : "WITHSCORES";
                        args.add(word);
                        want.add(word);
                    }
                }
            }
            new Command<>(type, new StatusOutput<>(ByteArrayCodec.INSTANCE), args).encode(wire);
            expected.add(want);
        }
        byte[] bytes = ByteBufUtil.getBytes(wire);
        wire.release();
        for (int round = 0; round < 10; round++) {
            int[] cuts = rnd.ints(1 + rnd.nextInt(2000), 0, bytes.length + 1).sorted().toArray();
            ParseRun run = ParseRun.cuts(bytes, cuts);
            assertEquals(null, run.error);
            assertEquals(expected, run.commands, "seed " + seed + " round " + round);
        }
    }

    private static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    // ---------------------------------------------------------------- replies

    /**
     * Records what the decoder reports, one event per element. Lettuce reports simple and bulk strings alike
     * (both through {@code set(ByteBuffer)} in places), so both are {@code str:} here; golden tests pin the bytes.
     */
    static final class Recorder extends CommandOutput<byte[], byte[], List<String>> {
        Recorder() {
            super(ByteArrayCodec.INSTANCE, new ArrayList<>());
        }

        private void add(String event) {
            output.add(event);
        }

        private static String text(ByteBuffer b) {
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }

        @Override
        public void set(ByteBuffer bytes) {
            add(bytes == null ? "null" : "str:" + text(bytes));
        }

        @Override
        public void setSingle(ByteBuffer bytes) {
            add(bytes == null ? "null" : "str:" + text(bytes));
        }

        @Override
        public void setBigNumber(ByteBuffer bytes) {
            add("big:" + text(bytes));
        }

        @Override
        public void set(long integer) {
            add("int:" + integer);
        }

        @Override
        public void set(double number) {
            add("double:" + number);
        }

        @Override
        public void set(boolean value) {
            add("bool:" + value);
        }

        @Override
        public void setError(ByteBuffer error) {
            add("error:" + text(error));
        }

        @Override
        public void setError(String error) {
            add("error:" + error);
        }

        @Override
        public void multi(int count) {
            add("array:" + count);
        }

        @Override
        public void multiArray(int count) {
            add("array:" + count);
        }

        @Override
        public void multiMap(int count) {
            add("map:" + count);
        }

        @Override
        public void multiSet(int count) {
            add("set:" + count);
        }

        @Override
        public void multiPush(int count) {
            add("push:" + count);
        }
    }

    /** Decodes every reply in {@code bytes}, fed in random pieces, into one event list. */
    private static List<String> decode(byte[] bytes, int protocol, Random rnd) {
        RedisStateMachine rsm = new RedisStateMachine(ByteBufAllocator.DEFAULT);
        rsm.setProtocolVersion(protocol == 3 ? ProtocolVersion.RESP3 : ProtocolVersion.RESP2);
        ByteBuf in = Unpooled.buffer();
        List<String> events = new ArrayList<>();
        Recorder out = new Recorder();
        int at = 0;
        while (at < bytes.length) {
            int n = Math.min(bytes.length - at, 1 + rnd.nextInt(64));
            in.writeBytes(bytes, at, n);
            at += n;
            while (in.isReadable() && rsm.decode(in, out)) {
                events.addAll(out.get());
                out = new Recorder();
            }
            in.discardReadBytes();
        }
        in.release();
        rsm.close();
        assertEquals(List.of(), out.get(), "an incomplete reply remained");
        return events;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14, 15, 16})
    void repliesDecodeWithLettuceInBothProtocols(long seed) {
        for (int protocol = 2; protocol <= 3; protocol++) {
            Random rnd = new Random(seed);
            List<String> expected = new ArrayList<>();
            try (WriterHarness h = new WriterHarness(protocol)) {
                for (int i = 0; i < 400; i++) {
                    writeRandom(rnd, h.writer, protocol, expected, 0);
                }
                byte[] bytes = h.bytes();
                assertSameEvents(expected, decode(bytes, protocol, new Random(seed)), "protocol " + protocol);
            }
        }
    }

    /** Compares event lists, reporting the first difference with a little context. */
    private static void assertSameEvents(List<String> expected, List<String> actual, String what) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                assertEquals(expected.subList(Math.max(0, i - 3), Math.min(n, i + 3)),
                        actual.subList(Math.max(0, i - 3), Math.min(actual.size(), i + 3)), what + ": event " + i);
            }
        }
        assertEquals(expected.size(), actual.size(), what + ": event count");
    }

    private static void writeRandom(Random rnd, ReplyWriter w, int protocol, List<String> expected, int depth) {
        boolean resp3 = protocol == 3;
        int kind = rnd.nextInt(depth > 2 ? 11 : 15);
        switch (kind) {
            case 0 -> {
                w.ok();
                expected.add("str:OK");
            }
            case 1 -> {
                w.simple("PONG"); // not QUEUED: Lettuce swallows that one (MULTI)
                expected.add("str:PONG");
            }
            case 2 -> {
                long v = rnd.nextLong() >> rnd.nextInt(64);
                w.integer(v);
                expected.add("int:" + v);
            }
            case 3 -> {
                byte[] v = randomBytes(rnd, rnd.nextInt(rnd.nextInt(30) == 0 ? 20_000 : 40));
                w.bulk(v);
                expected.add("str:" + new String(v, StandardCharsets.ISO_8859_1));
            }
            case 4 -> {
                long v = rnd.nextInt(2000) - 1000;
                w.bulk(v);
                expected.add("str:" + v);
            }
            case 5 -> {
                w.nullBulk();
                expected.add("null");
            }
            case 6 -> {
                w.error("ERR wrong number of arguments for 'get' command");
                expected.add("error:ERR wrong number of arguments for 'get' command");
            }
            case 7 -> {
                boolean b = rnd.nextBoolean();
                w.bool(b);
                expected.add(resp3 ? "bool:" + b : "int:" + (b ? 1 : 0));
            }
            case 8 -> {
                double d = switch (rnd.nextInt(4)) {
                    case 0 -> rnd.nextInt(1000);
                    case 1 -> rnd.nextDouble() * 1000 - 500;
                    case 2 -> Double.POSITIVE_INFINITY;
                    default -> rnd.nextGaussian() * 1e-6;
                };
                w.doubleValue(d);
                // RESP2 carries the text as a bulk string; RESP3 as a double Lettuce parses back.
                expected.add(resp3 ? "double:" + Double.parseDouble(RespDouble.format(d).replace("inf", "Infinity"))
                        : "str:" + RespDouble.format(d));
            }
            case 9 -> {
                w.verbatim("line one\nline two");
                expected.add("str:line one\nline two"); // Lettuce drops the "txt:" format prefix
            }
            case 10 -> {
                w.nullArray();
                expected.add(resp3 ? "null" : "array:-1");
            }
            case 11, 12 -> {
                int n = rnd.nextInt(4);
                w.array(n);
                expected.add("array:" + n);
                for (int i = 0; i < n; i++) {
                    writeRandom(rnd, w, protocol, expected, depth + 1);
                }
            }
            case 13 -> {
                int n = rnd.nextInt(3);
                w.map(n);
                expected.add(resp3 ? "map:" + n : "array:" + 2 * n);
                for (int i = 0; i < 2 * n; i++) {
                    writeRandom(rnd, w, protocol, expected, depth + 1);
                }
            }
            default -> {
                int n = rnd.nextInt(3);
                w.set(n);
                expected.add(resp3 ? "set:" + n : "array:" + n);
                for (int i = 0; i < n; i++) {
                    writeRandom(rnd, w, protocol, expected, depth + 1);
                }
            }
        }
    }
}
