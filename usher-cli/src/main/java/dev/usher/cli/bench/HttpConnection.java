package dev.usher.cli.bench;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One HTTP/1.1 keep-alive connection over a plain socket: the load generator's client.
 *
 * <p>{@code java.net.http.HttpClient} costs several times the CPU per request of the server's own
 * work, and on a small machine the generator shares the cores with the server, so a heavy client
 * understates the server. This one writes a request into a reused buffer, reads the status line,
 * the headers it needs ({@code Content-Length}, {@code Transfer-Encoding: chunked},
 * {@code Connection: close}) and the whole body, and keeps the connection for the next request.
 * One thread uses a connection at a time. Enough HTTP for Usher's API, not a general client: no
 * TLS, no redirects, no pipelining.
 */
final class HttpConnection implements Closeable {

    /** Bodies above this are refused (the bench never expects one): a broken server cannot exhaust memory. */
    static final int MAX_BODY = 4 * 1024 * 1024;
    private static final int MAX_HEADER_LINE = 16 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private final InetSocketAddress address;
    private final byte[] hostHeader;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private final byte[] rbuf = new byte[16 * 1024];
    private int rpos;
    private int rlen;
    private byte[] wbuf = new byte[1024];
    private int wlen;
    private byte[] body = new byte[4096];
    private int bodyLength;
    private final StringBuilder line = new StringBuilder(128);
    private long connects;

    HttpConnection(InetSocketAddress address, int timeoutMillis) {
        this.address = address;
        this.timeoutMillis = timeoutMillis;
        String ip = address.getAddress().getHostAddress();
        this.hostHeader = ("Host: " + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + address.getPort() + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Sends one request and reads the whole response.
     *
     * @param headers extra header lines, each ending in CRLF, as bytes (null for none)
     * @param content request body (null for none; then no Content-Length unless the method needs one)
     * @return the status code; the body is in {@link #body()} until the next call
     * @throws IOException on any transport or protocol failure; the connection is closed and the
     *         next call opens a new one
     */
    int send(String method, String path, byte[] headers, byte[] content) throws IOException {
        if (socket == null) {
            connect();
        }
        try {
            writeRequest(method, path, headers, content);
            out.write(wbuf, 0, wlen);
            out.flush();
            return readResponse(method);
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /** Opens the connection now (if it is not open), so that the first request does not pay for it. */
    void open() throws IOException {
        if (socket == null) {
            connect();
        }
    }

    /** The body of the last response. */
    byte[] body() {
        return Arrays.copyOf(body, bodyLength);
    }

    String bodyText() {
        return new String(body, 0, bodyLength, StandardCharsets.UTF_8);
    }

    /** How many times this connection (re)connected: more than once means the server closed it. */
    long connects() {
        return connects;
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.setSoTimeout(timeoutMillis);
            s.connect(address, timeoutMillis);
            in = s.getInputStream();
            out = s.getOutputStream();
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        rpos = 0;
        rlen = 0;
        connects++;
    }

    private void writeRequest(String method, String path, byte[] headers, byte[] content) {
        wlen = 0;
        printable(method);
        put((byte) ' ');
        printable(path);
        ascii(" HTTP/1.1\r\n");
        put(hostHeader);
        if (headers != null) {
            put(headers);
        }
        if (content != null || method.equals("POST") || method.equals("PUT")) {
            ascii("Content-Length: ");
            ascii(Integer.toString(content == null ? 0 : content.length));
            put(CRLF);
        }
        put(CRLF);
        if (content != null) {
            put(content);
        }
    }

    /** Method and path: printable ASCII without spaces, or the request line would be broken. */
    private void printable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x7e || c <= 0x20) {
                throw new IllegalArgumentException("not printable ASCII: " + s);
            }
        }
        ascii(s);
    }

    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            wbuf[wlen++] = (byte) s.charAt(i);
        }
    }

    private void put(byte b) {
        ensure(1);
        wbuf[wlen++] = b;
    }

    private void put(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, wbuf, wlen, b.length);
        wlen += b.length;
    }

    private void ensure(int more) {
        if (wlen + more > wbuf.length) {
            wbuf = Arrays.copyOf(wbuf, Math.max(wbuf.length * 2, wlen + more));
        }
    }

    private int readResponse(String method) throws IOException {
        while (true) {
            String statusLine = readLine();
            if (!statusLine.startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x response: " + abbreviate(statusLine));
            }
            int status = parseStatus(statusLine);
            long contentLength = -1;
            boolean chunked = false;
            boolean close = statusLine.startsWith("HTTP/1.0");
            String header;
            while (!(header = readLine()).isEmpty()) {
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed header line: " + abbreviate(header));
                }
                String name = header.substring(0, colon).trim();
                String value = header.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    try {
                        contentLength = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IOException("bad Content-Length: " + abbreviate(value));
                    }
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
                } else if (name.equalsIgnoreCase("Connection")) {
                    String v = value.toLowerCase(java.util.Locale.ROOT);
                    if (v.contains("close")) {
                        close = true;
                    } else if (v.contains("keep-alive")) {
                        close = false;
                    }
                }
            }
            if (status >= 100 && status < 200) {
                continue; // interim response (100 Continue): the real one follows
            }
            bodyLength = 0;
            if (method.equals("HEAD") || status == 204 || status == 304) {
                // no body by definition
            } else if (chunked) {
                readChunked();
            } else if (contentLength >= 0) {
                if (contentLength > MAX_BODY) {
                    throw new IOException("response body of " + contentLength + " bytes is larger than " + MAX_BODY);
                }
                readBody((int) contentLength);
            } else {
                readToEnd();
                close = true;
            }
            if (close) {
                close();
            }
            return status;
        }
    }

    private static int parseStatus(String statusLine) throws IOException {
        int sp = statusLine.indexOf(' ');
        if (sp < 0 || statusLine.length() < sp + 4) {
            throw new IOException("bad status line: " + abbreviate(statusLine));
        }
        int status = 0;
        for (int i = sp + 1; i < sp + 4; i++) {
            char c = statusLine.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("bad status line: " + abbreviate(statusLine));
            }
            status = status * 10 + (c - '0');
        }
        return status;
    }

    private void readChunked() throws IOException {
        while (true) {
            String sizeLine = readLine();
            int semi = sizeLine.indexOf(';');
            String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + abbreviate(sizeLine));
            }
            if (size < 0 || bodyLength + (long) size > MAX_BODY) {
                throw new IOException("chunked response body larger than " + MAX_BODY);
            }
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers: ignored
                }
                return;
            }
            readBody(size);
            if (!readLine().isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    /** Appends exactly {@code n} bytes to the body. */
    private void readBody(int n) throws IOException {
        if (bodyLength + n > body.length) {
            body = Arrays.copyOf(body, Math.max(body.length * 2, bodyLength + n));
        }
        int need = n;
        while (need > 0) {
            if (rpos == rlen) {
                fill();
            }
            int take = Math.min(need, rlen - rpos);
            System.arraycopy(rbuf, rpos, body, bodyLength, take);
            rpos += take;
            bodyLength += take;
            need -= take;
        }
    }

    private void readToEnd() throws IOException {
        while (true) {
            if (rpos == rlen) {
                int n = in.read(rbuf, 0, rbuf.length);
                if (n < 0) {
                    return;
                }
                rpos = 0;
                rlen = n;
            }
            int take = rlen - rpos;
            if (bodyLength + take > MAX_BODY) {
                throw new IOException("response body larger than " + MAX_BODY);
            }
            readBody(take);
        }
    }

    /** Reads a line ending in CRLF (or LF), without the terminator. */
    private String readLine() throws IOException {
        line.setLength(0);
        while (true) {
            if (rpos == rlen) {
                fill();
            }
            byte b = rbuf[rpos++];
            if (b == '\n') {
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') {
                    line.setLength(n - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_HEADER_LINE) {
                throw new IOException("header line longer than " + MAX_HEADER_LINE);
            }
            line.append((char) (b & 0xff));
        }
    }

    private void fill() throws IOException {
        int n = in.read(rbuf, 0, rbuf.length);
        if (n < 0) {
            throw new EOFException("the server closed the connection");
        }
        rpos = 0;
        rlen = n;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    @Override
    public void close() {
        Socket s = socket;
        socket = null;
        in = null;
        out = null;
        rpos = 0;
        rlen = 0;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a socket we no longer use: nothing to do
            }
        }
    }
}
