package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.Harness.NULL;
import static io.demikv.kvstore.command.Harness.bulk;
import static io.demikv.kvstore.command.Harness.err;
import static io.demikv.kvstore.command.Harness.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** SORT and SORT_RO: numeric and ALPHA order, BY and GET patterns, LIMIT, STORE, errors. */
class SortCommandTest {
    private final Harness h = new Harness();

    private void check(String expected, String... command) {
        assertEquals(expected, h.run(command), String.join(" ", command));
    }

    private static String array(String... bulks) {
        StringBuilder sb = new StringBuilder("*" + bulks.length + "\r\n");
        for (String b : bulks) {
            sb.append(b == null ? NULL : bulk(b));
        }
        return sb.toString();
    }

    @Test
    void sortsByValueOrPatternsAndStores() {
        h.run("RPUSH", "l", "3", "1", "2");
        h.run("MSET", "w_1", "30", "w_2", "20", "w_3", "10");
        h.run("HSET", "o_1", "name", "one");
        h.run("HSET", "o_3", "name", "three");
        check(array("1", "2", "3"), "SORT", "l");
        check(array("3", "2"), "SORT", "l", "DESC", "LIMIT", "0", "2");
        check(array("3", "2", "1"), "SORT", "l", "BY", "w_*");
        check(array("3", "1", "2"), "SORT", "l", "BY", "nosort");
        check(array("3", "10", "2", "20", "1", "30"), "SORT", "l", "BY", "w_*", "GET", "#", "GET", "w_*");
        check(array("one", null, "three"), "SORT", "l", "GET", "o_*->name");
        check(array("2", "1", "3"), "SORT", "l", "BY", "o_*->name", "ALPHA");
        check(integer(3), "SORT", "l", "DESC", "STORE", "dst");
        check(array("3", "2", "1"), "LRANGE", "dst", "0", "-1");
        check(integer(0), "SORT", "nokey", "STORE", "dst");
        check(integer(0), "EXISTS", "dst");
        h.run("SADD", "s", "b", "a", "c");
        check(array("a", "b", "c"), "SORT", "s", "ALPHA");
        check(integer(3), "SORT", "s", "BY", "nosort", "STORE", "dst"); // a set being stored is sorted anyway
        check(array("a", "b", "c"), "LRANGE", "dst", "0", "-1");
        check(array("1", "2", "3"), "SORT_RO", "l");
    }

    @Test
    void errors() {
        h.run("RPUSH", "l", "1", "x");
        check(err("ERR One or more scores can't be converted into double"), "SORT", "l");
        check(err("ERR syntax error"), "SORT", "l", "FOO");
        check(err("ERR syntax error"), "SORT_RO", "l", "STORE", "d");
        check(err("ERR value is not an integer or out of range"), "SORT", "l", "LIMIT", "a", "1");
        h.run("SET", "str", "v");
        check(HashCommandsTest.WRONGTYPE, "SORT", "str");
        h.run("HSET", "h", "f", "v");
        check(HashCommandsTest.WRONGTYPE, "SORT", "h");
    }
}
