package io.demikv.config;

import java.util.List;

/**
 * The {@code dpdk} section: the EAL arguments Catnip passes to {@code rte_eal_init} when
 * {@code catnip.device} is {@code dpdk}. Immutable; any thread.
 *
 * @param ealInit {@code eal_init}: the arguments without a program name, e.g.
 *                {@code -l 0 --no-pci --no-huge -m 256 --no-shconf --lcores=0@(0-1) --vdev ...}; empty by
 *                default, which Catnip on DPDK refuses
 */
public record DpdkConfig(List<String> ealInit) {
    /** No EAL arguments. */
    public static final DpdkConfig DEFAULTS = new DpdkConfig(List.of());

    /** Copies the list; rejects null elements. */
    public DpdkConfig {
        ealInit = List.copyOf(ealInit);
    }
}
