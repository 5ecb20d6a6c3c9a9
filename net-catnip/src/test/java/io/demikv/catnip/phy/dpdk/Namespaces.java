package io.demikv.catnip.phy.dpdk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The namespaces and veth pairs of the DPDK real-peer test: makes them, remembers them, deletes them (deleting a
 * namespace deletes the veth ends in it). Also says why a machine cannot run the test.
 */
final class Namespaces implements AutoCloseable {
    private final List<String> made = new ArrayList<>();

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    static boolean have(String tool) {
        for (String dir : new String[] {"/usr/bin", "/usr/sbin", "/bin", "/sbin"}) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Makes namespace {@code name} (with its loopback up), to be deleted by {@link #close()}. */
    void namespace(String name) {
        run("ip", "netns", "add", name);
        made.add(name);
        run("ip", "-n", name, "link", "set", "lo", "up");
    }

    /**
     * Makes namespaces {@code kernelNs} and {@code stackNs} joined by a veth pair, gives the kernel end
     * {@code kernelCidr}, brings both ends up and turns off the kernel end's transmit offloads (else it sends
     * partial checksums).
     */
    void vethPair(String kernelNs, String kernelIf, String kernelCidr, String stackNs, String stackIf) {
        namespace(kernelNs);
        namespace(stackNs);
        run("ip", "link", "add", kernelIf, "netns", kernelNs, "type", "veth", "peer", "name", stackIf, "netns", stackNs);
        run("ip", "-n", kernelNs, "addr", "add", kernelCidr, "dev", kernelIf);
        run("ip", "-n", kernelNs, "link", "set", kernelIf, "up");
        run("ip", "-n", stackNs, "link", "set", stackIf, "up");
        if (have("ethtool")) {
            run("ip", "netns", "exec", kernelNs, "ethtool", "-K", kernelIf, "tx", "off");
        } else {
            System.out.println("[dpdk] ethtool missing: the kernel may send partial UDP checksums");
        }
    }

    /** Runs a command, bounded to 60 s; returns its output, throws with it when the command fails. */
    static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + ": timed out");
            }
            String out = new String(p.getInputStream().readAllBytes());
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        for (int i = made.size() - 1; i >= 0; i--) {
            try {
                run("ip", "netns", "delete", made.get(i));
            } catch (IllegalStateException e) {
                System.out.println("[dpdk] cleanup: " + e.getMessage());
            }
        }
        made.clear();
    }
}
