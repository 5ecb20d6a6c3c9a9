package io.demikv.kvstore.command;

import static io.demikv.kvstore.command.DocArg.block;
import static io.demikv.kvstore.command.DocArg.pattern;
import static io.demikv.kvstore.command.DocArg.string;

import io.demikv.config.Glob;
import io.demikv.kvstore.resp.Reply;
import io.demikv.kvstore.server.Session;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Publish/subscribe (Redis 7.0's {@code pubsub.c}): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH
 * and PUBSUB CHANNELS/NUMSUB/NUMPAT/SHARDCHANNELS/SHARDNUMSUB/HELP. Messages go straight into each
 * subscriber's {@link Session#reply} (an array in RESP2, a push in RESP3); the network layer bounds a slow
 * subscriber by the {@code pubsub} class of {@code client-output-buffer-limit} because {@link Session#pubsub}
 * is set while the client has at least one subscription. {@link #refuse} is Redis's subscriber-context
 * check (RESP2 only) and {@link #disconnect} drops a closed client's subscriptions. Server thread only.
 */
final class PubSubCommands extends Family {
    private static final String[] ALLOWED_WHILE_SUBSCRIBED = {
        "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ssubscribe", "sunsubscribe", "ping", "quit",
        "reset"};

    /** A channel or pattern name, usable as a hash key. */
    private record Name(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Name n && Arrays.equals(n.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /** One client's subscriptions, in subscription order. */
    private static final class Subscriptions {
        final LinkedHashSet<Name> channels = new LinkedHashSet<>();
        final LinkedHashSet<Name> patterns = new LinkedHashSet<>();

        int count() {
            return channels.size() + patterns.size();
        }
    }

    /** Channel to subscribers, in subscription order (Redis's {@code server.pubsub_channels}). */
    private final Map<Name, LinkedHashSet<Session>> channels = new HashMap<>();
    /** Pattern to subscribers (Redis's {@code server.pubsub_patterns}). */
    private final Map<Name, LinkedHashSet<Session>> patterns = new LinkedHashMap<>();
    private final IdentityHashMap<Session, Subscriptions> clients = new IdentityHashMap<>();

    PubSubCommands(ServerState s) {
        super(s);
    }

    @Override
    void register(CommandTable t) {
        t.add(cmd("subscribe", -2, "pubsub noscript loading stale", 0, 0, 0)
                .doc("Listen for messages published to the given channels", "2.0.0", "pubsub",
                        "O(N) where N is the number of channels to subscribe to.",
                        string("channel").multiple())
                .handler(this::subscribe));
        t.add(cmd("unsubscribe", -1, "pubsub noscript loading stale", 0, 0, 0)
                .doc("Stop listening for messages posted to the given channels", "2.0.0", "pubsub",
                        "O(N) where N is the number of clients already subscribed to a channel.",
                        string("channel").optional().multiple())
                .handler(this::unsubscribe));
        t.add(cmd("psubscribe", -2, "pubsub noscript loading stale", 0, 0, 0)
                .doc("Listen for messages published to channels matching the given patterns", "2.0.0", "pubsub",
                        "O(N) where N is the number of patterns the client is already subscribed to.",
                        block("pattern", pattern("pattern")).multiple())
                .handler(this::psubscribe));
        t.add(cmd("punsubscribe", -1, "pubsub noscript loading stale", 0, 0, 0)
                .doc("Stop listening for messages posted to channels matching the given patterns", "2.0.0",
                        "pubsub", "O(N+M) where N is the number of patterns the client is already subscribed and M "
                                + "is the number of total patterns subscribed in the system (by any client).",
                        pattern("pattern").optional().multiple())
                .handler(this::punsubscribe));
        t.add(cmd("publish", 3, "pubsub loading stale fast may_replicate", 0, 0, 0)
                .doc("Post a message to a channel", "2.0.0", "pubsub",
                        "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the "
                                + "total number of subscribed patterns (by any client).",
                        string("channel"), string("message"))
                .handler(this::publish));

        CommandSpec pubsub = container("pubsub", "A container for Pub/Sub commands", "2.8.0", "pubsub");
        sub(pubsub, "channels", -2, "pubsub loading stale")
                .doc("List active channels", "2.8.0", "pubsub",
                        "O(N) where N is the number of active channels, and assuming constant time pattern matching "
                                + "(relatively short channels and patterns)",
                        pattern("pattern").optional())
                .handler(this::channels);
        sub(pubsub, "numsub", -2, "pubsub loading stale")
                .doc("Get the count of subscribers for channels", "2.8.0", "pubsub",
                        "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
                        string("channel").optional().multiple())
                .handler(this::numsub);
        sub(pubsub, "numpat", 2, "pubsub loading stale")
                .doc("Get the count of unique patterns pattern subscriptions", "2.8.0", "pubsub", "O(1)")
                .handler(x -> x.reply.integer(patterns()));
        sub(pubsub, "shardchannels", -2, "pubsub loading stale")
                .doc("List active shard channels", "7.0.0", "pubsub",
                        "O(N) where N is the number of active shard channels, and assuming constant time pattern "
                                + "matching (relatively short shard channels).",
                        pattern("pattern").optional())
                .handler(this::shardchannels);
        sub(pubsub, "shardnumsub", -2, "pubsub loading stale")
                .doc("Get the count of subscribers for shard channels", "7.0.0", "pubsub",
                        "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
                        string("shardchannel").optional().multiple())
                .handler(this::shardnumsub);
        sub(pubsub, "help", 2, "loading stale")
                .doc("Show helpful text about the different subcommands", "6.2.0", "pubsub", "O(1)")
                .handler(x -> help(x,
                        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                        "CHANNELS [<pattern>]",
                        "    Return the currently active channels matching a <pattern> (default: '*').",
                        "NUMPAT",
                        "    Return number of subscriptions to patterns.",
                        "NUMSUB [<channel> ...]",
                        "    Return the number of subscribers for the specified channels, excluding",
                        "    pattern subscriptions(default: no channels).",
                        "SHARDCHANNELS [<pattern>]",
                        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                        "SHARDNUMSUB [<shardchannel> ...]",
                        "    Return the number of subscribers for the specified shard level channel(s)",
                        "HELP",
                        "    Prints this help."));
        t.add(pubsub);
    }

    // ------------------------------------------------------------------ hooks for Commands

    /**
     * Redis's subscriber-context check: a RESP2 client with subscriptions may only (un)subscribe, PING, QUIT
     * and RESET. Returns the error to reject {@code cmd} with, or null.
     */
    static String refuse(Session session, CommandSpec cmd) {
        if (!session.pubsub || session.protocol != 2) {
            return null;
        }
        String top = cmd.parent == null ? cmd.name : cmd.parent.name;
        for (String ok : ALLOWED_WHILE_SUBSCRIBED) {
            if (ok.equals(top)) {
                return null;
            }
        }
        return "ERR Can't execute '" + cmd.fullName + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
                + "RESET are allowed in this context";
    }

    /** Channels the client subscribes to (CLIENT LIST's sub). */
    int channelCount(Session session) {
        Subscriptions subs = clients.get(session);
        return subs == null ? 0 : subs.channels.size();
    }

    /** Patterns the client subscribes to (CLIENT LIST's psub). */
    int patternCount(Session session) {
        Subscriptions subs = clients.get(session);
        return subs == null ? 0 : subs.patterns.size();
    }

    /** Channels with at least one subscriber (INFO's pubsub_channels). */
    int channels() {
        return channels.size();
    }

    /** Distinct patterns with at least one subscriber (INFO's pubsub_patterns, PUBSUB NUMPAT). */
    int patterns() {
        return patterns.size();
    }

    /** Drops every subscription of the client without confirmations (it closed, or sent RESET). */
    void unsubscribeAll(Session session) {
        Subscriptions subs = clients.remove(session);
        if (subs == null) {
            return;
        }
        for (Name c : subs.channels) {
            remove(channels, c, session);
        }
        for (Name p : subs.patterns) {
            remove(patterns, p, session);
        }
        session.pubsub = false;
    }

    // ------------------------------------------------------------------ commands

    private Subscriptions subs(Session session) {
        return clients.computeIfAbsent(session, k -> new Subscriptions());
    }

    private static void header(Reply r, Session to, int n) {
        if (to.protocol >= 3) {
            r.push(n);
        } else {
            r.array(n);
        }
    }

    private void confirm(Ctx x, String kind, byte[] name, int count) {
        header(x.reply, x.session, 3);
        x.reply.bulk(kind);
        if (name == null) {
            x.reply.nullBulk();
        } else {
            x.reply.bulk(name);
        }
        x.reply.integer(count);
    }

    private void subscribe(Ctx x) {
        subscribe(x, channels, false);
    }

    private void psubscribe(Ctx x) {
        subscribe(x, patterns, true);
    }

    private void subscribe(Ctx x, Map<Name, LinkedHashSet<Session>> server, boolean pattern) {
        Subscriptions subs = subs(x.session);
        LinkedHashSet<Name> mine = pattern ? subs.patterns : subs.channels;
        for (int i = 1; i < x.argc(); i++) {
            Name n = new Name(x.arg(i));
            if (mine.add(n)) {
                server.computeIfAbsent(n, k -> new LinkedHashSet<>()).add(x.session);
            }
            confirm(x, pattern ? "psubscribe" : "subscribe", n.bytes, subs.count());
        }
        x.session.pubsub = subs.count() > 0;
    }

    private void unsubscribe(Ctx x) {
        unsubscribe(x, channels, false);
    }

    private void punsubscribe(Ctx x) {
        unsubscribe(x, patterns, true);
    }

    private void unsubscribe(Ctx x, Map<Name, LinkedHashSet<Session>> server, boolean pattern) {
        Subscriptions subs = subs(x.session);
        LinkedHashSet<Name> mine = pattern ? subs.patterns : subs.channels;
        String kind = pattern ? "punsubscribe" : "unsubscribe";
        if (x.argc() == 1) {
            if (mine.isEmpty()) {
                confirm(x, kind, null, subs.count());
            }
            for (Name n : new ArrayList<>(mine)) {
                mine.remove(n);
                remove(server, n, x.session);
                confirm(x, kind, n.bytes, subs.count());
            }
        } else {
            for (int i = 1; i < x.argc(); i++) {
                Name n = new Name(x.arg(i));
                if (mine.remove(n)) {
                    remove(server, n, x.session);
                }
                confirm(x, kind, n.bytes, subs.count());
            }
        }
        x.session.pubsub = subs.count() > 0;
        if (subs.count() == 0) {
            clients.remove(x.session);
        }
    }

    private static void remove(Map<Name, LinkedHashSet<Session>> server, Name n, Session session) {
        LinkedHashSet<Session> set = server.get(n);
        if (set != null) {
            set.remove(session);
            if (set.isEmpty()) {
                server.remove(n);
            }
        }
    }

    private void publish(Ctx x) {
        x.reply.integer(publish(x.arg(1), x.arg(2)));
    }

    /** Redis's pubsubPublishMessage: channel subscribers first, then pattern subscribers; returns receivers. */
    int publish(byte[] channel, byte[] message) {
        int receivers = 0;
        LinkedHashSet<Session> subs = channels.get(new Name(channel));
        if (subs != null) {
            for (Session to : subs) {
                if (deliverable(to)) {
                    header(to.reply, to, 3);
                    to.reply.bulk("message");
                    to.reply.bulk(channel);
                    to.reply.bulk(message);
                }
                receivers++;
            }
        }
        for (Map.Entry<Name, LinkedHashSet<Session>> p : patterns.entrySet()) {
            byte[] pat = p.getKey().bytes;
            if (!Glob.matches(pat, 0, pat.length, channel, 0, channel.length, false)) {
                continue;
            }
            for (Session to : p.getValue()) {
                if (deliverable(to)) {
                    header(to.reply, to, 4);
                    to.reply.bulk("pmessage");
                    to.reply.bulk(pat);
                    to.reply.bulk(channel);
                    to.reply.bulk(message);
                }
                receivers++;
            }
        }
        return receivers;
    }

    private static boolean deliverable(Session to) {
        return to.reply != null && !to.killed;
    }

    private void channels(Ctx x) {
        if (x.argc() > 3) {
            x.error("ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.");
            return;
        }
        byte[] pat = x.argc() == 3 ? x.arg(2) : null;
        List<byte[]> out = new ArrayList<>();
        for (Name n : channels.keySet()) {
            if (pat == null || Glob.matches(pat, 0, pat.length, n.bytes, 0, n.bytes.length, false)) {
                out.add(n.bytes);
            }
        }
        x.reply.array(out.size());
        for (byte[] b : out) {
            x.reply.bulk(b);
        }
    }

    private void numsub(Ctx x) {
        x.reply.array((x.argc() - 2) * 2);
        for (int i = 2; i < x.argc(); i++) {
            LinkedHashSet<Session> subs = channels.get(new Name(x.arg(i)));
            x.reply.bulk(x.args.buf(), x.args.offset(i), x.args.length(i));
            x.reply.integer(subs == null ? 0 : subs.size());
        }
    }

    /** No sharded channels exist on a single instance without cluster mode. */
    private void shardchannels(Ctx x) {
        if (x.argc() > 3) {
            x.error("ERR unknown subcommand or wrong number of arguments for 'shardchannels'. Try PUBSUB HELP.");
            return;
        }
        x.reply.array(0);
    }

    private void shardnumsub(Ctx x) {
        x.reply.array((x.argc() - 2) * 2);
        for (int i = 2; i < x.argc(); i++) {
            x.reply.bulk(x.args.buf(), x.args.offset(i), x.args.length(i));
            x.reply.integer(0);
        }
    }
}
