package io.demikv.kvstore.command;

/**
 * Differential scripts for hashes, lists, sets, sorted sets and SORT, run by {@link RedisDifferentialTest}
 * against redis-server 7.0 in RESP2 and RESP3 (line prefixes as documented there: {@code ~} unordered,
 * {@code ?} shape only, {@code !} not compared).
 */
final class CollectionScripts {
    private CollectionScripts() {
    }

    static final String[][] SCRIPTS = {
        {"hash basics", """
                hset h f1 v1
                hset h f1 v1 f2 v2 f3 v3
                hset h f1
                hset h
                hmset h f4 v4
                hmset h f4
                hsetnx h f1 x
                hsetnx h f5 v5
                hsetnx newh f v
                hget h f1
                hget h nofield
                hget nokey f
                hmget h f1 nofield f2
                hmget nokey a b
                hgetall h
                hgetall nokey
                hkeys h
                hvals h
                hkeys nokey
                hvals nokey
                hlen h
                hlen nokey
                hexists h f1
                hexists h nofield
                hexists nokey f
                hstrlen h f1
                hstrlen h nofield
                hstrlen nokey f
                hdel h f1 nofield f2
                hdel h nofield
                hdel nokey f
                hgetall h
                hdel h f3 f4 f5
                exists h
                type newh
                object encoding newh
                hset "" "" ""
                hget "" ""
                hgetall ""
                """},
        {"hash counters", """
                hincrby h n 5
                hincrby h n -10
                hincrby h n abc
                hincrby h n 9223372036854775807
                hset h big 9223372036854775807
                hincrby h big 1
                hset h s abc
                hincrby h s 1
                hset h sp " 1"
                hincrby h sp 1
                hset h lz 01
                hincrby h lz 1
                hincrbyfloat h f 1.5
                hincrbyfloat h f 0.1
                hincrbyfloat h f -1.6
                hincrbyfloat h f abc
                hincrbyfloat h f inf
                hincrbyfloat h f -inf
                hincrbyfloat h f nan
                hincrbyfloat h s 1
                hincrbyfloat h n 2.5
                hincrbyfloat h g 1e308
                hincrbyfloat h g 1e308
                hset h e 5.0e3
                hincrbyfloat h e 1
                hincrbyfloat h h 3.0e3
                hincrbyfloat h i 1e-30
                ~hgetall h
                hincrbyfloat nokey2 f 10
                hincrby nokey3 f 10
                hgetall nokey2
                """},
        {"hash encodings", """
                hset small a 1
                object encoding small
                hset longval a aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
                object encoding longval
                hset longfield aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1
                object encoding longfield
                hset ok aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1
                object encoding ok
                hincrbyfloat small x 0.1
                object encoding small
                config set hash-max-listpack-entries 2
                hset two a 1 b 2
                object encoding two
                hset two c 3
                object encoding two
                ~hgetall two
                ~hkeys two
                ~hvals two
                hdel two a b c
                exists two
                config set hash-max-listpack-entries 128
                ~config get hash-max-listpack-*
                config set hash-max-listpack-value 3
                hset v a abcd
                object encoding v
                config set hash-max-listpack-value 64
                """},
        {"hash random and scan", """
                hrandfield nokey
                hrandfield nokey 5
                hrandfield nokey 5 withvalues
                hset h a 1 b 2 c 3
                ?hrandfield h
                hrandfield h 0
                hrandfield h 0 withvalues
                hrandfield h 3
                hrandfield h 10
                hrandfield h 10 withvalues
                ?hrandfield h 2
                ?hrandfield h 2 withvalues
                ?hrandfield h -5
                ?hrandfield h -5 withvalues
                ?hrandfield h 1 withvalues
                hrandfield h abc
                hrandfield h 1 foo
                hrandfield h 1 withvalues foo
                hrandfield h -9223372036854775808
                hrandfield h -9223372036854775807 withvalues
                hrandfield h 9223372036854775807 withvalues
                hscan h 0
                hscan h 0 match a*
                hscan h 0 count 1
                hscan h 0 count 0
                hscan h 0 count abc
                hscan h 0 type hash
                hscan h 0 foo
                hscan h 0 match
                hscan h abc
                hscan nokey 0
                hscan nokey abc
                set str v
                hscan str 0
                """},
        {"hash wrongtype", """
                set s v
                hset s f v
                hsetnx s f v
                hget s f
                hmget s f
                hgetall s
                hdel s f
                hlen s
                hexists s f
                hkeys s
                hvals s
                hincrby s f 1
                hincrby s f abc
                hincrbyfloat s f 1
                hstrlen s f
                hrandfield s
                hrandfield s 2
                hscan s 0
                hmset s f v
                hset s f
                type s
                hset h f v
                get h
                type h
                lpush h x
                sadd h x
                """},
        {"list push pop", """
                lpush l a b c
                rpush l d e f
                lrange l 0 -1
                lpushx nokey a
                rpushx nokey a
                lpushx l z
                rpushx l y
                llen l
                llen nokey
                lpop l
                rpop l
                lpop l 2
                rpop l 2
                lpop l 0
                rpop l 0
                lpop l -1
                lpop l abc
                lpop l 1 2
                lpop nokey
                lpop nokey 2
                rpop nokey 0
                lrange l 0 -1
                lpop l 100
                exists l
                rpush l 1 2 3
                rpop l 100
                object encoding l
                rpush q x
                object encoding q
                type q
                """},
        {"list index and ranges", """
                rpush l a b c d e f g
                lindex l 0
                lindex l -1
                lindex l 100
                lindex l -100
                lindex l abc
                lindex nokey abc
                lindex nokey 0
                lset l 0 A
                lset l -1 G
                lset l 100 x
                lset l abc x
                lset nokey 0 x
                lrange l 0 -1
                lrange l 2 4
                lrange l -3 -1
                lrange l 5 2
                lrange l -100 100
                lrange l 100 200
                lrange l abc 1
                lrange l 1 abc
                lrange nokey 0 -1
                lrange nokey abc 1
                ltrim l 1 -2
                lrange l 0 -1
                ltrim l 0 100
                ltrim l -2 -1
                lrange l 0 -1
                ltrim l 5 1
                exists l
                ltrim nokey 0 1
                ltrim l abc 1
                rpush m 1 2 3
                ltrim m 0 -1
                lrange m 0 -1
                """},
        {"list lrem linsert lpos", """
                rpush l a b a c a d a
                lrem l 2 a
                lrange l 0 -1
                lrem l -1 a
                lrange l 0 -1
                lrem l 0 a
                lrange l 0 -1
                lrem l 0 zzz
                lrem l abc a
                lrem nokey 0 a
                linsert l before c X
                linsert l after d Y
                linsert l after nopivot Y
                linsert l middle c X
                linsert nokey before a b
                lrange l 0 -1
                del l
                rpush l a b c 1 2 3 c c
                lpos l c
                lpos l c rank 2
                lpos l c rank -1
                lpos l c rank -2
                lpos l c count 0
                lpos l c count 2
                lpos l c count 2 rank -1
                lpos l c rank 0
                lpos l c count -1
                lpos l c maxlen -1
                lpos l c maxlen 2
                lpos l c maxlen 3 count 0
                lpos l zzz
                lpos l zzz count 0
                lpos l c rank abc
                lpos l c rank -9223372036854775808
                lpos l c count abc
                lpos l c foo
                lpos l c rank
                lpos nokey c
                lpos nokey c count 1
                lpos l c rank 100
                lpos l c rank 100 count 0
                """},
        {"list move and mpop", """
                rpush src a b c
                lmove src dst left right
                lmove src dst right left
                lrange src 0 -1
                lrange dst 0 -1
                lmove src dst up down
                lmove src dst left down
                lmove nokey dst left left
                rpoplpush src dst
                exists src
                rpoplpush dst dst
                lrange dst 0 -1
                lmove dst dst left right
                lrange dst 0 -1
                set str v
                rpoplpush dst str
                rpoplpush str dst
                lmove dst str left left
                lrange dst 0 -1
                lmpop 2 nokey dst left
                lmpop 2 nokey dst right count 10
                exists dst
                rpush a 1 2 3
                lmpop 1 a left count 2
                lmpop 1 a right count 2
                lmpop 1 nokey left
                lmpop 0 a left
                lmpop -1 a left
                lmpop abc a left
                lmpop 2 a left
                lmpop 1 a middle
                lmpop 1 a left count 0
                lmpop 1 a left count -1
                lmpop 1 a left count abc
                lmpop 1 a left count 1 count 1
                lmpop 1 a left foo
                lmpop 5 a b left
                lmpop 2 str a left
                lmpop 2 a str left
                """},
        {"list wrongtype", """
                set s v
                lpush s a
                rpush s a
                lpushx s a
                rpushx s a
                lpop s
                rpop s 2
                llen s
                lindex s 0
                lset s 0 a
                lrange s 0 1
                ltrim s 0 1
                lrem s 0 a
                linsert s before a b
                lpos s a
                lmove s d left left
                lpush l x
                get l
                type l
                """},
        {"set basics", """
                sadd s a b c
                sadd s a d
                srem s a zzz
                srem nokey a
                ~smembers s
                smembers nokey
                sismember s b
                sismember s zzz
                sismember nokey a
                smismember s b zzz c
                smismember nokey a b
                scard s
                scard nokey
                srem s b c d
                exists s
                sadd i 3 1 2 -5 100000 9223372036854775807 -9223372036854775808
                smembers i
                object encoding i
                sadd i 1 2 01
                object encoding i
                sadd j 1 2 3
                sadd j " 4"
                object encoding j
                sadd k 1
                sadd k +1
                object encoding k
                sismember i 1
                sismember i 01
                sismember i abc
                srem i 1 abc 100000
                ~smembers i
                smove i s 2
                smove i s zzz
                smove nokey s 2
                smembers s
                object encoding s
                smove i i 3
                smove i i 4000
                sadd x a
                smove x y a
                exists x
                smembers y
                type y
                """},
        {"set algebra", """
                sadd a 1 2 3 4
                sadd b 3 4 5
                sadd c 4 5 6
                sinter a b
                sinter a b c
                sinter a nokey
                sinter nokey a
                sunion a b c
                sunion nokey
                sdiff a b
                sdiff a b c
                sdiff a a
                sdiff nokey a
                sdiff a nokey
                sinterstore d a b
                smembers d
                sunionstore d a c
                smembers d
                sdiffstore d a b
                smembers d
                sinterstore d a nokey
                exists d
                sunionstore d nokey
                exists d
                sdiffstore d a a
                exists d
                sadd w x y z
                ~sinter a w
                ~sunion a w
                ~sdiff w a
                sunionstore mixed a w
                object encoding mixed
                scard mixed
                sinterstore e a w
                exists e
                sintercard 2 a b
                sintercard 3 a b c
                sintercard 2 a nokey
                sintercard 1 a limit 2
                sintercard 1 a limit 0
                sintercard 1 a limit -1
                sintercard 1 a limit abc
                sintercard 0 a
                sintercard -1 a
                sintercard abc a
                sintercard 3 a b
                sintercard 1 a foo
                sintercard 1 a limit
                set str v
                sinter a str
                sinter nokey str
                sunion a str
                sdiff str a
                sdiffstore str a b
                get str
                sinterstore a str b
                sintercard 2 a str
                sadd ex 1
                expire ex 100
                sunionstore ex a
                ttl ex
                """},
        {"set random and scan", """
                spop nokey
                spop nokey 2
                srandmember nokey
                srandmember nokey 3
                sadd s 1 2 3 4 5
                ?spop s
                ?spop s 2
                spop s 0
                spop s -1
                spop s abc
                spop s 1 2
                scard s
                ?spop s 10
                exists s
                sadd s 1 2 3 4 5
                ?srandmember s
                srandmember s 0
                srandmember s 10
                srandmember s 5
                ?srandmember s 3
                ?srandmember s -8
                srandmember s abc
                srandmember s 1 2
                srandmember s -9223372036854775808
                sadd t a b c
                ~srandmember t 3
                ?srandmember t 2
                ~spop t 5
                sscan s 0
                sscan s 0 match 1*
                sscan s 0 count 0
                sscan s 0 type set
                sscan nokey 0
                sadd big a b c d e f g h i j k l m n o p
                ~sscan big 0 count 100
                """},
        {"set wrongtype", """
                set str v
                sadd str a
                srem str a
                smembers str
                sismember str a
                smismember str a
                scard str
                spop str
                spop str 2
                srandmember str
                srandmember str 2
                smove str s a
                sadd s a
                smove s str a
                sscan str 0
                sintercard 1 str
                """},
        {"zadd options", """
                zadd z 1 a 2 b 3 c
                zadd z 1 a
                zadd z ch 5 a 2 b
                zadd z nx 10 a 4 d
                zadd z xx 20 a 30 e
                zadd z xx ch 21 a
                zadd z gt 5 a
                zadd z gt ch 50 a
                zadd z lt 100 a
                zadd z lt ch 1 a
                zadd z gt 9 newgt
                zadd z xx nx 1 a
                zadd z gt lt 1 a
                zadd z nx gt 1 a
                zadd z nx lt 1 a
                zadd z incr 1 a 2 b
                zadd z 1
                zadd z 1 a 2
                zadd z abc a
                zadd z 1 a abc b
                zadd z nan a
                zadd z inf a
                zadd z -inf b
                zadd z " 1" a
                zadd z "1 " a
                zadd z 1e400 a
                zadd z 1e-400 a
                zadd z 0x10 hex
                zadd z -0 negzero
                zadd z 1.5 frac
                zadd z 0.1 tenth
                zrange z 0 -1 withscores
                zadd z incr 5 a
                zadd z incr 5 newincr
                zadd z incr nx 5 a
                zadd z incr xx 5 nosuch
                zadd z incr gt -1 a
                zadd z incr lt -1 a
                zadd z incr -inf a
                zadd z incr +inf a
                zadd z incr 1 a
                zadd xxnew xx 1 a
                exists xxnew
                zadd xxnew xx incr 1 a
                zadd z ch
                zadd z nx
                zincrby z 2 b
                zincrby z 2.5 newb
                zincrby z abc b
                zincrby z nx b
                zincrby nokey 1 m
                zincrby z inf b
                zincrby z -inf b
                zscore z b
                zscore z nosuch
                zscore nokey m
                zmscore z a b nosuch
                zmscore nokey a b
                zcard z
                zcard nokey
                zrem z a nosuch
                zrem nokey a
                zrem z b c d e newgt hex negzero frac tenth newincr newb
                zrange z 0 -1 withscores
                zrem z m
                exists z
                """},
        {"zset ranks and ranges", """
                zadd z 1 a 2 b 3 c 4 d 5 e 5 f
                zrank z a
                zrank z f
                zrank z nosuch
                zrank nokey a
                zrevrank z a
                zrevrank z f
                zrange z 0 -1
                zrange z 0 -1 withscores
                zrange z 1 2
                zrange z -2 -1 withscores
                zrange z 3 1
                zrange z 100 200
                zrange z -100 100
                zrange z abc 1
                zrange z 0 -1 rev
                zrange z 0 1 rev withscores
                zrange z 0 -1 limit 0 1
                zrange z 0 -1 foo
                zrange z 2 4 byscore
                zrange z (2 4 byscore withscores
                zrange z 2 (4 byscore
                zrange z -inf +inf byscore
                zrange z +inf -inf byscore rev
                zrange z 4 2 byscore rev
                zrange z 5 5 byscore
                zrange z (5 5 byscore
                zrange z -inf +inf byscore limit 1 2
                zrange z -inf +inf byscore limit 1 -1
                zrange z -inf +inf byscore limit -1 2
                zrange z -inf +inf byscore limit 10 2
                zrange z -inf +inf byscore limit 0 0
                zrange z +inf -inf byscore rev limit 1 2 withscores
                zrange z abc 1 byscore
                zrange z 1 abc byscore
                zrange z "" "" byscore
                zrange z " 1" " 3" byscore
                zrange z 1 3 byscore byscore
                zrange z 1 3 byscore bylex
                zrange z 1 3 rev rev
                zrange z - + bylex
                zrange z - + bylex withscores
                zrange z 0 -1 limit 0 1 withscores
                zrange z 0 -1 limit 0
                zrange z 0 -1 limit a b byscore
                zrange nokey 0 -1
                zrange nokey 0 -1 withscores
                zrevrange z 0 -1
                zrevrange z 0 1 withscores
                zrevrange z 0 1 rev
                zrevrange z 0 1 byscore
                zrevrange z 0 1 limit 0 1
                zrangebyscore z 2 4
                zrangebyscore z 2 4 withscores
                zrangebyscore z -inf +inf limit 2 2
                zrangebyscore z (1 (5
                zrangebyscore z 2 4 rev
                zrangebyscore z 2 4 byscore
                zrangebyscore z x 4
                zrevrangebyscore z 4 2
                zrevrangebyscore z 4 2 withscores limit 1 1
                zrevrangebyscore z 2 4
                zrevrangebyscore z +inf -inf
                zcount z 2 4
                zcount z (2 (4
                zcount z -inf +inf
                zcount z 4 2
                zcount z abc 1
                zcount z ( 1
                zcount nokey 0 1
                zcount nokey abc 1
                """},
        {"zset lex", """
                zadd l 0 a 0 b 0 c 0 d 0 e 0 f 0 "" 0 aa
                zrangebylex l - +
                zrangebylex l [b [d
                zrangebylex l (b (d
                zrangebylex l [b +
                zrangebylex l - (c
                zrangebylex l + -
                zrangebylex l [d [b
                zrangebylex l - + limit 1 3
                zrangebylex l - + limit 1 -1
                zrangebylex l - + limit -1 3
                zrangebylex l [ [b
                zrangebylex l ( +
                zrangebylex l b d
                zrangebylex l - +x
                zrangebylex l -x +
                zrangebylex l "" +
                zrangebylex l - + withscores
                zrevrangebylex l + -
                zrevrangebylex l [d [b
                zrevrangebylex l (d - limit 1 2
                zrevrangebylex l - +
                zrange l [b [d bylex
                zrange l [d [b bylex rev
                zrange l - + bylex limit 2 2
                zlexcount l - +
                zlexcount l [b [d
                zlexcount l (b (d
                zlexcount l [d [b
                zlexcount l b d
                zlexcount nokey - +
                zremrangebylex l [b (d
                zrangebylex l - +
                zremrangebylex l x y
                zremrangebylex nokey - +
                zremrangebylex l - +
                exists l
                """},
        {"zset remove ranges and pops", """
                zadd z 1 a 2 b 3 c 4 d 5 e 6 f 7 g
                zremrangebyrank z 0 0
                zremrangebyrank z -1 -1
                zremrangebyrank z 10 20
                zremrangebyrank z 3 1
                zremrangebyrank z abc 1
                zrange z 0 -1 withscores
                zremrangebyscore z 3 4
                zremrangebyscore z (5 +inf
                zremrangebyscore z abc 1
                zremrangebyscore nokey 0 1
                zremrangebyrank nokey 0 1
                zrange z 0 -1 withscores
                zremrangebyrank z 0 -1
                exists z
                zadd z 1 a 2 b 3 c 4 d 5 e
                zpopmin z
                zpopmax z
                zpopmin z 2
                zpopmax z 0
                zpopmin z -1
                zpopmin z abc
                zpopmin z 1 2
                zpopmax z 10
                exists z
                zpopmin nokey
                zpopmin nokey 2
                zpopmax nokey 0
                zadd y 1 a 2 b 3 c
                zmpop 1 y min
                zmpop 1 y max count 5
                exists y
                zadd y 1 a 2 b 3 c
                zmpop 2 nokey y max count 2
                zmpop 1 nokey min
                zmpop 0 y min
                zmpop -1 y min
                zmpop abc y min
                zmpop 2 y min
                zmpop 1 y middle
                zmpop 1 y min count 0
                zmpop 1 y min count -1
                zmpop 1 y min count abc
                zmpop 1 y min count 1 count 1
                zmpop 1 y min foo
                set str v
                zmpop 2 str y min
                zmpop 2 y str min
                zpopmin str
                """},
        {"zset random, scan and encodings", """
                zrandmember nokey
                zrandmember nokey 5
                zrandmember nokey 5 withscores
                zadd z 1 a 2 b 3 c
                ?zrandmember z
                zrandmember z 0
                zrandmember z 0 withscores
                zrandmember z 3
                zrandmember z 10 withscores
                ?zrandmember z 2
                ?zrandmember z 2 withscores
                ?zrandmember z -5
                ?zrandmember z -5 withscores
                ?zrandmember z 1 withscores
                zrandmember z abc
                zrandmember z 1 foo
                zrandmember z 1 withscores foo
                zrandmember z -9223372036854775808
                zrandmember z -9223372036854775807 withscores
                zscan z 0
                zscan z 0 match a*
                zscan z 0 count 0
                zscan z 0 type zset
                zscan nokey 0
                zadd f 0.1 a 1e20 b -0 c 3.5e-7 d 1e17 e 99999999999999999 f
                zscan f 0
                zrange f 0 -1 withscores
                zscore f a
                object encoding z
                zadd long 1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
                object encoding long
                zadd grow 1 a
                zadd grow 2 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
                object encoding grow
                zrange grow 0 -1 withscores
                zrevrange grow 0 -1
                zrank grow aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
                config set zset-max-listpack-entries 3
                zadd small 1 a 2 b 3 c
                object encoding small
                zadd small 4 d
                object encoding small
                zrange small 0 -1 withscores
                zrangebyscore small (1 3
                zrevrangebyscore small 4 (1 limit 1 1
                zrangebylex small - +
                zcount small 2 3
                zrank small c
                zrevrank small c
                zscore small d
                ~zscan small 0
                zrandmember small 10
                zpopmin small
                zrem small b
                zremrangebyscore small 3 3
                zrange small 0 -1 withscores
                zrangestore dst small 0 -1
                object encoding dst
                config set zset-max-listpack-entries 128
                """},
        {"zset store and algebra", """
                zadd a 1 x 2 y 3 z
                zadd b 10 y 20 z 30 w
                sadd s y w v
                zunion 2 a b
                zunion 2 a b withscores
                zunion 2 a b weights 2 3 withscores
                zunion 2 a b aggregate min withscores
                zunion 2 a b aggregate max withscores
                zunion 3 a b s withscores
                zinter 2 a b withscores
                zinter 2 a b aggregate max withscores
                zinter 3 a b s withscores
                zinter 2 a a withscores
                zdiff 2 a b
                zdiff 2 a b withscores
                zdiff 2 b s withscores
                zdiff 2 a a
                zdiff 1 nokey
                zunion 2 a nokey withscores
                zinter 2 a nokey
                zunion 0 a
                zunion -1 a
                zunion abc a
                zunion 3 a b
                zunion 2 a b weights 1
                zunion 2 a b weights 1 abc
                zunion 2 a b aggregate foo
                zunion 2 a b aggregate
                zunion 2 a b foo
                zdiff 2 a b weights 1 2
                zdiff 2 a b aggregate sum
                zunion 2 a b weights inf -inf withscores
                zunion 2 a b weights nan 1
                zinterstore d 2 a b
                zrange d 0 -1 withscores
                object encoding d
                zunionstore d 2 a b weights 1 2 aggregate max
                zrange d 0 -1 withscores
                zunionstore d 2 a b withscores
                zdiffstore d 2 a b
                zrange d 0 -1 withscores
                zinterstore d 2 a nokey
                exists d
                zunionstore d 0 a
                zintercard 2 a b
                zintercard 2 a b limit 1
                zintercard 2 a b limit 0
                zintercard 2 a b limit -1
                zintercard 2 a b withscores
                zintercard 0 a
                zintercard 3 a b
                zintercard 1 nokey
                set str v
                zunion 2 a str
                zunionstore d 2 str a
                zinterstore str 2 a b
                type str
                zrangestore dst a 0 -1
                zrange dst 0 -1 withscores
                zrangestore dst a 1 2 byscore
                zrange dst 0 -1 withscores
                zrangestore dst a (1 +inf byscore rev limit 0 1
                zrange dst 0 -1 withscores
                zrangestore dst a - + bylex
                zrangestore dst a 0 -1 withscores
                zrangestore dst a 5 10
                exists dst
                zrangestore dst nokey 0 -1
                zrangestore dst str 0 -1
                zadd e 1 x
                expire e 100
                zunionstore e 1 a
                ttl e
                """},
        {"zset wrongtype", """
                set str v
                zadd str 1 a
                zincrby str 1 a
                zrem str a
                zcard str
                zcount str 0 1
                zlexcount str - +
                zscore str a
                zmscore str a
                zrank str a
                zrevrank str a
                zrange str 0 1
                zrangebyscore str 0 1
                zrangebylex str - +
                zremrangebyrank str 0 1
                zremrangebyscore str 0 1
                zremrangebylex str - +
                zpopmin str
                zpopmax str 2
                zrandmember str
                zrandmember str 2
                zscan str 0
                zadd z 1 a
                type z
                get z
                lpush z a
                """},
        {"sort", """
                rpush l 3 1 2 10 -5 2.5
                sort l
                sort l desc
                sort l limit 1 2
                sort l limit 0 0
                sort l limit -1 2
                sort l limit 10 2
                sort l limit 2 -1
                sort l limit a b
                sort l limit 1
                sort l alpha
                sort l alpha desc limit 0 3
                rpush words banana apple cherry Apple 10 9
                sort words
                sort words alpha
                sort words alpha desc
                sort words by nosort
                sort words by nosort desc
                sort words by nosort limit 1 2
                sort words by nosort desc limit 1 2
                mset w_3 30 w_1 10 w_2 20 w_10 5 w_-5 100
                sort l by w_*
                sort l by w_* desc
                sort l by w_* get #
                sort l by w_* get # get w_*
                sort l get w_* get nosuch_*
                sort l get nostar
                sort l by w_* limit 0 2
                hset h_1 f one
                hset h_2 f two
                hset h_3 f three
                sort l get h_*->f get #
                sort l by h_*->f alpha
                sort l by h_*->f alpha get h_*->f
                sort l get h_*->
                sort l by nosuch_*
                sort l by nosuch_* alpha
                sort l by w_* alpha
                sort l store dst
                lrange dst 0 -1
                type dst
                sort l get w_* store dst
                lrange dst 0 -1
                sort l limit 10 10 store dst
                exists dst
                sort l store
                sort l foo
                sort nokey
                sort nokey store dst2
                exists dst2
                sort_ro l
                sort_ro l store dst
                sort_ro l by w_* get # desc limit 1 3
                sadd s 5 3 9 1
                sort s
                sort s desc
                sort s by nosort
                sort s by nosort store sdst
                lrange sdst 0 -1
                sadd sw b a c
                sort sw alpha
                sort sw
                zadd z 3 c 1 a 2 b
                sort z alpha
                sort z by nosort
                sort z by nosort desc
                sort z by nosort limit 1 1
                sort z by nosort desc limit 1 5
                rpush bad 1 abc 3
                sort bad
                sort bad alpha
                sort bad store d3
                rpush spaces " 1" "2"
                sort spaces
                rpush empty ""
                sort empty
                set str v
                sort str
                hset hh a 1
                sort hh
                sort l by w_* get # store dst4
                lrange dst4 0 -1
                # C's strtod leaves errno at ERANGE and Redis 7.0 never clears it: keep these last
                rpush big 1e400
                sort big
                rpush tiny 1e-310
                sort tiny
                """},
        {"getkeys of movable commands", """
                command getkeys zunionstore d 2 a b weights 1 2
                command getkeys zunion 2 a b
                command getkeys zunion 0 a
                command getkeys zunion 5 a
                command getkeys lmpop 2 a b left
                command getkeys sintercard 2 a b
                command getkeys zmpop 1 a min
                command getkeys sort k by x get y store dst limit 0 1
                command getkeys sort k
                command getkeys sort_ro k
                command getkeys hset h f v
                command getkeys smove a b m
                command getkeys rpoplpush a b
                """},
        {"type, scan and object know every type", """
                hset h f v
                rpush l a
                sadd s a
                sadd i 1
                zadd z 1 m
                set str v
                type z
                object encoding z
                ~scan 0 type zset count 100
                type h
                type l
                type s
                object encoding h
                object encoding l
                object encoding s
                object encoding i
                ~scan 0 type hash count 100
                ~scan 0 type list count 100
                ~scan 0 type set count 100
                ~scan 0 type string count 100
                ~keys *
                rename l l2
                lrange l2 0 -1
                dbsize
                """},
    };
}
