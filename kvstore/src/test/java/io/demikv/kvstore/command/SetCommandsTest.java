package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.Harness.NULL;
import static io.demikv.kvstore.command.Harness.bulk;
import static io.demikv.kvstore.command.Harness.err;
import static io.demikv.kvstore.command.Harness.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Set commands: replies, every error text, intset/hashtable encodings and random picks. */
class SetCommandsTest {
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
    void membersAlgebraAndStores() {
        check(integer(4), "SADD", "a", "3", "1", "2", "4");
        check(integer(0), "SADD", "a", "1");
        check(integer(3), "SADD", "b", "3", "4", "5");
        check(array("1", "2", "3", "4"), "SMEMBERS", "a"); // an intset is sorted
        check(array("3", "4"), "SINTER", "a", "b");
        check(array("1", "2", "3", "4", "5"), "SUNION", "a", "b");
        check(array("1", "2"), "SDIFF", "a", "b");
        check("*0\r\n", "SINTER", "a", "nokey");
        check(integer(2), "SINTERSTORE", "d", "a", "b");
        check(integer(0), "SDIFFSTORE", "d", "a", "a");
        check(integer(0), "EXISTS", "d");
        check(integer(2), "SINTERCARD", "2", "a", "b");
        check(integer(1), "SINTERCARD", "2", "a", "b", "LIMIT", "1");
        check("*3\r\n:1\r\n:0\r\n:1\r\n", "SMISMEMBER", "a", "1", "9", "2");
        check(integer(1), "SMOVE", "a", "c", "1");
        check(integer(0), "SMOVE", "a", "c", "1");
        check(integer(1), "SREM", "c", "1");
        check(integer(0), "EXISTS", "c");
        check(NULL, "SPOP", "nokey");
        check("*0\r\n", "SPOP", "nokey", "2");
        check(NULL, "SRANDMEMBER", "nokey");
    }

    @Test
    void everyErrorText() {
        h.run("SADD", "s", "a");
        check(err("ERR value is out of range, must be positive"), "SPOP", "s", "-1");
        check(err("ERR syntax error"), "SPOP", "s", "1", "2");
        check(err("ERR value is not an integer or out of range"), "SRANDMEMBER", "s", "x");
        check(err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
                "SRANDMEMBER", "s", "-9223372036854775808");
        check(err("ERR syntax error"), "SRANDMEMBER", "s", "1", "2");
        check(err("ERR numkeys should be greater than 0"), "SINTERCARD", "0", "s");
        check(err("ERR Number of keys can't be greater than number of args"), "SINTERCARD", "3", "s");
        check(err("ERR LIMIT can't be negative"), "SINTERCARD", "1", "s", "LIMIT", "-1");
        check(err("ERR syntax error"), "SINTERCARD", "1", "s", "FOO");
        check(err("ERR invalid cursor"), "SSCAN", "s", "x");
        h.run("SET", "str", "v");
        String[][] typed = {{"SADD", "str", "a"}, {"SREM", "str", "a"}, {"SMEMBERS", "str"},
            {"SISMEMBER", "str", "a"}, {"SMISMEMBER", "str", "a"}, {"SCARD", "str"}, {"SPOP", "str"},
            {"SPOP", "str", "2"}, {"SRANDMEMBER", "str"}, {"SRANDMEMBER", "str", "2"}, {"SMOVE", "str", "s", "a"},
            {"SMOVE", "s", "str", "a"}, {"SINTER", "s", "str"}, {"SINTER", "nokey", "str"}, {"SUNION", "str"},
            {"SDIFF", "s", "str"}, {"SINTERSTORE", "d", "str"}, {"SINTERCARD", "1", "str"}, {"SSCAN", "str", "0"}};
        for (String[] c : typed) {
            check(HashCommandsTest.WRONGTYPE, c);
        }
    }

    @Test
    void intsetUntilANonIntegerOrTooManyMembers() {
        h.run("SADD", "i", "1", "-2", "9223372036854775807");
        check(bulk("intset"), "OBJECT", "ENCODING", "i");
        h.run("SADD", "i", "01"); // not canonical: a string
        check(bulk("hashtable"), "OBJECT", "ENCODING", "i");
        for (int n = 0; n < 512; n++) {
            h.run("SADD", "many", Integer.toString(n));
        }
        check(bulk("intset"), "OBJECT", "ENCODING", "many");
        h.run("SADD", "many", "512");
        check(bulk("hashtable"), "OBJECT", "ENCODING", "many");
        check(integer(1), "SISMEMBER", "many", "511");
        check(integer(1), "SREM", "many", "0");
        check(integer(512), "SCARD", "many");
        h.run("SADD", "w", "word");
        check(bulk("hashtable"), "OBJECT", "ENCODING", "w");
        h.run("SUNIONSTORE", "u", "i", "many");
        check(bulk("hashtable"), "OBJECT", "ENCODING", "u");
        h.run("SINTERSTORE", "n", "many", "many"); // 512 integers: fits an intset again
        check(bulk("intset"), "OBJECT", "ENCODING", "n");
        h.run("SDIFFSTORE", "d", "i", "w");
        check(bulk("hashtable"), "OBJECT", "ENCODING", "d");
        h.run("SADD", "x", "5", "6");
        h.run("SINTERSTORE", "y", "x", "many");
        check(bulk("intset"), "OBJECT", "ENCODING", "y");
    }

    @Test
    void randomPicksAreMembersAndPopsRemoveThem() {
        for (int n = 0; n < 100; n++) {
            h.run("SADD", "s", "m" + n);
        }
        String[] lines = h.run("SRANDMEMBER", "s", "10").split("\r\n");
        assertEquals("*10", lines[0]);
        Set<String> distinct = new HashSet<>();
        for (int i = 2; i < lines.length; i += 2) {
            assertTrue(lines[i].startsWith("m"));
            distinct.add(lines[i]);
        }
        assertEquals(10, distinct.size());
        lines = h.run("SRANDMEMBER", "s", "-300").split("\r\n");
        assertEquals("*300", lines[0]);
        lines = h.run("SPOP", "s", "30").split("\r\n");
        assertEquals("*30", lines[0]);
        for (int i = 2; i < lines.length; i += 2) {
            check(integer(0), "SISMEMBER", "s", lines[i]);
        }
        check(integer(70), "SCARD", "s");
        String popped = h.run("SPOP", "s");
        assertTrue(popped.startsWith("$"));
        check(integer(69), "SCARD", "s");
        h.run("SPOP", "s", "69");
        check(integer(0), "EXISTS", "s");
        assertEquals(List.of(), List.of());
    }
}
