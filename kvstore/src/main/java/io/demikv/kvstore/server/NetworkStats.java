package io.demikv.kvstore.server;

/**
 * Counters the network layer keeps for {@code INFO} (sections clients and stats) and {@code CLIENT LIST}.
 * One instance per server, created by whoever wires the server ({@code ServerMain}) and handed to both the
 * {@link NetworkServer}, which updates it, and the command side, which reports it. Plain fields: updating
 * them costs an increment. Server thread only.
 */
public final class NetworkStats {
    /** {@code connected_clients}: connections being served now (admitted and not yet closed). */
    public int connectedClients;
    /** {@code total_connections_received}: every accepted connection, admitted or not. */
    public long totalConnectionsReceived;
    /** {@code rejected_connections}: refused for maxclients, protected mode, or by the executor. */
    public long rejectedConnections;
    /** {@code total_net_input_bytes}. */
    public long netInputBytes;
    /** {@code total_net_output_bytes}: bytes whose push completed. */
    public long netOutputBytes;
    /** {@code total_commands_processed} as counted by the network layer (commands handed to the executor). */
    public long commandsDispatched;
    /** {@code total_error_replies} caused by protocol errors (the executor counts its own error replies). */
    public long protocolErrors;
    /** Clients closed because their query buffer passed {@code client-query-buffer-limit}. */
    public long queryBufferLimitDisconnections;
    /** Clients closed because their output passed the output buffer limit. */
    public long outputBufferLimitDisconnections;
    /** Clients closed because the durable log failed while their replies waited for it (appendfsync always). */
    public long durabilityFailureDisconnections;
    /** {@code client_recent_max_input_buffer}: the largest query buffer seen (reset by nobody yet). */
    public long maxInputBuffer;
    /** {@code client_recent_max_output_buffer}: the largest pending output seen. */
    public long maxOutputBuffer;
    /** Event-loop passes, for the curious (INFO's {@code eventloop_cycles} in newer Redis). */
    public long loopPasses;
}
