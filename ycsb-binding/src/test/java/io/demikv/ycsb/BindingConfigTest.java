package io.demikv.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import site.ycsb.DBException;

class BindingConfigTest {
    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsMatchUpstreamNamesAndLettuceDefaults() throws DBException {
        BindingConfig c = BindingConfig.from(new Properties());
        assertEquals("localhost", c.host());
        assertEquals(6379, c.port());
        assertNull(c.password());
        assertEquals(BindingConfig.DEFAULT_TIMEOUT_MILLIS, c.timeoutMillis());
        assertEquals(1, c.pipeline());
        assertTrue(c.lexIndex());
        assertEquals(3, c.protocol());
        assertFalse(c.loadPhase(), "YCSB's default is the transaction (run) phase");
    }

    @Test
    void readsEveryProperty() throws DBException {
        BindingConfig c = BindingConfig.from(props("redis.host", "10.0.0.2", "redis.port", "7000",
                "redis.password", "s3cret", "redis.timeout", "500", "redis.pipeline", "64", "redis.index", "NONE",
                "redis.protocol", "2", "dotransactions", "false"));
        assertEquals(new BindingConfig("10.0.0.2", 7000, "s3cret", 500, 64, false, 2, true), c);
        assertEquals(64, c.insertBatch());
    }

    @Test
    void pipelineBatchesOnlyTheLoadPhase() throws DBException {
        assertEquals(1, BindingConfig.from(props("redis.pipeline", "64", "dotransactions", "true")).insertBatch());
        assertEquals(64, BindingConfig.from(props("redis.pipeline", "64", "dotransactions", "false")).insertBatch());
    }

    @ParameterizedTest
    @CsvSource({
            "redis.port, 0, redis.port=0 is out of range",
            "redis.port, http, redis.port=http is not a whole number",
            "redis.pipeline, 0, redis.pipeline=0 is out of range",
            "redis.protocol, 4, redis.protocol=4 is out of range",
            "redis.index, hash, redis.index=hash is not supported",
            "redis.cluster, true, redis.cluster=true is not supported",
            "redis.timeout, -1, redis.timeout=-1 is out of range",
    })
    void badValuesSayWhatIsWrong(String name, String value, String message) {
        DBException e = assertThrows(DBException.class, () -> BindingConfig.from(props(name, value)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}
