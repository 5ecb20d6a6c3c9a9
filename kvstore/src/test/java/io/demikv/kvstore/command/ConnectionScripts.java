package io.demikv.kvstore.command;

/**
 * Single-connection scripts for {@link RedisDifferentialTest} about the connection's own state: RESET, the
 * arguments of CLIENT PAUSE/UNPAUSE (only pauses that end at once: our side runs on a virtual clock), and the
 * flags and counters CLIENT INFO shows. A line starting with {@code @} compares a CLIENT INFO/LIST reply by
 * the fields that do not depend on the connection (name, flags, db, sub, psub, ssub, multi, cmd, resp).
 */
final class ConnectionScripts {
    private ConnectionScripts() {
    }

    static final String[][] SCRIPTS = {
        {"reset", """
                client setname foo
                select 3
                set k v
                watch k
                multi
                set k 1
                reset
                client getname
                exec
                get k
                @client info
                select 3
                get k
                subscribe ch
                psubscribe p*
                reset
                pubsub numsub ch
                pubsub numpat
                ping
                monitor
                reset
                ping
                client no-evict on
                reset
                @client info
                client no-evict off
                reset x
                @client info
                """},
        {"client pause and unpause arguments", """
                client pause
                client pause abc
                client pause -1
                client pause 00
                client pause 1.5
                client pause " 10"
                client pause 10 foo
                client pause abc foo
                client pause -1 foo
                client pause 10 write x
                client unpause x
                client pause 0
                client pause 0 write
                client pause 0 WRITE
                client pause 0 All
                client unpause
                client unpause
                set k v
                get k
                """},
        {"client info flags and counters", """
                @client info
                watch k
                set k 1
                @client info
                multi
                get k
                @client info
                exec
                @client info
                multi
                @client info
                get k
                @exec
                unwatch
                client no-evict on
                @client info
                client no-evict off
                subscribe a
                subscribe b
                psubscribe p*
                @client info
                unsubscribe a
                @client info
                punsubscribe
                @client info
                reset
                @client info
                """},
    };
}
