package io.demikv.bench.jmh;

/**
 * Runs the JMH benchmarks of this module: {@code java ... io.demikv.bench.jmh.BenchMain [JMH options]},
 * e.g. {@code -prof gc}. See docs/benchmarks.md for the command line.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(args);
    }
}
