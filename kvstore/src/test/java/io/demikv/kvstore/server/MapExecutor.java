package io.demikv.kvstore.server;

import io.demikv.kvstore.command.Args;
import io.demikv.kvstore.command.CommandExecutor;
import io.demikv.kvstore.resp.Reply;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small test-only executor over a HashMap, enough to exercise the network layer without the real command
 * side: PING, ECHO, SET, GET, DEL, INCR, QUIT, HELLO [2|3], AUTH, BLOCK/UNBLOCK (to test blocked clients),
 * KILL id, BIG n (an n-byte bulk reply), SUBSCRIBE ch (only sets the pub/sub flag), SHUTDOWN. Server thread only.
 */
public final class MapExecutor implements CommandExecutor {
    public final Map<ByteBuffer, byte[]> data = new HashMap<>();
    public final List<Session> sessions = new ArrayList<>();
    public final List<Session> disconnected = new ArrayList<>();
    public String password;
    public String refuseWith;
    public boolean shutdown;
    public long cronCalls;

    @Override
    public String onConnect(Session session) {
        if (refuseWith != null) {
            return refuseWith;
        }
        sessions.add(session);
        return null;
    }

    @Override
    public void execute(Session s, Args a, Reply r) {
        if (!s.authenticated && !a.is(0, "auth") && !a.is(0, "hello")) {
            r.error("NOAUTH Authentication required.");
            return;
        }
        if (a.is(0, "ping")) {
            if (a.count() == 1) {
                r.simple("PONG");
            } else {
                r.bulk(a.buf(), a.offset(1), a.length(1));
            }
        } else if (a.is(0, "echo") && a.count() == 2) {
            r.bulk(a.buf(), a.offset(1), a.length(1));
        } else if (a.is(0, "set") && a.count() == 3) {
            data.put(ByteBuffer.wrap(a.copy(1)), a.copy(2));
            r.ok();
        } else if (a.is(0, "get") && a.count() == 2) {
            byte[] v = data.get(ByteBuffer.wrap(a.copy(1)));
            if (v == null) {
                r.nullBulk();
            } else {
                r.bulk(v);
            }
        } else if (a.is(0, "del")) {
            long n = 0;
            for (int i = 1; i < a.count(); i++) {
                n += data.remove(ByteBuffer.wrap(a.copy(i))) != null ? 1 : 0;
            }
            r.integer(n);
        } else if (a.is(0, "incr") && a.count() == 2) {
            ByteBuffer k = ByteBuffer.wrap(a.copy(1));
            byte[] v = data.get(k);
            long n = (v == null ? 0 : Long.parseLong(new String(v))) + 1;
            data.put(k, Long.toString(n).getBytes());
            r.integer(n);
        } else if (a.is(0, "quit")) {
            r.ok();
            s.closeAfterReply = true;
        } else if (a.is(0, "hello")) {
            if (a.count() > 1) {
                s.protocol = Integer.parseInt(a.string(1));
            }
            r.map(2);
            r.bulk("server");
            r.bulk("test");
            r.bulk("proto");
            r.integer(s.protocol);
        } else if (a.is(0, "auth") && a.count() == 2) {
            if (a.string(1).equals(password)) {
                s.authenticated = true;
                r.ok();
            } else {
                r.error("WRONGPASS invalid username-password pair or user is disabled.");
            }
        } else if (a.is(0, "subscribe")) {
            s.pubsub = true;
            r.push(3);
            r.bulk("subscribe");
            r.bulk(a.buf(), a.offset(1), a.length(1));
            r.integer(1);
        } else if (a.is(0, "block")) {
            s.blocked = true;
            r.ok();
        } else if (a.is(0, "unblock") && a.count() == 2) {
            long id = Long.parseLong(a.string(1));
            for (Session other : sessions) {
                if (other.id == id) {
                    other.blocked = false;
                }
            }
            r.ok();
        } else if (a.is(0, "kill") && a.count() == 2) {
            long id = Long.parseLong(a.string(1));
            for (Session other : sessions) {
                if (other.id == id) {
                    other.killed = true;
                }
            }
            r.ok();
        } else if (a.is(0, "id")) {
            r.integer(s.id);
        } else if (a.is(0, "big") && a.count() == 2) {
            byte[] v = new byte[Integer.parseInt(a.string(1))];
            java.util.Arrays.fill(v, (byte) 'x');
            r.bulk(v);
        } else if (a.is(0, "shutdown")) {
            shutdown = true;
        } else {
            r.error("ERR unknown command '" + a.string(0) + "'");
        }
    }

    @Override
    public void onDisconnect(Session session) {
        sessions.remove(session);
        disconnected.add(session);
    }

    @Override
    public int cron(long nowNanos) {
        cronCalls++;
        return 0;
    }

    @Override
    public boolean shutdownRequested() {
        return shutdown;
    }
}
