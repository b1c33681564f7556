package dev.usher.server.seat;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ?wait=SECONDS}: first come, first served, over HTTP against a real server. */
class SeatQueueTest {

    @TempDir
    Path dir;

    private TestServer server;
    private Http client;
    private Http admin;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        server.license("demo", "cal", 1);
        client = server.client();
        admin = server.admin();
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        server.close();
    }

    private Http.Response waitingCheckout(String session, String user, int seconds) {
        return client.put("/api/v1/sessions/" + session + "/checkouts/demo/cal?wait=" + seconds,
                "{\"user\":\"" + user + "\",\"host\":\"h-" + user + "\"}");
    }

    private CompletableFuture<Http.Response> waitInBackground(String session, String user, int seconds) {
        return CompletableFuture.supplyAsync(() -> waitingCheckout(session, user, seconds), threads);
    }

    private List<String> queuedSessions() {
        List<String> out = new ArrayList<>();
        for (JsonNode e : admin.get("/api/v1/queue").json()) {
            out.add(e.get("sessionId").asString());
        }
        return out;
    }

    /** Polls (real time) for something another thread does; fails after 5 s. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    private JsonNode pool() {
        return admin.get("/api/v1/pools").json().get(0);
    }

    @Test
    void waitersAreServedInTheOrderTheyCameEachWithin100msOfARelease() throws Exception {
        assertThat(client.checkout("holder", "demo", "cal", "holder", "h").status()).isEqualTo(201);
        List<String> order = List.of("w1", "w2", "w3", "w4", "w5");
        Map<String, CompletableFuture<Http.Response>> waiting = new HashMap<>();
        for (String w : order) {
            waiting.put(w, waitInBackground(w, "user-" + w, 60));
            int expected = waiting.size();
            await(() -> queuedSessions().size() == expected, w + " is in the queue");
        }
        assertThat(queuedSessions()).containsExactlyElementsOf(order);
        JsonNode entry = admin.get("/api/v1/queue").json().get(0);
        assertThat(entry.get("position").asInt()).isEqualTo(1);
        assertThat(entry.get("user").asString()).isEqualTo("user-w1");
        assertThat(pool().get("waiting").asInt()).isEqualTo(5);

        String holder = "holder";
        for (int i = 0; i < order.size(); i++) {
            String next = order.get(i);
            long released = System.nanoTime();
            assertThat(client.delete("/api/v1/sessions/" + holder).status()).isEqualTo(204);
            Http.Response granted = waiting.get(next).get(5, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);
            assertThat(granted.status()).as(next + " gets the seat").isEqualTo(201);
            assertThat(granted.json().get("user").asString()).isEqualTo("user-" + next);
            assertThat(ms).as("ms from release to " + next + "'s answer").isLessThan(100);
            // Nobody behind was served, and the pool never went over its one seat.
            for (String later : order.subList(i + 1, order.size())) {
                assertThat(waiting.get(later)).isNotDone();
            }
            assertThat(pool().get("inUse").asInt()).isEqualTo(1);
            assertThat(queuedSessions()).containsExactlyElementsOf(order.subList(i + 1, order.size()));
            holder = next;
        }
    }

    @Test
    void whenTheWaitEndsThe409SaysWhereTheRequestStoodAndItLeavesTheLine() throws Exception {
        assertThat(client.checkout("holder", "demo", "cal", "holder", "h").status()).isEqualTo(201);
        CompletableFuture<Http.Response> first = waitInBackground("w1", "ann", 30);
        await(() -> queuedSessions().size() == 1, "ann waits");
        int denialsBefore = denials();

        Http.Response second = waitingCheckout("w2", "bob", 1);
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.problemType()).isEqualTo("no-seats-available");
        assertThat(second.json().get("queuePosition").asInt()).isEqualTo(2);
        assertThat(second.json().get("detail").asString()).contains("number 2 in line");
        assertThat(queuedSessions()).containsExactly("w1");
        // Only the final answer is history: one denial for bob, none for his tries while waiting.
        assertThat(denials()).isEqualTo(denialsBefore + 1);
        assertThat(first).isNotDone();
    }

    private int denials() {
        int n = 0;
        for (JsonNode e : admin.get("/api/v1/events?limit=10000").json()) {
            if (e.get("type").asString().equals("deny")) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aNewcomerDoesNotJumpTheLine() throws Exception {
        assertThat(client.checkout("holder", "demo", "cal", "holder", "h").status()).isEqualTo(201);
        CompletableFuture<Http.Response> waiter = waitInBackground("w1", "ann", 30);
        await(() -> queuedSessions().size() == 1, "ann waits");

        assertThat(client.delete("/api/v1/sessions/holder").status()).isEqualTo(204);
        Http.Response newcomer = client.checkout("n1", "demo", "cal", "zed", "h");
        assertThat(waiter.get(5, TimeUnit.SECONDS).status()).isEqualTo(201);
        assertThat(newcomer.status()).isEqualTo(409);
    }

    @Test
    void aSeatHeldAlreadyIsJoinedWithoutWaiting() {
        assertThat(client.checkout("app", "demo", "cal", "ann", "h").status()).isEqualTo(201);
        Http.Response browser = waitingCheckout("browser", "ann", 30);
        assertThat(browser.status()).isEqualTo(200);
        assertThat(browser.json().get("outcome").asString()).isEqualTo("joined");
        assertThat(queuedSessions()).isEmpty();
    }

    @Test
    void aClientThatDisconnectsLeavesTheQueue() throws Exception {
        assertThat(client.checkout("holder", "demo", "cal", "holder", "h").status()).isEqualTo(201);
        String body = "{\"user\":\"gone\",\"host\":\"h\"}";
        try (Socket s = new Socket("127.0.0.1", server.server().port())) {
            OutputStream out = s.getOutputStream();
            out.write(("PUT /api/v1/sessions/gone-1/checkouts/demo/cal?wait=60 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await(() -> queuedSessions().contains("gone-1"), "the raw client waits");
        }
        await(() -> queuedSessions().isEmpty(), "the closed connection left the queue");
        // The seat goes to nobody who is not there.
        assertThat(client.delete("/api/v1/sessions/holder").status()).isEqualTo(204);
        assertThat(client.checkout("next", "demo", "cal", "next", "h").status()).isEqualTo(201);
    }

    @Test
    void aWaiterThatStaysIsAnsweredAndItsConnectionServesTheNextRequest() throws Exception {
        assertThat(client.checkout("holder", "demo", "cal", "holder", "h").status()).isEqualTo(201);
        String body = "{\"user\":\"stays\",\"host\":\"h\"}";
        try (Socket s = new Socket("127.0.0.1", server.server().port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            out.write(("PUT /api/v1/sessions/stays-1/checkouts/demo/cal?wait=60 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await(() -> queuedSessions().contains("stays-1"), "the raw client waits");
            assertThat(client.delete("/api/v1/sessions/holder").status()).isEqualTo(204);
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 201 Created");
            skipResponse(in);
            // Keep-alive: the same connection takes the next request, so the watch left it intact.
            out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
        }
    }

    /** Reads the headers and the body (by Content-Length) of one response. */
    private static void skipResponse(java.io.BufferedReader in) throws java.io.IOException {
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        for (int i = 0; i < length; i++) {
            in.read();
        }
    }

    @Test
    void theWaitIsCheckedBeforeAnythingHappens() {
        for (String bad : List.of("-1", "301", "abc", "1.5")) {
            Http.Response r = client.put("/api/v1/sessions/s1/checkouts/demo/cal?wait=" + bad, "{\"user\":\"ann\",\"host\":\"h\"}");
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.problemType()).isEqualTo("validation-failed");
            assertThat(r.json().get("detail").asString()).contains("wait must be");
        }
        assertThat(admin.get("/api/v1/sessions").json()).isEmpty();
    }

    @Test
    void underConcurrencyEveryoneIsServedOnceAndThePoolNeverOverflows() throws Exception {
        server.license("demo", "cal", 2); // 3 seats now
        int people = 12;
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < people; i++) {
            String who = "p" + i;
            all.add(CompletableFuture.runAsync(() -> {
                Http.Response r = waitingCheckout("s-" + who, who, 60);
                if (r.status() != 201) {
                    violations.add(who + " got " + r.status() + " " + r.text());
                    return;
                }
                int inUse = pool().get("inUse").asInt();
                if (inUse > 3) {
                    violations.add("in use " + inUse + " > 3");
                }
                client.delete("/api/v1/sessions/s-" + who); // work done, give it back
            }, threads));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(violations).isEmpty();
        assertThat(queuedSessions()).isEmpty();
        assertThat(pool().get("inUse").asInt()).isZero();
        int grants = 0;
        for (JsonNode e : admin.get("/api/v1/events?limit=10000").json()) {
            if (e.get("type").asString().equals("grant")) {
                grants++;
            }
        }
        assertThat(grants).isEqualTo(people);
    }
}
