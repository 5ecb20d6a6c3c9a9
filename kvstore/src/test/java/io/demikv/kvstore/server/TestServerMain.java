package io.demikv.kvstore.server;

import io.demikv.config.DirectiveSchema;
import io.demikv.config.DirectiveType;

/** Runs the real launcher with the test executor, for manual checks with redis-cli. Not a test. */
public final class TestServerMain {
    public static void main(String[] args) {
        DirectiveSchema schema = DirectiveSchema.builder()
                .add("port", DirectiveType.integer(0, 65535), "6379")
                .add("bind", DirectiveType.text(), "127.0.0.1")
                .add("requirepass", DirectiveType.text(), "")
                .add("protected-mode", DirectiveType.yesNo(), "yes")
                .add("maxclients", DirectiveType.integer(1, Integer.MAX_VALUE), "10000")
                .add("dir", DirectiveType.text(), "./data")
                .build();
        System.exit(new ServerLauncher(schema, System.getenv(), System.out, System.err, (r, stats) -> new MapExecutor())
                .run(args, true));
    }
}
