package io.demikv.kvstore.resp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golden tests of the request parser: both request forms, every limit and every error text of Redis 7. */
class RequestParserTest {

    // ---------------------------------------------------------------- multibulk

    @Test
    void parsesMultibulkCommandIntoSlices() {
        ParseRun run = ParseRun.whole("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n");
        assertEquals(List.of(List.of("SET", "key", "value")), run.commands);
        assertNull(run.error);
    }

    @Test
    void parsesPipelinedCommandsInOrder() {
        ParseRun run = ParseRun.whole("*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\nPING\r\n*1\r\n$4\r\nPING\r\n");
        assertEquals(List.of(List.of("PING"), List.of("ECHO", ""), List.of("PING"), List.of("PING")), run.commands);
    }

    @Test
    void keepsBinaryBulkBytesIncludingCrlfAndNul() {
        String value = "a\r\nb\0c\u00ff";
        ParseRun run = ParseRun.whole("*2\r\n$4\r\nECHO\r\n$" + value.length() + "\r\n" + value + "\r\n");
        assertEquals(List.of(List.of("ECHO", value)), run.commands);
    }

    @Test
    void treatsZeroAndNegativeMultibulkCountsAsEmptyRequests() {
        ParseRun run = ParseRun.whole("*0\r\n*-1\r\n*-10\r\n*1\r\n$4\r\nPING\r\n");
        assertEquals(List.of(List.of("PING")), run.commands);
        assertNull(run.error);
    }

    @Test
    void skipsTheTwoBytesAfterBulkDataUncheckedAsRedisDoes() {
        ParseRun run = ParseRun.whole("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n");
        assertEquals(List.of(List.of("PING"), List.of("PING")), run.commands);
    }

    @Test
    void acceptsTheLargestMultibulkCountAndWaitsForArguments() {
        ParseRun run = ParseRun.whole("*2147483647\r\n$4\r\nPING\r\n");
        assertNull(run.error);
        assertTrue(run.commands.isEmpty());
        assertEquals(RequestParser.State.BULK_LENGTH, run.parser.state());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "*2147483648|ERR Protocol error: invalid multibulk length",
            "*3000000000|ERR Protocol error: invalid multibulk length",
            "*abc|ERR Protocol error: invalid multibulk length",
            "*|ERR Protocol error: invalid multibulk length",
            "*01|ERR Protocol error: invalid multibulk length",
            "*+1|ERR Protocol error: invalid multibulk length",
            "*-0|ERR Protocol error: invalid multibulk length",
            "'* 1'|ERR Protocol error: invalid multibulk length",
            "'*1 '|ERR Protocol error: invalid multibulk length",
            "*123456789012345678901|ERR Protocol error: invalid multibulk length",
    })
    void rejectsBadMultibulkCounts(String header, String error) {
        ParseRun run = ParseRun.whole(header + "\r\n");
        assertEquals(error, run.error);
        assertEquals(RequestParser.State.FAILED, run.parser.state());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "$-1|ERR Protocol error: invalid bulk length",
            "$abc|ERR Protocol error: invalid bulk length",
            "$|ERR Protocol error: invalid bulk length",
            "$01|ERR Protocol error: invalid bulk length",
            "$536870913|ERR Protocol error: invalid bulk length",
            "$9223372036854775807|ERR Protocol error: invalid bulk length",
            "$9223372036854775808|ERR Protocol error: invalid bulk length",
            "fooz|ERR Protocol error: expected '$', got 'f'",
            ":1|ERR Protocol error: expected '$', got ':'",
    })
    void rejectsBadBulkHeaders(String header, String error) {
        ParseRun run = ParseRun.whole("*2\r\n$3\r\nGET\r\n" + header + "\r\n");
        assertEquals(error, run.error);
        assertEquals(List.of(), run.commands);
    }

    @Test
    void acceptsABulkOfExactlyProtoMaxBulkLen() {
        ParseRun run = ParseRun.whole("*1\r\n$536870912\r\n");
        assertNull(run.error);
        assertEquals(RequestParser.State.BULK_DATA, run.parser.state());
    }

    @Test
    void appliesAConfiguredProtoMaxBulkLen() {
        byte[] input = ParseRun.multibulk("SET", "k", "12345678901");
        ParseRun run = ParseRun.pieces(input, false, 10, input.length);
        assertEquals("ERR Protocol error: invalid bulk length", run.error);
        ParseRun ok = ParseRun.pieces(ParseRun.multibulk("SET", "k", "1234567890"), false, 10, 100);
        assertEquals(List.of(List.of("SET", "k", "1234567890")), ok.commands);
    }

    @Test
    void reportsTheUnexpectedTypeByteRawInTheErrorLine() {
        ParseRun run = ParseRun.whole("*1\r\n\u00e9\r\n");
        assertEquals("ERR Protocol error: expected '$', got '\u00e9'", run.error);
        byte[] expected = "-ERR Protocol error: expected '$', got '\u00e9'\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(expected, run.parser.errorLine());
    }

    @Test
    void turnsACarriageReturnInTheErrorIntoASpace() {
        ParseRun run = ParseRun.whole("*1\r\n\r\n\r\n");
        assertEquals("-ERR Protocol error: expected '$', got ' '\r\n",
                new String(run.parser.errorLine(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void staysFailedAfterAnError() {
        ParseRun run = ParseRun.whole("*x\r\n");
        run.parser.append(ParseRun.latin1("PING\r\n"), 0, 6);
        assertEquals(RequestParser.PROTOCOL_ERROR, run.parser.next(false));
    }

    // ---------------------------------------------------------------- header line limits

    @Test
    void rejectsAMultibulkCountLineLongerThan64KbWithoutCr() {
        String header = "*" + "1".repeat(ProtocolLimits.INLINE_MAX_BYTES);
        assertEquals("ERR Protocol error: too big mbulk count string", ParseRun.whole(header).error);
    }

    @Test
    void waitsForAMultibulkCountLineOfExactly64Kb() {
        ParseRun run = ParseRun.whole("*" + "1".repeat(ProtocolLimits.INLINE_MAX_BYTES - 1));
        assertNull(run.error);
        assertEquals(RequestParser.State.MULTIBULK_COUNT, run.parser.state());
    }

    @Test
    void rejectsABulkLengthLineLongerThan64KbWithoutCr() {
        ParseRun run = ParseRun.whole("*1\r\n$" + "1".repeat(ProtocolLimits.INLINE_MAX_BYTES));
        assertEquals("ERR Protocol error: too big bulk count string", run.error);
    }

    // ---------------------------------------------------------------- unauthenticated limits

    @Test
    void limitsUnauthenticatedClientsToTenArguments() {
        byte[] eleven = ParseRun.latin1("*11\r\n");
        assertEquals("ERR Protocol error: unauthenticated multibulk length", ParseRun.whole(eleven, true).error);
        assertNull(ParseRun.whole(eleven, false).error);
        assertNull(ParseRun.whole(ParseRun.latin1("*10\r\n"), true).error);
    }

    @Test
    void limitsUnauthenticatedClientsTo16KbArguments() {
        byte[] big = ParseRun.latin1("*1\r\n$16385\r\n");
        assertEquals("ERR Protocol error: unauthenticated bulk length", ParseRun.whole(big, true).error);
        assertNull(ParseRun.whole(big, false).error);
        assertNull(ParseRun.whole(ParseRun.latin1("*1\r\n$16384\r\n"), true).error);
    }

    @Test
    void checksTheGeneralLimitBeforeTheUnauthenticatedOne() {
        assertEquals("ERR Protocol error: invalid bulk length",
                ParseRun.whole(ParseRun.latin1("*1\r\n$9999999999\r\n"), true).error);
        assertEquals("ERR Protocol error: invalid multibulk length",
                ParseRun.whole(ParseRun.latin1("*9999999999\r\n"), true).error);
    }

    // ---------------------------------------------------------------- inline

    @Test
    void splitsInlineCommandsOnWhitespace() {
        ParseRun run = ParseRun.whole("  set \t key   value \r\nPING\nGET key\r\n");
        assertEquals(List.of(List.of("set", "key", "value"), List.of("PING"), List.of("GET", "key")), run.commands);
    }

    @Test
    void ignoresEmptyInlineLines() {
        ParseRun run = ParseRun.whole("\r\n\n   \r\nPING\r\n");
        assertEquals(List.of(List.of("PING")), run.commands);
    }

    @Test
    void unescapesDoubleQuotedInlineArguments() {
        ParseRun run = ParseRun.whole("set \"a b\" \"\\x41\\x7a\\n\\r\\t\\b\\a\\\\\\\"\\q\"\r\n");
        assertEquals(List.of(List.of("set", "a b", "Az\n\r\t\b\u0007\\\"q")), run.commands);
    }

    @Test
    void keepsAnIncompleteHexEscapeAsItsLetters() {
        ParseRun run = ParseRun.whole("echo \"\\xZZ\\x4\"\r\n");
        assertEquals(List.of(List.of("echo", "xZZx4")), run.commands);
    }

    @Test
    void unescapesOnlyQuotesInSingleQuotedInlineArguments() {
        ParseRun run = ParseRun.whole("set 'it\\'s' 'a\\nb \"c\"'\r\n");
        assertEquals(List.of(List.of("set", "it's", "a\\nb \"c\"")), run.commands);
    }

    @Test
    void joinsQuotedTextThatStartsInsideAWord() {
        ParseRun run = ParseRun.whole("echo foo\"bar baz\" x''\r\n");
        assertEquals(List.of(List.of("echo", "foobar baz", "x")), run.commands);
    }

    @Test
    void acceptsEmptyQuotedArguments() {
        ParseRun run = ParseRun.whole("set k \"\"\r\nset k ''\r\n");
        assertEquals(List.of(List.of("set", "k", ""), List.of("set", "k", "")), run.commands);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`set \"abc`",
            "`set 'abc`",
            "`set \"abc\"def`",
            "`set 'abc'def`",
            "`set \"abc\\\"`",
    })
    void rejectsUnbalancedQuotes(String line) {
        ParseRun run = ParseRun.whole(line + "\r\n");
        assertEquals("ERR Protocol error: unbalanced quotes in request", run.error);
        assertEquals(List.of(), run.commands);
    }

    @Test
    void hidesALineEndBehindANulByteAsRedisStrchrDoes() {
        ParseRun inline = ParseRun.whole("echo a\0b c\r\nPING\r\n");
        assertEquals(List.of(), inline.commands);
        assertNull(inline.error);
        assertEquals("ERR Protocol error: too big inline request",
                ParseRun.whole("echo a\0b\r\n" + "x".repeat(70_000)).error);
        ParseRun header = ParseRun.whole("*1\0\r\n$4\r\nPING\r\n");
        assertEquals(List.of(), header.commands);
        assertEquals("ERR Protocol error: too big mbulk count string",
                ParseRun.whole("*1\0\r\n" + "x".repeat(70_000)).error);
        assertEquals("ERR Protocol error: too big bulk count string",
                ParseRun.whole("*1\r\n$4\0\r\nPING\r\n" + "x".repeat(70_000)).error);
    }

    @Test
    void keepsNulBytesInsideBulkData() {
        ParseRun run = ParseRun.whole("*2\r\n$4\r\nECHO\r\n$3\r\n\0\0\0\r\n");
        assertEquals(List.of(List.of("ECHO", "\0\0\0")), run.commands);
    }

    @Test
    void rejectsAnInlineLineLongerThan64KbWithoutNewline() {
        String a = "A".repeat(ProtocolLimits.INLINE_MAX_BYTES + 1);
        assertEquals("ERR Protocol error: too big inline request", ParseRun.whole(a).error);
        assertNull(ParseRun.whole(a.substring(1)).error);
    }

    @Test
    void acceptsALongInlineLineWhoseNewlineArrivedWithIt() {
        String word = "B".repeat(70_000);
        ParseRun run = ParseRun.whole("echo " + word + "\r\n");
        assertEquals(List.of(List.of("echo", word)), run.commands);
    }

    @Test
    void rejectsAnOversizedInlineLineFedInSmallPieces() {
        byte[] a = ParseRun.latin1("A".repeat(100_000));
        ParseRun run = ParseRun.pieces(a, false, ProtocolLimits.DEFAULT_PROTO_MAX_BULK_LEN, 1000);
        assertEquals("ERR Protocol error: too big inline request", run.error);
    }

    // ---------------------------------------------------------------- the buffer

    @Test
    void countsBufferedBytesUntilTheCommandCompletes() {
        RequestParser p = new RequestParser(new ProtocolLimits());
        byte[] part = ParseRun.latin1("*2\r\n$3\r\nGET\r\n$1\r\n");
        p.append(part, 0, part.length);
        assertEquals(RequestParser.NEED_MORE, p.next(false));
        assertEquals(part.length, p.bufferedBytes());
        p.append(ParseRun.latin1("k\r\n"), 0, 3);
        assertEquals(RequestParser.COMMAND, p.next(false));
        assertEquals(RequestParser.NEED_MORE, p.next(false));
        assertEquals(0, p.bufferedBytes());
    }

    @Test
    void growsForABigArgumentAndShrinksWhenIdle() {
        RequestParser p = new RequestParser(new ProtocolLimits());
        byte[] value = new byte[1_000_000];
        java.util.Arrays.fill(value, (byte) 'v');
        byte[] cmd = ParseRun.multibulk("SET", "k", new String(value, StandardCharsets.ISO_8859_1));
        for (int i = 0; i < cmd.length; i += 16 * 1024) {
            p.append(cmd, i, Math.min(16 * 1024, cmd.length - i));
        }
        assertEquals(RequestParser.COMMAND, p.next(false));
        assertEquals(1_000_000, p.args().length(2));
        assertEquals(RequestParser.NEED_MORE, p.next(false));
        assertTrue(p.capacity() >= 1_000_000);
        assertTrue(p.shrinkIfIdle());
        assertEquals(RequestParser.INITIAL_CAPACITY, p.capacity());
    }

    @Test
    void keepsArgumentsOfAPartialCommandValidAcrossCompaction() {
        RequestParser p = new RequestParser(new ProtocolLimits());
        // Fill most of the buffer with complete commands, then start one that must survive a compaction.
        StringBuilder sb = new StringBuilder();
        while (sb.length() < RequestParser.INITIAL_CAPACITY - 100) {
            sb.append("*1\r\n$4\r\nPING\r\n");
        }
        sb.append("*3\r\n$3\r\nSET\r\n$5\r\nhello\r\n$3000\r\n");
        byte[] first = ParseRun.latin1(sb.toString());
        p.append(first, 0, first.length);
        int pings = 0;
        while (p.next(false) == RequestParser.COMMAND) {
            pings++;
        }
        byte[] value = ParseRun.latin1("z".repeat(3000) + "\r\n");
        p.append(value, 0, value.length);
        assertEquals(RequestParser.COMMAND, p.next(false));
        assertEquals(List.of("SET", "hello", "z".repeat(3000)), ParseRun.strings(p.args()));
        assertTrue(pings > 100);
    }
}
