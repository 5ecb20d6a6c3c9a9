package io.demikv.kvstore.command;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * One row of the command table, as Redis's {@code redisCommand}: name, arity (negative = at least that
 * many arguments, the command name included), flags, legacy key positions, ACL categories, key specs,
 * documentation for {@code COMMAND DOCS}, the handler, and subcommands for container commands (CONFIG,
 * CLIENT, ...). Built once per {@link Commands} instance (the call statistics make it per instance).
 * Server thread only.
 */
public final class CommandSpec {
    final String name;
    final String fullName;
    final CommandSpec parent;
    final int arity;
    int flags;
    int firstKey;
    int lastKey;
    int keyStep;
    int acl;
    List<String> tips = List.of();
    List<KeySpec> keySpecs = List.of();
    String summary = "";
    String since = "";
    String group = "";
    String complexity = "";
    List<String> docFlags = List.of();
    String deprecatedSince;
    String replacedBy;
    List<String[]> history = List.of();
    List<DocArg> args = List.of();
    Handler handler;
    final List<CommandSpec> subcommands = new ArrayList<>();

    // Per-instance statistics (INFO commandstats).
    long calls;
    long micros;
    long rejectedCalls;
    long failedCalls;

    CommandSpec(String name, CommandSpec parent, int arity, String flagNames) {
        this.name = name.toLowerCase(Locale.ROOT);
        this.parent = parent;
        this.fullName = parent == null ? this.name : parent.name + "|" + this.name;
        this.arity = arity;
        for (String f : flagNames.split(" ")) {
            if (!f.isEmpty()) {
                flags |= CommandFlag.valueOf(f.toUpperCase(Locale.ROOT)).bit;
            }
        }
    }

    public String fullName() {
        return fullName;
    }

    public int arity() {
        return arity;
    }

    public boolean has(CommandFlag f) {
        return (flags & f.bit) != 0;
    }

    boolean isContainer() {
        return !subcommands.isEmpty();
    }

    /** Legacy key positions (first, last, step). */
    CommandSpec keys(int first, int last, int step) {
        this.firstKey = first;
        this.lastKey = last;
        this.keyStep = step;
        return this;
    }

    /** Explicit ACL categories ({@code "string"}, {@code "keyspace"}...); implicit ones are added later. */
    CommandSpec acl(String categories) {
        for (String c : categories.split(" ")) {
            if (!c.isEmpty()) {
                acl |= AclCategory.valueOf(c.toUpperCase(Locale.ROOT)).bit;
            }
        }
        return this;
    }

    CommandSpec tips(String... t) {
        this.tips = List.of(t);
        return this;
    }

    CommandSpec specs(KeySpec... s) {
        this.keySpecs = List.of(s);
        return this;
    }

    CommandSpec doc(String summary, String since, String group, String complexity, DocArg... arguments) {
        this.summary = summary;
        this.since = since;
        this.group = group;
        this.complexity = complexity;
        this.args = List.of(arguments);
        return this;
    }

    CommandSpec docFlags(String... f) {
        this.docFlags = List.of(f);
        return this;
    }

    CommandSpec deprecated(String since, String replacement) {
        this.docFlags = List.of("deprecated");
        this.deprecatedSince = since;
        this.replacedBy = replacement;
        return this;
    }

    CommandSpec history(String... versionAndText) {
        List<String[]> h = new ArrayList<>();
        for (int i = 0; i + 1 < versionAndText.length; i += 2) {
            h.add(new String[] {versionAndText[i], versionAndText[i + 1]});
        }
        this.history = h;
        return this;
    }

    CommandSpec handler(Handler h) {
        this.handler = h;
        return this;
    }

    /** Adds Redis's implicit categories (setImplicitACLCategories): write, read, admin, fast/slow... */
    void finish() {
        if (has(CommandFlag.WRITE)) {
            acl |= AclCategory.WRITE.bit;
        } else if (has(CommandFlag.READONLY) && (acl & AclCategory.SCRIPTING.bit) == 0) {
            acl |= AclCategory.READ.bit;
        }
        if (has(CommandFlag.ADMIN)) {
            acl |= AclCategory.ADMIN.bit | AclCategory.DANGEROUS.bit;
        }
        if (has(CommandFlag.PUBSUB)) {
            acl |= AclCategory.PUBSUB.bit;
        }
        if (has(CommandFlag.FAST)) {
            acl |= AclCategory.FAST.bit;
        }
        if (has(CommandFlag.BLOCKING)) {
            acl |= AclCategory.BLOCKING.bit;
        }
        if ((acl & AclCategory.FAST.bit) == 0) {
            acl |= AclCategory.SLOW.bit;
        }
        for (CommandSpec s : subcommands) {
            s.finish();
        }
    }

    /** The flags COMMAND INFO lists: Redis hides may_replicate on purpose. */
    List<String> flagNames() {
        List<String> out = new ArrayList<>();
        for (CommandFlag f : CommandFlag.values()) {
            if (has(f) && f != CommandFlag.MAY_REPLICATE) {
                out.add(f.wireName);
            }
        }
        return out;
    }

    List<String> aclNames() {
        List<String> out = new ArrayList<>();
        for (AclCategory c : EnumSet.allOf(AclCategory.class)) {
            if ((acl & c.bit) != 0) {
                out.add(c.wireName());
            }
        }
        return out;
    }

    CommandSpec subcommand(String subName) {
        for (CommandSpec s : subcommands) {
            if (s.name.equals(subName)) {
                return s;
            }
        }
        return null;
    }

    /** The subcommand named by argument {@code i} (any case), or null; allocation-free. */
    CommandSpec subcommand(Args args, int i) {
        for (CommandSpec s : subcommands) {
            if (args.is(i, s.name)) {
                return s;
            }
        }
        return null;
    }
}
