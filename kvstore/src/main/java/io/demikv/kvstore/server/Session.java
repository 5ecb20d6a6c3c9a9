package io.demikv.kvstore.server;

import io.demikv.kvstore.resp.Reply;

/**
 * The state of one client connection that commands see and change: identity, selected database, protocol,
 * authentication, and flags the network layer acts on after a command (close, kill, block). The network
 * layer ({@code server} package) creates it and fills the connection fields; command handlers read and
 * change the rest. Server thread only.
 */
public final class Session {
    /** Monotonic client id, as {@code CLIENT ID}. */
    public final long id;
    /** "ip:port" of the peer and of our side, as CLIENT LIST's addr and laddr. */
    public final String addr;
    public final String laddr;
    /**
     * The peer is on a loopback address (127.0.0.0/8), set once at accept. Protected mode is enforced from it
     * in {@link NetworkServer} (admission), before {@code onConnect}; the executor may check it again.
     */
    public final boolean loopback;
    /** The libOS queue descriptor of the connection (CLIENT LIST's fd). */
    public final int qd;
    public final long createdMillis;

    /** The reply writer of this connection; also used for out-of-band messages (MONITOR, pub/sub). */
    public Reply reply;
    /**
     * Set by the network layer: parses and executes this client's buffered input now. The executor calls it
     * after it ran a command CLIENT PAUSE held, so that the client's pipelined commands follow that command
     * before the next held client's, as Redis processes unblocked clients one by one. Null when there is no
     * network layer (tests that drive the executor directly).
     */
    public Runnable resumeInput;

    public int db;
    public int protocol = 2;
    /**
     * False while a password is required and AUTH has not succeeded. {@link NetworkServer} starts it as "no
     * password required" (as Redis's createClient); the parser applies Redis's smaller pre-AUTH request
     * limits while it is false.
     */
    public boolean authenticated;
    public String user = "default";
    public String name;
    public String libName;
    public String libVersion;
    public long lastInteractionMillis;
    /** The last command's name, lower case, for CLIENT LIST's cmd. */
    public String lastCommand = "NULL";

    /** Close the connection after the replies written so far are sent (QUIT). */
    public boolean closeAfterReply;
    /** Close the connection at once, dropping unsent replies (CLIENT KILL). */
    public boolean killed;
    /** This client receives MONITOR output. */
    public boolean monitor;
    /**
     * Subscribed to at least one channel or pattern (set by the pub/sub commands): the network layer then
     * applies the {@code pubsub} class of {@code client-output-buffer-limit} and exempts it from {@code timeout}.
     */
    public boolean pubsub;
    /** Do not execute further commands of this client until unblocked (blocking commands, DEBUG SLEEP). */
    public boolean blocked;

    /** Bytes buffered but not yet parsed into a command (CLIENT LIST qbuf), kept by the network layer. */
    public long queryBufferBytes;
    /** Bytes of replies not yet sent (CLIENT LIST omem), kept by the network layer. */
    public long outputBytes;
    /** Commands executed by this client. */
    public long commandsProcessed;

    public Session(long id, int qd, String addr, String laddr, boolean loopback, long nowMillis) {
        this.id = id;
        this.qd = qd;
        this.addr = addr;
        this.laddr = laddr;
        this.loopback = loopback;
        this.createdMillis = nowMillis;
        this.lastInteractionMillis = nowMillis;
    }
}
