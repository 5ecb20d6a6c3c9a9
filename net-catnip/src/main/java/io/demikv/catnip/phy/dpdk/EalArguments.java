package io.demikv.catnip.phy.dpdk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The EAL arguments Catnip passes to {@code rte_eal_init}: the user's ({@code dpdk.eal_init}) with one rule
 * applied, so that DPDK never pins the JVM.
 *
 * <h2>Why the lcore rewrite</h2>
 * EAL pins the thread that calls {@code rte_eal_init} to its main lcore's CPU, and every thread that thread
 * starts afterwards inherits that affinity: in a JVM that would put the GC, JIT and every application thread
 * on one CPU. Mapping the lcore to a CPU <em>set</em> ({@code --lcores=0@(0-1)}) keeps them free to run anywhere.
 * So, unless the user already maps lcores with {@code @}:
 * <ul>
 *   <li>{@code -l LIST}, {@code --lcores=LIST} (without {@code @}) or {@code -c MASK} become
 *       {@code --lcores=LIST@(CPUS)}, with a group {@code (LIST)} when it names more than one lcore;</li>
 *   <li>with none of them, {@code --lcores=0@(CPUS)} is added.</li>
 * </ul>
 * {@code CPUS} is the set this process may run on ({@code Cpus_allowed_list} in {@code /proc/self/status}, e.g.
 * {@code 0-1}). {@code -l} and {@code --lcores} cannot be combined: EAL rejects the pair, hence a rewrite rather
 * than an addition. Immutable helpers; any thread.
 */
public final class EalArguments {
    private EalArguments() {
    }

    /** The arguments for {@code rte_eal_init} (without the program name) from the user's, for this process. */
    public static List<String> forJvm(List<String> user) {
        return forJvm(user, allowedCpus());
    }

    /** As {@link #forJvm(List)} with the CPU set given ({@code "0-1"}, {@code "2,4-7"}). */
    public static List<String> forJvm(List<String> user, String cpus) {
        List<String> out = new ArrayList<>(user.size() + 1);
        String lcores = null;
        int at = -1;
        for (int i = 0; i < user.size(); i++) {
            String a = user.get(i);
            String value = null;
            int consumed = 0;
            if (a.equals("-l") || a.equals("--lcores") || a.equals("-c")) {
                if (i + 1 >= user.size()) {
                    throw new IllegalArgumentException("EAL argument " + a + " needs a value");
                }
                value = user.get(i + 1);
                consumed = 1;
            } else if (a.startsWith("--lcores=")) {
                value = a.substring("--lcores=".length());
            } else if (a.startsWith("-l") && a.length() > 2 && !a.startsWith("--")) {
                value = a.substring(2);
            } else if (a.startsWith("-c") && a.length() > 2 && !a.startsWith("--")) {
                value = a.substring(2);
            }
            if (value == null) {
                out.add(a);
                continue;
            }
            if (lcores != null) {
                throw new IllegalArgumentException("EAL arguments name the lcores twice (" + lcores + " and " + value
                        + "): EAL rejects -l, -c and --lcores together; keep one, e.g. only --lcores=0@(0-1)");
            }
            if (value.contains("@")) {
                return List.copyOf(user); // the user mapped lcores to CPUs already
            }
            lcores = a.startsWith("-c") ? maskToList(value) : value;
            at = out.size();
            i += consumed;
        }
        String mapping = "--lcores=" + group(lcores == null ? "0" : lcores) + "@(" + cpus + ")";
        if (at < 0) {
            out.add(0, mapping);
        } else {
            out.add(at, mapping);
        }
        return List.copyOf(out);
    }

    /** The value of the first {@code --vdev} argument (its device arguments), or null. */
    public static String firstVdev(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--vdev") && i + 1 < args.size()) {
                return args.get(i + 1);
            }
            if (a.startsWith("--vdev=")) {
                return a.substring("--vdev=".length());
            }
        }
        return null;
    }

    /** The device name in device arguments: {@code net_af_xdp0} of {@code net_af_xdp0,iface=veth1}. */
    public static String deviceName(String devargs) {
        int comma = devargs.indexOf(',');
        return (comma < 0 ? devargs : devargs.substring(0, comma)).trim();
    }

    /** The CPUs this process may run on, in list form; {@code 0-(n-1)} when /proc does not say. */
    static String allowedCpus() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    String v = line.substring("Cpus_allowed_list:".length()).trim();
                    if (!v.isEmpty()) {
                        return v;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        int n = Runtime.getRuntime().availableProcessors();
        return n <= 1 ? "0" : "0-" + (n - 1);
    }

    private static String group(String list) {
        return list.chars().allMatch(Character::isDigit) ? list : "(" + list + ")";
    }

    /** A hexadecimal core mask ({@code 0x3} or {@code 3}) as a list ({@code 0,1}). */
    static String maskToList(String mask) {
        String hex = mask.startsWith("0x") || mask.startsWith("0X") ? mask.substring(2) : mask;
        java.math.BigInteger bits;
        try {
            bits = new java.math.BigInteger(hex, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("EAL core mask -c " + mask + " is not hexadecimal", e);
        }
        if (bits.signum() == 0) {
            throw new IllegalArgumentException("EAL core mask -c " + mask + " selects no core");
        }
        StringBuilder sb = new StringBuilder();
        for (int b = bits.getLowestSetBit(); b >= 0 && b < bits.bitLength(); b++) {
            if (bits.testBit(b)) {
                if (!sb.isEmpty()) {
                    sb.append(',');
                }
                sb.append(b);
            }
        }
        return sb.toString();
    }
}
