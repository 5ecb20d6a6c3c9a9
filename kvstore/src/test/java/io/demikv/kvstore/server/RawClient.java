package io.demikv.kvstore.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Test helper: a plain java.net client that writes raw bytes and reads RESP replies back as text. */
final class RawClient implements AutoCloseable {
    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawClient(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    RawClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends a command as a multibulk request. */
    RawClient command(String... args) throws IOException {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.getBytes(StandardCharsets.ISO_8859_1).length).append("\r\n").append(a).append("\r\n");
        }
        return send(sb.toString());
    }

    /** Reads one line without its CRLF; null at end of stream. */
    String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
            }
            if (prev == '\r' && c == '\n') {
                byte[] bytes = b.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
            prev = c;
        }
    }

    /** Reads one whole reply as its RESP text (aggregates included); null at end of stream. */
    String reply() throws IOException {
        String line = line();
        if (line == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(line).append("\r\n");
        char type = line.charAt(0);
        if (type == '$' && !line.equals("$-1")) {
            int n = Integer.parseInt(line.substring(1));
            sb.append(new String(in.readNBytes(n + 2), StandardCharsets.ISO_8859_1));
        } else if ((type == '*' || type == '%' || type == '~' || type == '>') && !line.equals("*-1")) {
            int n = Integer.parseInt(line.substring(1)) * (type == '%' ? 2 : 1);
            for (int i = 0; i < n; i++) {
                sb.append(reply());
            }
        }
        return sb.toString();
    }

    /** Reads n bytes exactly. */
    byte[] readBytes(int n) throws IOException {
        return in.readNBytes(n);
    }

    /** True when the server closed the connection (EOF or reset) before anything else arrived. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException reset) {
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        }
    }

    /** Everything until the server closes, as text (a reset after data counts as the end too). */
    String readToEnd() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                b.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // the server closed with our unread input pending: RST after its reply
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads until the server closes or stays quiet for {@code quietMillis}; returns what arrived, followed by
     * {@code <EOF>} when the server closed the connection.
     */
    String readUntilQuiet(int quietMillis) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int old = socket.getSoTimeout();
        socket.setSoTimeout(quietMillis);
        try {
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    b.writeBytes("<EOF>".getBytes(StandardCharsets.US_ASCII));
                    break;
                }
                b.write(buf, 0, n);
            }
        } catch (SocketTimeoutException quiet) {
            // still open
        } catch (SocketException reset) {
            b.writeBytes("<EOF>".getBytes(StandardCharsets.US_ASCII));
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(old);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
