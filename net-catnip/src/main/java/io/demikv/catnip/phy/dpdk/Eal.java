package io.demikv.catnip.phy.dpdk;

import io.demikv.catnip.phy.dpdk.ffi.Dpdk;
import io.demikv.catnip.phy.dpdk.ffi.ShimLibrary;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * DPDK's Environment Abstraction Layer, initialised once per process ({@code rte_eal_init} cannot run twice):
 * the first {@link #init} runs it with {@link EalArguments#forJvm the JVM-safe arguments}; later calls with the
 * same arguments do nothing, and with other arguments fail, saying so. EAL is never torn down
 * ({@code rte_eal_cleanup} would end DPDK for the process). Any thread; the thread that initialises EAL becomes
 * its main lcore, with the CPU set of {@code --lcores} as its affinity.
 */
public final class Eal {
    private static List<String> userArguments;
    private static List<String> effectiveArguments;

    private Eal() {
    }

    /**
     * Initialises EAL with {@code user} (the {@code dpdk.eal_init} list, without a program name), or checks that
     * it already runs with them. Returns the arguments EAL was given.
     *
     * @throws IllegalStateException when the shim is missing, EAL fails (with DPDK's reason), or EAL already
     *                               runs with other arguments
     */
    public static synchronized List<String> init(List<String> user) {
        if (effectiveArguments != null) {
            if (!userArguments.equals(user)) {
                throw new IllegalStateException("DPDK's EAL already runs in this process with " + userArguments
                        + " and cannot be initialised again with " + user
                        + ": one EAL per process; open further ports by device arguments instead");
            }
            return effectiveArguments;
        }
        ShimLibrary.require();
        checkShim();
        List<String> args = EalArguments.forJvm(user);
        // EAL keeps pointers into argv (for its saved copy and some options): the strings live forever.
        Arena forever = Arena.global();
        MemorySegment argv = forever.allocate(ValueLayout.ADDRESS, args.size() + 2L);
        argv.setAtIndex(ValueLayout.ADDRESS, 0, forever.allocateFrom("demikv"));
        for (int i = 0; i < args.size(); i++) {
            argv.setAtIndex(ValueLayout.ADDRESS, i + 1, forever.allocateFrom(args.get(i)));
        }
        argv.setAtIndex(ValueLayout.ADDRESS, args.size() + 1, MemorySegment.NULL);
        int rc = Dpdk.ealInit(args.size() + 1, argv);
        if (rc < 0) {
            int err = Dpdk.rteErrno();
            throw new IllegalStateException("rte_eal_init failed: " + Dpdk.strerror(err) + " (rte_errno " + err
                    + ") with EAL arguments " + args + hint(err));
        }
        userArguments = List.copyOf(user);
        effectiveArguments = args;
        return args;
    }

    /** True once {@link #init} succeeded in this process. */
    public static synchronized boolean isInitialised() {
        return effectiveArguments != null;
    }

    /** The arguments EAL runs with, or null before {@link #init}. */
    public static synchronized List<String> arguments() {
        return effectiveArguments;
    }

    private static void checkShim() {
        int abi;
        try {
            abi = Dpdk.shimAbi();
        } catch (ExceptionInInitializerError | NoClassDefFoundError e) {
            throw new IllegalStateException("the DPDK shim or DPDK libraries lack a function Catnip needs "
                    + "(rebuild net-catnip against the installed libdpdk-dev): " + e, e);
        }
        if (abi != Dpdk.SHIM_ABI) {
            throw new IllegalStateException("the DPDK shim speaks ABI " + abi + " but this Catnip needs "
                    + Dpdk.SHIM_ABI + ": rebuild net-catnip");
        }
    }

    private static String hint(int err) {
        return switch (err) {
            case 1, 13 -> ": DPDK needs root (or CAP_SYS_ADMIN, CAP_NET_RAW, CAP_IPC_LOCK)";
            case 114 -> ": EAL was already initialised in this process (a failed attempt may leave it so)";
            case 12 -> ": not enough memory; without hugepages pass --no-huge -m 256";
            case 22 -> ": check the EAL arguments (dpdk.eal_init); see docs/catnip.md";
            default -> ": see DPDK's messages above; without hugepages use --no-huge -m 256 --no-shconf";
        };
    }
}
