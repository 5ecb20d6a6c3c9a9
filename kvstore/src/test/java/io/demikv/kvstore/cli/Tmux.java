package io.demikv.kvstore.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A private tmux server (own socket, no configuration file) whose sessions give redis-cli a real terminal:
 * keystrokes go in with {@code send-keys}, the rendered screen comes out with {@code capture-pane}, so what is
 * checked is what a user sees. {@link #close} kills the tmux server and every process in its panes.
 */
final class Tmux implements AutoCloseable {
    static final int WIDTH = 500;
    private final Path binary;
    private final Path dir;
    private final Path socket;
    private final List<Long> pids = new ArrayList<>();

    /** Skips the calling test (with a printed reason) when tmux is not installed. */
    Tmux() throws Exception {
        binary = Processes.require("tmux", "tmux");
        dir = Files.createTempDirectory("cli-tmux");
        socket = dir.resolve("sock");
    }

    String tmux(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "-S", socket.toString(), "-f", "/dev/null"));
        cmd.addAll(List.of(args));
        Cli.Result r = Cli.exec(cmd, new byte[0], Duration.ofSeconds(10));
        assertEquals(0, r.exit(), "tmux " + String.join(" ", args) + ": " + r.err());
        return r.out();
    }

    /** Starts {@code command} in a new detached session {@code name}, registering its processes for teardown. */
    void start(String name, List<String> command) throws Exception {
        List<String> args = new ArrayList<>(List.of("new-session", "-d", "-s", name, "-x", Integer.toString(WIDTH), "-y", "50",
                "-e", "REDISCLI_HISTFILE=/dev/null", "-e", "REDISCLI_RCFILE=/dev/null", "-e", "TERM=xterm"));
        args.addAll(command);
        tmux(args.toArray(String[]::new));
        for (String pid : tmux("display-message", "-p", "-t", name, "#{pid} #{pane_pid}").trim().split(" ")) {
            Processes.register(Long.parseLong(pid));
            pids.add(Long.parseLong(pid));
        }
    }

    /** Types {@code text} literally. */
    void type(String session, String text) throws Exception {
        tmux("send-keys", "-t", session, "-l", text);
    }

    /** Presses named keys ({@code Enter}, {@code C-u}). */
    void press(String session, String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", session));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    /** The whole pane (scroll-back included), trailing blank lines dropped. */
    String screen(String session) throws Exception {
        return tmux("capture-pane", "-p", "-t", session, "-S", "-", "-E", "-").stripTrailing();
    }

    /** Waits until the screen satisfies {@code done}; fails (showing the screen) on timeout. */
    String await(String session, Predicate<String> done, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String s = screen(session);
            if (done.test(s)) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                fail("the terminal did not show " + what + " within " + timeout + "; it shows:\n" + s);
            }
            Thread.sleep(20);
        }
    }

    /**
     * Clears the input line, types {@code text} and returns the line as rendered once redis-cli has consumed
     * every keystroke (see {@link #readTyped}).
     */
    String typeAndRead(String session, String prompt, String text) throws Exception {
        retype(session, text);
        return readTyped(session, prompt, text);
    }

    /** Clears the input line (Ctrl-U) and types {@code text}, in one tmux call. */
    void retype(String session, String text) throws Exception {
        tmux("send-keys", "-t", session, "C-u", ";", "send-keys", "-t", session, "-l", text);
    }

    /**
     * The input line after {@link #retype}: the text after the prompt once the cursor stands right after the
     * typed text and two looks at the line agree (hints are drawn after the text, the cursor put back).
     */
    String readTyped(String session, String prompt, String text) throws Exception {
        int expectedX = prompt.length() + text.length();
        long deadline = System.nanoTime() + 10_000_000_000L;
        String previous = null;
        while (true) {
            String out = tmux("display-message", "-p", "-t", session, "#{cursor_x}", ";", "capture-pane", "-p", "-t", session)
                    .stripTrailing();
            int x = Integer.parseInt(out.substring(0, out.indexOf('\n')).trim());
            String line = out.substring(out.lastIndexOf('\n') + 1);
            if (x == expectedX && line.startsWith(prompt + text.stripTrailing())) {
                if (line.equals(previous)) {
                    return line.substring(prompt.length());
                }
                previous = line;
                continue;
            }
            previous = null;
            if (System.nanoTime() > deadline) {
                fail("redis-cli did not echo '" + text + "'; the terminal shows:\n" + screen(session));
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        killSessions();
        Processes.deleteTree(dir);
    }

    /** Ends every session (and so every redis-cli in them) by stopping the tmux server. */
    void killSessions() {
        try {
            tmux("kill-server");
        } catch (Throwable ignored) {
            // already gone
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(Processes::kill);
        }
        pids.clear();
    }
}
