package io.demikv.ycsb;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.KeyValueStreamingChannel;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * YCSB binding for demikv and any Redis-compatible server, over Lettuce.
 *
 * <p>YCSB creates one instance per client thread and calls it from that thread only; the instances share
 * one {@link RedisClient} ({@link SharedClient}) and each owns one connection. A record is a hash
 * ({@code HSET key field value ...}); with {@code redis.index=lex} (the default) every insert also adds
 * the key to a sorted set {@code _index:<table>} with score 0, so a scan is a true key-ordered range:
 * {@code ZRANGEBYLEX _index:<table> [startkey + LIMIT 0 n}, then one {@code HGETALL}/{@code HMGET} per
 * key, pipelined. With {@code redis.index=none} nothing is indexed and scans return NOT_IMPLEMENTED.
 *
 * <p>The connection runs with auto-flush off: an operation queues its commands (two for an indexed insert
 * or delete, 1 + n for a scan), flushes them in one write and waits for the replies, so each YCSB
 * operation still measures one network round trip. {@code redis.pipeline=N} (N &gt; 1) batches inserts
 * in the load phase ({@code -load}) only: N inserts go out together, the first N-1 return BATCHED_OK
 * at once and the N-th waits for the whole batch (and reports ERROR if any of them failed). The run phase
 * ignores it, because YCSB's read-latest and scan workloads read keys as soon as an insert returns, and an
 * insert parked in another thread's batch would look missing.
 *
 * <p>Errors become {@link Status#ERROR}; the first one is printed with its cause, the rest are counted
 * ({@link ErrorLog}).
 */
public final class DemikvClient extends DB {
    /** Keys and field names are text in YCSB; values stay bytes, so they are never decoded as UTF-8. */
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    /** Prefix of the sorted set that indexes one table's keys. */
    public static final String INDEX_PREFIX = "_index:";
    private static final AtomicBoolean PIPELINE_NOTICE = new AtomicBoolean();

    private BindingConfig config;
    private boolean acquired;
    private StatefulRedisConnection<String, byte[]> connection;
    private RedisAsyncCommands<String, byte[]> redis;
    private long awaitMillis;
    private HashSink sink = new HashSink();

    private String indexTable;
    private String indexKey;

    /** Load-phase insert batch: futures of queued commands (two per indexed insert). */
    private int batch = 1;
    private RedisFuture<?>[] pending;
    private int pendingCommands;
    private int pendingInserts;

    @Override
    public void init() throws DBException {
        config = BindingConfig.from(getProperties());
        RedisClient client = SharedClient.acquire(config);
        acquired = true;
        try {
            connection = client.connect(CODEC, SharedClient.uri(config));
        } catch (RuntimeException e) {
            releaseClient();
            throw new DBException("cannot connect to " + config.host() + ":" + config.port() + " (" + e.getMessage()
                    + "); is the server running? Aim with -p redis.host=... -p redis.port=...", e);
        }
        connection.setAutoFlushCommands(false);
        redis = connection.async();
        awaitMillis = config.timeoutMillis();
        batch = config.insertBatch();
        pending = new RedisFuture<?>[batch * 2];
        if (config.pipeline() > 1 && !config.loadPhase() && PIPELINE_NOTICE.compareAndSet(false, true)) {
            System.err.println("demikv-ycsb: redis.pipeline=" + config.pipeline()
                    + " applies to the load phase only; run-phase operations wait for their own replies");
        }
    }

    @Override
    public void cleanup() throws DBException {
        boolean drained = true;
        try {
            if (pendingCommands != 0) {
                drained = drain();
            }
            if (connection != null) {
                connection.close();
                connection = null;
            }
        } finally {
            releaseClient();
        }
        if (!drained) {
            throw new DBException("some batched inserts of the last batch failed (see the first error above)");
        }
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            if (pendingCommands != 0) {
                drain();
            }
            HashSink s = sink;
            s.start(result);
            RedisFuture<Long> reply = fields == null
                    ? redis.hgetall(s, key)
                    : redis.hmget(s, key, fields.toArray(new String[0]));
            connection.flushCommands();
            if (!await(reply, "READ", key)) {
                // A late reply may still stream into the old sink (and into a result YCSB has dropped).
                sink = new HashSink();
                return Status.ERROR;
            }
            return s.found == 0 ? Status.NOT_FOUND : Status.OK;
        } catch (RuntimeException e) {
            ErrorLog.failed("READ", key, e);
            return Status.ERROR;
        }
    }

    @Override
    public Status scan(String table, String startkey, int recordcount, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        if (!config.lexIndex()) {
            return Status.NOT_IMPLEMENTED;
        }
        try {
            if (pendingCommands != 0) {
                drain();
            }
            RedisFuture<List<byte[]>> keysReply = redis.zrangebylex(indexKey(table),
                    Range.from(Range.Boundary.including(startkey.getBytes(StandardCharsets.UTF_8)),
                            Range.Boundary.unbounded()),
                    Limit.create(0, recordcount));
            connection.flushCommands();
            if (!await(keysReply, "SCAN", startkey)) {
                return Status.ERROR;
            }
            List<byte[]> keys = keysReply.get();
            int n = keys.size();
            String[] fieldArray = fields == null ? null : fields.toArray(new String[0]);
            RedisFuture<?>[] replies = new RedisFuture<?>[n];
            for (int i = 0; i < n; i++) {
                String k = new String(keys.get(i), StandardCharsets.UTF_8);
                replies[i] = fieldArray == null ? redis.hgetall(k) : redis.hmget(k, fieldArray);
            }
            connection.flushCommands();
            boolean ok = true;
            for (int i = 0; i < n; i++) {
                ok &= await(replies[i], "SCAN", startkey);
            }
            if (!ok) {
                return Status.ERROR;
            }
            result.ensureCapacity(result.size() + n);
            for (int i = 0; i < n; i++) {
                HashMap<String, ByteIterator> record = toRecord(replies[i].get());
                // A key deleted between the index read and the hash read is skipped, as if the scan
                // had run a moment later.
                if (!record.isEmpty()) {
                    result.add(record);
                }
            }
            return Status.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ErrorLog.failed("SCAN", startkey, e);
            return Status.ERROR;
        } catch (ExecutionException | RuntimeException e) {
            ErrorLog.failed("SCAN", startkey, e);
            return Status.ERROR;
        }
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        if (values.isEmpty()) {
            return Status.BAD_REQUEST;
        }
        try {
            if (pendingCommands != 0) {
                drain();
            }
            RedisFuture<Long> reply = hset(key, values);
            connection.flushCommands();
            return await(reply, "UPDATE", key) ? Status.OK : Status.ERROR;
        } catch (RuntimeException e) {
            ErrorLog.failed("UPDATE", key, e);
            return Status.ERROR;
        }
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        if (values.isEmpty()) {
            return Status.BAD_REQUEST;
        }
        try {
            RedisFuture<Long> written = hset(key, values);
            RedisFuture<Long> indexed = config.lexIndex()
                    ? redis.zadd(indexKey(table), 0, key.getBytes(StandardCharsets.UTF_8))
                    : null;
            if (batch > 1) {
                pending[pendingCommands++] = written;
                if (indexed != null) {
                    pending[pendingCommands++] = indexed;
                }
                if (++pendingInserts < batch) {
                    return Status.BATCHED_OK;
                }
                return drain() ? Status.OK : Status.ERROR;
            }
            connection.flushCommands();
            boolean ok = await(written, "INSERT", key);
            if (indexed != null) {
                ok &= await(indexed, "INSERT", key);
            }
            return ok ? Status.OK : Status.ERROR;
        } catch (RuntimeException e) {
            ErrorLog.failed("INSERT", key, e);
            return Status.ERROR;
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            if (pendingCommands != 0) {
                drain();
            }
            RedisFuture<Long> removed = redis.del(key);
            RedisFuture<Long> unindexed = config.lexIndex()
                    ? redis.zrem(indexKey(table), key.getBytes(StandardCharsets.UTF_8))
                    : null;
            connection.flushCommands();
            boolean ok = await(removed, "DELETE", key);
            if (unindexed != null) {
                ok &= await(unindexed, "DELETE", key);
            }
            if (!ok) {
                return Status.ERROR;
            }
            return removed.get() == 0 ? Status.NOT_FOUND : Status.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ErrorLog.failed("DELETE", key, e);
            return Status.ERROR;
        } catch (ExecutionException | RuntimeException e) {
            ErrorLog.failed("DELETE", key, e);
            return Status.ERROR;
        }
    }

    /**
     * Queues {@code HSET key f1 v1 f2 v2 ...} straight from YCSB's map, without the intermediate
     * {@code Map<String, byte[]>} that Lettuce's {@code hset(key, map)} would need.
     */
    private RedisFuture<Long> hset(String key, Map<String, ByteIterator> values) {
        CommandArgs<String, byte[]> args = new CommandArgs<>(CODEC).addKey(key);
        for (Map.Entry<String, ByteIterator> e : values.entrySet()) {
            args.add(e.getKey()).addValue(e.getValue().toArray());
        }
        return redis.dispatch(CommandType.HSET, new IntegerOutput<>(CODEC), args);
    }

    /** Flushes the queued batch and waits for all of it; {@code false} if any command failed. */
    private boolean drain() {
        connection.flushCommands();
        boolean ok = true;
        for (int i = 0; i < pendingCommands; i++) {
            ok &= await(pending[i], "INSERT", "(batched)");
            pending[i] = null;
        }
        pendingCommands = 0;
        pendingInserts = 0;
        return ok;
    }

    /** Waits for one reply; a failure is logged through {@link ErrorLog} and returns {@code false}. */
    private boolean await(RedisFuture<?> reply, String operation, String key) {
        try {
            reply.get(awaitMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            ErrorLog.failed(operation, key, e.getCause() != null ? e.getCause() : e);
        } catch (TimeoutException e) {
            reply.cancel(false);
            ErrorLog.failed(operation, key, new RedisCommandTimeoutException(
                    "no reply within redis.timeout=" + awaitMillis + " ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ErrorLog.failed(operation, key, e);
        }
        return false;
    }

    private String indexKey(String table) {
        if (!table.equals(indexTable)) {
            indexTable = table;
            indexKey = INDEX_PREFIX + table;
        }
        return indexKey;
    }

    private void releaseClient() {
        if (acquired) {
            acquired = false;
            if (SharedClient.release()) {
                ErrorLog.summarize();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static HashMap<String, ByteIterator> toRecord(Object reply) {
        if (reply instanceof Map<?, ?> all) {
            HashMap<String, ByteIterator> record = HashMap.newHashMap(all.size());
            for (Map.Entry<String, byte[]> e : ((Map<String, byte[]>) all).entrySet()) {
                record.put(e.getKey(), new ByteArrayByteIterator(e.getValue()));
            }
            return record;
        }
        List<KeyValue<String, byte[]>> some = (List<KeyValue<String, byte[]>>) reply;
        HashMap<String, ByteIterator> record = HashMap.newHashMap(some.size());
        for (KeyValue<String, byte[]> kv : some) {
            if (kv.hasValue()) {
                record.put(kv.getKey(), new ByteArrayByteIterator(kv.getValue()));
            }
        }
        return record;
    }

    /**
     * Streams a HGETALL/HMGET reply straight into YCSB's result map (no intermediate map or list).
     * Written by Lettuce's I/O thread, read by the YCSB thread after the reply's future completes,
     * which orders the two.
     */
    private static final class HashSink implements KeyValueStreamingChannel<String, byte[]> {
        private Map<String, ByteIterator> target;
        int found;

        void start(Map<String, ByteIterator> result) {
            target = result;
            found = 0;
        }

        @Override
        public void onKeyValue(String field, byte[] value) {
            // HMGET reports a missing field (or a missing key) as a nil value.
            if (value != null) {
                target.put(field, new ByteArrayByteIterator(value));
                found++;
            }
        }
    }
}
