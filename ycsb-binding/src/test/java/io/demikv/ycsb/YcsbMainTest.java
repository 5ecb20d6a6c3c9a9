package io.demikv.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.demikv.ycsb.YcsbMain.Invocation;
import io.demikv.ycsb.YcsbMain.UsageException;

class YcsbMainTest {
    @TempDir
    Path cwd;
    private final Path shipped = Path.of("workloads").toAbsolutePath();

    @Test
    void loadBecomesDashLoadWithOurBindingAndPercentileDefaults() throws UsageException {
        Invocation inv = YcsbMain.prepare(List.of("load", "-P", "workloada", "-threads", "8", "-s"), cwd, shipped);
        assertEquals(List.of("-load", "-P", shipped.resolve("workloada").toString(), "-threads", "8", "-s",
                "-db", YcsbMain.DB_CLASS, "-p", "measurementtype=hdrhistogram",
                "-p", "hdrhistogram.percentiles=50,95,99,99.9"), inv.clientArgs());
        assertTrue(inv.ourBinding());
        assertEquals("false", inv.properties().getProperty("dotransactions"));
        assertEquals("100000", inv.properties().getProperty("recordcount"));
    }

    @Test
    void runBecomesDashTAndKeepsUserProperties() throws UsageException {
        Invocation inv = YcsbMain.prepare(List.of("run", "-P", "workloadb", "-p", "redis.port=7000",
                "-p", "hdrhistogram.percentiles=90,99.99", "-target", "1000"), cwd, shipped);
        assertEquals("-t", inv.clientArgs().get(0));
        assertTrue(inv.clientArgs().contains("redis.port=7000"));
        assertTrue(inv.clientArgs().contains("-target"));
        assertFalse(inv.clientArgs().contains("hdrhistogram.percentiles=50,95,99,99.9"), "-p wins over our default");
        assertTrue(inv.clientArgs().contains("measurementtype=hdrhistogram"));
        assertEquals("7000", inv.properties().getProperty("redis.port"));
    }

    @Test
    void aWorkloadFileThatSetsMeasurementsIsNotOverridden() throws UsageException, IOException {
        Files.writeString(cwd.resolve("mine"), "workload=site.ycsb.workloads.CoreWorkload\nmeasurementtype=histogram\n");
        Invocation inv = YcsbMain.prepare(List.of("run", "-P", "mine"), cwd, shipped);
        assertFalse(inv.clientArgs().contains("measurementtype=hdrhistogram"),
                "a -p default would override the file, so none is added");
        assertTrue(inv.clientArgs().contains("hdrhistogram.percentiles=50,95,99,99.9"));
    }

    @Test
    void theCurrentDirectoryWinsOverShippedWorkloads() throws UsageException, IOException {
        Path local = Files.writeString(cwd.resolve("workloada"), "workload=site.ycsb.workloads.CoreWorkload\n");
        assertEquals(local, YcsbMain.resolveWorkload("workloada", cwd, shipped));
        assertEquals(shipped.resolve("workloadc"), YcsbMain.resolveWorkload("workloadc", cwd, shipped));
        Path absolute = shipped.resolve("workloade");
        assertEquals(absolute, YcsbMain.resolveWorkload(absolute.toString(), cwd, shipped));
    }

    @Test
    void anotherDbIsPassedThroughAndNotPreflighted() throws UsageException {
        Invocation inv = YcsbMain.prepare(List.of("run", "-P", "workloadc", "-db", "site.ycsb.BasicDB"), cwd, shipped);
        assertFalse(inv.ourBinding());
        assertEquals(1, inv.clientArgs().stream().filter("-db"::equals).count());
    }

    @Test
    void mistakesAreUsageErrorsThatSayWhatToDo() {
        assertTrue(message(List.of()).contains("load or run"));
        assertTrue(message(List.of("bench", "-P", "workloada")).contains("unknown phase 'bench'"));
        assertTrue(message(List.of("run")).contains("no workload"));
        assertTrue(message(List.of("run", "-P", "workloadz")).contains("workload file 'workloadz' not found"));
        assertTrue(message(List.of("run", "-P")).contains("-P needs a value"));
        assertTrue(message(List.of("run", "-P", "workloada", "-p", "novalue")).contains("-p wants key=value"));
        assertTrue(message(List.of("run", "-P", "workloada", "-load")).contains("implied by the phase"));
    }

    private String message(List<String> args) {
        return assertThrows(UsageException.class, () -> YcsbMain.prepare(args, cwd, shipped)).getMessage();
    }
}
