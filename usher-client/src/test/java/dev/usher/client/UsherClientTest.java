package dev.usher.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the Java client offers beyond the shared protocol (ClientConformanceTest): typed refusals, the
 * three kinds of credentials, waiting in line, borrowing with its stored token, and what it says on a
 * Java without Ed25519. Against real servers in a child JVM; this test runs on Java 17.
 */
class UsherClientTest extends AgainstRealServers {

    @TempDir
    Path dir;

    /** A client whose clock reads the server's time (the server's clock stands at 2026-06-01 unless moved). */
    private UsherClient.Builder client(ServerProcess.Node n, String user) {
        return UsherClient.builder().servers(URI.create(n.url)).product("demo").user(user).host("ws1").clientName("test 1.0")
                .clock(Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), n.now)))
                .borrowStore(dir.resolve("borrows-" + user));
    }

    @Test
    void theLibraryIsBuiltForJava11AndTheseTestsRunOnJava17() throws IOException {
        try (var in = UsherClient.class.getResourceAsStream("UsherClient.class")) {
            byte[] head = in.readNBytes(8);
            assertThat(((head[6] & 0xff) << 8) | (head[7] & 0xff)).as("class file major version").isEqualTo(55);
        }
        assertThat(Runtime.version().feature()).isEqualTo(17);
    }

    @Test
    void refusalsAreTyped() {
        ServerProcess.Node n = licensed(1);
        servers.call("license " + n.name + " other cal 1 server=false");
        try (UsherClient alice = client(n, "alice").build(); UsherClient bob = client(n, "bob").build();
             UsherClient other = client(n, "bob").product("other").build()) {
            alice.checkout("cal");
            assertThatThrownBy(() -> bob.checkout("cal")).isInstanceOfSatisfying(NoSeatsAvailable.class, e -> {
                assertThat(e.capacity()).isEqualTo(1);
                assertThat(e.inUse()).isEqualTo(1);
                assertThat(e.type()).isEqualTo("no-seats-available");
                assertThat(e.status()).isEqualTo(409);
                assertThat(e.getMessage()).isNotBlank();
            });
            assertThatThrownBy(() -> bob.checkout("nope")).isInstanceOf(UnknownProduct.class);
            assertThatThrownBy(() -> other.checkout("cal")).isInstanceOfSatisfying(ServerNotLicensed.class,
                    e -> assertThat(e.status()).isEqualTo(503));
        }
    }

    @Test
    void sessionModeSignsInAndRefusesBadTokens() {
        ServerProcess.Node n = licensed(1, "auth=session");
        Admin.Answer created = n.admin().send("POST", "/api/v1/users", "{\"name\":\"carol\",\"password\":\"a-long-password-for-carol-1\"}");
        assertThat(created.status).as(created.body).isEqualTo(201);
        try (UsherClient bad = client(n, null).token("not-a-token").build()) {
            assertThatThrownBy(() -> bad.checkout("cal")).isInstanceOf(Unauthenticated.class);
        }
        try (UsherClient wrong = client(n, null).signIn("carol", "wrong-password-123456").build()) {
            assertThatThrownBy(() -> wrong.checkout("cal")).isInstanceOf(Unauthenticated.class);
        }
        servers.advance(60); // past the sign-in throttle after a failure
        try (UsherClient carol = client(n, null).signIn("carol", "a-long-password-for-carol-1").build()) {
            Seat seat = carol.checkout("cal");
            assertThat(seat.user()).isEqualTo("carol");
        }
    }

    @Test
    void inSessionModeADisabledAccountsSeatIsLostWithTheReasonNotRetried() throws Exception {
        ServerProcess.Node n = licensed(1, "auth=session");
        n.admin().send("POST", "/api/v1/users", "{\"name\":\"dan\",\"password\":\"a-long-password-for-dan-1\"}");
        List<SeatLoss> losses = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (UsherClient dan = client(n, null).signIn("dan", "a-long-password-for-dan-1").listener(new SeatListener() {
            @Override
            public void seatLost(Seat seat, SeatLoss loss) {
                losses.add(loss);
            }
        }).build()) {
            Seat seat = dan.checkout("cal");
            n.admin().disable("dan", "Contract ended");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (losses.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(losses).hasSize(1);
            assertThat(losses.get(0).code()).isEqualTo(SeatLoss.PERSON_DISABLED);
            assertThat(losses.get(0).reason()).isEqualTo("Contract ended");
            assertThat(losses.get(0).byAdministrator()).isTrue();
            assertThat(seat.isValid()).isFalse();
            assertThat(seat.lossReason()).isSameAs(losses.get(0));
            assertThat(dan.seat("cal")).isEmpty();
        }
    }

    @Test
    void closingTheClientEndsItsSession() {
        ServerProcess.Node n = licensed(1);
        UsherClient a = client(n, "alice").build();
        Seat seat = a.checkout("cal");
        a.close();
        assertThat(seat.isValid()).isFalse();
        assertThat(n.admin().seats()).isEmpty();
        assertThat(n.admin().send("POST", "/api/v1/sessions/" + a.sessionId() + "/heartbeat", "").status).isEqualTo(410);
    }

    @Test
    void withNoServerAtAllTheErrorSaysSo() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (UsherClient none = UsherClient.builder().servers(URI.create("http://127.0.0.1:" + port)).product("demo").user("bob").build()) {
            assertThatThrownBy(() -> none.checkout("cal")).isInstanceOfSatisfying(UsherException.class, e -> {
                assertThat(e.type()).isEqualTo("server-unreachable");
                assertThat(e.status()).isZero();
                assertThat(e.getMessage()).contains("No license server answers (tried http://127.0.0.1:" + port);
            });
        }
    }

    /** A node whose database is away answers 503 store-unavailable: that is trouble at that node, so the next one is asked. */
    @Test
    void aServerErrorFailsOverToTheNextServerButServerNotLicensedDoesNot() throws IOException {
        ServerProcess.Node n = licensed(1);
        com.sun.net.httpserver.HttpServer sick = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> type = new java.util.concurrent.atomic.AtomicReference<>("store-unavailable");
        sick.createContext("/", exchange -> {
            asked.incrementAndGet();
            byte[] body = ("{\"type\":\"urn:usher:problem:" + type.get() + "\",\"title\":\"t\",\"status\":503,\"detail\":\"d\"}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        sick.start();
        try {
            URI sickUrl = URI.create("http://127.0.0.1:" + sick.getAddress().getPort());
            List<URI> unreachable = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (UsherClient c = UsherClient.builder().servers(sickUrl, URI.create(n.url)).product("demo").user("bob").host("ws2")
                    .listener(new SeatListener() {
                        @Override
                        public void serverUnreachable(URI server, Throwable cause) {
                            unreachable.add(server);
                        }
                    }).build()) {
                assertThat(c.checkout("cal").isValid()).isTrue();
                assertThat(c.currentServer()).isEqualTo(URI.create(n.url));
                assertThat(unreachable).contains(sickUrl);
                assertThat(asked.get()).isEqualTo(1);
            }
            // server-not-licensed is an answer every node would give: no failover, the refusal is the answer.
            type.set("server-not-licensed");
            try (UsherClient c = UsherClient.builder().servers(sickUrl, URI.create(n.url)).product("demo").user("cid").host("ws3").build()) {
                assertThatThrownBy(() -> c.checkout("cal")).isInstanceOf(ServerNotLicensed.class);
                assertThat(c.currentServer()).isEqualTo(sickUrl);
            }
        } finally {
            sick.stop(0);
        }
    }

    @Test
    void aStoredLoanIsProvenWithNoServerAndReturningItFreesTheSeat() {
        ServerProcess.Node n = licensed(1);
        BorrowToken t;
        try (UsherClient ann = client(n, "ann").build(); UsherClient bob = client(n, "bob").build()) {
            t = ann.borrow("cal", Duration.ofDays(7));
            assertThat(t.user()).isEqualTo("ann");
            assertThat(ann.borrowed("cal")).contains(t);
            assertThatThrownBy(() -> bob.checkout("cal")).isInstanceOf(NoSeatsAvailable.class);
        }
        // No server at all: the application proves the loan from the stored token alone.
        Clock before = Clock.fixed(t.until().minusSeconds(1), ZoneOffset.UTC);
        try (UsherClient offline = UsherClient.builder().servers(URI.create("http://127.0.0.1:1")).product("demo")
                .user("ann").clock(before).borrowStore(dir.resolve("borrows-ann")).build()) {
            assertThat(offline.borrowed("cal")).contains(t);
            assertThat(offline.borrowed("other")).isEmpty();
        }
        try (UsherClient ann = client(n, "ann").build(); UsherClient bob = client(n, "bob").build()) {
            ann.returnBorrow("cal");
            assertThat(ann.borrowed("cal")).isEmpty();
            assertThat(bob.checkout("cal").seatId()).isNotBlank();
            assertThatThrownBy(() -> ann.returnBorrow("cal")).isInstanceOf(UsherException.class)
                    .hasMessageContaining("Nothing of demo cal is borrowed");
        }
    }

    @Test
    void waitingInLineGetsTheSeatWhenItIsFreeOrSaysWhereItStood() throws Exception {
        ServerProcess.Node n = licensed(1);
        try (UsherClient ann = client(n, "ann").build(); UsherClient bob = client(n, "bob").build();
             UsherClient cid = client(n, "cid").build()) {
            Seat held = ann.checkout("cal");
            CompletableFuture<Seat> bobWaits = CompletableFuture.supplyAsync(() -> bob.checkout("cal", Wait.upTo(Duration.ofSeconds(30))));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Json.parse(n.admin().send("GET", "/api/v1/queue", null).body).toString().equals("[]") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            NoSeatsAvailable e = org.junit.jupiter.api.Assertions.assertThrows(NoSeatsAvailable.class,
                    () -> cid.checkout("cal", Wait.upTo(Duration.ofSeconds(1))));
            assertThat(e.queuePosition()).isEqualTo(2);
            assertThat(e.getMessage()).contains("number 2 in line");

            held.close();
            Seat got = bobWaits.get(10, TimeUnit.SECONDS);
            assertThat(got.user()).isEqualTo("bob");
            assertThat(got.isValid()).isTrue();
        }
        assertThatThrownBy(() -> Wait.upTo(Duration.ofSeconds(301))).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Java 11 to 14 have no Ed25519. Without the provider that brings it (as there), the client says so in a
     * sentence, before it asks the server for a loan it could never prove.
     */
    @Test
    void withoutEd25519TheClientSaysItCannotVerifyOfflineAndBorrowsNothing() {
        ServerProcess.Node n = licensed(1);
        Provider[] all = Security.getProviders();
        int position = -1;
        Provider ec = null;
        for (int i = 0; i < all.length; i++) {
            if (all[i].getService("KeyFactory", "Ed25519") != null) {
                ec = all[i];
                position = i + 1;
            }
        }
        assertThat(ec).as("a provider of Ed25519 on this Java").isNotNull();
        Security.removeProvider(ec.getName());
        try {
            assertThat(BorrowToken.canVerifyOffline()).isFalse();
            try (UsherClient ann = client(n, "ann").build()) {
                assertThatThrownBy(() -> ann.borrow("cal", Duration.ofDays(1)))
                        .isInstanceOfSatisfying(OfflineVerificationUnavailable.class, e -> {
                            assertThat(e.type()).isEqualTo("offline-verification-unavailable");
                            assertThat(e.getMessage()).startsWith("This Java runtime (Java " + System.getProperty("java.version")
                                    + ") has no Ed25519 signatures, so a borrow token cannot be checked offline.");
                        });
                assertThat(Json.parse(n.admin().send("GET", "/api/v1/borrows", null).body).toString()).isEqualTo("[]");
                assertThatThrownBy(() -> BorrowToken.verify("abc.def", "AAAA")).isInstanceOf(OfflineVerificationUnavailable.class);
                // Everything else works.
                assertThat(ann.checkout("cal").isValid()).isTrue();
            }
        } finally {
            Security.insertProviderAt(ec, position);
        }
        assertThat(BorrowToken.canVerifyOffline()).isTrue();
    }
}
