package io.demikv.kvstore.command;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random command scripts over hashes, lists, sets, sorted sets, strings and SORT, in the line
 * format of {@link RedisDifferentialTest} (prefix {@code ~}: compare unordered; {@code ?}: compare
 * shape). Keys and members come from small pools so that commands meet each other's data (and the
 * wrong types); some values are long enough to force table encodings, and a script may shrink the
 * encoding limits first so that conversions happen often. Nothing whose effect is random (SPOP of part
 * of a set) is generated, so the state of both servers stays equal. Deterministic per seed.
 */
final class CommandFuzzer {
    private static final String LONG = "x".repeat(70);
    private static final String[] MEMBERS = {"1", "2", "3", "10", "-3", "007", "a", "b", "c", "foo", "bar", "\"\"",
        "42", "9223372036854775807", LONG};
    private static final String[] SCORES = {"0", "1", "2", "2.5", "-1", "10", "1e3", "inf", "-inf", "0.1", "3"};
    private static final String[] BOUNDS = {"-inf", "+inf", "0", "(1", "2", "(2.5", "10", "-1", "abc"};
    private static final String[] LEX = {"-", "+", "[a", "(b", "[foo", "(1", "[3", "x"};
    private static final String[] INDEXES = {"0", "1", "-1", "2", "-2", "5", "-10", "100"};

    private final SplittableRandom rnd;
    private final List<String> lines = new ArrayList<>();

    CommandFuzzer(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    private String pick(String[] a) {
        return a[rnd.nextInt(a.length)];
    }

    private String key(String type) {
        // Mostly keys of the type, sometimes a key of another type (WRONGTYPE paths).
        if (rnd.nextInt(12) == 0) {
            String[] others = {"h1", "l1", "s1", "z1", "str"};
            return pick(others);
        }
        return type + (1 + rnd.nextInt(3));
    }

    private String members(int max) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + rnd.nextInt(max);
        for (int i = 0; i < n; i++) {
            sb.append(' ').append(pick(MEMBERS));
        }
        return sb.toString();
    }

    private void add(String line) {
        lines.add(line);
        // Now and then check the encoding of the key just touched (conversions must happen at the same point).
        String[] words = line.split(" ");
        if (words.length > 1 && rnd.nextInt(3) == 0 && !line.startsWith("config")) {
            String k = words[1].matches("\\d+") && words.length > 2 ? words[2] : words[1];
            lines.add("object encoding " + k);
        }
    }

    /** A script of {@code n} commands (plus a closing dump of every key). */
    List<String> script(int n) {
        if (rnd.nextBoolean()) {
            add("config set hash-max-listpack-entries 4");
            add("config set zset-max-listpack-entries 4");
            add("config set set-max-intset-entries 4");
            add("config set list-max-listpack-size 2");
        }
        add("set str v");
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(5)) {
                case 0 -> hash();
                case 1 -> list();
                case 2 -> set();
                case 3 -> zset();
                default -> misc();
            }
        }
        for (String k : new String[] {"h1", "h2", "h3", "l1", "l2", "l3", "s1", "s2", "s3", "z1", "z2", "z3", "lex",
            "dst"}) {
            add("type " + k);
            add("object encoding " + k);
        }
        add("~keys *");
        for (int i = 1; i <= 3; i++) {
            add("~hgetall h" + i);
            add("lrange l" + i + " 0 -1");
            add("~smembers s" + i);
            add("zrange z" + i + " 0 -1 withscores");
        }
        add("zrange lex 0 -1 withscores");
        add("lrange dst 0 -1");
        add("config set hash-max-listpack-entries 128");
        add("config set zset-max-listpack-entries 128");
        add("config set set-max-intset-entries 512");
        add("config set list-max-listpack-size -2");
        return lines;
    }

    private void hash() {
        String k = key("h");
        String f = pick(MEMBERS);
        switch (rnd.nextInt(14)) {
            case 0, 1 -> add("hset " + k + " " + f + " " + pick(MEMBERS) + (rnd.nextBoolean() ? " " + pick(MEMBERS)
                    + " " + pick(MEMBERS) : ""));
            case 2 -> add("hsetnx " + k + " " + f + " " + pick(MEMBERS));
            case 3 -> add("hget " + k + " " + f);
            case 4 -> add("hmget " + k + members(3));
            case 5 -> add("hdel " + k + members(3));
            case 6 -> add("~hgetall " + k);
            case 7 -> add("~hkeys " + k);
            case 8 -> add("~hvals " + k);
            case 9 -> add("hlen " + k);
            case 10 -> add("hincrby " + k + " " + f + " " + pick(new String[] {"1", "-5", "x"}));
            case 11 -> add("hincrbyfloat " + k + " " + f + " " + pick(new String[] {"0.5", "-1.25", "1e2"}));
            case 12 -> add("hstrlen " + k + " " + f);
            default -> add("?hrandfield " + k + " " + pick(new String[] {"2", "-3", "0", "1"})
                    + (rnd.nextBoolean() ? " withvalues" : ""));
        }
    }

    private void list() {
        String k = key("l");
        switch (rnd.nextInt(15)) {
            case 0, 1 -> add("rpush " + k + members(4));
            case 2 -> add("lpush " + k + members(4));
            case 3 -> add((rnd.nextBoolean() ? "lpushx " : "rpushx ") + k + members(2));
            case 4 -> add((rnd.nextBoolean() ? "lpop " : "rpop ") + k + (rnd.nextBoolean() ? " " + rnd.nextInt(4) : ""));
            case 5 -> add("lrange " + k + " " + pick(INDEXES) + " " + pick(INDEXES));
            case 6 -> add("lindex " + k + " " + pick(INDEXES));
            case 7 -> add("lset " + k + " " + pick(INDEXES) + " " + pick(MEMBERS));
            case 8 -> add("ltrim " + k + " " + pick(INDEXES) + " " + pick(INDEXES));
            case 9 -> add("lrem " + k + " " + pick(new String[] {"0", "1", "-1", "2"}) + " " + pick(MEMBERS));
            case 10 -> add("linsert " + k + " " + (rnd.nextBoolean() ? "before " : "after ") + pick(MEMBERS) + " "
                    + pick(MEMBERS));
            case 11 -> add("lpos " + k + " " + pick(MEMBERS) + pick(new String[] {"", " rank -1", " count 0",
                " rank 2 count 2", " maxlen 3"}));
            case 12 -> add("lmove " + k + " " + key("l") + " " + pick(new String[] {"left", "right"}) + " "
                    + pick(new String[] {"left", "right"}));
            case 13 -> add("lmpop 2 " + k + " " + key("l") + " " + pick(new String[] {"left", "right"}) + " count "
                    + (1 + rnd.nextInt(3)));
            default -> add("llen " + k);
        }
    }

    private void set() {
        String k = key("s");
        switch (rnd.nextInt(14)) {
            case 0, 1, 2 -> add("sadd " + k + members(5));
            case 3 -> add("srem " + k + members(3));
            case 4 -> add("~smembers " + k);
            case 5 -> add("sismember " + k + " " + pick(MEMBERS));
            case 6 -> add("smismember " + k + members(3));
            case 7 -> add("scard " + k);
            case 8 -> add("smove " + k + " " + key("s") + " " + pick(MEMBERS));
            case 9 -> add("~" + pick(new String[] {"sinter", "sunion", "sdiff"}) + " " + k + " " + key("s"));
            case 10 -> add(pick(new String[] {"sinterstore", "sunionstore", "sdiffstore"}) + " " + key("s") + " " + k
                    + " " + key("s"));
            case 11 -> add("sintercard 2 " + k + " " + key("s") + (rnd.nextBoolean() ? " limit 1" : ""));
            case 12 -> add("?srandmember " + k + " " + pick(new String[] {"-3", "1"}));
            default -> add("~spop " + k + " 1000");
        }
    }

    private void zset() {
        String k = key("z");
        switch (rnd.nextInt(20)) {
            case 0, 1, 2 -> {
                StringBuilder sb = new StringBuilder("zadd " + k);
                sb.append(pick(new String[] {"", "", " nx", " xx", " gt", " lt", " ch", " xx ch"}));
                int n = 1 + rnd.nextInt(3);
                for (int i = 0; i < n; i++) {
                    sb.append(' ').append(pick(SCORES)).append(' ').append(pick(MEMBERS));
                }
                add(sb.toString());
            }
            case 3 -> add("zincrby " + k + " " + pick(SCORES) + " " + pick(MEMBERS));
            case 4 -> add("zrem " + k + members(3));
            case 5 -> add("zrange " + k + " " + pick(INDEXES) + " " + pick(INDEXES)
                    + pick(new String[] {"", " withscores", " rev", " rev withscores"}));
            case 6 -> add("zrangebyscore " + k + " " + pick(BOUNDS) + " " + pick(BOUNDS)
                    + pick(new String[] {"", " withscores", " limit 1 2", " limit 0 -1 withscores"}));
            case 7 -> add("zrevrangebyscore " + k + " " + pick(BOUNDS) + " " + pick(BOUNDS)
                    + pick(new String[] {"", " withscores", " limit 1 1"}));
            case 8 -> add("zcount " + k + " " + pick(BOUNDS) + " " + pick(BOUNDS));
            case 9 -> add("zscore " + k + " " + pick(MEMBERS));
            case 10 -> add("zmscore " + k + members(3));
            case 11 -> add((rnd.nextBoolean() ? "zrank " : "zrevrank ") + k + " " + pick(MEMBERS));
            case 12 -> add((rnd.nextBoolean() ? "zpopmin " : "zpopmax ") + k + (rnd.nextBoolean() ? " " + rnd.nextInt(3)
                    : ""));
            case 13 -> add(pick(new String[] {"zremrangebyrank " + k + " " + pick(INDEXES) + " " + pick(INDEXES),
                "zremrangebyscore " + k + " " + pick(BOUNDS) + " " + pick(BOUNDS)}));
            case 14 -> add(pick(new String[] {"zunion", "zinter", "zdiff"}) + " 2 " + k + " " + key(rnd.nextInt(3) == 0
                    ? "s" : "z") + pick(new String[] {"", " withscores", " aggregate max withscores",
                        " weights 2 0.5 withscores"}));
            case 15 -> add(pick(new String[] {"zunionstore", "zinterstore", "zdiffstore"}) + " " + key("z") + " 2 " + k
                    + " " + key("z"));
            case 16 -> add("zrangestore " + key("z") + " " + k + " " + pick(BOUNDS) + " " + pick(BOUNDS) + " byscore");
            case 17 -> add("zmpop 2 " + k + " " + key("z") + " " + pick(new String[] {"min", "max"}) + " count 2");
            case 18 -> {
                // Lex commands on a set whose scores are all equal, the only case with a defined order.
                add("zadd lex 0 " + pick(MEMBERS) + " 0 " + pick(MEMBERS));
                add(pick(new String[] {"zrangebylex", "zlexcount", "zremrangebylex"}) + " lex " + pick(LEX) + " "
                        + pick(LEX));
                add("zrevrangebylex lex " + pick(LEX) + " " + pick(LEX) + " limit 0 3");
            }
            default -> add("zcard " + k);
        }
    }

    private void misc() {
        switch (rnd.nextInt(8)) {
            case 0 -> add("sort " + pick(new String[] {"l1", "l2", "z1", "s1"}) + pick(new String[] {"", " alpha",
                " desc", " alpha limit 1 2", " alpha desc"}));
            case 1 -> add("sort " + pick(new String[] {"l1", "s2", "z2"}) + " alpha store dst");
            case 2 -> add("lrange dst 0 -1");
            case 3 -> add("del " + pick(new String[] {"h1", "l1", "s1", "z1", "dst"}));
            case 4 -> add("rename " + pick(new String[] {"h2", "l2", "s2", "z2"}) + " "
                    + pick(new String[] {"h3", "l3", "s3", "z3"}));
            case 5 -> add("type " + pick(new String[] {"h1", "l1", "s1", "z1", "str", "dst"}));
            case 6 -> add("exists h1 l1 s1 z1 lex dst");
            default -> add("object encoding " + pick(new String[] {"h1", "l1", "s1", "z1", "lex"}));
        }
    }
}
