package io.demikv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MemorySizeTest {
    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource({
        "0, 0",
        "4096, 4096",
        "12b, 12",
        "1k, 1000",
        "1kb, 1024",
        "1K, 1000",
        "1KB, 1024",
        "1Kb, 1024",
        "2m, 2000000",
        "2mb, 2097152",
        "512mb, 536870912",
        "1g, 1000000000",
        "1gb, 1073741824",
        "1GB, 1073741824",
        "100k, 100000",
        "007, 7",
        "00000000000000000000001kb, 1024",
        "8589934591gb, 9223372035781033984",
        "9223372036854775807, 9223372036854775807",
    })
    void parsesRedisUnits(String text, long bytes) {
        assertEquals(bytes, MemorySize.parse(text));
    }

    @ParameterizedTest(name = "rejects [{0}]")
    @ValueSource(strings = {"", "-1", "-1gb", "+1", "kb", "1 kb", " 1", "1.5gb", "1tb", "1kib", "1kbb", "0x10",
        "1\u212Ab", "9223372036854775808", "8589934592gb", "99999999999999999999"})
    void rejectsNegativeGarbageAndOverflow(String text) {
        assertEquals(MemorySize.INVALID, MemorySize.parse(text));
    }

    @Test
    void invalidMarkerIsNegativeSoItCannotCollideWithASize() {
        assertEquals(-1, MemorySize.INVALID);
    }
}
