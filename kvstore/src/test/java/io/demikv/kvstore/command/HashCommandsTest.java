package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.Harness.NULL;
import static io.demikv.kvstore.command.Harness.OK;
import static io.demikv.kvstore.command.Harness.bulk;
import static io.demikv.kvstore.command.Harness.err;
import static io.demikv.kvstore.command.Harness.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Hash commands: replies, every error text, encodings and the empty-hash rule, without a reference server. */
class HashCommandsTest {
    static final String WRONGTYPE = err("WRONGTYPE Operation against a key holding the wrong kind of value");
    private final Harness h = new Harness();

    private void check(String expected, String... command) {
        assertEquals(expected, h.run(command), String.join(" ", command));
    }

    @Test
    void setGetAndDeleteFields() {
        check(integer(2), "HSET", "h", "a", "1", "b", "2");
        check(integer(0), "HSET", "h", "a", "10");
        check(OK, "HMSET", "h", "c", "3");
        check(integer(0), "HSETNX", "h", "a", "x");
        check(integer(1), "HSETNX", "h", "d", "4");
        check(bulk("10"), "HGET", "h", "a");
        check(NULL, "HGET", "h", "zz");
        check("*3\r\n" + bulk("10") + NULL + bulk("3"), "HMGET", "h", "a", "zz", "c");
        check("*8\r\n" + bulk("a") + bulk("10") + bulk("b") + bulk("2") + bulk("c") + bulk("3") + bulk("d") + bulk("4"),
                "HGETALL", "h");
        check(integer(4), "HLEN", "h");
        check(integer(1), "HEXISTS", "h", "a");
        check(integer(2), "HSTRLEN", "h", "a");
        check(integer(2), "HDEL", "h", "a", "b", "zz");
        check(integer(2), "HDEL", "h", "c", "d");
        check(integer(0), "EXISTS", "h");
        check("*0\r\n", "HGETALL", "h");
    }

    @Test
    void everyErrorText() {
        check(err("ERR wrong number of arguments for 'hset' command"), "HSET", "h", "a", "1", "b");
        check(err("ERR wrong number of arguments for 'hmset' command"), "HMSET", "h", "a", "1", "b");
        check(err("ERR value is not an integer or out of range"), "HINCRBY", "h", "f", "x");
        h.run("HSET", "h", "s", "abc", "max", "9223372036854775807");
        check(err("ERR hash value is not an integer"), "HINCRBY", "h", "s", "1");
        check(err("ERR increment or decrement would overflow"), "HINCRBY", "h", "max", "1");
        check(err("ERR value is not a valid float"), "HINCRBYFLOAT", "h", "f", "x");
        check(err("ERR value is NaN or Infinity"), "HINCRBYFLOAT", "h", "f", "inf");
        check(err("ERR hash value is not a float"), "HINCRBYFLOAT", "h", "s", "1");
        check(err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
                "HRANDFIELD", "h", "-9223372036854775808");
        check(err("ERR value is out of range"), "HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES");
        check(err("ERR syntax error"), "HRANDFIELD", "h", "1", "x");
        check(err("ERR invalid cursor"), "HSCAN", "h", "x");
        check(err("ERR syntax error"), "HSCAN", "h", "0", "COUNT", "0");
        check(err("ERR syntax error"), "HSCAN", "h", "0", "TYPE", "hash");
        h.run("SET", "str", "v");
        String[][] typed = {{"HSET", "str", "f", "v"}, {"HSETNX", "str", "f", "v"}, {"HGET", "str", "f"},
            {"HMGET", "str", "f"}, {"HGETALL", "str"}, {"HDEL", "str", "f"}, {"HLEN", "str"}, {"HEXISTS", "str", "f"},
            {"HKEYS", "str"}, {"HVALS", "str"}, {"HINCRBY", "str", "f", "1"}, {"HINCRBYFLOAT", "str", "f", "1"},
            {"HSTRLEN", "str", "f"}, {"HRANDFIELD", "str"}, {"HRANDFIELD", "str", "2"}, {"HSCAN", "str", "0"}};
        for (String[] c : typed) {
            check(WRONGTYPE, c);
        }
    }

    @Test
    void countersKeepRedisFormatting() {
        check(integer(5), "HINCRBY", "h", "n", "5");
        check(bulk("5.1"), "HINCRBYFLOAT", "h", "n", "0.1");
        check(bulk("3"), "HINCRBYFLOAT", "h", "x", "3.0");
        check(bulk("3000"), "HINCRBYFLOAT", "h", "e", "3.0e3");
    }

    @Test
    void encodingFollowsTheListpackLimits() {
        h.run("HSET", "small", "f", "v");
        check(bulk("listpack"), "OBJECT", "ENCODING", "small");
        h.run("HSET", "small", "long", "x".repeat(65));
        check(bulk("hashtable"), "OBJECT", "ENCODING", "small");
        for (int i = 0; i < 128; i++) {
            h.run("HSET", "many", "f" + i, "v");
        }
        check(bulk("listpack"), "OBJECT", "ENCODING", "many");
        h.run("HSET", "many", "f128", "v");
        check(bulk("hashtable"), "OBJECT", "ENCODING", "many");
        check(integer(129), "HLEN", "many");
        h.run("CONFIG", "SET", "hash-max-listpack-entries", "1");
        h.run("HSET", "one", "a", "1", "b", "2");
        check(bulk("hashtable"), "OBJECT", "ENCODING", "one");
        check("+hash\r\n", "TYPE", "many");
    }

    @Test
    void randomFieldsComeFromTheHash() {
        h.run("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "6", "g", "7");
        Set<String> fields = Set.of("a", "b", "c", "d", "e", "f", "g");
        for (int count : new int[] {2, 5, -20}) {
            String reply = h.run("HRANDFIELD", "h", Integer.toString(count));
            String[] lines = reply.split("\r\n");
            assertEquals("*" + Math.abs(count), lines[0]);
            Set<String> seen = new HashSet<>();
            for (int i = 2; i < lines.length; i += 2) {
                assertTrue(fields.contains(lines[i]), lines[i]);
                seen.add(lines[i]);
            }
            if (count > 0) {
                assertEquals(count, seen.size(), "distinct fields for a positive count");
            }
        }
        String withValues = h.run("HRANDFIELD", "h", "3", "WITHVALUES");
        String[] lines = withValues.split("\r\n");
        assertEquals("*6", lines[0]);
        for (int i = 2; i < lines.length; i += 4) {
            assertEquals(lines[i].charAt(0) - 'a' + 1, Integer.parseInt(lines[i + 2]));
        }
    }

    @Test
    void scanOfATableVisitsEveryField() {
        for (int i = 0; i < 500; i++) {
            h.run("HSET", "big", "f" + i, "v" + i);
        }
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        do {
            String[] lines = h.run("HSCAN", "big", cursor, "COUNT", "50").split("\r\n");
            cursor = lines[2];
            for (int i = 5; i + 2 < lines.length; i += 4) {
                seen.add(lines[i] + "=" + lines[i + 2]);
            }
        } while (!cursor.equals("0"));
        assertEquals(500, seen.size());
        assertTrue(seen.contains("f7=v7"));
    }
}
