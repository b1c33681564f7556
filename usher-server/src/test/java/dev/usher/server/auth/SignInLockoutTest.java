package dev.usher.server.auth;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guessing wrong slows down the guesser's address, but cannot lock the administrator out: the
 * right password from an address with no recent failures gets in (issue 17, point 15). The
 * requests come from two loopback addresses, 127.0.0.1 (the attacker) and 127.0.0.2.
 */
class SignInLockoutTest {

    private static final String RIGHT = "{\"user\":\"admin\",\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}";
    private static final String WRONG = "{\"user\":\"admin\",\"password\":\"guess-guess-guess\"}";

    @TempDir
    Path dir;

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int signIn(String from, String body) throws Exception {
        HttpClient http = HttpClient.newBuilder().localAddress(InetAddress.getByName(from)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.server().localUrl() + "/api/v1/auth/sign-in"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    /** Ten wrong guesses from the attacker, each as soon as the back-off allows: the account now waits minutes. */
    private void attack() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertThat(signIn("127.0.0.1", WRONG)).isEqualTo(401);
            server.clock().advance(Duration.ofSeconds(1L << i));
        }
        server.clock().advance(Duration.ofSeconds(-(1L << 9))); // the last failure was just now
    }

    @Test
    void theRightPasswordFromAnAddressWithoutFailuresGetsIn() throws Exception {
        attack();
        assertThat(signIn("127.0.0.1", RIGHT)).as("the attacker's address waits").isEqualTo(429);
        assertThat(signIn("127.0.0.2", RIGHT)).as("the administrator's machine gets in").isEqualTo(200);
    }

    @Test
    void theGuessersAddressKeepsItsBackOffForEveryAccount() throws Exception {
        attack();
        new Http(server.server().localUrl(), TestServer.ADMIN_TOKEN).post("/api/v1/users", "{\"name\":\"carol\",\"password\":\"carol-password-1\"}");
        assertThat(signIn("127.0.0.1", "{\"user\":\"carol\",\"password\":\"carol-password-1\"}")).isEqualTo(429);
        // A wrong guess from a fresh address is evaluated, and then that address waits too.
        assertThat(signIn("127.0.0.2", WRONG)).isEqualTo(401);
        assertThat(signIn("127.0.0.2", RIGHT)).isEqualTo(429);
        // Once the address's wait is over, the right password works from it.
        server.clock().advance(SignInThrottle.MAX_DELAY);
        assertThat(signIn("127.0.0.2", RIGHT)).isEqualTo(200);
    }
}
