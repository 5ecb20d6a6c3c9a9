package io.demikv.ycsb;

import java.nio.file.Path;

/**
 * The binding against our server, started as {@code bin/demikv-server} (a child process, so this module
 * does not depend on kvstore). Skipped with the reason printed when the server cannot be built or
 * started, or lacks a command the binding sends (hashes and sorted sets arrive with issue 6).
 */
final class DemikvServerBindingTest extends BindingContract {
    @Override
    ServerProcess startServer(Path dir) throws Exception {
        return ServerProcess.demikv(dir);
    }
}
