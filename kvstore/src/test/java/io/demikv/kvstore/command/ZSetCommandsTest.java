package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.Harness.NULL;
import static io.demikv.kvstore.command.Harness.bulk;
import static io.demikv.kvstore.command.Harness.err;
import static io.demikv.kvstore.command.Harness.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Sorted-set commands: replies (RESP2 and RESP3 doubles), every error text, encodings. */
class ZSetCommandsTest {
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
    void addScoreRankAndRanges() {
        check(integer(3), "ZADD", "z", "1", "a", "2.5", "b", "3", "c");
        check(integer(1), "ZADD", "z", "CH", "5", "a");
        check(bulk("7"), "ZADD", "z", "INCR", "2", "a");
        check(NULL, "ZADD", "z", "NX", "INCR", "2", "a");
        check(bulk("2.5"), "ZSCORE", "z", "b");
        check(bulk("4.5"), "ZINCRBY", "z", "2", "b");
        check(integer(0), "ZRANK", "z", "c");
        check(integer(0), "ZREVRANK", "z", "a");
        check(array("c", "b", "a"), "ZRANGE", "z", "0", "-1");
        check(array("c", "3", "b", "4.5"), "ZRANGE", "z", "(1", "5", "BYSCORE", "WITHSCORES");
        check(array("a", "b"), "ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "0", "2");
        check(integer(2), "ZCOUNT", "z", "3", "(7");
        check(integer(2), "ZRANGESTORE", "d", "z", "0", "1");
        check(array("c", "3", "b", "4.5"), "ZRANGE", "d", "0", "-1", "WITHSCORES");
        check(array("a", "7"), "ZPOPMAX", "z");
        check(array("c", "3", "b", "4.5"), "ZPOPMIN", "z", "5");
        check(integer(0), "EXISTS", "z");
        h.run("HELLO", "3");
        h.run("ZADD", "z", "1.5", "a", "0.1", "b");
        check(",1.5\r\n", "ZSCORE", "z", "a");
        check("*2\r\n,1.5\r\n_\r\n", "ZMSCORE", "z", "a", "nosuch");
        check("*2\r\n*2\r\n" + bulk("b") + ",0.10000000000000001\r\n*2\r\n" + bulk("a") + ",1.5\r\n", "ZRANGE", "z", "0",
                "-1", "WITHSCORES");
        check("*2\r\n" + bulk("b") + ",0.10000000000000001\r\n", "ZPOPMIN", "z");
        check("*2\r\n" + bulk("z") + "*1\r\n*2\r\n" + bulk("a") + ",1.5\r\n", "ZMPOP", "1", "z", "MIN");
    }

    @Test
    void everyErrorText() {
        h.run("ZADD", "z", "1", "a");
        check(err("ERR syntax error"), "ZADD", "z", "1", "a", "2");
        check(err("ERR XX and NX options at the same time are not compatible"), "ZADD", "z", "NX", "XX", "1", "a");
        check(err("ERR GT, LT, and/or NX options at the same time are not compatible"), "ZADD", "z", "GT", "LT", "1",
                "a");
        check(err("ERR INCR option supports a single increment-element pair"), "ZADD", "z", "INCR", "1", "a", "2",
                "b");
        check(err("ERR value is not a valid float"), "ZADD", "z", "x", "a");
        check(err("ERR value is not a valid float"), "ZADD", "z", "nan", "a");
        h.run("ZADD", "z", "inf", "i");
        check(err("ERR resulting score is not a number (NaN)"), "ZINCRBY", "z", "-inf", "i");
        check(err("ERR min or max is not a float"), "ZCOUNT", "z", "x", "1");
        check(err("ERR min or max is not a float"), "ZRANGEBYSCORE", "z", "(", "1x");
        check(err("ERR min or max not valid string range item"), "ZLEXCOUNT", "z", "a", "+");
        check(err("ERR min or max not valid string range item"), "ZRANGEBYLEX", "z", "-", "+x");
        check(err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"), "ZRANGE",
                "z", "0", "1", "LIMIT", "0", "1");
        check(err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"), "ZRANGE", "z", "-", "+",
                "BYLEX", "WITHSCORES");
        check(err("ERR syntax error"), "ZRANGEBYSCORE", "z", "0", "1", "REV");
        check(err("ERR syntax error"), "ZPOPMIN", "z", "1", "2");
        check(err("ERR value is out of range, must be positive"), "ZPOPMIN", "z", "-1");
        check(err("ERR numkeys should be greater than 0"), "ZMPOP", "0", "z", "MIN");
        check(err("ERR count should be greater than 0"), "ZMPOP", "1", "z", "MIN", "COUNT", "0");
        check(err("ERR at least 1 input key is needed for 'zunionstore' command"), "ZUNIONSTORE", "d", "0", "z");
        check(err("ERR syntax error"), "ZUNION", "3", "z");
        check(err("ERR weight value is not a float"), "ZUNION", "1", "z", "WEIGHTS", "x");
        check(err("ERR syntax error"), "ZUNION", "1", "z", "AGGREGATE", "AVG");
        check(err("ERR syntax error"), "ZDIFF", "1", "z", "WEIGHTS", "1");
        check(err("ERR LIMIT can't be negative"), "ZINTERCARD", "1", "z", "LIMIT", "-1");
        check(err("ERR value is out of range"), "ZRANDMEMBER", "z", "-9223372036854775807", "WITHSCORES");
        h.run("SET", "str", "v");
        String[][] typed = {{"ZADD", "str", "1", "a"}, {"ZINCRBY", "str", "1", "a"}, {"ZREM", "str", "a"},
            {"ZCARD", "str"}, {"ZSCORE", "str", "a"}, {"ZRANK", "str", "a"}, {"ZRANGE", "str", "0", "1"},
            {"ZRANGESTORE", "d", "str", "0", "1"}, {"ZREMRANGEBYRANK", "str", "0", "1"}, {"ZPOPMIN", "str"},
            {"ZRANDMEMBER", "str"}, {"ZUNION", "1", "str"}, {"ZMPOP", "1", "str", "MIN"}, {"ZSCAN", "str", "0"}};
        for (String[] c : typed) {
            check(HashCommandsTest.WRONGTYPE, c);
        }
    }

    @Test
    void encodingsAndStoresConvertBack() {
        h.run("ZADD", "z", "1", "a");
        check(bulk("listpack"), "OBJECT", "ENCODING", "z");
        for (int i = 0; i < 200; i++) {
            h.run("ZADD", "big", Integer.toString(i), "m" + i);
        }
        check(bulk("skiplist"), "OBJECT", "ENCODING", "big");
        check(integer(150), "ZRANK", "big", "m150");
        check(array("m10", "m11"), "ZRANGEBYSCORE", "big", "10", "11");
        h.run("ZUNIONSTORE", "small", "1", "big", "WEIGHTS", "1");
        check(bulk("skiplist"), "OBJECT", "ENCODING", "small");
        h.run("ZRANGESTORE", "part", "big", "0", "9");
        check(bulk("listpack"), "OBJECT", "ENCODING", "part");
        h.run("ZINTERSTORE", "inter", "2", "big", "part");
        check(bulk("listpack"), "OBJECT", "ENCODING", "inter");
        h.run("SORT", "z", "ALPHA");
        check(bulk("skiplist"), "OBJECT", "ENCODING", "z"); // SORT converts, as Redis does
        check(integer(190), "ZREMRANGEBYSCORE", "big", "10", "+inf");
        check(integer(10), "ZCARD", "big");
    }
}
