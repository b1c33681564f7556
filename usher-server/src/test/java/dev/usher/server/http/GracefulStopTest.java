package dev.usher.server.http;

import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** A stop lets the request in flight finish (and keeps what it did), while refusing new connections. */
class GracefulStopTest {

    @TempDir
    Path dir;

    @Test
    void aRequestInFlightFinishesWhileTheServerStops() throws Exception {
        TestServer first = TestServer.start(dir);
        first.license("cad", "cal", 5);
        int port = first.server().port();
        String body = "{\"user\":\"alice\",\"host\":\"ws1\",\"client\":\"test\"}";
        long stopMillis;
        String response;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            // Headers and half the body: the request is being handled, waiting for the rest.
            out.write(("PUT /api/v1/sessions/s1/checkouts/cad/cal HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 10)).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitTrue(() -> first.server().requestsInFlight() == 1);

            long started = System.nanoTime();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(first.server()::close);
            awaitTrue(() -> !accepts(port)); // no new connections once stopping
            assertThat(stopping).as("the stop waits for the request").isNotDone();

            out.write(body.substring(10).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            response = readResponse(socket.getInputStream());
            stopping.get();
            stopMillis = (System.nanoTime() - started) / 1_000_000;
        }
        assertThat(response).startsWith("HTTP/1.1 201");
        assertThat(stopMillis).isLessThan(5_000);

        try (TestServer second = TestServer.start(dir)) {
            var seats = second.admin().get("/api/v1/seats").json();
            assertThat(seats).hasSize(1);
            assertThat(seats.get(0).get("user").asString()).isEqualTo("alice");
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String readResponse(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != -1; ) {
            b.append((char) c);
            if (b.indexOf("\r\n\r\n") >= 0 && b.indexOf("\"outcome\"") >= 0 && b.charAt(b.length() - 1) == '}') {
                break;
            }
        }
        return b.toString();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
