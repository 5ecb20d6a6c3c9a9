package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.DocArg.block;
import static io.demikv.kvstore.command.DocArg.integer;
import static io.demikv.kvstore.command.DocArg.oneof;
import static io.demikv.kvstore.command.DocArg.pattern;
import static io.demikv.kvstore.command.DocArg.pure;
import static io.demikv.kvstore.command.DocArg.string;

import io.demikv.config.Directive;
import io.demikv.kvstore.db.Entry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Server administration commands (Redis's {@code server.c}, {@code config.c}, {@code debug.c},
 * {@code slowlog.c}, {@code latency.c}, {@code functions.c}): INFO, CONFIG, TIME, LASTSAVE, SHUTDOWN,
 * FUNCTION (a server without functions), DEBUG, MONITOR, SLOWLOG, LATENCY. Server thread only.
 */
final class ServerCommands extends Family {
    static final String DEBUG_NOT_ALLOWED = "ERR DEBUG command not allowed. If the enable-debug-command option "
            + "is set to \"local\", you can run it from a local connection, otherwise you need to set this "
            + "option in the configuration file, and then restart the server.";

    private final Info info;

    ServerCommands(ServerState s) {
        super(s);
        this.info = new Info(s);
    }

    @Override
    void register(CommandTable t) {
        t.add(cmd("info", -1, "loading stale", 0, 0, 0).acl("dangerous")
                .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                .doc("Get information and statistics about the server", "1.0.0", "server", "O(1)",
                        string("section").optional().multiple())
                .history("7.0.0", "Added support for taking multiple section arguments.")
                .handler(x -> x.reply.verbatim(info.render(Info.sections(x), s.clock.unixMicros()))));
        t.add(cmd("time", 1, "loading stale fast", 0, 0, 0).acl("fast")
                .tips("nondeterministic_output")
                .doc("Return the current server time", "2.6.0", "server", "O(1)")
                .handler(this::time));
        t.add(cmd("lastsave", 1, "loading stale fast", 0, 0, 0).acl("admin dangerous")
                .tips("nondeterministic_output")
                .doc("Get the UNIX time stamp of the last successful save to disk", "1.0.0", "server", "O(1)")
                .handler(x -> x.reply.integer(s.lastSaveUnixSeconds)));
        t.add(cmd("shutdown", -1, "admin noscript loading stale no_multi allow_busy", 0, 0, 0)
                .doc("Synchronously save the dataset to disk and then shut down the server", "1.0.0", "server",
                        "O(N) when saving, where N is the total number of keys in all databases when saving "
                                + "data, otherwise O(1)",
                        oneof("nosave_save", pure("nosave", "NOSAVE"), pure("save", "SAVE")).optional(),
                        pure("NOW").since("7.0.0").optional(), pure("FORCE").since("7.0.0").optional(),
                        pure("ABORT").since("7.0.0").optional())
                .history("7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers.")
                .handler(this::shutdown));
        t.add(cmd("monitor", 1, "admin noscript loading stale", 0, 0, 0)
                .doc("Listen for all requests received by the server in real time", "1.0.0", "server", "")
                .handler(this::monitor));
        t.add(cmd("debug", -2, "admin noscript loading stale", 0, 0, 0)
                .doc("A container for debugging commands", "1.0.0", "server", "Depends on subcommand.")
                .docFlags("syscmd")
                .handler(this::debug));
        registerConfig(t);
        registerMemory(t);
        registerFunction(t);
        registerSlowlog(t);
        registerLatency(t);
    }

    private void time(Ctx x) {
        long us = s.clock.unixMicros();
        x.reply.array(2);
        x.reply.bulk(us / 1_000_000);
        x.reply.bulk(us % 1_000_000);
    }

    private void shutdown(Ctx x) {
        boolean abort = false;
        boolean nosave = false;
        boolean save = false;
        boolean other = false;
        for (int i = 1; i < x.argc(); i++) {
            if (x.args.is(i, "nosave")) {
                nosave = true;
            } else if (x.args.is(i, "save")) {
                save = true;
            } else if (x.args.is(i, "now") || x.args.is(i, "force")) {
                other = true;
            } else if (x.args.is(i, "abort")) {
                abort = true;
            } else {
                x.syntaxError();
                return;
            }
        }
        if ((abort && (nosave || save || other)) || (nosave && save)) {
            x.syntaxError();
            return;
        }
        if (abort) {
            x.error("ERR No shutdown in progress.");
            return;
        }
        // As in Redis, a successful SHUTDOWN has no reply: the server stops and closes every connection.
        s.shutdownRequested = true;
    }

    private void monitor(Ctx x) {
        if (x.session.monitor) {
            return;
        }
        x.session.monitor = true;
        s.monitors.add(x.session);
        x.reply.ok();
    }

    // ------------------------------------------------------------------ DEBUG

    private void debug(Ctx x) {
        String mode = s.debugCommand;
        if (mode.equals("no") || (mode.equals("local") && !x.session.loopback)) {
            x.error(DEBUG_NOT_ALLOWED);
            return;
        }
        if (x.args.is(1, "help") && x.argc() == 2) {
            help(x, "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "OBJECT <key>",
                    "    Show low level info about the key and associated value.",
                    "SET-ACTIVE-EXPIRE <0|1>",
                    "    Setting it to 0 disables expiring keys in background when they are not",
                    "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
                    "    default.",
                    "SLEEP <seconds>",
                    "    Stop the server for <seconds>. Decimals allowed.",
                    "HELP",
                    "    Prints this help.");
        } else if (x.args.is(1, "sleep") && x.argc() == 3) {
            double secs = strtod(x.str(2));
            long nanos = (long) (secs * 1_000_000) * 1000L;
            if (nanos > 0) {
                s.clock.sleepNanos(nanos); // blocks the one server thread, as Redis does
            }
            x.reply.ok();
        } else if (x.args.is(1, "set-active-expire") && x.argc() == 3) {
            s.activeExpireEnabled = (long) strtod(x.str(2)) != 0; // Redis uses atoi()
            x.reply.ok();
        } else if (x.args.is(1, "object") && x.argc() == 3) {
            Entry e = x.db.lookup(x.args.buf(), x.args.offset(2), x.args.length(2), false);
            if (e == null) {
                x.error(Errors.NO_SUCH_KEY);
                return;
            }
            x.reply.simple(String.format(Locale.ROOT,
                    "Value at:0x%x refcount:1 encoding:%s serializedlength:%d lru:%d lru_seconds_idle:%d",
                    System.identityHashCode(e), e.encoding().encodingName(), e.valueLength(),
                    (x.nowMs / 1000) & ((1 << 24) - 1), x.db.idleMillis(e) / 1000));
        } else {
            x.errorWithArg("ERR unknown subcommand or wrong number of arguments for '", 1, "'. Try DEBUG HELP.");
        }
    }

    /** C's strtod on a prefix: the longest leading decimal number, 0 when there is none. */
    static double strtod(String text) {
        String t = text.strip();
        int end = 0;
        int best = 0;
        while (end < t.length()) {
            end++;
            try {
                Double.parseDouble(t.substring(0, end));
                best = end;
            } catch (NumberFormatException e) {
                // keep looking: "1e" is not a number but "1e3" is
            }
        }
        return best == 0 ? 0 : Double.parseDouble(t.substring(0, best));
    }

    // ------------------------------------------------------------------ CONFIG

    private void registerConfig(CommandTable t) {
        CommandSpec config = container("config", "A container for server configuration commands", "2.0.0",
                "server");
        sub(config, "get", -3, "admin noscript loading stale").acl("admin slow dangerous")
                .doc("Get the values of configuration parameters", "2.0.0", "server",
                        "O(N) when N is the number of configuration parameters provided",
                        block("parameter", string("parameter")).multiple())
                .history("7.0.0", "Added the ability to pass multiple pattern parameters in one call")
                .handler(this::configGet);
        sub(config, "set", -4, "admin noscript loading stale").acl("admin slow dangerous")
                .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                .doc("Set configuration parameters to the given values", "2.0.0", "server",
                        "O(N) when N is the number of configuration parameters provided",
                        block("parameter_value", string("parameter"), string("value")).multiple())
                .history("7.0.0", "Added the ability to set multiple parameters in one call.")
                .handler(this::configSet);
        sub(config, "resetstat", 2, "admin noscript loading stale").acl("admin slow dangerous")
                .doc("Reset the stats returned by INFO", "2.0.0", "server", "O(1)")
                .handler(x -> {
                    s.resetStats();
                    x.reply.ok();
                });
        sub(config, "rewrite", 2, "admin noscript loading stale").acl("admin slow dangerous")
                .doc("Rewrite the configuration file with the in memory configuration", "2.8.0", "server",
                        "O(1)")
                .handler(x -> x.error("ERR The server is running without a config file"));
        sub(config, "help", 2, "loading stale").acl("slow")
                .doc("Show helpful text about the different subcommands", "5.0.0", "server", "O(1)")
                .handler(x -> help(x, "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                        "GET <pattern>",
                        "    Return parameters matching the glob-like <pattern> and their values.",
                        "SET <directive> <value>",
                        "    Set the configuration <directive> to <value>.",
                        "RESETSTAT",
                        "    Reset statistics reported by the INFO command.",
                        "REWRITE",
                        "    Rewrite the configuration file.",
                        "HELP",
                        "    Prints this help."));
        t.add(config);
    }

    private void configGet(Ctx x) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 2; i < x.argc(); i++) {
            out.putAll(s.config.matching(x.str(i)));
        }
        x.reply.map(out.size());
        for (Map.Entry<String, String> e : out.entrySet()) {
            x.reply.bulk(e.getKey());
            x.reply.bulk(e.getValue());
        }
    }

    private void configSet(Ctx x) {
        if ((x.argc() & 1) == 1) {
            x.syntaxError();
            return;
        }
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 2; i < x.argc(); i += 2) {
            String name = x.str(i).toLowerCase(Locale.ROOT);
            if (!s.config.schema().contains(name)) {
                x.errorWithArg("ERR Unknown option or number of arguments for CONFIG SET - '", i, "'");
                return;
            }
            Directive d = s.config.schema().get(name);
            if (!d.mutable()) {
                x.errorWithArg("ERR CONFIG SET failed (possibly related to argument '", i,
                        "') - can't set immutable config");
                return;
            }
            if (!seen.add(name)) {
                x.errorWithArg("ERR CONFIG SET failed (possibly related to argument '", i,
                        "') - duplicate parameter");
                return;
            }
            names.add(name);
            values.add(x.str(i + 1));
        }
        // All-or-nothing: check every value before changing any.
        for (int k = 0; k < names.size(); k++) {
            String problem = s.config.check(names.get(k), values.get(k));
            if (problem != null) {
                x.errorWithArg("ERR CONFIG SET failed (possibly related to argument '", 2 + 2 * k,
                        "') - " + problem);
                return;
            }
        }
        for (int k = 0; k < names.size(); k++) {
            s.config.trySet(names.get(k), values.get(k));
        }
        s.reloadConfig();
        x.reply.ok();
    }

    // ------------------------------------------------------------------ MEMORY

    private void registerMemory(CommandTable t) {
        CommandSpec memory = container("memory", "A container for memory diagnostics commands", "4.0.0",
                "server");
        sub(memory, "usage", -3, "readonly").keys(2, 2, 1)
                .specs(KeySpec.single(2, "RO"))
                .doc("Estimate the memory usage of a key", "4.0.0", "server",
                        "O(N) where N is the number of samples.", DocArg.key("key"),
                        integer("count").token("SAMPLES").optional())
                .handler(this::memoryUsage);
        sub(memory, "doctor", 2, "").tips("nondeterministic_output", "request_policy:all_shards",
                        "response_policy:special")
                .doc("Outputs memory problems report", "4.0.0", "server", "O(1)")
                .handler(x -> x.reply.verbatim("Hi Sam, I can't find any memory issue in your instance. "
                        + "I can only account for what occurs on this base.\n"));
        sub(memory, "purge", 2, "").tips("request_policy:all_shards", "response_policy:all_succeeded")
                .doc("Ask the allocator to release memory", "4.0.0", "server",
                        "Depends on how much memory is allocated, could be slow")
                .handler(x -> x.reply.ok());
        sub(memory, "malloc-stats", 2, "").tips("nondeterministic_output", "request_policy:all_shards",
                        "response_policy:special")
                .doc("Show allocator internal stats", "4.0.0", "server",
                        "Depends on how much memory is allocated, could be slow")
                .handler(x -> x.reply.verbatim("Stats not supported for the current allocator"));
        sub(memory, "help", 2, "loading stale")
                .doc("Show helpful text about the different subcommands", "4.0.0", "server", "O(1)")
                .handler(x -> help(x, "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                        "DOCTOR",
                        "    Return memory problems reports.",
                        "MALLOC-STATS",
                        "    Return internal statistics report from the memory allocator.",
                        "PURGE",
                        "    Attempt to purge dirty pages for reclamation by the allocator.",
                        "USAGE <key> [SAMPLES <count>]",
                        "    Return memory in bytes used by <key> and its value. Nested values are",
                        "    sampled up to <count> times (default: 5, 0 means sample all).",
                        "HELP",
                        "    Prints this help."));
        t.add(memory);
    }

    /** MEMORY USAGE: this server's heap layout (entry, key and value arrays or structure, one table slot). */
    private void memoryUsage(Ctx x) {
        for (int j = 3; j < x.argc(); j++) {
            if (x.args.is(j, "samples") && j + 1 < x.argc()) {
                if (!x.longOrReply(j + 1)) {
                    return;
                }
                if (x.lval < 0) {
                    x.syntaxError();
                    return;
                }
                j++;
            } else {
                x.syntaxError();
                return;
            }
        }
        Entry e = x.db.lookup(x.args.buf(), x.args.offset(2), x.args.length(2), false);
        if (e == null) {
            x.reply.nullBulk();
            return;
        }
        long bytes = io.demikv.kvstore.db.Db.entryBytes(e) + 4;
        if (x.db.expireOf(e) >= 0) {
            bytes += 32 + 4;
        }
        x.reply.integer(bytes);
    }

    // ------------------------------------------------------------------ FUNCTION

    private void registerFunction(CommandTable t) {
        CommandSpec function = container("function", "A container for function commands", "7.0.0",
                "scripting");
        sub(function, "list", -2, "noscript").acl("scripting")
                .tips("nondeterministic_output_order")
                .doc("List information about all the functions", "7.0.0", "scripting",
                        "O(N) where N is the number of functions",
                        string("library-name-pattern").token("LIBRARYNAME").optional(),
                        pure("WITHCODE").optional())
                .handler(this::functionList);
        sub(function, "flush", -2, "write noscript").acl("scripting")
                .tips("request_policy:all_shards", "response_policy:all_succeeded")
                .doc("Deleting all functions", "7.0.0", "scripting", "O(N) where N is the number of functions "
                        + "deleted", oneof("async", pure("async", "ASYNC"), pure("sync", "SYNC")).optional())
                .handler(this::functionFlush);
        sub(function, "help", 2, "loading stale").acl("scripting")
                .doc("Show helpful text about the different subcommands", "7.0.0", "scripting", "O(1)")
                .handler(x -> help(x, "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
                        "    Return general information on all the libraries (none on this server).",
                        "FLUSH [ASYNC|SYNC]",
                        "    Delete all the libraries.",
                        "HELP",
                        "    Prints this help."));
        t.add(function);
    }

    private void functionList(Ctx x) {
        boolean withCode = false;
        boolean named = false;
        for (int i = 2; i < x.argc(); i++) {
            if (!withCode && x.args.is(i, "withcode")) {
                withCode = true;
            } else if (!named && x.args.is(i, "libraryname")) {
                if (i >= x.argc() - 1) {
                    x.error("ERR library name argument was not given");
                    return;
                }
                named = true;
                i++;
            } else {
                x.errorWithArg("ERR Unknown argument ", i, "");
                return;
            }
        }
        x.reply.array(0);
    }

    private void functionFlush(Ctx x) {
        if (x.argc() == 3 && !x.args.is(2, "sync") && !x.args.is(2, "async")) {
            x.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
            return;
        }
        if (x.argc() > 3) {
            x.error(Errors.wrongArity(x.cmd.fullName));
            return;
        }
        x.dirty();
        x.reply.ok();
    }

    // ------------------------------------------------------------------ SLOWLOG and LATENCY

    private void registerSlowlog(CommandTable t) {
        CommandSpec slowlog = container("slowlog", "A container for slow log commands", "2.2.12", "server");
        sub(slowlog, "get", -2, "admin loading stale").acl("admin dangerous")
                .tips("request_policy:all_nodes", "nondeterministic_output")
                .doc("Get the slow log's entries", "2.2.12", "server", "O(N) where N is the number of entries "
                        + "returned", integer("count").optional())
                .history("4.0.0", "Added client IP address, port and name to the reply.")
                .handler(this::slowlogGet);
        sub(slowlog, "len", 2, "admin loading stale").acl("admin dangerous")
                .tips("request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output")
                .doc("Get the slow log's length", "2.2.12", "server", "O(1)")
                .handler(x -> x.reply.integer(s.slowlog.size()));
        sub(slowlog, "reset", 2, "admin loading stale").acl("admin dangerous")
                .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                .doc("Clear all entries from the slow log", "2.2.12", "server",
                        "O(N) where N is the number of entries in the slowlog")
                .handler(x -> {
                    s.slowlog.reset();
                    x.reply.ok();
                });
        sub(slowlog, "help", 2, "loading stale").acl("slow")
                .doc("Show helpful text about the different subcommands", "6.2.0", "server", "O(1)")
                .handler(x -> help(x, "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                        "GET [<count>]",
                        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                        "    Entries are made of:",
                        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                        "    client name",
                        "LEN",
                        "    Return the length of the slowlog.",
                        "RESET",
                        "    Reset the slowlog.",
                        "HELP",
                        "    Prints this help."));
        t.add(slowlog);
    }

    private void slowlogGet(Ctx x) {
        if (x.argc() > 3) {
            x.errorWithArg("ERR unknown subcommand or wrong number of arguments for '", 1,
                    "'. Try SLOWLOG HELP.");
            return;
        }
        long count = 10;
        if (x.argc() == 3) {
            if (!x.parseLong(2) || x.lval < -1) {
                x.error("ERR count should be greater than or equal to -1");
                return;
            }
            count = x.lval;
        }
        s.slowlog.reply(x.reply, count);
    }

    private void registerLatency(CommandTable t) {
        CommandSpec latency = container("latency", "A container for latency diagnostics commands", "2.8.13",
                "server");
        sub(latency, "latest", 2, "admin noscript loading stale").acl("admin dangerous")
                .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
                .doc("Return the latest latency samples for all events.", "2.8.13", "server", "O(1)")
                .handler(x -> s.latency.latest(x.reply));
        sub(latency, "history", 3, "admin noscript loading stale").acl("admin dangerous")
                .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
                .doc("Return timestamp-latency samples for the event.", "2.8.13", "server", "O(1)",
                        string("event"))
                .handler(x -> s.latency.history(x.reply, x.str(2)));
        sub(latency, "reset", -2, "admin noscript loading stale").acl("admin dangerous")
                .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                .doc("Reset latency data for one or more events.", "2.8.13", "server", "O(1)",
                        string("event").optional().multiple())
                .handler(x -> {
                    List<String> names = new ArrayList<>();
                    for (int i = 2; i < x.argc(); i++) {
                        names.add(x.str(i));
                    }
                    x.reply.integer(s.latency.reset(names));
                });
        sub(latency, "doctor", 2, "admin noscript loading stale").acl("admin dangerous")
                .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
                .doc("Return a human readable latency analysis report.", "2.8.13", "server", "O(1)")
                .handler(x -> x.reply.verbatim(s.latencyThresholdMs == 0
                        ? "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
                                + "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" "
                                + "in order to enable it. If we weren't in a deep space mission I'd suggest to take "
                                + "a look at https://redis.io/topics/latency-monitor.\n"
                        : "Dave, no latency spike was observed during the lifetime of this Redis instance, "
                                + "not in the slightest bit. I honestly think you ought to sleep tonight.\n"));
        sub(latency, "help", 2, "loading stale").acl("slow")
                .doc("Show helpful text about the different subcommands.", "2.8.13", "server", "O(1)")
                .handler(x -> help(x, "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                        "DOCTOR",
                        "    Return a human readable latency analysis report.",
                        "GRAPH <event>",
                        "    Return an ASCII latency graph for the <event> class.",
                        "HISTORY <event>",
                        "    Return time-latency samples for the <event> class.",
                        "LATEST",
                        "    Return the latest latency samples for all events.",
                        "RESET [<event> ...]",
                        "    Reset latency data of one or more <event> classes.",
                        "    (default: reset all data for all event classes)",
                        "HISTOGRAM [COMMAND ...]",
                        "    Return a cumulative distribution of latencies in the format of a histogram for the "
                                + "specified command names.",
                        "    If no commands are specified then all histograms are replied.",
                        "HELP",
                        "    Prints this help."));
        t.add(latency);
    }
}
