package io.demikv.catnip.interop;

import io.demikv.catnip.net.Captures;
import io.demikv.catnip.real.Netns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code tcpdump -w} on the kernel's end of the link, inside the kernel's namespace, for one test: the file comes
 * from {@link Captures}, which keeps it (and prints its path) when the test fails and deletes it otherwise. What
 * the kernel saw complements Catnip's own {@code PcapDevice} capture (or replaces it when our stack runs in a
 * child process). Without tcpdump nothing is captured and the test runs anyway. Headers only (256 bytes a frame),
 * so a 10 MB transfer stays small.
 */
final class KernelCapture {
    private final Process process;

    private KernelCapture(Process process) {
        this.process = process;
    }

    /** Starts a capture and waits (up to 5 s) until tcpdump listens; null when tcpdump is missing or fails. */
    static KernelCapture start(Captures captures, String namespace, String iface, String name) {
        if (!Netns.have("tcpdump")) {
            return null;
        }
        KernelCapture[] self = new KernelCapture[1];
        Path file = captures.file(name, () -> {
            if (self[0] != null) {
                self[0].stop();
            }
        });
        try {
            Files.createDirectories(file.getParent());
            Process p = new ProcessBuilder("ip", "netns", "exec", namespace, "tcpdump", "-i", iface, "-U", "-s", "256",
                    "-w", file.toString()).redirectErrorStream(true).start();
            self[0] = new KernelCapture(p);
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
            CompletableFuture<Boolean> listening = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line; (line = out.readLine()) != null; ) {
                        if (line.contains("listening on")) {
                            return true;
                        }
                    }
                } catch (IOException ignored) {
                    // tcpdump ended
                }
                return false;
            });
            if (!listening.get(5, TimeUnit.SECONDS)) {
                System.out.println("[capture] tcpdump on " + iface + " did not start");
                self[0].stop();
                return null;
            }
            // Drain the rest of its output so tcpdump never blocks on a full pipe.
            Thread.ofVirtual().start(() -> {
                try {
                    out.transferTo(java.io.Writer.nullWriter());
                } catch (IOException ignored) {
                    // ended
                }
            });
            return self[0];
        } catch (Exception e) {
            System.out.println("[capture] tcpdump on " + iface + " failed: " + e);
            if (self[0] != null) {
                self[0].stop();
            }
            return null;
        }
    }

    /** Ends the capture (SIGTERM: tcpdump flushes and exits), bounded to 5 s. Idempotent. */
    void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
