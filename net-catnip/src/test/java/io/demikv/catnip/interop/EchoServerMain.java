package io.demikv.catnip.interop;

import io.demikv.catnip.Catnip;
import io.demikv.libos.LibOS;
import io.demikv.libos.LibOsFactory;
import io.demikv.libos.LibOsOptions;
import io.demikv.libos.WaitPolicy;

import java.io.IOException;

/**
 * A child process for {@link DpdkInteropTest}: {@code EchoServerMain <catnip.yaml> <port> <max-seconds>} builds
 * Catnip from the YAML file through the {@code catnip} provider (as {@code --libos catnip} does), runs
 * {@link EchoService} on the main thread, prints {@code ready} once it listens, and stops when its standard input
 * closes (the test ends it that way) or after {@code max-seconds}. Prints the stack's counters and exits 0, or 1
 * after a failure. Needed because DPDK's EAL can start only once per process. Run it inside the stack's
 * namespace ({@code ip netns exec}).
 */
public final class EchoServerMain {
    private EchoServerMain() {
    }

    public static void main(String[] args) throws Exception {
        long deadline = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
        try (LibOS libos = LibOsFactory.create("catnip", new LibOsOptions(args[0], WaitPolicy.DEFAULT, -1, -1))) {
            EchoService echo = new EchoService(libos, Integer.parseInt(args[1]));
            echo.open();
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // the test writes nothing; end of input is the stop signal
                    }
                } catch (IOException ignored) {
                    // parent gone
                }
                echo.stop();
            });
            System.out.println("ready");
            System.out.flush();
            echo.run(() -> System.nanoTime() < deadline);
            if (libos instanceof Catnip c) {
                var tcp = c.stack().tcp();
                System.out.println("[child] accepted " + echo.accepted.get() + ", echoed " + echo.bytesEchoed.get()
                        + " bytes; tcp: " + tcp.received() + " segments in, " + tcp.segmentsSent() + " out, "
                        + tcp.retransmissions() + " retransmissions, " + tcp.timeouts() + " timeouts, "
                        + tcp.resetsSent() + " resets sent, " + tcp.badChecksum() + " bad checksums; device: "
                        + c.stack().device() + ", " + c.stack().ethernet().transmitDropped() + " frames refused in "
                        + c.stack().ethernet().flushes() + " transmit calls"
                        + (c.stack().device() instanceof io.demikv.catnip.phy.dpdk.DpdkDevice d
                        ? " (rx dropped " + d.rxDropped() + ", tx dropped " + d.txDropped() + ")" : ""));
            }
            if (echo.failure.get() != null) {
                System.out.println("[child] echo failed: " + echo.failure.get());
                System.exit(1);
            }
        }
        System.exit(0);
    }
}
