package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.DocArg.oneof;
import static io.demikv.kvstore.command.DocArg.pattern;
import static io.demikv.kvstore.command.DocArg.string;

import io.demikv.config.Glob;
import io.demikv.kvstore.resp.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * COMMAND and its subcommands, generated from the command table in Redis 7's reply shapes (redis-cli 7
 * builds its interactive hints from COMMAND DOCS). Server thread only.
 */
final class IntrospectionCommands extends Family {
    IntrospectionCommands(ServerState s) {
        super(s);
    }

    @Override
    void register(CommandTable t) {
        CommandSpec command = cmd("command", -1, "loading stale", 0, 0, 0).acl("connection")
                .tips("nondeterministic_output_order")
                .doc("Get array of Redis command details", "2.8.13", "server", "O(N) where N is the total "
                        + "number of Redis commands")
                .handler(this::all);
        sub(command, "count", 2, "loading stale").acl("connection")
                .doc("Get total number of Redis commands", "2.8.13", "server", "O(1)")
                .handler(x -> x.reply.integer(s.table.all().size()));
        sub(command, "info", -2, "loading stale").acl("connection").tips("nondeterministic_output_order")
                .doc("Get array of specific Redis command details, or all when no argument is given.", "2.8.13",
                        "server", "O(N) where N is the number of commands to look up",
                        string("command-name").optional().multiple())
                .history("7.0.0", "Allowed to be called with no argument to get info on all commands.")
                .handler(this::info);
        sub(command, "docs", -2, "loading stale").acl("connection").tips("nondeterministic_output_order")
                .doc("Get array of specific Redis command documentation", "7.0.0", "server",
                        "O(N) where N is the number of commands to look up",
                        string("command-name").optional().multiple())
                .handler(this::docs);
        sub(command, "list", -2, "loading stale").acl("connection").tips("nondeterministic_output_order")
                .doc("Get an array of Redis command names", "7.0.0", "server",
                        "O(N) where N is the total number of Redis commands",
                        oneof("filterby", string("module-name").token("MODULE"),
                                string("category").token("ACLCAT"), pattern("pattern").token("PATTERN"))
                                .token("FILTERBY").optional())
                .handler(this::list);
        sub(command, "getkeys", -4, "loading stale").acl("connection")
                .doc("Extract keys given a full Redis command", "2.8.13", "server",
                        "O(N) where N is the number of arguments to the command")
                .handler(this::getkeys);
        sub(command, "help", 2, "loading stale").acl("connection")
                .doc("Show helpful text about the different subcommands", "5.0.0", "server", "O(1)")
                .handler(x -> help(x, "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                        "(no subcommand)",
                        "    Return details about all Redis commands.",
                        "COUNT",
                        "    Return the total number of commands in this Redis server.",
                        "LIST",
                        "    Return a list of all commands in this Redis server.",
                        "INFO [<command-name> ...]",
                        "    Return details about multiple Redis commands.",
                        "    If no command names are given, documentation details for all",
                        "    commands are returned.",
                        "DOCS [<command-name> ...]",
                        "    Return documentation details about multiple Redis commands.",
                        "    If no command names are given, documentation details for all",
                        "    commands are returned.",
                        "GETKEYS <full-command>",
                        "    Return the keys from a full Redis command.",
                        "HELP",
                        "    Prints this help."));
        t.add(command);
    }

    private void all(Ctx x) {
        List<CommandSpec> cmds = s.table.all();
        x.reply.array(cmds.size());
        for (CommandSpec c : cmds) {
            commandInfo(x.reply, c);
        }
    }

    private void info(Ctx x) {
        if (x.argc() == 2) {
            all(x);
            return;
        }
        x.reply.array(x.argc() - 2);
        for (int i = 2; i < x.argc(); i++) {
            CommandSpec c = s.table.lookup(x.str(i));
            if (c == null) {
                x.reply.nullBulk();
            } else {
                commandInfo(x.reply, c);
            }
        }
    }

    static void commandInfo(Reply r, CommandSpec c) {
        r.array(10);
        r.bulk(c.fullName);
        r.integer(c.arity);
        List<String> flags = c.flagNames();
        r.set(flags.size());
        for (String f : flags) {
            r.simple(f);
        }
        r.integer(c.firstKey);
        r.integer(c.lastKey);
        r.integer(c.keyStep);
        List<String> acl = c.aclNames();
        r.set(acl.size());
        for (String a : acl) {
            r.simple(a);
        }
        r.set(c.tips.size());
        for (String tip : c.tips) {
            r.bulk(tip);
        }
        // Redis 7.0 sends key specs as a RESP3 set; subcommands as an array, or an empty set when there are none.
        r.set(c.keySpecs.size());
        for (KeySpec k : c.keySpecs) {
            r.map(k.notes() == null ? 3 : 4);
            if (k.notes() != null) {
                r.bulk("notes");
                r.bulk(k.notes());
            }
            r.bulk("flags");
            r.set(k.flags().size());
            for (String f : k.flags()) {
                r.simple(f);
            }
            r.bulk("begin_search");
            r.map(2);
            r.bulk("type");
            if (k.begin() == KeySpec.Begin.INDEX) {
                r.bulk("index");
                r.bulk("spec");
                r.map(1);
                r.bulk("index");
                r.integer(k.index());
            } else {
                r.bulk("unknown");
                r.bulk("spec");
                r.map(0);
            }
            r.bulk("find_keys");
            r.map(2);
            r.bulk("type");
            switch (k.find()) {
                case RANGE -> {
                    r.bulk("range");
                    r.bulk("spec");
                    r.map(3);
                    r.bulk("lastkey");
                    r.integer(k.lastKey());
                    r.bulk("keystep");
                    r.integer(k.keyStep());
                    r.bulk("limit");
                    r.integer(k.limit());
                }
                case KEYNUM -> {
                    r.bulk("keynum");
                    r.bulk("spec");
                    r.map(3);
                    r.bulk("keynumidx");
                    r.integer(k.keynumIdx());
                    r.bulk("firstkey");
                    r.integer(k.firstKey());
                    r.bulk("keystep");
                    r.integer(k.keyStep());
                }
                default -> {
                    r.bulk("unknown");
                    r.bulk("spec");
                    r.map(0);
                }
            }
        }
        if (c.subcommands.isEmpty()) {
            r.set(0);
        } else {
            r.array(c.subcommands.size());
        }
        for (CommandSpec sub : c.subcommands) {
            commandInfo(r, sub);
        }
    }

    private void docs(Ctx x) {
        List<CommandSpec> found = new ArrayList<>();
        if (x.argc() == 2) {
            found.addAll(s.table.all());
        } else {
            for (int i = 2; i < x.argc(); i++) {
                CommandSpec c = s.table.lookup(x.str(i));
                if (c != null) {
                    found.add(c);
                }
            }
        }
        x.reply.map(found.size());
        for (CommandSpec c : found) {
            x.reply.bulk(c.fullName);
            commandDocs(x.reply, c);
        }
    }

    static void commandDocs(Reply r, CommandSpec c) {
        int n = 1;
        n += c.summary.isEmpty() ? 0 : 1;
        n += c.since.isEmpty() ? 0 : 1;
        n += c.complexity.isEmpty() ? 0 : 1;
        n += c.docFlags.isEmpty() ? 0 : 1;
        n += c.deprecatedSince == null ? 0 : 1;
        n += c.replacedBy == null ? 0 : 1;
        n += c.history.isEmpty() ? 0 : 1;
        n += c.args.isEmpty() ? 0 : 1;
        n += c.subcommands.isEmpty() ? 0 : 1;
        r.map(n);
        if (!c.summary.isEmpty()) {
            r.bulk("summary");
            r.bulk(c.summary);
        }
        if (!c.since.isEmpty()) {
            r.bulk("since");
            r.bulk(c.since);
        }
        r.bulk("group");
        r.bulk(c.group);
        if (!c.complexity.isEmpty()) {
            r.bulk("complexity");
            r.bulk(c.complexity);
        }
        if (!c.docFlags.isEmpty()) {
            r.bulk("doc_flags");
            r.set(c.docFlags.size());
            for (String f : c.docFlags) {
                r.simple(f);
            }
        }
        if (c.deprecatedSince != null) {
            r.bulk("deprecated_since");
            r.bulk(c.deprecatedSince);
        }
        if (c.replacedBy != null) {
            r.bulk("replaced_by");
            r.bulk(c.replacedBy);
        }
        if (!c.history.isEmpty()) {
            r.bulk("history");
            r.set(c.history.size());
            for (String[] h : c.history) {
                r.array(2);
                r.bulk(h[0]);
                r.bulk(h[1]);
            }
        }
        if (!c.args.isEmpty()) {
            r.bulk("arguments");
            args(r, c.args);
        }
        if (!c.subcommands.isEmpty()) {
            r.bulk("subcommands");
            r.map(c.subcommands.size());
            for (CommandSpec sub : c.subcommands) {
                r.bulk(sub.fullName);
                commandDocs(r, sub);
            }
        }
    }

    private static void args(Reply r, List<DocArg> args) {
        r.array(args.size());
        for (DocArg a : args) {
            boolean nested = a.type().equals("oneof") || a.type().equals("block");
            int n = 2 + (a.keySpecIndex() >= 0 ? 1 : 0) + (a.token() != null ? 1 : 0) + (a.since() != null ? 1 : 0)
                    + (a.deprecatedSince() != null ? 1 : 0) + (a.flags().isEmpty() ? 0 : 1) + (nested ? 1 : 0);
            r.map(n);
            r.bulk("name");
            r.bulk(a.name());
            r.bulk("type");
            r.bulk(a.type());
            if (a.keySpecIndex() >= 0) {
                r.bulk("key_spec_index");
                r.integer(a.keySpecIndex());
            }
            if (a.token() != null) {
                r.bulk("token");
                r.bulk(a.token());
            }
            if (a.since() != null) {
                r.bulk("since");
                r.bulk(a.since());
            }
            if (a.deprecatedSince() != null) {
                r.bulk("deprecated_since");
                r.bulk(a.deprecatedSince());
            }
            if (!a.flags().isEmpty()) {
                r.bulk("flags");
                r.set(a.flags().size());
                for (String f : a.flags()) {
                    r.simple(f);
                }
            }
            if (nested) {
                r.bulk("arguments");
                args(r, a.arguments());
            }
        }
    }

    private void list(Ctx x) {
        List<String> names = new ArrayList<>();
        int argc = x.argc();
        if (argc == 2) {
            for (CommandSpec c : s.table.all()) {
                names.add(c.fullName);
                for (CommandSpec sub : c.subcommands) {
                    names.add(sub.fullName);
                }
            }
        } else if (argc == 5 && x.args.is(2, "filterby")) {
            String value = x.str(4);
            for (CommandSpec c : s.table.all()) {
                List<CommandSpec> group = new ArrayList<>();
                group.add(c);
                group.addAll(c.subcommands);
                for (CommandSpec k : group) {
                    boolean keep;
                    if (x.args.is(3, "module")) {
                        keep = false;
                    } else if (x.args.is(3, "aclcat")) {
                        keep = k.aclNames().contains("@" + value.toLowerCase(Locale.ROOT));
                    } else if (x.args.is(3, "pattern")) {
                        keep = Glob.matches(value, k.fullName, true);
                    } else {
                        x.syntaxError();
                        return;
                    }
                    if (keep) {
                        names.add(k.fullName);
                    }
                }
            }
        } else {
            x.syntaxError();
            return;
        }
        x.reply.array(names.size());
        for (String n : names) {
            x.reply.bulk(n);
        }
    }

    /**
     * Keys of a command whose keys move (numkeys forms, SORT's STORE) from its key specs, argument indexes
     * relative to {@code first}; false when a numkeys argument is invalid or points past the arguments.
     */
    private static boolean movableKeys(Ctx x, CommandSpec c, int first, int argc, List<Integer> keys) {
        for (KeySpec k : c.keySpecs) {
            if (k.begin() != KeySpec.Begin.INDEX) {
                if (c.fullName.equals("sort") && k.flags().contains("OW")) {
                    int store = -1;
                    for (int i = 2; i < argc; i++) {
                        if (x.args.is(first + i, "limit")) {
                            i += 2;
                        } else if (x.args.is(first + i, "get") || x.args.is(first + i, "by")) {
                            i++;
                        } else if (x.args.is(first + i, "store") && i + 1 < argc) {
                            store = ++i;
                        }
                    }
                    if (store >= 0) {
                        keys.add(first + store);
                    }
                }
                continue;
            }
            int start = k.index();
            if (k.find() == KeySpec.Find.RANGE) {
                int last = k.lastKey() >= 0 ? start + k.lastKey() : argc + k.lastKey();
                for (int i = start; i <= last && i < argc; i += Math.max(1, k.keyStep())) {
                    keys.add(first + i);
                }
            } else if (k.find() == KeySpec.Find.KEYNUM) {
                int numIdx = start + k.keynumIdx();
                if (numIdx >= argc || !x.parseLong(first + numIdx) || x.lval < 1) {
                    return false;
                }
                long from = start + k.firstKey();
                long last = from + (x.lval - 1) * k.keyStep();
                if (last >= argc) {
                    return false;
                }
                for (long i = from; i <= last; i += k.keyStep()) {
                    keys.add(first + (int) i);
                }
            }
        }
        return true;
    }

    private void getkeys(Ctx x) {
        // The command to inspect starts at argument 2.
        String name = x.str(2).toLowerCase(Locale.ROOT);
        CommandSpec c = s.table.lookup(name);
        int first = 2;
        if (c != null && c.isContainer() && x.argc() > 3) {
            c = c.subcommand(x.str(3).toLowerCase(Locale.ROOT));
        }
        if (c == null) {
            x.error("ERR Invalid command specified");
            return;
        }
        int argc = x.argc() - first;
        if ((c.arity > 0 && c.arity != argc) || argc < -c.arity) {
            x.error("ERR Invalid number of arguments specified for command");
            return;
        }
        List<Integer> keys = new ArrayList<>();
        if (c.has(CommandFlag.MOVABLEKEYS)) {
            if (!movableKeys(x, c, first, argc, keys)) {
                x.error("ERR Invalid arguments specified for command");
                return;
            }
        } else if (c.firstKey > 0) {
            int last = c.lastKey < 0 ? argc + c.lastKey : c.lastKey;
            for (int i = c.firstKey; i <= last && i < argc; i += c.keyStep) {
                keys.add(first + i);
            }
        }
        if (keys.isEmpty()) {
            x.error("ERR The command has no key arguments");
            return;
        }
        x.reply.array(keys.size());
        for (int i : keys) {
            x.reply.bulk(x.args.buf(), x.args.offset(i), x.args.length(i));
        }
    }
}
