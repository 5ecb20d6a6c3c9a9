package io.demikv.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shipped workloads carry YCSB's core mixes (A-F) and its default sizes. */
class WorkloadFilesTest {
    @ParameterizedTest(name = "workload{0}")
    @CsvSource({
            // name, read, update, scan, insert, read-modify-write, request distribution
            "a, 0.5,  0.5,  0,    0,    0,   zipfian",
            "b, 0.95, 0.05, 0,    0,    0,   zipfian",
            "c, 1,    0,    0,    0,    0,   zipfian",
            "d, 0.95, 0,    0,    0.05, 0,   latest",
            "e, 0,    0,    0.95, 0.05, 0,   zipfian",
            "f, 0.5,  0,    0,    0,    0.5, zipfian",
    })
    void mixMatchesYcsbsCoreWorkload(String name, double read, double update, double scan, double insert,
                                     double rmw, String distribution) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("workloads", "workload" + name))) {
            p.load(r);
        }
        assertEquals("site.ycsb.workloads.CoreWorkload", p.getProperty("workload"));
        assertEquals("100000", p.getProperty("recordcount"));
        assertEquals("100000", p.getProperty("operationcount"));
        assertEquals(read, Double.parseDouble(p.getProperty("readproportion", "0")));
        assertEquals(update, Double.parseDouble(p.getProperty("updateproportion", "0")));
        assertEquals(scan, Double.parseDouble(p.getProperty("scanproportion", "0")));
        assertEquals(insert, Double.parseDouble(p.getProperty("insertproportion", "0")));
        assertEquals(rmw, Double.parseDouble(p.getProperty("readmodifywriteproportion", "0")));
        assertEquals(distribution, p.getProperty("requestdistribution"));
        assertEquals(1.0, read + update + scan + insert + rmw, 1e-9);
    }
}
