/**
 * The server's network half: {@link io.demikv.kvstore.server.NetworkServer} is the single-threaded event loop
 * over any {@link io.demikv.libos.LibOS} (accept, pop, parse, execute, one push per connection per pass);
 * {@link io.demikv.kvstore.server.Session} is what commands see of a connection;
 * {@link io.demikv.kvstore.server.ServerMain} and {@link io.demikv.kvstore.server.ServerLauncher} wire
 * configuration, libOS, network and the command side together. The command side plugs in through
 * {@link io.demikv.kvstore.command.CommandExecutor}.
 */
package io.demikv.kvstore.server;
