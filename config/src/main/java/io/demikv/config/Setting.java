package io.demikv.config;

/**
 * One leaf setting before typing: the dotted key path (for instance {@code inetstack_config.mtu} or
 * {@code server.port}), where the key was written, and its raw value. Immutable.
 */
record Setting(String path, Origin keyOrigin, RawValue value) {
}
