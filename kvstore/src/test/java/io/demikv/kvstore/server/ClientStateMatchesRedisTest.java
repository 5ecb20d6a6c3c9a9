package io.demikv.kvstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.demikv.kvstore.command.Commands;
import io.demikv.kvstore.command.RedisServerProcess;
import io.demikv.kvstore.command.ServerClock;
import io.demikv.kvstore.command.ServerDirectives;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Several connections at once, over real sockets: CLIENT PAUSE holding and resuming clients, RESET seen by
 * other clients, and the client state CLIENT LIST and INFO report (flags, subscription and MULTI counts,
 * blocked clients). Each scenario states what every client must receive and runs unchanged against Debian's
 * {@code redis-server} 7.0 (which proves the expectations are Redis's behaviour) and against our server.
 *
 * <p>Scenario lines: {@code N> command} sends a command from client N ({@code {M}} stands for client M's id);
 * {@code N< reply} reads client N's next reply, rendered by {@link #render}; {@code N.} checks that client N
 * has received nothing (within {@value #QUIET_MILLIS} ms); {@code sleep ms} waits. At the end no client may
 * have anything unread. Skipped when {@code redis-server} is not installed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClientStateMatchesRedisTest {
    static final int QUIET_MILLIS = 150;
    /** INFO fields the scenarios look at; the others differ by nature (memory, buffers, times). */
    private static final Set<String> INFO_FIELDS = Set.of("blocked_clients", "pubsub_channels", "pubsub_patterns",
            "expired_keys");
    /** CLIENT LIST fields that do not depend on the connection. */
    private static final Set<String> CLIENT_FIELDS = Set.of("flags", "db", "sub", "psub", "multi", "cmd");

    private static RedisServerProcess redis;

    @BeforeAll
    static void startRedis() throws Exception {
        if (RedisServerProcess.available()) {
            redis = RedisServerProcess.start();
        }
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    static List<String[]> scenarios() {
        return List.of(
                new String[] {"write pause holds writes and PUBLISH, reads go on", """
                        1> client pause 100000 write
                        1< OK
                        2> set k v
                        2.
                        3> get k
                        3< nil
                        3> publish ch m
                        3.
                        1> info clients
                        1< blocked_clients:2
                        1> client list
                        1< c1 flags=N db=0 sub=0 psub=0 multi=-1 cmd=client|list; c2 flags=b db=0 sub=0 psub=0 \
                        multi=-1 cmd=set; c3 flags=b db=0 sub=0 psub=0 multi=-1 cmd=publish
                        1> client unpause
                        1< OK
                        2< OK
                        3< :0
                        3> get k
                        3< v
                        1> info clients
                        1< blocked_clients:0
                        """},
                new String[] {"held clients resume in arrival order, each with its pipelined input", """
                        1> client pause 100000 write
                        1< OK
                        2> incr n
                        2.
                        3> set n 10
                        3.
                        2> get n
                        2.
                        4> get n
                        4< nil
                        1> client unpause
                        1< OK
                        2< :1
                        2< 1
                        3< OK
                        4> get n
                        4< 10
                        """},
                new String[] {"all pause holds every command until its deadline; errors and QUIT are answered", """
                        1> set k v
                        1< OK
                        1> client pause 1500 all
                        1< OK
                        2> get k
                        2.
                        1> ping
                        1.
                        3> nosuchcommand
                        3< -ERR unknown command 'nosuchcommand', with args beginning with: 
                        3> get
                        3< -ERR wrong number of arguments for 'get' command
                        3> quit
                        3< OK
                        sleep 1800
                        2< v
                        1< PONG
                        """},
                new String[] {"a second pause keeps the later deadline and takes the new mode", """
                        1> client pause 1500 write
                        1< OK
                        1> client pause 10 all
                        1< OK
                        2> get k
                        2.
                        sleep 1800
                        2< nil
                        """},
                new String[] {"keys do not expire while paused, and do once unpaused", """
                        1> multi
                        1< OK
                        1> set foo bar px 100
                        1< QUEUED
                        1> set keep x
                        1< QUEUED
                        1> client pause 100000 write
                        1< QUEUED
                        1> exec
                        1< [OK, OK, OK]
                        sleep 400
                        1> get foo
                        1< nil
                        1> exists foo
                        1< :0
                        1> ttl foo
                        1< :-2
                        1> dbsize
                        1< :2
                        1> randomkey
                        1< keep
                        1> keys *
                        1< [keep]
                        1> info stats
                        1< expired_keys:0 pubsub_channels:0 pubsub_patterns:0
                        1> client unpause
                        1< OK
                        1> get foo
                        1< nil
                        1> dbsize
                        1< :1
                        1> info stats
                        1< expired_keys:1 pubsub_channels:0 pubsub_patterns:0
                        """},
                new String[] {"the pause starts after the transaction that paused", """
                        1> multi
                        1< OK
                        1> set a 1
                        1< QUEUED
                        1> client pause 100000 write
                        1< QUEUED
                        1> set b 2
                        1< QUEUED
                        1> exec
                        1< [OK, OK, OK]
                        2> set c 3
                        2.
                        1> mget a b c
                        1< [1, 2, nil]
                        1> client unpause
                        1< OK
                        2< OK
                        """},
                new String[] {"write pause holds queued writes and their EXEC, not a read-only EXEC", """
                        1> set k v
                        1< OK
                        2> multi
                        2< OK
                        2> set k 1
                        2< QUEUED
                        1> client pause 100000 write
                        1< OK
                        3> multi
                        3< OK
                        3> get k
                        3< QUEUED
                        3> exec
                        3< [v]
                        2> exec
                        2.
                        4> multi
                        4< OK
                        4> set x 1
                        4.
                        1> client list
                        1< c1 flags=N db=0 sub=0 psub=0 multi=-1 cmd=client|list; c2 flags=xb db=0 sub=0 psub=0 \
                        multi=1 cmd=exec; c3 flags=N db=0 sub=0 psub=0 multi=-1 cmd=exec; c4 flags=xb db=0 sub=0 \
                        psub=0 multi=0 cmd=set
                        1> client unpause
                        1< OK
                        2< [OK]
                        4< QUEUED
                        4> exec
                        4< [OK]
                        """},
                // Not CLIENT UNBLOCK of a paused client: it crashes redis-server 7.0.15 (newer ones answer 0, as we do).
                new String[] {"a blocking pop waits for the pause, then for its key", """
                        1> client pause 100000 write
                        1< OK
                        2> blpop list 0
                        2.
                        1> info clients
                        1< blocked_clients:1
                        1> client unpause
                        1< OK
                        2.
                        1> info clients
                        1< blocked_clients:1
                        1> client unblock {2} error
                        1< :1
                        2< -UNBLOCKED client unblocked via CLIENT UNBLOCK
                        """},
                // A transaction a watched key already doomed queues nothing: multi=0.
                new String[] {"subscriptions, MULTI and watched keys in CLIENT LIST and INFO", """
                        1> subscribe ch
                        1< [subscribe, ch, :1]
                        1> psubscribe p*
                        1< [psubscribe, p*, :2]
                        3> psubscribe p*
                        3< [psubscribe, p*, :1]
                        2> watch w
                        2< OK
                        2> set w 1
                        2< OK
                        2> multi
                        2< OK
                        2> get w
                        2< QUEUED
                        4> info stats
                        4< expired_keys:0 pubsub_channels:1 pubsub_patterns:1
                        4> client list
                        4< c1 flags=P db=0 sub=1 psub=1 multi=-1 cmd=psubscribe; c2 flags=xd db=0 sub=0 psub=0 \
                        multi=0 cmd=get; c3 flags=P db=0 sub=0 psub=1 multi=-1 cmd=psubscribe; c4 flags=N db=0 sub=0 \
                        psub=0 multi=-1 cmd=client|list
                        4> client list type pubsub
                        4< c1 flags=P db=0 sub=1 psub=1 multi=-1 cmd=psubscribe; c3 flags=P db=0 sub=0 psub=1 \
                        multi=-1 cmd=psubscribe
                        4> client list type normal
                        4< c2 flags=xd db=0 sub=0 psub=0 multi=0 cmd=get; c4 flags=N db=0 sub=0 psub=0 multi=-1 \
                        cmd=client|list
                        2> exec
                        2< nil
                        """},
                new String[] {"RESET drops subscriptions, MONITOR and CLIENT REPLY modes", """
                        1> subscribe ch
                        1< [subscribe, ch, :1]
                        1> psubscribe p*
                        1< [psubscribe, p*, :2]
                        1> reset
                        1< RESET
                        2> publish ch m
                        2< :0
                        2> info stats
                        2< expired_keys:0 pubsub_channels:0 pubsub_patterns:0
                        3> monitor
                        3< OK
                        3> reset
                        3< RESET
                        2> set k v
                        2< OK
                        3.
                        1> client reply off
                        1> get k
                        1> reset
                        1< RESET
                        1> client reply skip
                        1> reset
                        1> ping
                        1< PONG
                        """},
                new String[] {"RESET signs the client out and selects database 0", """
                        1> select 2
                        1< OK
                        1> set k v2
                        1< OK
                        1> config set requirepass pw
                        1< OK
                        1> reset
                        1< RESET
                        1> get k
                        1< -NOAUTH Authentication required.
                        1> auth pw
                        1< OK
                        1> get k
                        1< nil
                        1> config set requirepass ""
                        1< OK
                        """});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void behavesAsRedis(String name, String scenario) throws Exception {
        Assumptions.assumeTrue(redis != null, RedisServerProcess.BINARY + " is not installed");
        try (RawClient admin = new RawClient(redis.port)) {
            // A scenario that failed half way may have left a pause or data behind.
            for (String[] c : new String[][] {{"CLIENT", "UNPAUSE"}, {"FLUSHALL"}, {"CONFIG", "RESETSTAT"}}) {
                admin.command(c).reply();
            }
        }
        run("redis-server", scenario, () -> redis.port);
        ServerHarness ours = new ServerHarness(new Commands(ServerDirectives.defaults(), ServerClock.system()));
        try {
            run("demikv", scenario, ours::port);
        } finally {
            assertEquals("", ours.stop(), "buffers or arrays not returned to the libOS");
        }
    }

    private static void run(String server, String scenario, IntSupplier port) throws Exception {
        Map<Integer, RawClient> clients = new HashMap<>();
        Map<Long, Integer> ids = new HashMap<>();
        Map<Integer, Long> idOf = new HashMap<>();
        int lineNo = 0;
        try {
            // Every client connects first, in number order (ids ascend with the numbers): a pause would hold
            // the CLIENT ID of a latecomer.
            for (String line : scenario.split("\n")) {
                if (!line.isBlank() && Character.isDigit(line.charAt(0))) {
                    clients.putIfAbsent(line.charAt(0) - '0', null);
                }
            }
            for (int n : new java.util.TreeSet<>(clients.keySet())) {
                RawClient c = new RawClient(port.getAsInt());
                clients.put(n, c);
                long id = Long.parseLong(c.command("CLIENT", "ID").reply().trim().substring(1));
                ids.put(id, n);
                idOf.put(n, id);
            }
            for (String line : scenario.split("\n")) {
                lineNo++;
                String where = server + ", line " + lineNo + " '" + line + "'";
                if (line.isBlank()) {
                    continue;
                }
                if (line.startsWith("sleep ")) {
                    Thread.sleep(Long.parseLong(line.substring(6).trim()));
                    continue;
                }
                int n = line.charAt(0) - '0';
                char op = line.charAt(1);
                RawClient c = clients.get(n);
                String rest = line.substring(2).trim();
                switch (op) {
                    case '>' -> c.command(tokens(rest, idOf));
                    case '<' -> assertEquals(rest, render(c.reply(), ids).strip(), where);
                    case '.' -> assertEquals("", c.readUntilQuiet(QUIET_MILLIS), where + ": nothing yet");
                    default -> throw new IllegalArgumentException("bad scenario line: " + line);
                }
            }
            for (Map.Entry<Integer, RawClient> e : clients.entrySet()) {
                String left = e.getValue().readUntilQuiet(50);
                assertEquals("", left.replace("<EOF>", ""), server + ": client " + e.getKey() + " has unread replies");
            }
        } finally {
            for (RawClient c : clients.values()) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    /** Splits at spaces; {@code ""} is the empty argument and {@code {M}} client M's id. */
    private static String[] tokens(String text, Map<Integer, Long> idOf) {
        List<String> out = new ArrayList<>();
        for (String t : text.split(" +")) {
            if (t.equals("\"\"")) {
                out.add("");
            } else if (t.matches("\\{\\d}")) {
                out.add(Long.toString(idOf.get(t.charAt(1) - '0')));
            } else {
                out.add(t);
            }
        }
        return out.toArray(new String[0]);
    }

    /**
     * One reply in a compact form: simple strings as their text, errors with their '-', integers with their
     * ':', nulls as {@code nil}, bulk strings as their text, arrays as {@code [a, b]}. CLIENT LIST text keeps
     * {@link #CLIENT_FIELDS} of the scenario's own clients (named c1, c2, ... in id order), INFO text the
     * {@link #INFO_FIELDS}.
     */
    static String render(String resp, Map<Long, Integer> ids) {
        int[] pos = {0};
        return render(resp, pos, ids);
    }

    private static String render(String s, int[] pos, Map<Long, Integer> ids) {
        char type = s.charAt(pos[0]);
        int eol = s.indexOf("\r\n", pos[0]);
        String head = s.substring(pos[0] + 1, eol);
        pos[0] = eol + 2;
        switch (type) {
            case '+' -> {
                return head;
            }
            case '-' -> {
                return "-" + head;
            }
            case ':' -> {
                return ":" + head;
            }
            case '_' -> {
                return "nil";
            }
            case '$' -> {
                int len = Integer.parseInt(head);
                if (len < 0) {
                    return "nil";
                }
                String body = s.substring(pos[0], pos[0] + len);
                pos[0] += len + 2;
                return text(body, ids);
            }
            case '*', '>', '~' -> {
                int count = Integer.parseInt(head);
                if (count < 0) {
                    return "nil";
                }
                List<String> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(render(s, pos, ids));
                }
                return "[" + String.join(", ", items) + "]";
            }
            default -> throw new IllegalArgumentException("unexpected reply type in " + s);
        }
    }

    private static String text(String body, Map<Long, Integer> ids) {
        if (body.startsWith("# ")) {
            List<String> kept = new ArrayList<>();
            for (String l : body.split("\r\n")) {
                int colon = l.indexOf(':');
                if (colon > 0 && INFO_FIELDS.contains(l.substring(0, colon))) {
                    kept.add(l);
                }
            }
            return String.join(" ", kept);
        }
        if (!body.startsWith("id=")) {
            return body;
        }
        List<String> lines = new ArrayList<>();
        for (String l : body.split("\n")) {
            String[] fields = l.split(" ");
            Integer n = ids.get(Long.parseLong(fields[0].substring(3)));
            if (n == null) {
                continue; // not one of the scenario's clients
            }
            StringBuilder sb = new StringBuilder("c").append(n);
            for (String f : fields) {
                int eq = f.indexOf('=');
                if (eq > 0 && CLIENT_FIELDS.contains(f.substring(0, eq))) {
                    sb.append(' ').append(f);
                }
            }
            lines.add(sb.toString());
        }
        return String.join("; ", lines);
    }
}
