package io.demikv.kvstore.resp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Property: a stream of random commands (multibulk with binary arguments, and inline with every quoting
 * style) parses to the arguments it was generated from, fed whole, split once at every position, and split
 * at random positions into many pieces. Seeded, so a failure names its seed.
 */
class RequestParserSplitTest {

    /** A random stream and the commands it encodes. */
    record Stream(byte[] bytes, List<List<String>> expected) {
    }

    static Stream randomStream(Random rnd, int commands) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<List<String>> expected = new ArrayList<>();
        for (int c = 0; c < commands; c++) {
            int argc = 1 + rnd.nextInt(5);
            List<String> args = new ArrayList<>();
            boolean inline = rnd.nextInt(3) == 0;
            for (int i = 0; i < argc; i++) {
                args.add(randomArg(rnd, inline && i == 0));
            }
            switch (rnd.nextInt(6)) {
                case 0 -> out.writeBytes(ParseRun.latin1(rnd.nextBoolean() ? "*0\r\n" : "\r\n")); // empty requests
                default -> { }
            }
            if (inline) {
                out.writeBytes(ParseRun.latin1(inline(rnd, args)));
            } else {
                out.writeBytes(ParseRun.multibulk(args));
            }
            expected.add(args);
        }
        return new Stream(out.toByteArray(), expected);
    }

    private static String randomArg(Random rnd, boolean commandName) {
        int len = commandName ? 1 + rnd.nextInt(8) : rnd.nextInt(rnd.nextInt(10) == 0 ? 300 : 12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            if (commandName) {
                sb.append((char) ('a' + rnd.nextInt(26)));
            } else {
                sb.append(switch (rnd.nextInt(8)) {
                    case 0 -> (char) rnd.nextInt(256); // any byte, binary included
                    case 1 -> "\r\n\"' \\\0".charAt(rnd.nextInt(7));
                    default -> (char) ('a' + rnd.nextInt(26));
                });
            }
        }
        return sb.toString();
    }

    /** An inline line that sdssplitargs reads back as {@code args}, in a random quoting style per word. */
    private static String inline(Random rnd, List<String> args) {
        StringBuilder sb = new StringBuilder();
        sb.append(" ".repeat(rnd.nextInt(2)));
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) {
                sb.append(rnd.nextBoolean() ? " " : " \t ");
            }
            String a = args.get(i);
            boolean plain = !a.isEmpty() && a.chars().allMatch(ch -> ch > ' ' && ch < 127 && ch != '"' && ch != '\'');
            boolean singleOk = a.chars().noneMatch(ch -> ch == 0 || ch == '\\' || ch == '\n');
            int style;
            do {
                style = rnd.nextInt(3);
            } while (style == 0 && !plain || style == 1 && !singleOk);
            if (style == 0) {
                sb.append(a);
            } else if (style == 1) {
                sb.append('\'').append(a.replace("'", "\\'")).append('\'');
            } else {
                sb.append('"');
                for (char ch : a.toCharArray()) {
                    switch (ch) {
                        case '"' -> sb.append("\\\"");
                        case '\\' -> sb.append("\\\\");
                        case '\n' -> sb.append("\\n");
                        case '\r' -> sb.append(rnd.nextBoolean() ? "\\r" : "\\x0d");
                        default -> {
                            if (ch < ' ' || ch >= 127) {
                                sb.append(String.format(rnd.nextBoolean() ? "\\x%02x" : "\\x%02X", (int) ch));
                            } else {
                                sb.append(ch);
                            }
                        }
                    }
                }
                sb.append('"');
            }
        }
        sb.append(" ".repeat(rnd.nextInt(2)));
        sb.append(rnd.nextBoolean() ? "\r\n" : "\n");
        return sb.toString();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void parsesTheSameWhenSplitAtEveryPosition(long seed) {
        Stream s = randomStream(new Random(seed), 12);
        ParseRun whole = ParseRun.cuts(s.bytes());
        assertNull(whole.error, "seed " + seed);
        assertEquals(s.expected(), whole.commands, "seed " + seed);
        for (int cut = 0; cut <= s.bytes().length; cut++) {
            ParseRun split = ParseRun.cuts(s.bytes(), cut);
            assertNull(split.error, "seed " + seed + " cut " + cut);
            assertEquals(s.expected(), split.commands, "seed " + seed + " cut " + cut);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {101, 102, 103, 104, 105, 106, 107, 108, 109, 110})
    void parsesTheSameWhenSplitIntoManyRandomPieces(long seed) {
        Random rnd = new Random(seed);
        Stream s = randomStream(rnd, 200);
        for (int round = 0; round < 20; round++) {
            int pieces = 1 + rnd.nextInt(Math.min(400, s.bytes().length));
            int[] cuts = rnd.ints(pieces, 0, s.bytes().length + 1).sorted().toArray();
            ParseRun split = ParseRun.cuts(s.bytes(), cuts);
            assertNull(split.error, "seed " + seed + " round " + round);
            assertEquals(s.expected(), split.commands, "seed " + seed + " round " + round);
        }
        ParseRun bytewise = ParseRun.pieces(s.bytes(), false, ProtocolLimits.DEFAULT_PROTO_MAX_BULK_LEN, 1);
        assertEquals(s.expected(), bytewise.commands, "seed " + seed + " byte by byte");
    }

    /** Random bytes biased towards RESP's own characters, so they reach every state and error. */
    private static byte[] garbage(Random rnd, int length) {
        byte[] alphabet = ParseRun.latin1("*$\r\n0123456789-+ \"'\\xabPING\0");
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = rnd.nextInt(10) == 0 ? (byte) rnd.nextInt(256) : alphabet[rnd.nextInt(alphabet.length)];
        }
        return b;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {301, 302, 303, 304, 305, 306, 307, 308})
    void neverThrowsAndParsesGarbageTheSameWhole(long seed) {
        Random rnd = new Random(seed);
        for (int round = 0; round < 300; round++) {
            byte[] input = garbage(rnd, 1 + rnd.nextInt(300));
            ParseRun whole = ParseRun.cuts(input);
            int[] cuts = rnd.ints(1 + rnd.nextInt(20), 0, input.length + 1).sorted().toArray();
            ParseRun split = ParseRun.cuts(input, cuts);
            assertEquals(whole.commands, split.commands, "seed " + seed + " round " + round);
            assertEquals(whole.error, split.error, "seed " + seed + " round " + round);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {201, 202, 203})
    void reportsTheSameErrorWhereverAMalformedStreamIsSplit(long seed) {
        Random rnd = new Random(seed);
        Stream s = randomStream(rnd, 5);
        byte[] bad = ParseRun.latin1("*2\r\n$3\r\nGET\r\n!oops\r\n");
        byte[] all = new byte[s.bytes().length + bad.length];
        System.arraycopy(s.bytes(), 0, all, 0, s.bytes().length);
        System.arraycopy(bad, 0, all, s.bytes().length, bad.length);
        for (int cut = 0; cut <= all.length; cut++) {
            ParseRun split = ParseRun.cuts(all, cut);
            assertEquals(s.expected(), split.commands, "cut " + cut);
            assertEquals("ERR Protocol error: expected '$', got '!'", split.error, "cut " + cut);
        }
    }
}
