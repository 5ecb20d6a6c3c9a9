package io.demikv.catnip.real;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code ip} commands of the real-peer tests and remembers what to delete: every namespace the test
 * made (deleting a namespace deletes the veth/TAP interfaces in it). Also says why a machine cannot run them
 * (not root, no {@code ip}, namespaces refused), so the tests skip with that reason printed.
 */
public final class Netns implements AutoCloseable {
    private final List<String> namespaces = new ArrayList<>();

    /** Null when the machine can run the real-peer tests, else why not. */
    public static String unavailableReason() {
        if (!isRoot()) {
            return "not root: the real-peer tests create network namespaces, veth pairs and TAP devices";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
                && !Files.isExecutable(Path.of("/usr/bin/ip"))) {
            return "the `ip` command is missing (apt-get install iproute2)";
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "/dev/net/tun is missing";
        }
        return null;
    }

    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // effective uid
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    public static boolean have(String tool) {
        for (String dir : new String[] {"/usr/bin", "/usr/sbin", "/bin", "/sbin"}) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** A unique short suffix for names (interface names have at most 15 characters). */
    public static String suffix() {
        return Long.toString(ProcessHandle.current().pid() % 100_000);
    }

    /** Creates namespace {@code name}, to be deleted by {@link #close}. */
    public void addNamespace(String name) {
        run("ip", "netns", "add", name);
        namespaces.add(name);
        run("ip", "-n", name, "link", "set", "lo", "up");
    }

    /** Runs a command; throws with its output when it fails. Bounded to 30 s. */
    public static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
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

    /** Deletes every namespace made here (and with them their interfaces). */
    @Override
    public void close() {
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            try {
                run("ip", "netns", "delete", namespaces.get(i));
            } catch (IllegalStateException e) {
                System.out.println("[netns] cleanup: " + e.getMessage());
            }
        }
        namespaces.clear();
    }
}
