package io.demikv.config;

import java.util.Objects;

/**
 * The {@code libos} section: which library OS to run and how it idles. The {@code LIBOS} environment
 * variable and {@code --libos} override {@code name}. Immutable; any thread.
 *
 * @param name       {@code name}: {@code catnap}, {@code catnip} or {@code catmint}; default catnap
 * @param waitPolicy {@code wait_policy}
 */
public record LibOsConfig(LibOsName name, WaitPolicyConfig waitPolicy) {
    /** Catnap with the default wait policy. */
    public static final LibOsConfig DEFAULTS = new LibOsConfig(LibOsName.CATNAP, WaitPolicyConfig.DEFAULTS);

    /** Rejects nulls. */
    public LibOsConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(waitPolicy, "waitPolicy");
    }
}
