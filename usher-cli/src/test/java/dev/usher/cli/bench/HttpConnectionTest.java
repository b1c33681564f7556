package dev.usher.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bench's HTTP/1.1 client against a scripted server on loopback: framing, keep-alive, reconnects. */
class HttpConnectionTest {

    /** Answers each request with the next scripted response; "CLOSE" after one closes the connection. */
    private static final class ScriptedServer implements AutoCloseable {
        final ServerSocket socket;
        final BlockingQueue<String> script = new LinkedBlockingQueue<>();
        final List<String> requests = new CopyOnWriteArrayList<>();
        final Thread thread;

        ScriptedServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = Thread.ofPlatform().daemon(true).start(this::serve);
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    while (true) {
                        String request = readRequest(in);
                        if (request == null) {
                            break;
                        }
                        requests.add(request);
                        String response = script.take();
                        boolean close = response.endsWith("CLOSE");
                        out.write(response.replaceAll("CLOSE$", "").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        if (close) {
                            break;
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    // connection or server closed
                }
            }
        }

        private static String readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                String h = head.toString(StandardCharsets.ISO_8859_1);
                if (h.endsWith("\r\n\r\n")) {
                    int length = 0;
                    for (String line : h.split("\r\n")) {
                        if (line.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).strip());
                        }
                    }
                    return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
                }
            }
            return null;
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private ScriptedServer server;
    private HttpConnection http;

    @BeforeEach
    void start() throws IOException {
        server = new ScriptedServer();
        http = new HttpConnection(server.address(), 5_000);
    }

    @AfterEach
    void stop() throws IOException {
        http.close();
        server.close();
    }

    @Test
    void sendsAWellFormedRequestAndKeepsTheConnection() throws IOException {
        server.script.add("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"a\":\"b\"}\r\n");
        server.script.add("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");

        byte[] body = "{\"user\":\"u1\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(http.send("PUT", "/api/v1/sessions/s1/checkouts/demo/cal", Scenario.JSON_HEADER, body)).isEqualTo(201);
        assertThat(http.bodyText()).isEqualTo("{\"a\":\"b\"}\r\n");
        assertThat(http.send("POST", "/api/v1/sessions/s1/heartbeat", null, null)).isEqualTo(200);
        assertThat(http.bodyText()).isEqualTo("ok");
        assertThat(http.connects()).isEqualTo(1);

        String put = server.requests.get(0);
        assertThat(put).startsWith("PUT /api/v1/sessions/s1/checkouts/demo/cal HTTP/1.1\r\n")
                .contains("\r\nHost: 127.0.0.1:" + server.socket.getLocalPort() + "\r\n")
                .contains("\r\nContent-Type: application/json\r\n")
                .contains("\r\nContent-Length: 13\r\n")
                .endsWith("\r\n\r\n{\"user\":\"u1\"}");
        assertThat(server.requests.get(1)).contains("Content-Length: 0\r\n");
    }

    @Test
    void readsChunkedBodiesWithExtensionsAndTrailers() throws IOException {
        server.script.add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n");
        server.script.add("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext");
        assertThat(http.send("GET", "/x", null, null)).isEqualTo(200);
        assertThat(http.bodyText()).isEqualTo("hello, world");
        assertThat(http.send("GET", "/y", null, null)).isEqualTo(200);
        assertThat(http.bodyText()).isEqualTo("next");
        assertThat(http.connects()).isEqualTo(1);
    }

    @Test
    void noContentHasNoBodyEvenWithoutALength() throws IOException {
        server.script.add("HTTP/1.1 204 No Content\r\nContent-Type: text/plain\r\n\r\n");
        server.script.add("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 410 Gone\r\nContent-Length: 3\r\n\r\nbye");
        assertThat(http.send("DELETE", "/a", null, null)).isEqualTo(204);
        assertThat(http.bodyText()).isEmpty();
        assertThat(http.send("POST", "/b", null, null)).isEqualTo(410);
        assertThat(http.bodyText()).isEqualTo("bye");
        assertThat(http.connects()).isEqualTo(1);
    }

    @Test
    void reconnectsWhenTheServerSaysCloseOrSendsABodyToTheEnd() throws IOException {
        server.script.add("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nokCLOSE");
        server.script.add("HTTP/1.0 200 OK\r\n\r\nuntil the endCLOSE");
        server.script.add("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertThat(http.send("GET", "/1", null, null)).isEqualTo(200);
        assertThat(http.send("GET", "/2", null, null)).isEqualTo(200);
        assertThat(http.bodyText()).isEqualTo("until the end");
        assertThat(http.send("GET", "/3", null, null)).isEqualTo(200);
        assertThat(http.connects()).isEqualTo(3);
    }

    @Test
    void aResponseCutShortIsAnErrorAndTheNextRequestUsesANewConnection() throws IOException {
        server.script.add("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshortCLOSE");
        server.script.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThatThrownBy(() -> http.send("GET", "/cut", null, null)).isInstanceOf(IOException.class);
        assertThat(http.send("GET", "/again", null, null)).isEqualTo(200);
        assertThat(http.connects()).isEqualTo(2);
    }

    @Test
    void garbageIsAnErrorNotAStatus() {
        server.script.add("SSH-2.0-OpenSSH\r\n\r\nCLOSE");
        assertThatThrownBy(() -> http.send("GET", "/", null, null)).isInstanceOf(IOException.class)
                .hasMessageContaining("not an HTTP/1.x response");
    }

    @Test
    void refusesToWriteABrokenRequestLine() {
        assertThatThrownBy(() -> http.send("GET", "/a b", null, null)).isInstanceOf(IOException.class)
                .hasMessageContaining("not printable ASCII");
    }
}
