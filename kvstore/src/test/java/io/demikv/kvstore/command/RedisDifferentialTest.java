package io.demikv.kvstore.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Sends the same command scripts to a real redis-server 7.0 (started on a free port, stopped afterwards)
 * and to {@link Commands}, and compares the replies byte for byte. A script line is a command as
 * redis-cli would take it ({@code "..."} quotes with {@code \xHH} escapes); a line starting with
 * {@code ~} compares its array reply ignoring element order (KEYS, SCAN), one starting with {@code !} is
 * sent to both but its reply not compared (HELLO's client id), one starting with {@code @} compares CLIENT
 * INFO/LIST text by the fields that do not depend on the connection ({@link #clientFields}). Every script also runs after HELLO 3
 * (RESP3). Each script starts with
 * FLUSHALL on both sides. Skipped, with the reason printed, when {@code /usr/bin/redis-server} is absent.
 */
class RedisDifferentialTest {
    private static RedisServerProcess redis;

    @BeforeAll
    static void startRedis() throws Exception {
        if (!RedisServerProcess.available()) {
            System.out.println("RedisDifferentialTest skipped: " + RedisServerProcess.BINARY + " not found");
            return;
        }
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    static final String[][] SCRIPTS = {
        {"unknown and arity", """
                foo
                foo a b
                "foo bar" "x y" z
                foo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb c d
                foo "a\\r\\nb"
                get
                GET a b
                set k
                config
                config get
                config foo
                CLIENT nope
                object
                object foo bar
                ping a b
                echo
                """},
        {"strings basic", """
                get k
                set k v
                get k
                set k v2 nx
                set k v3 xx
                get k
                set n 10 xx
                get n
                set k v get
                set k2 v get
                set k ""
                get k
                strlen k
                strlen nokey
                append k abc
                append k def
                get k
                append newkey 12
                setnx k z
                setnx k3 z
                getset k3 w
                getset nokey4 w
                getdel k3
                getdel k3
                mset a 1 b 2 c 3
                mget a b c d
                mset a
                mset a 1 b
                msetnx a 1 x 2
                msetnx x 1 y 2
                mget x y
                """},
        {"set options and errors", """
                set k v nx xx
                set k v xx nx
                set k v ex
                set k v ex 10 px 100
                set k v keepttl ex 1
                set k v ex 10 keepttl
                set k v ex abc
                set k v ex -1
                set k v ex 0
                set k v px 0
                set k v px 9223372036854775807
                set k v ex 9223372036854775807
                set k v exat 9223372036854775807
                set k v pxat 0
                set k v foo
                set k v nx get
                set k v2 nx get
                set k v ex 100
                ttl k
                set k v keepttl
                ttl k
                set k v
                ttl k
                set k v px 100000 get
                set k v exat 1
                exists k
                setex k 100 v
                ttl k
                setex k 0 v
                setex k abc v
                psetex k 0 v
                psetex k 100000 v
                ttl k
                """},
        {"counters", """
                incr c
                incr c
                incrby c 10
                decr c
                decrby c 5
                incrby c abc
                decrby c -9223372036854775808
                set big 9223372036854775807
                incr big
                set small -9223372036854775808
                decr small
                incrby small -1
                set s abc
                incr s
                set sp " 1"
                incr sp
                set lz 01
                incr lz
                set plus +1
                incr plus
                incrby c 9223372036854775807
                incrbyfloat f 1.5
                incrbyfloat f 0.1
                incrbyfloat f -1.6
                incrbyfloat f abc
                incrbyfloat f inf
                incrbyfloat f 1e308
                incrbyfloat f 1e308
                get f
                incrbyfloat g 1.1
                incrbyfloat g 2.2
                incrbyfloat h 3.0e3
                incrbyfloat h -3000
                incrbyfloat h 5.0e-5
                incrbyfloat i 10
                incrbyfloat i .5
                incrbyfloat j 1e-30
                incrbyfloat s 1
                set num 17
                incrbyfloat num 0.25
                incrbyfloat num " 1"
                incrbyfloat num 1e
                incrbyfloat num 1e-5000
                incrbyfloat num 1e5000
                incrbyfloat num nan
                incrbyfloat num -inf
                incrbyfloat num 0x10
                incrbyfloat num 0x1.8p1
                incrbyfloat num -0X.8
                incrbyfloat num 0x
                incrbyfloat num 0x1p
                """},
        {"ranges", """
                set s "Hello World"
                getrange s 0 4
                getrange s -5 -1
                getrange s -1 -5
                getrange s 5 2
                getrange s 0 100
                getrange s -100 -50
                getrange s 100 200
                getrange s a 1
                getrange nokey 0 -1
                substr s 0 2
                setrange s 6 Redis
                get s
                setrange s -1 x
                setrange s 536870912 x
                setrange s 20 x
                get s
                setrange nokey2 0 ""
                setrange nokey2 3 ab
                get nokey2
                setrange s 0 ""
                set n 123
                getrange n 1 -1
                setrange n 1 9
                get n
                """},
        {"lcs", """
                mset key1 ohmytext key2 mynewtext
                lcs key1 key2
                lcs key1 key2 len
                lcs key1 key2 idx
                lcs key1 key2 idx minmatchlen 4
                lcs key1 key2 idx minmatchlen 4 withmatchlen
                lcs key1 key2 idx withmatchlen
                lcs key1 key2 len idx
                lcs key1 key2 foo
                lcs key1 key2 minmatchlen abc
                lcs key1 key2 minmatchlen
                lcs key1 nokey
                lcs nokey nokey2 idx
                mset a ACCGGTCGAGTGCGCGGAAGCCGGCCGAA b GTCGTTCGGAATGCCGTTGCTCTGTAAA
                lcs a b
                lcs a b idx withmatchlen
                lcs a b idx minmatchlen -5
                """},
        {"keys", """
                mset a 1 b 2 c 3 abc 4
                exists a b nokey a
                type a
                type nokey
                del a nokey
                del a
                unlink b c
                ~keys *
                ~keys a*
                keys nomatch*
                touch abc nokey abc
                rename abc xyz
                get xyz
                rename nokey x
                rename xyz xyz
                renamenx xyz xyz
                set other 1
                renamenx xyz other
                renamenx xyz fresh
                get fresh
                rename fresh other
                get other
                dbsize
                set e 1 ex 100
                rename e e2
                ttl e2
                flushall
                randomkey
                set only 1
                randomkey
                """},
        {"scan", """
                mset k1 1 k2 2 k3 3 x1 1
                ~scan 0 count 100
                ~scan 0 match k* count 100
                ~scan 0 count 100 type string
                scan 0 count 100 type list
                scan abc
                scan 18446744073709551616
                scan 18446744073709551615x
                scan +0 count 100 type list
                scan 0 count 0
                scan 0 count -1
                scan 0 count abc
                scan 0 foo
                scan 0 match
                scan 0 count
                """},
        {"expire", """
                set k v
                expire k 100
                ttl k
                expire k 50 nx
                expire k 200 xx
                ttl k
                expire k 100 gt
                expire k 300 gt
                expire k 500 lt
                expire k 100 lt
                ttl k
                expire k 10 nx xx
                expire k 10 gt lt
                expire k 10 nx gt
                expire k 10 foo
                expire k abc
                expire k 9223372036854775807
                pexpire k 9223372036854775807
                expireat k -9223372036854775808
                expire nokey 10
                persist k
                persist k
                ttl k
                pttl k
                expire k 10 xx
                expire k 10 gt
                expire k 10 lt
                ttl nokey
                pttl nokey
                ttl k
                expiretime nokey
                pexpiretime nokey
                expireat k 4102444800
                expiretime k
                pexpireat k 4102444800123
                pexpiretime k
                expiretime k
                expire k -1
                exists k
                set k v
                pexpire k 0
                exists k
                set k v
                expireat k 1
                exists k
                """},
        {"getex", """
                set k v
                getex k
                getex k ex 100
                ttl k
                getex k persist
                ttl k
                getex k px 100000
                ttl k
                getex k exat 4102444800
                expiretime k
                getex k ex 1 px 1
                getex k persist ex 1
                getex k foo
                getex k ex 0
                getex k ex abc
                getex nokey ex 10
                getex k exat 1
                exists k
                """},
        {"select swapdb flush", """
                select 99999999999
                select -1
                select 16
                select abc
                set a db0
                select 1
                set a db1
                swapdb 0 1
                get a
                select 0
                get a
                swapdb a 0
                swapdb 0 a
                swapdb 0 99
                swapdb 0 0
                flushall foo
                flushdb async sync
                flushdb async
                dbsize
                select 1
                dbsize
                flushall sync
                dbsize
                select 0
                """},
        {"wrongtype and misc", """
                ping
                ping hello
                echo hi
                auth x
                auth a b
                auth a b c
                auth default anything
                object encoding nokey
                set i 123
                object encoding i
                set e abc
                object encoding e
                set r aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
                object encoding r
                set big 12345678901234567890
                object encoding big
                set neg -0
                object encoding neg
                append i 4
                object encoding i
                incr ci
                object encoding ci
                object refcount ci
                object refcount e
                object freq e
                object help
                object foo
                client getname
                client setname myname
                client getname
                client setname "my name"
                client setname ""
                client getname
                client kill 1.2.3.4:5
                client kill id 99999
                client kill id abc
                client kill foo bar
                client kill type foo
                client kill id 1 skipme
                client list type foo
                client list id abc
                client list foo
                client no-evict on
                client no-evict maybe
                client reply foo
                hello 4
                hello abc
                hello 2 foo
                hello 2 auth a
                function list
                function list foo
                function list libraryname
                function flush
                function flush foo
                function foo
                shutdown foo
                shutdown nosave save
                shutdown abort
                lastsave foo
                latency latest
                latency foo
                slowlog len foo
                slowlog get -2
                slowlog get abc
                slowlog foo
                debug help
                config set port abc
                config set port 99999
                config set foo bar
                config set maxmemory-policy foo
                config set daemonize yes
                config set hz 1 hz 2
                config set protected-mode maybe
                config set maxmemory 1x
                config set hz 1 port
                config set foo 1 hz abc
                config set hz abc foo 1
                config set hz 5 daemonize yes
                config set proto-max-bulk-len 1
                config set slowlog-log-slower-than -2
                config set loglevel nothing
                config set hz 10
                config get hz
                config get maxmemory-policy
                config get lazyfree-lazy-user-flush
                config get nosuchparam
                config resetstat
                config rewrite
                command getkeys foo a
                command getkeys get a b
                command getkeys ping x x
                command getkeys mset a b c d
                command list foo
                command info foo
                command docs foo
                command foo
                """},
        {"command introspection", """
                command info get
                command info set
                command info mget
                command info mset
                command info del
                command info incr
                command info expire
                command info rename
                command info ttl
                command info ping
                command info object|encoding
                command info flushall
                command info swapdb
                command info scan
                command info lcs
                command docs get
                command docs set
                command docs getset
                command docs expire
                command docs mset
                command docs scan
                command docs ping
                command docs lcs
                command docs getex
                command docs incrbyfloat
                """},
    };

    @TestFactory
    List<DynamicTest> repliesMatchRedisByteForByte() {
        Assumptions.assumeTrue(redis != null, "redis-server not available");
        List<DynamicTest> tests = new ArrayList<>();
        List<String[]> all = new ArrayList<>(List.of(SCRIPTS));
        all.addAll(List.of(CollectionScripts.SCRIPTS));
        all.addAll(List.of(TransactionScripts.SCRIPTS));
        all.addAll(List.of(ConnectionScripts.SCRIPTS));
        for (String[] script : all) {
            tests.add(DynamicTest.dynamicTest(script[0], () -> runScript(script[1])));
            // The same script after HELLO 3: maps, sets, nulls and verbatim strings in RESP3 form.
            tests.add(DynamicTest.dynamicTest(script[0] + " (RESP3)", () -> runScript("!hello 3\n" + script[1])));
        }
        return tests;
    }

    /**
     * Seeded random scripts over every collection type ({@link CommandFuzzer}), half of them in RESP3; each
     * ends with a dump of every key, so that the final state is compared too.
     */
    @TestFactory
    List<DynamicTest> randomSequencesMatchRedis() {
        Assumptions.assumeTrue(redis != null, "redis-server not available");
        List<DynamicTest> tests = new ArrayList<>();
        long seeds = Long.getLong("fuzz.seeds", 24);
        for (long seed = 1; seed <= seeds; seed++) {
            String script = String.join("\n", new CommandFuzzer(seed).script(300));
            String name = "seed " + seed + (seed % 2 == 0 ? " (RESP3)" : "");
            String body = seed % 2 == 0 ? "!hello 3\n" + script : script;
            tests.add(DynamicTest.dynamicTest(name, () -> runScript(body)));
        }
        return tests;
    }

    private static void runScript(String script) throws Exception {
        // Our virtual clock starts at the real time, so that absolute expiry times agree with Redis's.
        Harness ours = new Harness(ServerDirectives.defaults(), System.currentTimeMillis() * 1000);
        try (RedisServerProcess.Client theirs = redis.client()) {
            theirs.call(b("FLUSHALL"));
            // A failed script may have left smaller encoding limits behind: start from the defaults.
            for (String[] d : new String[][] {{"hash-max-listpack-entries", "128"}, {"hash-max-listpack-value", "64"},
                {"zset-max-listpack-entries", "128"}, {"zset-max-listpack-value", "64"},
                {"set-max-intset-entries", "512"}, {"list-max-listpack-size", "-2"}}) {
                theirs.call(b("CONFIG"), b("SET"), b(d[0]), b(d[1]));
            }
            java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();
            for (String line : script.split("\n")) {
                recent.addLast(line.strip());
                if (recent.size() > 12) {
                    recent.removeFirst();
                }
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                boolean unordered = line.startsWith("~");
                boolean ignored = line.startsWith("!");
                boolean shapeOnly = line.startsWith("?");
                boolean clientInfo = line.startsWith("@");
                List<byte[]> argv = tokenize(unordered || ignored || shapeOnly || clientInfo ? line.substring(1)
                        : line);
                byte[][] a = argv.toArray(new byte[0][]);
                String expected = new String(theirs.call(a), StandardCharsets.ISO_8859_1);
                String actual = ours.runBytes(a);
                if (ignored) {
                    continue;
                }
                if (unordered) {
                    expected = RespTree.parse(expected).unordered().toString();
                    actual = RespTree.parse(actual).unordered().toString();
                } else if (shapeOnly) {
                    expected = RespTree.parse(expected).shape().toString();
                    actual = RespTree.parse(actual).shape().toString();
                } else if (clientInfo) {
                    expected = clientFields(expected);
                    actual = clientFields(actual);
                }
                assertEquals(expected, actual, "reply to: " + line.strip() + "\n after: " + String.join(" | ", recent));
            }
        }
    }

    /**
     * COMMAND INFO and COMMAND DOCS of every command and subcommand in our table match Redis's (containers
     * are compared through their subcommands, since Redis lists those in hash order). Collects every
     * mismatch before failing.
     */
    @org.junit.jupiter.api.Test
    void commandInfoAndDocsMatchRedisForEveryCommand() throws Exception {
        Assumptions.assumeTrue(redis != null, "redis-server not available");
        Harness ours = new Harness();
        List<String> names = new ArrayList<>();
        for (CommandSpec c : ours.commands.table().all()) {
            if (c.subcommands.isEmpty()) {
                names.add(c.fullName);
            }
            for (CommandSpec sub : c.subcommands) {
                // Redis 7.2 additions that 7.0.15 does not have (Lettuce 7 sends CLIENT SETINFO).
                if (!sub.fullName.equals("client|setinfo") && !sub.fullName.equals("client|no-touch")) {
                    names.add(sub.fullName);
                }
            }
        }
        List<String> mismatches = new ArrayList<>();
        try (RedisServerProcess.Client theirs = redis.client()) {
            for (String name : names) {
                for (String what : new String[] {"info", "docs"}) {
                    byte[][] argv = {b("COMMAND"), b(what), b(name)};
                    String expected = new String(theirs.call(argv), StandardCharsets.ISO_8859_1);
                    String actual = ours.runBytes(argv);
                    if (!expected.equals(actual)) {
                        mismatches.add("COMMAND " + what + " " + name + "\n  redis: "
                                + expected.replace("\r\n", " ") + "\n  ours:  " + actual.replace("\r\n", " "));
                    }
                }
            }
        }
        assertEquals("", String.join("\n", mismatches), mismatches.size() + " mismatches");
    }

    private static final java.util.Set<String> CLIENT_FIELDS = java.util.Set.of("name", "flags", "db", "sub",
            "psub", "ssub", "multi", "cmd", "resp");
    private static final java.util.regex.Pattern CLIENT_LINE = java.util.regex.Pattern.compile("id=[^\n]*");

    /**
     * A reply holding CLIENT INFO/LIST text (alone or inside EXEC's array) with each client line cut down to
     * {@link #CLIENT_FIELDS}, and the lengths of those strings blanked.
     */
    static String clientFields(String resp) {
        String s = resp.replaceAll("([$=])\\d+\r\n(txt:)?(?=id=)", "$1?\r\n$2");
        java.util.regex.Matcher m = CLIENT_LINE.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            StringBuilder kept = new StringBuilder();
            for (String field : m.group().split(" ")) {
                int eq = field.indexOf('=');
                if (eq > 0 && CLIENT_FIELDS.contains(field.substring(0, eq))) {
                    kept.append(kept.isEmpty() ? "" : " ").append(field);
                }
            }
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(kept.toString()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Splits like redis-cli: spaces separate, "..." quotes with \\xHH, \\n, \\r, \\t, \\\\ and \\" escapes. */
    static List<byte[]> tokenize(String line) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            if (i >= n) {
                break;
            }
            ByteArrayOutputStream tok = new ByteArrayOutputStream();
            if (line.charAt(i) == '"') {
                i++;
                while (i < n && line.charAt(i) != '"') {
                    char c = line.charAt(i);
                    if (c == '\\' && i + 1 < n) {
                        char e = line.charAt(++i);
                        switch (e) {
                            case 'x' -> {
                                tok.write(Integer.parseInt(line.substring(i + 1, i + 3), 16));
                                i += 2;
                            }
                            case 'n' -> tok.write('\n');
                            case 'r' -> tok.write('\r');
                            case 't' -> tok.write('\t');
                            default -> tok.write(e);
                        }
                    } else {
                        tok.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                    }
                    i++;
                }
                i++;
            } else {
                while (i < n && line.charAt(i) != ' ') {
                    tok.writeBytes(String.valueOf(line.charAt(i)).getBytes(StandardCharsets.UTF_8));
                    i++;
                }
            }
            out.add(tok.toByteArray());
        }
        return out;
    }

    /** Sorts the bulk-string elements of an array reply (the innermost array for SCAN's two-part reply). */
    static String sortArray(String resp) {
        if (resp.startsWith("*2\r\n$")) {
            // SCAN: keep the cursor, sort the keys
            int second = resp.indexOf("\r\n*", 4);
            if (second > 0) {
                return resp.substring(0, second + 2) + sortArray(resp.substring(second + 2));
            }
        }
        if (!resp.startsWith("*")) {
            return resp;
        }
        String[] lines = resp.split("\r\n");
        List<String> items = new ArrayList<>();
        for (int k = 1; k + 1 < lines.length; k += 2) {
            items.add(lines[k] + "\r\n" + lines[k + 1] + "\r\n");
        }
        items.sort(null);
        return lines[0] + "\r\n" + String.join("", items);
    }
}
