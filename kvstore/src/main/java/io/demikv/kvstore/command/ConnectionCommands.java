package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.DocArg.block;
import static io.demikv.kvstore.command.DocArg.integer;
import static io.demikv.kvstore.command.DocArg.oneof;
import static io.demikv.kvstore.command.DocArg.pure;
import static io.demikv.kvstore.command.DocArg.string;

import io.demikv.kvstore.server.Session;
import java.util.ArrayList;
import java.util.List;

/**
 * Connection commands (Redis's {@code networking.c} and the connection group): PING, ECHO, QUIT, HELLO,
 * AUTH, SELECT and CLIENT. The default user is the only user: its password is {@code requirepass}, and
 * with no password it accepts any. Server thread only.
 */
final class ConnectionCommands extends Family {
    static final String HELLO_NOAUTH = "NOAUTH HELLO must be called with the client already authenticated, "
            + "otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select "
            + "the RESP protocol version at the same time";

    private static final byte[] DEFAULT_USER = Ctx.ascii("default");

    ConnectionCommands(ServerState s) {
        super(s);
    }

    @Override
    void register(CommandTable t) {
        t.add(cmd("ping", -1, "fast", 0, 0, 0).acl("connection")
                .tips("request_policy:all_shards", "response_policy:all_succeeded")
                .doc("Ping the server", "1.0.0", "connection", "O(1)", string("message").optional())
                .handler(this::ping));
        t.add(cmd("echo", 2, "loading stale fast", 0, 0, 0).acl("connection")
                .doc("Echo the given string", "1.0.0", "connection", "O(1)", string("message"))
                .handler(x -> x.reply.bulk(x.args.buf(), x.args.offset(1), x.args.length(1))));
        t.add(cmd("quit", -1, "allow_busy noscript loading stale fast no_auth", 0, 0, 0).acl("connection")
                .doc("Close the connection", "1.0.0", "connection", "O(1)")
                .handler(this::quit));
        t.add(cmd("hello", -1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0).acl("connection")
                .doc("Handshake with Redis", "6.0.0", "connection", "O(1)",
                        block("arguments", integer("protover"),
                                block("username_password", string("username"), string("password"))
                                        .token("AUTH").optional(),
                                string("clientname").token("SETNAME").optional()).optional())
                .history("6.2.0", "`protover` made optional; when called without arguments the command reports "
                        + "the current connection's context.")
                .handler(this::hello));
        t.add(cmd("auth", -2, "noscript loading stale fast no_auth allow_busy", 0, 0, 0).acl("connection")
                .doc("Authenticate to the server", "1.0.0", "connection",
                        "O(N) where N is the number of passwords defined for the user",
                        string("username").since("6.0.0").optional(), string("password"))
                .history("6.0.0", "Added ACL style (username and password).")
                .handler(this::auth));
        t.add(cmd("select", 2, "loading stale fast", 0, 0, 0).acl("connection")
                .doc("Change the selected database for the current connection", "1.0.0", "connection", "O(1)",
                        integer("index"))
                .handler(this::select));

        CommandSpec client = container("client", "A container for client connection commands", "2.4.0",
                "connection");
        sub(client, "id", 2, "noscript loading stale").acl("connection")
                .doc("Returns the client ID for the current connection", "5.0.0", "connection", "O(1)")
                .handler(x -> x.reply.integer(x.session.id));
        sub(client, "getname", 2, "noscript loading stale").acl("connection")
                .doc("Get the current connection name", "2.6.9", "connection", "O(1)")
                .handler(this::getname);
        sub(client, "setname", 3, "noscript loading stale").acl("connection")
                .doc("Set the current connection name", "2.6.9", "connection", "O(1)", string("connection-name"))
                .handler(this::setname);
        sub(client, "setinfo", 4, "noscript loading stale").acl("connection")
                .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                .doc("Set client or connection specific info", "7.2.0", "connection", "O(1)",
                        oneof("attr", string("libname").token("LIB-NAME"), string("libver").token("LIB-VER")))
                .handler(this::setinfo);
        sub(client, "info", 2, "noscript loading stale").acl("connection").tips("nondeterministic_output")
                .doc("Returns information about the current client connection.", "6.2.0", "connection", "O(1)")
                .handler(x -> x.reply.verbatim(clientLine(x.session, x.nowMs)));
        sub(client, "list", -2, "admin noscript loading stale").acl("connection")
                .tips("nondeterministic_output")
                .doc("Get the list of client connections", "2.4.0", "connection",
                        "O(N) where N is the number of client connections",
                        oneof("normal_master_replica_pubsub", pure("normal", "NORMAL"), pure("master", "MASTER"),
                                pure("replica", "REPLICA"), pure("pubsub", "PUBSUB"))
                                .token("TYPE").since("5.0.0").optional(),
                        block("id", integer("client-id").multiple()).token("ID").since("6.2.0").optional())
                .history("2.8.12", "Added unique client `id` field.",
                        "5.0.0", "Added optional `TYPE` filter.",
                        "6.0.0", "Added `user` field.",
                        "6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` "
                                + "filter.",
                        "7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields.",
                        "7.0.3", "Added `ssub` field.")
                .handler(this::list);
        sub(client, "kill", -3, "admin noscript loading stale").acl("connection")
                .doc("Kill the connection of a client", "2.4.0", "connection",
                        "O(N) where N is the number of client connections",
                        oneof("filter", string("ip:port").deprecatedSince("2.8.12"),
                                oneof("new-format",
                                        integer("client-id").token("ID").since("2.8.12").optional(),
                                        oneof("normal_master_slave_pubsub", pure("normal", "NORMAL"),
                                                pure("master", "MASTER").since("3.2.0"), pure("slave", "SLAVE"),
                                                pure("replica", "REPLICA").since("5.0.0"),
                                                pure("pubsub", "PUBSUB")).token("TYPE").since("2.8.12").optional(),
                                        string("username").token("USER").optional(),
                                        string("ip:port").token("ADDR").optional(),
                                        string("ip:port").token("LADDR").since("6.2.0").optional(),
                                        string("yes/no").token("SKIPME").optional()).multiple()))
                .history("2.8.12", "Added new filter format.",
                        "2.8.12", "`ID` option.",
                        "3.2.0", "Added `master` type in for `TYPE` option.",
                        "5.0.0", "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward "
                                + "compatibility.",
                        "6.2.0", "`LADDR` option.")
                .handler(this::kill);
        sub(client, "no-evict", 3, "admin noscript loading stale").acl("connection")
                .doc("Set client eviction mode for the current connection", "7.0.0", "connection", "O(1)",
                        oneof("enabled", pure("on", "ON"), pure("off", "OFF")))
                .handler(x -> onOff(x, true));
        sub(client, "no-touch", 3, "noscript loading stale").acl("connection")
                .doc("Controls whether commands sent by the client will alter the LRU/LFU of the keys they "
                        + "access.", "7.2.0", "connection", "O(1)",
                        oneof("enabled", pure("on", "ON"), pure("off", "OFF")))
                .handler(x -> onOff(x, false));
        sub(client, "reply", 3, "noscript loading stale").acl("connection")
                .doc("Instruct the server whether to reply to commands", "3.2.0", "connection", "O(1)",
                        oneof("on_off_skip", pure("on", "ON"), pure("off", "OFF"), pure("skip", "SKIP")))
                .handler(this::reply);
        sub(client, "help", 2, "loading stale").acl("connection")
                .doc("Show helpful text about the different subcommands", "5.0.0", "connection", "O(1)")
                .handler(this::clientHelp);
        t.add(client);
    }

    private void ping(Ctx x) {
        if (x.argc() > 2) {
            x.error(Errors.wrongArity(x.cmd.fullName));
        } else if (x.session.pubsub && x.session.protocol == 2) { // subscriber mode: a "pong" message
            x.reply.array(2);
            x.reply.bulk("pong");
            if (x.argc() == 2) {
                x.reply.bulk(x.args.buf(), x.args.offset(1), x.args.length(1));
            } else {
                x.reply.bulk("");
            }
        } else if (x.argc() == 2) {
            x.reply.bulk(x.args.buf(), x.args.offset(1), x.args.length(1));
        } else {
            x.reply.simple("PONG");
        }
    }

    private void quit(Ctx x) {
        x.reply.ok();
        x.session.closeAfterReply = true;
    }

    private void hello(Ctx x) {
        long ver = 0;
        int next = 1;
        if (x.argc() >= 2) {
            if (!x.parseLong(next++)) {
                x.error("ERR Protocol version is not an integer or out of range");
                return;
            }
            ver = x.lval;
            if (ver < 2 || ver > 3) {
                x.error(Errors.NOPROTO);
                return;
            }
        }
        int userArg = -1;
        int nameArg = -1;
        for (int j = next; j < x.argc(); j++) {
            int more = x.argc() - 1 - j;
            if (x.args.is(j, "auth") && more >= 2) {
                userArg = j + 1;
                j += 2;
            } else if (x.args.is(j, "setname") && more >= 1) {
                nameArg = j + 1;
                j++;
            } else {
                x.errorWithArg("ERR Syntax error in HELLO option '", j, "'");
                return;
            }
        }
        if (userArg >= 0 && !authenticate(x, userArg, userArg + 1)) {
            return;
        }
        if (s.passwordRequired() && !x.session.authenticated) {
            x.error(HELLO_NOAUTH);
            return;
        }
        if (nameArg >= 0 && !setName(x, nameArg)) {
            return;
        }
        if (ver != 0) {
            x.session.protocol = (int) ver;
        }
        x.reply.map(7);
        x.reply.bulk("server");
        x.reply.bulk("redis");
        x.reply.bulk("version");
        x.reply.bulk(ServerState.REDIS_VERSION);
        x.reply.bulk("proto");
        x.reply.integer(x.session.protocol);
        x.reply.bulk("id");
        x.reply.integer(x.session.id);
        x.reply.bulk("mode");
        x.reply.bulk("standalone");
        x.reply.bulk("role");
        x.reply.bulk("master");
        x.reply.bulk("modules");
        x.reply.array(0);
    }

    /** Checks user/password against the default user; replies WRONGPASS and returns false on failure. */
    private boolean authenticate(Ctx x, int userArg, int passArg) {
        boolean userOk = x.args.equals(userArg, DEFAULT_USER);
        boolean passOk = !s.passwordRequired() || x.args.equals(passArg,
                s.requirePass.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (!userOk || !passOk) {
            x.error(Errors.WRONGPASS);
            return false;
        }
        x.session.authenticated = true;
        x.session.user = "default";
        return true;
    }

    private void auth(Ctx x) {
        if (x.argc() > 3) {
            x.syntaxError();
            return;
        }
        if (x.argc() == 2) {
            if (!s.passwordRequired()) {
                x.error(Errors.AUTH_NO_PASSWORD);
                return;
            }
            boolean ok = x.args.equals(1, s.requirePass.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (!ok) {
                x.error(Errors.WRONGPASS);
                return;
            }
            x.session.authenticated = true;
            x.reply.ok();
            return;
        }
        if (authenticate(x, 1, 2)) {
            x.reply.ok();
        }
    }

    private void select(Ctx x) {
        if (!x.longOrReply(1)) {
            return;
        }
        long id = x.lval;
        if (id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) {
            x.error("ERR value is out of range, value must between -2147483648 and 2147483647");
            return;
        }
        if (id < 0 || id >= s.keyspace.databases()) {
            x.error(Errors.DB_RANGE);
            return;
        }
        x.session.db = (int) id;
        x.db = s.keyspace.db((int) id);
        x.reply.ok();
    }

    // ------------------------------------------------------------------ CLIENT

    private void getname(Ctx x) {
        if (x.session.name == null) {
            x.reply.nullBulk();
        } else {
            x.reply.bulk(x.session.name);
        }
    }

    /** Redis's clientSetNameOrReply: printable ASCII without spaces, empty removes the name. */
    private boolean setName(Ctx x, int i) {
        if (!validAttr(x, i)) {
            x.error(Errors.CLIENT_NAME);
            return false;
        }
        x.session.name = x.args.length(i) == 0 ? null : x.str(i);
        return true;
    }

    private static boolean validAttr(Ctx x, int i) {
        byte[] b = x.args.buf();
        for (int k = x.args.offset(i); k < x.args.offset(i) + x.args.length(i); k++) {
            if (b[k] < '!' || b[k] > '~') {
                return false;
            }
        }
        return true;
    }

    private void setname(Ctx x) {
        if (setName(x, 2)) {
            x.reply.ok();
        }
    }

    private void setinfo(Ctx x) {
        boolean libName = x.args.is(2, "lib-name");
        if (!libName && !x.args.is(2, "lib-ver")) {
            x.errorWithArg("ERR Unrecognized option '", 2, "'");
            return;
        }
        if (!validAttr(x, 3)) {
            x.errorWithArg("ERR ", 2, " cannot contain spaces, newlines or special characters.");
            return;
        }
        String v = x.args.length(3) == 0 ? null : x.str(3);
        if (libName) {
            x.session.libName = v;
        } else {
            x.session.libVersion = v;
        }
        x.reply.ok();
    }

    /**
     * CLIENT LIST's flags, letters in Redis 7.0's order: O (MONITOR), P (subscribed), x (in MULTI), b (blocked:
     * a blocking command, a client pause, a SAVE), d (a watched key changed), c (closing after the reply),
     * e (CLIENT NO-EVICT); N when none applies.
     */
    private String flags(Session c, ClientExtras cx) {
        StringBuilder f = new StringBuilder(4);
        if (c.monitor) {
            f.append('O');
        }
        if (c.pubsub) {
            f.append('P');
        }
        if (s.transactions.multiCount(cx) >= 0) {
            f.append('x');
        }
        if (c.blocked) {
            f.append('b');
        }
        if (cx != null && cx.tx != null && cx.tx.dirtyCas) {
            f.append('d');
        }
        if (c.closeAfterReply) {
            f.append('c');
        }
        if (cx != null && cx.noEvict) {
            f.append('e');
        }
        return f.isEmpty() ? "N" : f.toString();
    }

    /** Redis's getClientType for the TYPE filters: a subscriber is "pubsub", everyone else (MONITOR too) "normal". */
    private static String type(Session c) {
        return c.pubsub ? "pubsub" : "normal";
    }

    /** One CLIENT LIST line, in Redis 7's field order; fields we do not track are 0 or their idle value. */
    String clientLine(Session c, long nowMs) {
        StringBuilder sb = new StringBuilder(256);
        ClientExtras cx = s.extras.get(c);
        sb.append("id=").append(c.id)
                .append(" addr=").append(c.addr)
                .append(" laddr=").append(c.laddr)
                .append(" fd=").append(c.qd)
                .append(" name=").append(c.name == null ? "" : c.name)
                .append(" age=").append(Math.max(0, (nowMs - c.createdMillis) / 1000))
                .append(" idle=").append(Math.max(0, (nowMs - c.lastInteractionMillis) / 1000))
                .append(" flags=").append(flags(c, cx))
                .append(" db=").append(c.db)
                .append(" sub=").append(s.pubsub.channelCount(c))
                .append(" psub=").append(s.pubsub.patternCount(c))
                .append(" ssub=0 multi=").append(s.transactions.multiCount(cx))
                .append(" qbuf=").append(c.queryBufferBytes)
                .append(" qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0")
                .append(" omem=").append(c.outputBytes)
                .append(" tot-mem=").append(c.queryBufferBytes + c.outputBytes)
                .append(" events=r cmd=").append(c.lastCommand)
                .append(" user=").append(c.user)
                .append(" redir=-1 resp=").append(c.protocol);
        if (c.libName != null || c.libVersion != null) {
            sb.append(" lib-name=").append(c.libName == null ? "" : c.libName)
                    .append(" lib-ver=").append(c.libVersion == null ? "" : c.libVersion);
        }
        return sb.append('\n').toString();
    }

    private void list(Ctx x) {
        List<Long> ids = null;
        String type = null;
        if (x.argc() == 4 && x.args.is(2, "type")) {
            type = x.str(3).toLowerCase(java.util.Locale.ROOT);
            if (!type.equals("normal") && !type.equals("master") && !type.equals("replica")
                    && !type.equals("slave") && !type.equals("pubsub")) {
                x.errorWithArg("ERR Unknown client type '", 3, "'");
                return;
            }
        } else if (x.argc() > 3 && x.args.is(2, "id")) {
            ids = new ArrayList<>();
            for (int j = 3; j < x.argc(); j++) {
                if (!x.parseLong(j) || x.lval < 1) {
                    x.error("ERR Invalid client ID");
                    return;
                }
                ids.add(x.lval);
            }
        } else if (x.argc() != 2) {
            x.syntaxError();
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (Session c : s.clients.values()) {
            if ((ids == null || ids.contains(c.id)) && (type == null || type.equals(type(c)))) {
                sb.append(clientLine(c, x.nowMs));
            }
        }
        x.reply.verbatim(sb.toString());
    }

    private void kill(Ctx x) {
        String addr = null;
        String laddr = null;
        long id = 0;
        boolean skipme = true;
        String typeFilter = null;
        if (x.argc() == 3) {
            addr = x.str(2);
            skipme = false;
        } else if (x.argc() > 3) {
            for (int i = 2; i < x.argc(); i += 2) {
                boolean more = x.argc() > i + 1;
                if (x.args.is(i, "id") && more) {
                    if (!x.parseLong(i + 1) || x.lval < 1) {
                        x.error("ERR client-id should be greater than 0");
                        return;
                    }
                    id = x.lval;
                } else if (x.args.is(i, "type") && more) {
                    String type = x.str(i + 1).toLowerCase(java.util.Locale.ROOT);
                    if (!type.equals("normal") && !type.equals("master") && !type.equals("replica")
                            && !type.equals("slave") && !type.equals("pubsub")) {
                        x.errorWithArg("ERR Unknown client type '", i + 1, "'");
                        return;
                    }
                    typeFilter = type;
                } else if (x.args.is(i, "addr") && more) {
                    addr = x.str(i + 1);
                } else if (x.args.is(i, "laddr") && more) {
                    laddr = x.str(i + 1);
                } else if (x.args.is(i, "user") && more) {
                    if (!x.str(i + 1).equals("default")) {
                        x.errorWithArg("ERR No such user '", i + 1, "'");
                        return;
                    }
                } else if (x.args.is(i, "skipme") && more) {
                    if (x.args.is(i + 1, "yes")) {
                        skipme = true;
                    } else if (x.args.is(i + 1, "no")) {
                        skipme = false;
                    } else {
                        x.syntaxError();
                        return;
                    }
                } else {
                    x.syntaxError();
                    return;
                }
            }
        } else {
            x.syntaxError();
            return;
        }
        long killed = 0;
        boolean closeSelf = false;
        for (Session c : new ArrayList<>(s.clients.values())) {
            if ((addr != null && !addr.equals(c.addr)) || (laddr != null && !laddr.equals(c.laddr))
                    || (typeFilter != null && !typeFilter.equals(type(c))) || (id != 0 && c.id != id)
                    || (c == x.session && skipme)) {
                continue;
            }
            if (c == x.session) {
                closeSelf = true;
            } else {
                c.killed = true;
            }
            killed++;
        }
        if (x.argc() == 3) {
            if (killed == 0) {
                x.error(Errors.NO_SUCH_CLIENT);
            } else {
                x.reply.ok();
            }
        } else {
            x.reply.integer(killed);
        }
        if (closeSelf) {
            x.session.closeAfterReply = true;
        }
    }

    private void onOff(Ctx x, boolean evict) {
        boolean on;
        if (x.args.is(2, "on")) {
            on = true;
        } else if (x.args.is(2, "off")) {
            on = false;
        } else {
            x.syntaxError();
            return;
        }
        if (evict) {
            x.client.noEvict = on;
        } else {
            x.client.noTouch = on;
        }
        x.reply.ok();
    }

    private void reply(Ctx x) {
        if (x.args.is(2, "on")) {
            x.client.replyOff = false;
            x.client.skipNext = false;
            // This command ran with replies switched off; its OK goes to the connection's own writer.
            x.session.reply.ok();
        } else if (x.args.is(2, "off")) {
            x.client.replyOff = true;
        } else if (x.args.is(2, "skip")) {
            if (!x.client.replyOff) {
                x.client.skipNext = true;
            }
        } else {
            x.syntaxError();
        }
    }

    private void clientHelp(Ctx x) {
        help(x,
                "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GETNAME",
                "    Return the name of the current connection.",
                "ID",
                "    Return the ID of the current connection.",
                "INFO",
                "    Return information about the current client connection.",
                "KILL <ip:port>",
                "    Kill connection made from <ip:port>.",
                "KILL <option> <value> [<option> <value> [...]]",
                "    Kill connections. Options are:",
                "    * ADDR (<ip:port>|<unixsocket>:0)",
                "      Kill connections made from the specified address",
                "    * LADDR (<ip:port>|<unixsocket>:0)",
                "      Kill connections made to specified local address",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Kill connections by type.",
                "    * USER <username>",
                "      Kill connections authenticated by <username>.",
                "    * SKIPME (YES|NO)",
                "      Skip killing current connection (default: yes).",
                "LIST [options ...]",
                "    Return information about client connections. Options:",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Return clients of specified type.",
                "UNPAUSE",
                "    Stop the current client pause, resuming traffic.",
                "PAUSE <timeout> [WRITE|ALL]",
                "    Suspend all, or just write, clients for <timeout> milliseconds.",
                "REPLY (ON|OFF|SKIP)",
                "    Control the replies sent to the current connection.",
                "SETNAME <name>",
                "    Assign the name <name> to the current connection.",
                "SETINFO <option> <value>",
                "    Set client meta attr. Options are:",
                "    * LIB-NAME: the client lib name.",
                "    * LIB-VER: the client lib version.",
                "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                "    Unblock the specified blocked client.",
                "NO-EVICT (ON|OFF)",
                "    Protect current client connection from eviction.",
                "NO-TOUCH (ON|OFF)",
                "    Will not touch LRU/LFU stats when this mode is on.",
                "HELP",
                "    Prints this help.");
    }
}
