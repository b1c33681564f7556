package dev.usher.client;

import dev.usher.server.testing.MutableClock;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Borrowing and waiting in line, from the vendor application's side, against a real server. */
class BorrowAndWaitTest {

    @TempDir
    Path dir;

    private UsherClient.Builder client(TestServer s, String user) {
        return UsherClient.builder().servers(URI.create(s.server().localUrl())).product("demo").user(user).host("laptop")
                .clock(s.clock()).borrowStore(dir.resolve("borrows-" + user));
    }

    @Test
    void aBorrowTokenVerifiesOfflineUntilItsDateAndNotAfterOneChangedByte() {
        String token;
        String key;
        Instant until;
        try (TestServer s = TestServer.start(dir.resolve("server"))) {
            s.license("demo", "cal", 2);
            try (UsherClient c = client(s, "ann").build()) {
                BorrowToken t = c.borrow("cal", Duration.ofDays(7));
                assertThat(t.user()).isEqualTo("ann");
                assertThat(t.product()).isEqualTo("demo");
                assertThat(t.feature()).isEqualTo("cal");
                assertThat(t.installationId()).isEqualTo(s.installationId());
                assertThat(t.until()).isEqualTo(s.now().plus(Duration.ofDays(7)));
                assertThat(c.borrowed("cal")).contains(t);
                token = t.text();
                until = t.until();
                key = s.admin().get("/api/v1/installation").json().get("borrowPublicKey").asString();
            }
        }
        // The server is gone: the application proves the loan from the stored token alone.
        Clock before = Clock.fixed(until.minusSeconds(1), ZoneOffset.UTC);
        assertThat(BorrowToken.verify(token, key, before).user()).isEqualTo("ann");
        try (UsherClient offline = UsherClient.builder().servers(URI.create("http://127.0.0.1:1")).product("demo")
                .user("ann").clock(before).borrowStore(dir.resolve("borrows-ann")).build()) {
            assertThat(offline.borrowed("cal")).isPresent();
            assertThat(offline.borrowed("other")).isEmpty();
        }

        assertThatThrownBy(() -> BorrowToken.verify(token, key, Clock.fixed(until, ZoneOffset.UTC)))
                .isInstanceOf(InvalidBorrowToken.class).hasMessageContaining("ended at " + until);
        // Change one byte anywhere: the signature no longer matches (or the token no longer parses).
        for (int i = 0; i < token.length(); i += Math.max(1, token.length() / 40)) {
            char[] chars = token.toCharArray();
            chars[i] = chars[i] == 'A' ? 'B' : 'A';
            String tampered = new String(chars);
            if (tampered.equals(token)) {
                continue;
            }
            assertThatThrownBy(() -> BorrowToken.verify(tampered, key, before)).as("byte %d", i)
                    .isInstanceOf(InvalidBorrowToken.class);
        }
        // A token for someone else, re-encoded, is not signed by this installation either.
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(new String(Base64.getUrlDecoder()
                .decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8).replace("\"ann\"", "\"eve\"")
                .getBytes(StandardCharsets.UTF_8)) + token.substring(token.indexOf('.'));
        assertThatThrownBy(() -> BorrowToken.verify(forged, key, before)).hasMessageContaining("signature does not match");
        assertThatThrownBy(() -> BorrowToken.verify("garbage", key, before)).isInstanceOf(InvalidBorrowToken.class);
    }

    @Test
    void returningEarlyFreesTheSeatAndForgetsTheToken() {
        try (TestServer s = TestServer.start(dir.resolve("server"))) {
            s.license("demo", "cal", 1);
            try (UsherClient ann = client(s, "ann").build(); UsherClient bob = client(s, "bob").build()) {
                ann.borrow("cal", Duration.ofDays(2));
                assertThatThrownBy(() -> bob.checkout("cal")).isInstanceOf(NoSeatsAvailable.class);
                ann.returnBorrow("cal");
                assertThat(ann.borrowed("cal")).isEmpty();
                // Ann's session still holds the (no longer borrowed) seat until she closes it.
                ann.close();
                assertThat(bob.checkout("cal").seatId()).isNotBlank();
                assertThatThrownBy(() -> ann.returnBorrow("cal")).isInstanceOf(UsherException.class)
                        .hasMessageContaining("Nothing of demo cal is borrowed");
            }
        }
    }

    @Test
    void waitingInLineGetsTheSeatWhenItIsFreeOrSaysWhereItStood() throws Exception {
        try (TestServer s = TestServer.start(dir.resolve("server"))) {
            s.license("demo", "cal", 1);
            try (UsherClient ann = client(s, "ann").build(); UsherClient bob = client(s, "bob").build();
                 UsherClient cid = client(s, "cid").build()) {
                Seat held = ann.checkout("cal");
                CompletableFuture<Seat> bobWaits = CompletableFuture.supplyAsync(() -> bob.checkout("cal", Wait.upTo(Duration.ofSeconds(30))));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (s.admin().get("/api/v1/queue").json().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                NoSeatsAvailable e = org.junit.jupiter.api.Assertions.assertThrows(NoSeatsAvailable.class,
                        () -> cid.checkout("cal", Wait.upTo(Duration.ofSeconds(1))));
                assertThat(e.queuePosition()).isEqualTo(2);
                assertThat(e.getMessage()).contains("number 2 in line");

                held.close();
                Seat got = bobWaits.get(5, TimeUnit.SECONDS);
                assertThat(got.user()).isEqualTo("bob");
                assertThat(got.isValid()).isTrue();
            }
        }
        assertThatThrownBy(() -> Wait.upTo(Duration.ofSeconds(301))).isInstanceOf(IllegalArgumentException.class);
    }
}
