package dev.usher.server.notify;

import dev.usher.server.cluster.ClusterNode;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import dev.usher.server.testing.TestSmtpServer;
import dev.usher.server.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on one embedded PostgreSQL, both running the notifier at the same moments: every event is
 * announced by one of them only (one e-mail per event, not one per node), a failed message is retried
 * by one node at a time, and when a node goes the other one says so.
 */
class ClusterNotificationsTest {

    static final String SECRET = "webhook-secret-0123456789";

    @TempDir
    Path dir;

    TestServer a;
    TestServer b;
    TestSmtpServer smtp;
    WebhookReceiver hook;
    /** Two threads of its own: the common pool may be busy (or have one thread on a 2-core machine). */
    final ExecutorService bothAtOnce = Executors.newFixedThreadPool(2);

    @BeforeEach
    void start() {
        a = TestServer.startOnPostgres(dir.resolve("node-a"), c -> c);
        b = a.join(dir.resolve("node-b"));
        smtp = TestSmtpServer.start();
        hook = WebhookReceiver.start(SECRET);
        Map<String, Object> email = Map.of("host", "localhost", "port", smtp.port(), "security", "starttls", "username", TestSmtpServer.USER,
                "password", TestSmtpServer.PASSWORD, "from", "usher@corp.example", "to", List.of("it@corp.example"),
                "trustedCertificate", smtp.certificatePem());
        Http.Response r = b.admin().put("/api/v1/notifications/settings", Http.JSON.writeValueAsString(Map.of("email", email,
                "webhooks", List.of(Map.of("url", hook.url(), "secret", SECRET)))));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        if (b != null) {
            b.close();
        }
        a.close();
        smtp.close();
        hook.close();
        bothAtOnce.shutdownNow();
    }

    /** Both nodes beat (the shared clock may have moved) and then run the notifier at the same time, a few times over. */
    private void bothTick(int rounds) {
        for (int i = 0; i < rounds; i++) {
            List<TestServer> nodes = b == null ? List.of(a) : List.of(a, b);
            nodes.forEach(n -> ((ClusterNode) n.server().cluster()).tick());
            List<CompletableFuture<Notifier.Tick>> ticks = new ArrayList<>();
            for (TestServer n : nodes) {
                ticks.add(CompletableFuture.supplyAsync(() -> n.server().notifications().notifier().tick(), bothAtOnce));
            }
            ticks.forEach(CompletableFuture::join);
        }
    }

    @Test
    void each_event_is_sent_once_whichever_node_notices_it_and_a_retry_is_sent_by_one_node() {
        Instant start = a.now().minus(Duration.ofDays(1));
        a.admin().post("/api/v1/licenses", a.vendor().license(start).customer("ACME").server("cad", a.installationId(), start, null)
                .seats("cad", "modeler", 1, start, a.now().plus(Duration.ofDays(20))).text());
        // Node b reloads what node a added within a second (ClusterNode): wait for it, with a deadline.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (b.admin().get("/api/v1/pools").json().size() == 0) {
            assertThat(System.nanoTime()).as("node b sees the license").isLessThan(deadline);
            Thread.onSpinWait();
        }
        b.client().checkout("s1", "cad", "modeler", "alice", "pc-a");
        a.client().checkout("s2", "cad", "modeler", "bob", "pc-b");
        b.client().checkout("s3", "cad", "modeler", "carol", "pc-c");
        a.clock().advance(Duration.ofSeconds(5));
        hook.answer(500);

        bothTick(5);
        assertThat(smtp.received()).extracting(TestSmtpServer.Received::subject).containsExactlyInAnyOrder(
                "[Usher] 1 seat of cad/modeler expires in 19 days (" + ExpiryFormat.of(a.now().minusSeconds(5).plus(Duration.ofDays(20))) + ")",
                "[Usher] 2 people were refused a seat of cad/modeler: all 1 seats in use");
        // One webhook failed (500) and waits 30 seconds; the other went.
        assertThat(hook.requests()).hasSize(2);

        a.clock().advance(Duration.ofSeconds(30));
        bothTick(5);
        assertThat(hook.requests()).as("the retry, by one node").hasSize(3);
        assertThat(hook.requests().stream().map(r -> Http.JSON.readTree(r.body()).get("key").asString()).distinct()).hasSize(2);
        JsonNode log = a.admin().get("/api/v1/notifications/deliveries").json();
        assertThat(log).hasSize(4);
        for (JsonNode d : log) {
            assertThat(d.get("status").asString()).isEqualTo("sent");
        }
        assertThat(smtp.received()).hasSize(2);
    }

    @Test
    void when_a_node_goes_the_other_one_says_so_once() {
        bothTick(2);
        String gone = b.server().cluster().nodeId();
        b.close();
        b = null;
        bothTick(3);
        assertThat(smtp.received()).singleElement().satisfies(m -> {
            assertThat(m.subject()).startsWith("[Usher] Usher node ").endsWith(" is gone; 1 node serves now");
            assertThat(m.body()).contains("id " + gone, "was last seen at");
        });
        assertThat(hook.requests()).singleElement().satisfies(r ->
                assertThat(Http.JSON.readTree(r.body()).get("facts").get("node").asString()).isEqualTo(gone));
    }
}
