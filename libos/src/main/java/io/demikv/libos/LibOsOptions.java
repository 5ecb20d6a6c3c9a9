package io.demikv.libos;

/**
 * What a {@link LibOsProvider} gets: the YAML configuration file (or {@code null} for defaults), the wait
 * policy, and the MSS/MTU overrides of the echo benchmark (-1 when not given). Immutable.
 */
public record LibOsOptions(String configPath, WaitPolicy waitPolicy, int mss, int mtu) {
    public static LibOsOptions defaults() {
        return new LibOsOptions(null, WaitPolicy.DEFAULT, -1, -1);
    }
}
