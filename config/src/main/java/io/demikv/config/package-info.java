/**
 * Configuration for the libOS and the server: the YAML model and its loader.
 *
 * <p>{@link io.demikv.config.ConfigLoader} reads Demikernel-style sections ({@code demikernel},
 * {@code dpdk}, {@code raw_socket}, {@code tap}, {@code inetstack_config}, {@code tcp_socket_options},
 * {@code catnip}, {@code libos}) into immutable records, and the {@code server} section of redis.conf
 * directives into a {@link io.demikv.config.DirectiveRegistry} whose names, types and defaults the server
 * declares in a {@link io.demikv.config.DirectiveSchema}. Precedence: defaults &lt; file &lt;
 * environment ({@code LIBOS}, {@code CONFIG_PATH}) &lt; command line. {@link io.demikv.config.Glob} is
 * Redis's glob matcher, shared by {@code CONFIG GET}, {@code KEYS} and {@code SCAN}.
 */
package io.demikv.config;
