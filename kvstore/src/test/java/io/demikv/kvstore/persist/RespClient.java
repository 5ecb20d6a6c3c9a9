package io.demikv.kvstore.persist;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: a blocking RESP2 client. Replies come back as text: {@code +OK}, {@code :1}, {@code -ERR ...},
 * a bulk string's value (or {@code (nil)}), an array as {@code [a, b]}.
 */
final class RespClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RespClient(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(20_000);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] encode(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    void send(String... args) throws IOException {
        out.write(encode(args));
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    String call(String... args) {
        try {
            send(args);
            return reply();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void timeout(int millis) throws SocketException {
        socket.setSoTimeout(millis);
    }

    /** True when a byte arrives within {@code millis}. */
    boolean replyWithin(int millis) throws IOException {
        int old = socket.getSoTimeout();
        socket.setSoTimeout(millis);
        try {
            in.mark(1);
            int c = in.read();
            if (c >= 0) {
                in.reset();
            }
            return c >= 0;
        } catch (SocketTimeoutException e) {
            return false;
        } finally {
            socket.setSoTimeout(old);
        }
    }

    /** True when the server closed the connection (EOF or reset) within the timeout. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException reset) {
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        }
    }

    String reply() throws IOException {
        String line = line();
        if (line == null) {
            throw new IOException("connection closed");
        }
        char t = line.charAt(0);
        switch (t) {
            case '$' -> {
                int n = Integer.parseInt(line.substring(1));
                if (n < 0) {
                    return "(nil)";
                }
                byte[] b = in.readNBytes(n + 2);
                return new String(b, 0, n, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int n = Integer.parseInt(line.substring(1));
                if (n < 0) {
                    return "(nil)";
                }
                List<String> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(reply());
                }
                return items.toString();
            }
            default -> {
                return line;
            }
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            if (prev == '\r' && c == '\n') {
                byte[] bytes = b.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            b.write(c);
            prev = c;
        }
    }

    /** A full dump of every database: "db:key type value ttl>0" lines, sorted (SCAN + type-specific reads). */
    String dump() {
        List<String> lines = new ArrayList<>();
        for (int db = 0; db < 16; db++) {
            call("SELECT", Integer.toString(db));
            String cursor = "0";
            do {
                String r = call("SCAN", cursor, "COUNT", "1000");
                String inner = r.substring(1, r.length() - 1);
                int comma = inner.indexOf(", ");
                cursor = inner.substring(0, comma);
                String keys = inner.substring(comma + 2);
                keys = keys.substring(1, keys.length() - 1);
                if (keys.isEmpty()) {
                    continue;
                }
                for (String k : keys.split(", ")) {
                    String type = call("TYPE", k);
                    String value = switch (type) {
                        case "+string" -> call("GET", k);
                        case "+hash" -> sorted(call("HGETALL", k));
                        case "+list" -> call("LRANGE", k, "0", "-1");
                        case "+set" -> sorted(call("SMEMBERS", k));
                        case "+zset" -> call("ZRANGE", k, "0", "-1", "WITHSCORES");
                        default -> "?";
                    };
                    String ttl = call("PTTL", k);
                    lines.add(db + ":" + k + " " + type + " " + value + (ttl.equals(":-1") ? "" : " ttl"));
                }
            } while (!cursor.equals("0"));
        }
        call("SELECT", "0");
        java.util.Collections.sort(lines);
        return String.join("\n", lines);
    }

    private static String sorted(String list) {
        if (list.length() <= 2) {
            return list;
        }
        List<String> items = new ArrayList<>(List.of(list.substring(1, list.length() - 1).split(", ")));
        java.util.Collections.sort(items);
        return items.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // ignore
        }
    }
}
