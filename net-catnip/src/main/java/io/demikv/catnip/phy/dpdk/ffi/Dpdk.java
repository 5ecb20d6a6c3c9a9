package io.demikv.catnip.phy.dpdk.ffi;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_CHAR;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Every DPDK downcall Catnip makes: DPDK's exported functions (EAL, ethdev, mempool) and the shim's wrappers of
 * its inline ones (bursts, mbuf alloc/free, {@code rte_errno}). {@code uint16_t} is {@code char} here (FFM's
 * unsigned 16-bit carrier). Functions return what DPDK returns (ethdev: 0 or a negative errno); the few that
 * report through {@code rte_errno} say so, and {@link #rteErrno()} reads it on the same thread.
 *
 * <p>Touch this class only after {@link ShimLibrary#require()} succeeded: its handles are bound when it is
 * initialised. The burst, alloc and free calls are {@linkplain Linker.Option#critical critical} (short,
 * non-blocking, no upcalls). Thread rules are DPDK's: a port's queue is used by one thread at a time.
 */
public final class Dpdk {
    /** The shim ABI this class speaks ({@code DEMIKV_SHIM_ABI} in demikv_dpdk_shim.c). */
    public static final int SHIM_ABI = 1;
    /** RTE_ETH_NAME_MAX_LEN. */
    public static final int ETH_NAME_MAX = 64;
    /** RTE_MEMPOOL_NAMESIZE - 3 (the "MP_" prefix of the pool's ring): names up to this long are safe. */
    public static final int POOL_NAME_MAX = 23;
    /** SOCKET_ID_ANY. */
    public static final int SOCKET_ID_ANY = -1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = ShimLibrary.require();

    // EAL
    private static final MethodHandle EAL_INIT = handle("rte_eal_init", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle VERSION = handle("rte_version", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle STRERROR = handle("rte_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle DEV_PROBE = handle("rte_dev_probe", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle HOTPLUG_REMOVE = handle("rte_eal_hotplug_remove",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    // mempool
    private static final MethodHandle PKTMBUF_POOL_CREATE = handle("rte_pktmbuf_pool_create",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_CHAR, JAVA_CHAR, JAVA_INT));
    private static final MethodHandle MEMPOOL_FREE = handle("rte_mempool_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle MEMPOOL_AVAIL = handle("rte_mempool_avail_count",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // ethdev
    private static final MethodHandle FIND_NEXT = handle("rte_eth_find_next", FunctionDescriptor.of(JAVA_CHAR, JAVA_CHAR));
    private static final MethodHandle IS_VALID_PORT = handle("rte_eth_dev_is_valid_port",
            FunctionDescriptor.of(JAVA_INT, JAVA_CHAR));
    private static final MethodHandle PORT_BY_NAME = handle("rte_eth_dev_get_port_by_name",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle NAME_BY_PORT = handle("rte_eth_dev_get_name_by_port",
            FunctionDescriptor.of(JAVA_INT, JAVA_CHAR, ADDRESS));
    private static final MethodHandle DEV_SOCKET_ID = handle("rte_eth_dev_socket_id", FunctionDescriptor.of(JAVA_INT, JAVA_CHAR));
    private static final MethodHandle CONFIGURE = handle("rte_eth_dev_configure",
            FunctionDescriptor.of(JAVA_INT, JAVA_CHAR, JAVA_CHAR, JAVA_CHAR, ADDRESS));
    private static final MethodHandle ADJUST_DESC = handle("rte_eth_dev_adjust_nb_rx_tx_desc",
            FunctionDescriptor.of(JAVA_INT, JAVA_CHAR, ADDRESS, ADDRESS));
    private static final MethodHandle RX_QUEUE_SETUP = handle("rte_eth_rx_queue_setup",
            FunctionDescriptor.of(JAVA_INT, JAVA_CHAR, JAVA_CHAR, JAVA_CHAR, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle TX_QUEUE_SETUP = handle("rte_eth_tx_queue_setup",
            FunctionDescriptor.of(JAVA_INT, JAVA_CHAR, JAVA_CHAR, JAVA_CHAR, JAVA_INT, ADDRESS));
    private static final MethodHandle DEV_START = handle("rte_eth_dev_start", FunctionDescriptor.of(JAVA_INT, JAVA_CHAR));
    private static final MethodHandle DEV_STOP = handle("rte_eth_dev_stop", FunctionDescriptor.of(JAVA_INT, JAVA_CHAR));
    private static final MethodHandle DEV_CLOSE = handle("rte_eth_dev_close", FunctionDescriptor.of(JAVA_INT, JAVA_CHAR));
    private static final MethodHandle PROMISCUOUS_ENABLE = handle("rte_eth_promiscuous_enable",
            FunctionDescriptor.of(JAVA_INT, JAVA_CHAR));
    private static final MethodHandle MACADDR_GET = handle("rte_eth_macaddr_get",
            FunctionDescriptor.of(JAVA_INT, JAVA_CHAR, ADDRESS));
    private static final MethodHandle GET_MTU = handle("rte_eth_dev_get_mtu", FunctionDescriptor.of(JAVA_INT, JAVA_CHAR, ADDRESS));
    // the shim
    private static final MethodHandle SHIM_ABI_FN = handle("demikv_shim_abi", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SHIM_DPDK_VERSION = handle("demikv_shim_dpdk_version", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle RTE_ERRNO = handle("demikv_rte_errno", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SIZEOF_ETH_CONF = handle("demikv_sizeof_eth_conf", FunctionDescriptor.of(JAVA_LONG));
    private static final MethodHandle POOL_NUMBER = handle("demikv_pool_number",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle RX_BURST = critical("demikv_rx_burst",
            FunctionDescriptor.of(JAVA_CHAR, JAVA_CHAR, JAVA_CHAR, ADDRESS, ADDRESS, JAVA_CHAR, ADDRESS));
    private static final MethodHandle TX_BURST = critical("demikv_tx_burst",
            FunctionDescriptor.of(JAVA_CHAR, JAVA_CHAR, JAVA_CHAR, ADDRESS, ADDRESS, JAVA_CHAR));
    private static final MethodHandle ALLOC_BULK = critical("demikv_alloc_bulk",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle FREE_BULK = critical("demikv_free_bulk", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));

    private Dpdk() {
    }

    @SuppressWarnings("restricted") // the JVM runs with --enable-native-access (see the parent pom)
    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LOOKUP.findOrThrow(name), descriptor);
    }

    @SuppressWarnings("restricted")
    private static MethodHandle critical(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LOOKUP.findOrThrow(name), descriptor, Linker.Option.critical(false));
    }

    private static IllegalStateException broken(String call, Throwable t) {
        return new IllegalStateException(call + " downcall failed", t);
    }

    // ---- the shim itself

    /** The shim's ABI version; must equal {@link #SHIM_ABI}. */
    public static int shimAbi() {
        try {
            return (int) SHIM_ABI_FN.invokeExact();
        } catch (Throwable t) {
            throw broken("demikv_shim_abi", t);
        }
    }

    /** The DPDK version the shim was compiled against, as {@code RTE_VERSION} (year, month, minor, release bytes). */
    public static int shimDpdkVersion() {
        try {
            return (int) SHIM_DPDK_VERSION.invokeExact();
        } catch (Throwable t) {
            throw broken("demikv_shim_dpdk_version", t);
        }
    }

    /** The calling thread's {@code rte_errno}. */
    public static int rteErrno() {
        try {
            return (int) RTE_ERRNO.invokeExact();
        } catch (Throwable t) {
            throw broken("demikv_rte_errno", t);
        }
    }

    /** {@code sizeof(struct rte_eth_conf)}. */
    public static long sizeofEthConf() {
        try {
            return (long) SIZEOF_ETH_CONF.invokeExact();
        } catch (Throwable t) {
            throw broken("demikv_sizeof_eth_conf", t);
        }
    }

    // ---- EAL

    /** {@code rte_eal_init}: the number of arguments parsed, or -1 with {@link #rteErrno()} set. */
    public static int ealInit(int argc, MemorySegment argv) {
        try {
            return (int) EAL_INIT.invokeExact(argc, argv);
        } catch (Throwable t) {
            throw broken("rte_eal_init", t);
        }
    }

    /** The running DPDK's version string, e.g. "DPDK 22.11.11". */
    public static String version() {
        try {
            return ((MemorySegment) VERSION.invokeExact()).reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw broken("rte_version", t);
        }
    }

    /** {@code rte_strerror}: DPDK's text for an errno (positive) or an {@code rte_errno} value. */
    public static String strerror(int errno) {
        try {
            return ((MemorySegment) STRERROR.invokeExact(Math.abs(errno))).reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw broken("rte_strerror", t);
        }
    }

    /** {@code rte_dev_probe(devargs)}: 0 or a negative errno. */
    public static int devProbe(MemorySegment devargs) {
        try {
            return (int) DEV_PROBE.invokeExact(devargs);
        } catch (Throwable t) {
            throw broken("rte_dev_probe", t);
        }
    }

    /** {@code rte_eal_hotplug_remove(bus, name)}: 0 or a negative errno. */
    public static int hotplugRemove(MemorySegment bus, MemorySegment name) {
        try {
            return (int) HOTPLUG_REMOVE.invokeExact(bus, name);
        } catch (Throwable t) {
            throw broken("rte_eal_hotplug_remove", t);
        }
    }

    // ---- mempool

    /** {@code rte_pktmbuf_pool_create}: the pool, or {@code NULL} with {@link #rteErrno()} set. */
    public static MemorySegment pktmbufPoolCreate(MemorySegment name, int n, int cacheSize, int privSize, int dataRoom,
                                                  int socket) {
        try {
            return (MemorySegment) PKTMBUF_POOL_CREATE.invokeExact(name, n, cacheSize, (char) privSize, (char) dataRoom,
                    socket);
        } catch (Throwable t) {
            throw broken("rte_pktmbuf_pool_create", t);
        }
    }

    public static void mempoolFree(MemorySegment pool) {
        try {
            MEMPOOL_FREE.invokeExact(pool);
        } catch (Throwable t) {
            throw broken("rte_mempool_free", t);
        }
    }

    /** Free mbufs in the pool (the per-lcore caches included). */
    public static int mempoolAvailable(MemorySegment pool) {
        try {
            return (int) MEMPOOL_AVAIL.invokeExact(pool);
        } catch (Throwable t) {
            throw broken("rte_mempool_avail_count", t);
        }
    }

    /**
     * Numbers a pool made with a private area of at least 8 bytes (shim): fills {@code mbufs} (pointers) and
     * {@code info} ({@link PktRecord}s) for up to {@code max} mbufs; returns the pool's size or -EINVAL.
     */
    public static long poolNumber(MemorySegment pool, MemorySegment mbufs, MemorySegment info, int max) {
        try {
            return (long) POOL_NUMBER.invokeExact(pool, mbufs, info, max);
        } catch (Throwable t) {
            throw broken("demikv_pool_number", t);
        }
    }

    // ---- ethdev

    /**
     * The first valid port at or after {@code from}, or RTE_MAX_ETHPORTS (a build constant) when there is none:
     * check the result with {@link #isValidPort}.
     */
    public static int findNextPort(int from) {
        try {
            return (char) FIND_NEXT.invokeExact((char) from);
        } catch (Throwable t) {
            throw broken("rte_eth_find_next", t);
        }
    }

    /** True when {@code port} is an attached ethdev port. */
    public static boolean isValidPort(int port) {
        try {
            return port >= 0 && port <= 0xFFFF && (int) IS_VALID_PORT.invokeExact((char) port) == 1;
        } catch (Throwable t) {
            throw broken("rte_eth_dev_is_valid_port", t);
        }
    }

    /** The port of the device named {@code name}, or a negative errno. */
    public static int portByName(MemorySegment name, MemorySegment portOut) {
        try {
            int rc = (int) PORT_BY_NAME.invokeExact(name, portOut);
            return rc < 0 ? rc : portOut.get(JAVA_CHAR, 0);
        } catch (Throwable t) {
            throw broken("rte_eth_dev_get_port_by_name", t);
        }
    }

    /** Writes the port's device name into {@code nameOut} ({@link #ETH_NAME_MAX} bytes); 0 or a negative errno. */
    public static int nameByPort(int port, MemorySegment nameOut) {
        try {
            return (int) NAME_BY_PORT.invokeExact((char) port, nameOut);
        } catch (Throwable t) {
            throw broken("rte_eth_dev_get_name_by_port", t);
        }
    }

    /** The port's NUMA socket, or {@link #SOCKET_ID_ANY}. */
    public static int devSocketId(int port) {
        try {
            return (int) DEV_SOCKET_ID.invokeExact((char) port);
        } catch (Throwable t) {
            throw broken("rte_eth_dev_socket_id", t);
        }
    }

    public static int configure(int port, int rxQueues, int txQueues, MemorySegment ethConf) {
        try {
            return (int) CONFIGURE.invokeExact((char) port, (char) rxQueues, (char) txQueues, ethConf);
        } catch (Throwable t) {
            throw broken("rte_eth_dev_configure", t);
        }
    }

    /** Clamps the {@code uint16_t} descriptor counts at {@code rx} and {@code tx} to the device's limits. */
    public static int adjustDescriptors(int port, MemorySegment rx, MemorySegment tx) {
        try {
            return (int) ADJUST_DESC.invokeExact((char) port, rx, tx);
        } catch (Throwable t) {
            throw broken("rte_eth_dev_adjust_nb_rx_tx_desc", t);
        }
    }

    /** Sets up receive queue {@code queue} with the driver's default configuration. */
    public static int rxQueueSetup(int port, int queue, int descriptors, int socket, MemorySegment pool) {
        try {
            return (int) RX_QUEUE_SETUP.invokeExact((char) port, (char) queue, (char) descriptors, socket,
                    MemorySegment.NULL, pool);
        } catch (Throwable t) {
            throw broken("rte_eth_rx_queue_setup", t);
        }
    }

    /** Sets up transmit queue {@code queue} with the driver's default configuration. */
    public static int txQueueSetup(int port, int queue, int descriptors, int socket) {
        try {
            return (int) TX_QUEUE_SETUP.invokeExact((char) port, (char) queue, (char) descriptors, socket,
                    MemorySegment.NULL);
        } catch (Throwable t) {
            throw broken("rte_eth_tx_queue_setup", t);
        }
    }

    public static int start(int port) {
        try {
            return (int) DEV_START.invokeExact((char) port);
        } catch (Throwable t) {
            throw broken("rte_eth_dev_start", t);
        }
    }

    public static int stop(int port) {
        try {
            return (int) DEV_STOP.invokeExact((char) port);
        } catch (Throwable t) {
            throw broken("rte_eth_dev_stop", t);
        }
    }

    /** Closes the port and releases it (its number may be reused by a later probe). */
    public static int close(int port) {
        try {
            return (int) DEV_CLOSE.invokeExact((char) port);
        } catch (Throwable t) {
            throw broken("rte_eth_dev_close", t);
        }
    }

    public static int promiscuousEnable(int port) {
        try {
            return (int) PROMISCUOUS_ENABLE.invokeExact((char) port);
        } catch (Throwable t) {
            throw broken("rte_eth_promiscuous_enable", t);
        }
    }

    /** Writes the port's 6-byte MAC into {@code out}; 0 or a negative errno. */
    public static int macAddress(int port, MemorySegment out) {
        try {
            return (int) MACADDR_GET.invokeExact((char) port, out);
        } catch (Throwable t) {
            throw broken("rte_eth_macaddr_get", t);
        }
    }

    /** The port's MTU, or a negative errno. */
    public static int mtu(int port, MemorySegment scratch) {
        try {
            int rc = (int) GET_MTU.invokeExact((char) port, scratch);
            return rc < 0 ? rc : scratch.get(JAVA_CHAR, 0);
        } catch (Throwable t) {
            throw broken("rte_eth_dev_get_mtu", t);
        }
    }

    // ---- the data path (shim, critical)

    /** Receives up to {@code n} packets into {@code mbufs}/{@code info}; numbers mbufs of {@code numbered}. */
    public static int rxBurst(int port, int queue, MemorySegment mbufs, MemorySegment info, int n, MemorySegment numbered) {
        try {
            return (char) RX_BURST.invokeExact((char) port, (char) queue, mbufs, info, (char) n, numbered);
        } catch (Throwable t) {
            throw broken("demikv_rx_burst", t);
        }
    }

    /** Sends {@code mbufs[0..n)} with the windows in {@code info}; consumes all; returns how many were sent. */
    public static int txBurst(int port, int queue, MemorySegment mbufs, MemorySegment info, int n) {
        try {
            return (char) TX_BURST.invokeExact((char) port, (char) queue, mbufs, info, (char) n);
        } catch (Throwable t) {
            throw broken("demikv_tx_burst", t);
        }
    }

    /** Allocates {@code n} mbufs (all or none) into {@code mbufs}/{@code info}; 0 or a negative errno. */
    public static int allocBulk(MemorySegment pool, MemorySegment mbufs, MemorySegment info, int n) {
        try {
            return (int) ALLOC_BULK.invokeExact(pool, mbufs, info, n);
        } catch (Throwable t) {
            throw broken("demikv_alloc_bulk", t);
        }
    }

    /** Drops one reference to each of {@code mbufs[0..n)}. */
    public static void freeBulk(MemorySegment mbufs, int n) {
        try {
            FREE_BULK.invokeExact(mbufs, n);
        } catch (Throwable t) {
            throw broken("demikv_free_bulk", t);
        }
    }
}
