package dev.usher.client;

import dev.usher.core.identity.AuthMode;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.MutableClock;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UsherClientTest {

    @TempDir
    Path dir;

    /** Records what the client tells the application. */
    static final class Events implements SeatListener {
        final List<String> log = new CopyOnWriteArrayList<>();
        final CountDownLatch restored = new CountDownLatch(1);
        final CountDownLatch lost = new CountDownLatch(1);

        @Override
        public void seatLost(Seat seat, String reason) {
            log.add("lost " + reason);
            lost.countDown();
        }

        @Override
        public void seatRestored(Seat seat) {
            log.add("restored");
            restored.countDown();
        }

        @Override
        public void serverUnreachable(URI server, Throwable cause) {
            log.add("unreachable " + server);
        }

        boolean any(String prefix) {
            return log.stream().anyMatch(s -> s.startsWith(prefix));
        }
    }

    private static UsherClient.Builder client(TestServer s, String user) {
        return UsherClient.builder().servers(URI.create(s.server().localUrl())).product("demo").user(user).host("ws1")
                .clientName("test 1.0");
    }

    private static int seatCount(TestServer s) {
        return s.admin().get("/api/v1/seats").json().size();
    }

    private static int freePort() throws Exception {
        try (ServerSocket ss = new ServerSocket(0)) {
            return ss.getLocalPort();
        }
    }

    @Test
    void checkoutJoinAndClose() {
        try (TestServer s = TestServer.start(dir)) {
            s.license("demo", "cal", 2);
            try (UsherClient a = client(s, "alice").build(); UsherClient b = client(s, "alice").build()) {
                Seat seat = a.checkout("cal");
                assertThat(seat.seatId()).isNotBlank();
                assertThat(seat.user()).isEqualTo("alice");
                assertThat(seat.heartbeatSeconds()).isPositive();
                assertThat(seat.leaseExpiresAt()).isAfter(s.now());
                assertThat(seat.isValid()).isTrue();
                assertThat(seat.sessionId()).isEqualTo(a.sessionId()).matches("ws1-[0-9a-f]{16}");
                assertThat(a.checkout("cal").seatId()).as("repeated checkout keeps the seat").isEqualTo(seat.seatId());

                Seat joined = b.checkout("cal");
                assertThat(joined.seatId()).isEqualTo(seat.seatId());
                assertThat(joined.sharedWithSessions()).isEqualTo(1);
                assertThat(seatCount(s)).isEqualTo(1);

                joined.close();
                joined.close(); // idempotent
                assertThat(joined.isValid()).isFalse();
                seat.close();
                assertThat(seatCount(s)).isZero();
            }
        }
    }

    @Test
    void closingTheClientEndsItsSession() {
        try (TestServer s = TestServer.start(dir)) {
            s.license("demo", "cal", 1);
            UsherClient a = client(s, "alice").build();
            Seat seat = a.checkout("cal");
            a.close();
            assertThat(seat.isValid()).isFalse();
            assertThat(seatCount(s)).isZero();
            assertThat(s.client().heartbeat(a.sessionId()).status()).isEqualTo(410);
        }
    }

    @Test
    void refusalsAreTyped() {
        try (TestServer s = TestServer.start(dir)) {
            s.license("demo", "cal", 1);
            Instant now = s.now();
            String unlicensed = s.vendor().license(now).seats("other", "cal", 1, now.minus(Duration.ofDays(1)),
                    now.plus(Duration.ofDays(30))).text();
            assertThat(s.admin().post("/api/v1/licenses", unlicensed).status()).isEqualTo(201);
            try (UsherClient alice = client(s, "alice").build(); UsherClient bob = client(s, "bob").build();
                 UsherClient other = client(s, "bob").product("other").build()) {
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
    }

    @Test
    void sessionModeSignsInAndRefusesBadTokens() {
        try (TestServer s = TestServer.start(dir, c -> c.withAuthMode(AuthMode.SESSION))) {
            s.license("demo", "cal", 1);
            Http.Response created = s.admin().post("/api/v1/users",
                    "{\"name\":\"carol\",\"password\":\"a-long-password-for-carol-1\"}");
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            try (UsherClient bad = client(s, null).token("not-a-token").build()) {
                assertThatThrownBy(() -> bad.checkout("cal")).isInstanceOf(Unauthenticated.class);
            }
            try (UsherClient wrong = client(s, null).signIn("carol", "wrong-password-123456").build()) {
                assertThatThrownBy(() -> wrong.checkout("cal")).isInstanceOf(Unauthenticated.class);
            }
            s.clock().advance(Duration.ofMinutes(1)); // past the sign-in throttle after a failure
            try (UsherClient carol = client(s, null).signIn("carol", "a-long-password-for-carol-1").build()) {
                Seat seat = carol.checkout("cal");
                assertThat(seat.user()).isEqualTo("carol");
            }
        }
    }

    @Test
    void backgroundHeartbeatsKeepTheSeatThroughSeveralTtls() throws Exception {
        try (TestServer s = TestServer.start(dir, c -> c.withLeaseTtl(Duration.ofSeconds(3)))) {
            s.license("demo", "cal", 1);
            Events ev = new Events();
            try (UsherClient a = client(s, "alice").listener(ev).build()) {
                Seat seat = a.checkout("cal");
                assertThat(seat.heartbeatSeconds()).isEqualTo(1);
                // The server's time moves with real time; the sweeper runs as often as a real one would.
                long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
                while (System.nanoTime() < end) {
                    Thread.sleep(250);
                    s.clock().advance(Duration.ofMillis(250));
                    s.server().sweeper().sweep();
                }
                assertThat(seat.isValid()).isTrue();
                assertThat(ev.log).isEmpty();
                var seats = s.admin().get("/api/v1/seats").json();
                assertThat(seats.size()).isEqualTo(1);
                assertThat(seats.get(0).get("seatId").asString()).isEqualTo(seat.seatId());
                assertThat(seat.leaseExpiresAt()).isAfter(s.now());
            }
        }
    }

    @Test
    void serverRestartKeepsTheSeatAndSession() throws Exception {
        int port = freePort();
        try (TestServer s = TestServer.start(dir, c -> c.withPort(port).withLeaseTtl(Duration.ofSeconds(3)))) {
            s.license("demo", "cal", 1);
            Events ev = new Events();
            try (UsherClient a = client(s, "alice").listener(ev).build()) {
                Seat seat = a.checkout("cal");
                String seatId = seat.seatId();
                s.restart();
                Instant before = seat.leaseExpiresAt();
                s.clock().advance(Duration.ofSeconds(1));
                // A heartbeat after the restart extends the same lease.
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (!seat.leaseExpiresAt().isAfter(before) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(seat.leaseExpiresAt()).isAfter(before);
                assertThat(seat.seatId()).isEqualTo(seatId);
                assertThat(seat.isValid()).isTrue();
                assertThat(ev.any("lost")).isFalse();
                var seats = s.admin().get("/api/v1/seats").json();
                assertThat(seats.size()).isEqualTo(1);
                assertThat(seats.get(0).get("seatId").asString()).isEqualTo(seatId);
                var sessions = s.admin().get("/api/v1/sessions").json();
                assertThat(sessions.size()).isEqualTo(1);
                assertThat(sessions.toString()).contains(a.sessionId());
            }
        }
    }

    @Test
    void failsOverToTheNextServer() throws Exception {
        URI dead = URI.create("http://127.0.0.1:" + freePort());
        try (TestServer s = TestServer.start(dir)) {
            s.license("demo", "cal", 1);
            Events ev = new Events();
            URI live = URI.create(s.server().localUrl());
            try (UsherClient a = UsherClient.builder().servers(dead, live).product("demo").user("alice").host("ws1")
                    .listener(ev).build()) {
                Seat seat = a.checkout("cal");
                assertThat(seat.isValid()).isTrue();
                assertThat(a.currentServer()).isEqualTo(live);
                assertThat(ev.log).contains("unreachable " + dead);
            }
            try (UsherClient none = UsherClient.builder().servers(dead).product("demo").user("bob").build()) {
                assertThatThrownBy(() -> none.checkout("cal")).isInstanceOfSatisfying(UsherException.class,
                        e -> assertThat(e.type()).isEqualTo("server-unreachable"));
            }
        }
    }

    @Test
    void aForceReleasedSeatIsTakenAgain() throws Exception {
        try (TestServer s = TestServer.start(dir, c -> c.withLeaseTtl(Duration.ofSeconds(3)))) {
            s.license("demo", "cal", 1);
            Events ev = new Events();
            try (UsherClient a = client(s, "alice").listener(ev).build()) {
                Seat seat = a.checkout("cal");
                assertThat(s.admin().delete("/api/v1/seats/" + seat.seatId() + "?reason=test").status()).isIn(200, 204);
                assertThat(seatCount(s)).isZero();
                assertThat(ev.restored.await(5, TimeUnit.SECONDS)).as(ev.log.toString()).isTrue();
                assertThat(seat.isValid()).isTrue();
                assertThat(seatCount(s)).isEqualTo(1);
                assertThat(seat.sessionId()).isEqualTo(a.sessionId());
            }
        }
    }

    @Test
    void noServerForLongerThanTheGracePeriodLosesTheSeat() throws Exception {
        MutableClock clientClock = MutableClock.at("2026-06-01T12:00:00Z");
        TestServer s = TestServer.start(dir, c -> c.withLeaseTtl(Duration.ofSeconds(3)));
        s.license("demo", "cal", 1);
        Events ev = new Events();
        try (UsherClient a = client(s, "alice").listener(ev).clock(clientClock).gracePeriod(Duration.ofMinutes(10)).build()) {
            Seat seat = a.checkout("cal");
            s.close();
            // Within the grace period the seat stays valid.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!ev.any("unreachable") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(ev.any("unreachable")).isTrue();
            assertThat(seat.isValid()).isTrue();
            clientClock.advance(Duration.ofMinutes(11));
            assertThat(seat.isValid()).isFalse();
            assertThat(ev.lost.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(ev.log.stream().filter(l -> l.startsWith("lost")).findFirst().orElseThrow()).contains("grace period");
        }
    }
}
