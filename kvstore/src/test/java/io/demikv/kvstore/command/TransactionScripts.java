package io.demikv.kvstore.command;

/**
 * Single-connection (and single-reply: the comparison reads one reply per line) MULTI/EXEC/WATCH (and later pub/sub) scripts for {@link RedisDifferentialTest}: the
 * same lines go to redis-server 7.0 and to us, replies compared byte for byte.
 */
final class TransactionScripts {
    private TransactionScripts() {
    }

    static final String[][] SCRIPTS = {
        {"multi exec discard", """
                exec
                discard
                multi
                multi
                watch a
                set a 1
                incr a
                lpush a x
                get a
                exec
                exec
                multi
                exec
                multi
                set b 2
                discard
                get b
                multi x
                exec x
                discard x
                unwatch x
                watch
                """},
        {"multi queue-time errors", """
                multi
                nosuchcommand a b
                set a 1
                exec
                get a
                multi
                get
                exec
                multi
                discard x
                exec
                multi
                save
                exec
                multi
                exec x
                exec
                """},
        {"watch own writes and flushes", """
                set k 1
                watch k
                set k 2
                multi
                get k
                exec
                watch k
                multi
                get k
                exec
                watch k missing
                flushdb
                multi
                get k
                exec
                watch missing
                flushall
                multi
                ping
                exec
                watch k
                unwatch
                set k 3
                multi
                get k
                exec
                watch k k k
                del nothing
                get k
                multi
                get k
                exec
                select 1
                set s in1
                select 0
                watch s
                swapdb 0 1
                multi
                get s
                exec
                watch s
                multi
                discard
                set s x
                multi
                exec
                """},
        {"exec runtime errors and select", """
                multi
                set a x
                incr a
                select 2
                set b y
                hset a f v
                select 0
                get a
                exec
                select 2
                get b
                select 0
                """},
        {"pubsub single connection", """
                publish ch msg
                pubsub numpat
                pubsub numsub ch other
                pubsub numsub
                pubsub channels
                pubsub channels a b
                pubsub numpat x
                pubsub shardchannels
                pubsub shardnumsub a
                pubsub help
                pubsub foo
                subscribe
                psubscribe
                unsubscribe
                punsubscribe
                unsubscribe a
                subscribe ch
                pubsub numsub ch other
                pubsub channels
                pubsub channels c*
                pubsub channels x*
                psubscribe p*
                psubscribe q?
                psubscribe p*
                pubsub numpat
                ping
                ping hello
                punsubscribe q?
                punsubscribe zz
                punsubscribe
                unsubscribe
                pubsub numpat
                ping
                multi
                subscribe m
                exec
                unsubscribe m
                """},
        {"client-output-buffer-limit", """
                config get client-output-buffer-limit
                config set client-output-buffer-limit "normal 0 0"
                config set client-output-buffer-limit "foo 0 0 0"
                config set client-output-buffer-limit "pubsub x 0 0"
                config set client-output-buffer-limit "pubsub 1mb 0 -1"
                config set client-output-buffer-limit ""
                config set client-output-buffer-limit "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
                config get client-output-buffer-limit
                """},
        {"blocking commands without blocking", """
                rpush l a b c d e
                blpop l 0
                brpop none l 1.5
                blmove l d left right 0
                brpoplpush l d 0
                lrange d 0 -1
                rpush l x y z
                blmpop 0 2 none l right count 2
                blmpop 0 1 l left
                blmpop 0 1 l left count 0
                blmpop 0 0 l left
                blmpop 0 x l left
                blmpop 0 2 l left
                blmpop 0 1 l up
                blmpop 0 1 l left count
                blmpop 0 1 l left foo 1
                zadd z 1 a 2 b 3 c 4 d
                bzpopmin z 0
                bzpopmax none z 0
                bzmpop 0 1 z max count 2
                zadd z 5 e
                bzmpop 0 1 z min
                bzmpop 0 1 z left
                set s v
                blpop s 0
                blmove s d left left 0
                blmove d s left left 0
                bzpopmin s 0
                blpop k abc
                blpop k " 1"
                blpop k nan
                blpop k -1
                blpop k -0.5
                blpop k inf
                blpop k -inf
                blpop k 1e300
                brpoplpush k d x
                blmove k d up left 0
                blmove k d left up 0
                blmove k d left left -1
                bzpopmax k -1
                bzmpop x 1 k min
                blmpop -1 1 k left
                blpop k
                blmove a b c
                client unblock 1 2 3
                client unblock x
                client unblock 1 foo
                client unblock 999999
                client unblock 999999 error
                multi
                blpop none 0
                brpop none 0
                blmove none d left left 0
                brpoplpush none d 0
                blmpop 0 1 none left
                bzpopmin none 0
                bzpopmax none 0
                bzmpop 0 1 none min
                rpush q 1
                blpop q 0
                exec
                """},
        {"subscriber context", """
                subscribe c
                ?get k
                ?config get hz
                ?set a b
                ?multi
                ping
                unsubscribe c
                get k
                """},
    };
}
