package io.demikv.ycsb;

import java.nio.file.Path;

/** The binding against Debian's {@code redis-server}, the reference; skipped when it is not installed. */
final class RedisServerBindingTest extends BindingContract {
    @Override
    ServerProcess startServer(Path dir) throws Exception {
        return ServerProcess.redis(dir);
    }
}
