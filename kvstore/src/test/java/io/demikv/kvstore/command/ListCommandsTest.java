package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.Harness.NULL;
import static io.demikv.kvstore.command.Harness.OK;
import static io.demikv.kvstore.command.Harness.bulk;
import static io.demikv.kvstore.command.Harness.err;
import static io.demikv.kvstore.command.Harness.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** List commands: replies, every error text, the empty-list rule and the ready hook for blocking pops. */
class ListCommandsTest {
    private final Harness h = new Harness();

    private void check(String expected, String... command) {
        assertEquals(expected, h.run(command), String.join(" ", command));
    }

    private static String array(String... bulks) {
        StringBuilder sb = new StringBuilder("*" + bulks.length + "\r\n");
        for (String b : bulks) {
            sb.append(bulk(b));
        }
        return sb.toString();
    }

    @Test
    void pushPopAndRanges() {
        check(integer(3), "RPUSH", "l", "a", "b", "c");
        check(integer(4), "LPUSH", "l", "z");
        check(integer(0), "LPUSHX", "nokey", "a");
        check(array("z", "a", "b", "c"), "LRANGE", "l", "0", "-1");
        check(bulk("z"), "LPOP", "l");
        check(array("c", "b"), "RPOP", "l", "2");
        check("*0\r\n", "LPOP", "l", "0");
        check("*-1\r\n", "LPOP", "nokey", "2");
        check(NULL, "RPOP", "nokey");
        check(bulk("a"), "LINDEX", "l", "-1");
        check(NULL, "LINDEX", "l", "5");
        check(bulk("a"), "LPOP", "l");
        check(integer(0), "EXISTS", "l");
        check(integer(5), "RPUSH", "l", "a", "b", "a", "c", "a");
        check(integer(2), "LREM", "l", "-2", "a");
        check(array("a", "b", "c"), "LRANGE", "l", "0", "-1");
        check(integer(4), "LINSERT", "l", "BEFORE", "c", "x");
        check(integer(-1), "LINSERT", "l", "AFTER", "nopivot", "x");
        check(integer(3), "LPOS", "l", "c");
        check("*1\r\n:0\r\n", "LPOS", "l", "a", "COUNT", "0");
        check(OK, "LSET", "l", "0", "A");
        check(OK, "LTRIM", "l", "1", "-2");
        check(array("b", "x"), "LRANGE", "l", "0", "-1");
        check(bulk("x"), "LMOVE", "l", "dst", "RIGHT", "LEFT");
        check(bulk("b"), "RPOPLPUSH", "l", "dst");
        check(integer(0), "EXISTS", "l");
        check("*2\r\n" + bulk("dst") + array("b", "x"), "LMPOP", "2", "nokey", "dst", "LEFT", "COUNT", "5");
        check("*-1\r\n", "LMPOP", "1", "dst", "LEFT");
    }

    @Test
    void everyErrorText() {
        h.run("RPUSH", "l", "a");
        check(err("ERR value is out of range, must be positive"), "LPOP", "l", "-1");
        check(err("ERR value is out of range, must be positive"), "RPOP", "l", "x");
        check(err("ERR wrong number of arguments for 'lpop' command"), "LPOP", "l", "1", "2");
        check(err("ERR value is not an integer or out of range"), "LINDEX", "l", "x");
        check(err("ERR no such key"), "LSET", "nokey", "0", "v");
        check(err("ERR index out of range"), "LSET", "l", "5", "v");
        check(err("ERR value is not an integer or out of range"), "LRANGE", "l", "x", "1");
        check(err("ERR value is not an integer or out of range"), "LTRIM", "l", "0", "x");
        check(err("ERR value is not an integer or out of range"), "LREM", "l", "x", "a");
        check(err("ERR syntax error"), "LINSERT", "l", "MIDDLE", "a", "b");
        check(err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
                + "negative to start from the end of the list"), "LPOS", "l", "a", "RANK", "0");
        check(err("ERR COUNT can't be negative"), "LPOS", "l", "a", "COUNT", "-1");
        check(err("ERR MAXLEN can't be negative"), "LPOS", "l", "a", "MAXLEN", "-1");
        check(err("ERR syntax error"), "LPOS", "l", "a", "RANK");
        check(err("ERR syntax error"), "LMOVE", "l", "d", "UP", "LEFT");
        check(err("ERR numkeys should be greater than 0"), "LMPOP", "0", "l", "LEFT");
        check(err("ERR syntax error"), "LMPOP", "2", "l", "LEFT");
        check(err("ERR syntax error"), "LMPOP", "1", "l", "MIDDLE");
        check(err("ERR count should be greater than 0"), "LMPOP", "1", "l", "LEFT", "COUNT", "0");
        check(err("ERR syntax error"), "LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "1");
        h.run("SET", "str", "v");
        String[][] typed = {{"LPUSH", "str", "a"}, {"RPUSHX", "str", "a"}, {"LPOP", "str"}, {"RPOP", "str", "1"},
            {"LLEN", "str"}, {"LINDEX", "str", "0"}, {"LSET", "str", "0", "a"}, {"LRANGE", "str", "0", "1"},
            {"LTRIM", "str", "0", "1"}, {"LREM", "str", "0", "a"}, {"LINSERT", "str", "BEFORE", "a", "b"},
            {"LPOS", "str", "a"}, {"LMOVE", "str", "d", "LEFT", "LEFT"}, {"LMOVE", "l", "str", "LEFT", "LEFT"},
            {"LMPOP", "1", "str", "LEFT"}};
        for (String[] c : typed) {
            check(HashCommandsTest.WRONGTYPE, c);
        }
    }

    @Test
    void listsAreQuicklistsAndLongListsSpanNodes() {
        h.run("RPUSH", "small", "a");
        check(bulk("quicklist"), "OBJECT", "ENCODING", "small");
        for (int i = 0; i < 5000; i++) {
            h.run("RPUSH", "big", "element-" + i);
        }
        check(bulk("element-4321"), "LINDEX", "big", "4321");
        check(bulk("element-0"), "LINDEX", "big", "-5000");
        check(array("element-2499", "element-2500"), "LRANGE", "big", "2499", "2500");
        check(OK, "LSET", "big", "2500", "x".repeat(10_000));
        check(bulk("x".repeat(10_000)), "LINDEX", "big", "2500");
        check(bulk("element-2501"), "LINDEX", "big", "2501");
    }

    @Test
    void creatingAListOrSortedSetSignalsReadyKeys() {
        List<String> ready = new ArrayList<>();
        h.commands.keyspace().readyListener((db, e) -> ready.add(db + ":" + new String(e.keyCopy())));
        h.run("RPUSH", "l", "a");
        h.run("RPUSH", "l", "b"); // already exists: no signal
        h.run("ZADD", "z", "1", "m");
        h.run("SADD", "s", "m"); // sets do not block anyone
        h.run("LMOVE", "l", "l2", "LEFT", "LEFT");
        h.run("RENAME", "l", "l3");
        h.run("SORT", "l2", "ALPHA", "STORE", "l4");
        assertEquals(List.of("0:l", "0:z", "0:l2", "0:l3", "0:l4"), ready);
    }
}
