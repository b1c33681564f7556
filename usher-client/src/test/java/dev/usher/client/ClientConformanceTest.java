package dev.usher.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The protocol of docs/CLIENTS.md, held against both clients: every scenario runs once with the Java
 * client and once with the Python client, against real servers (a child JVM on Java 25; this one runs
 * on Java 17). The server's clock stands still unless a scenario moves it, so a lease lapses only when
 * the scenario says so; the clients heartbeat in real time every second (lease TTL 4 s).
 *
 * <p>The Python runs are skipped only where {@code python3} is missing and {@code CI} is not set.
 */
class ClientConformanceTest extends AgainstRealServers {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final List<ClientDriver> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(ClientDriver::close);
    }

    // ---- set-up ----------------------------------------------------------------------------------

    /** A node with {@code seats} of {@code demo cal} and a lease of 4 s (heartbeats every second). */
    private ServerProcess.Node licensed(int seats) {
        return licensed(seats, "ttl=4");
    }

    private ClientDriver client(String language, String user, List<ServerProcess.Node> on, Duration grace, boolean retake) {
        List<String> urls = new ArrayList<>();
        on.forEach(n -> urls.add(n.url));
        ServerProcess.Node first = on.get(0);
        ClientDriver.Setup setup = new ClientDriver.Setup(urls, "demo", user, "ws-" + user, grace, retake,
                Duration.between(Instant.now(), first.now), work.resolve(unique("borrows-" + language + "-")));
        ClientDriver c;
        if (language.equals("python")) {
            assumePython();
            c = new ClientDriver.Python(setup, pythonClient(), work);
        } else {
            c = new ClientDriver.Java(setup);
        }
        clients.add(c);
        return c;
    }

    private ClientDriver client(String language, String user, ServerProcess.Node on) {
        return client(language, user, List.of(on), Duration.ofMinutes(10), false);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
            }
            Thread.sleep(50);
        }
    }

    private static Map<String, Object> taken(ClientDriver c, String feature) {
        Map<String, Object> r = c.checkout(feature);
        assertThat(r.get("ok")).as("%s checkout: %s", c.language(), r).isEqualTo(true);
        return r;
    }

    private static boolean valid(ClientDriver c) {
        return Boolean.TRUE.equals(c.seat("cal").get("valid"));
    }

    private static void assertTakenAgain(ClientDriver c, ServerProcess.Node n) throws InterruptedException {
        await("the seat is taken again", () -> c.events().contains("restored"));
        assertThat(lost(c)).isEmpty();
        assertThat(valid(c)).isTrue();
        assertThat(n.admin().seats()).hasSize(1);
    }

    private static List<String> lost(ClientDriver c) {
        List<String> out = new ArrayList<>();
        c.events().stream().filter(e -> e.startsWith("lost ")).forEach(out::add);
        return out;
    }

    // ---- scenarios -------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"java", "python"})
    void checkoutAndJoinFromASecondSessionShareOneSeat(String language) {
        ServerProcess.Node n = licensed(2);
        ClientDriver desktop = client(language, "ann", n);
        ClientDriver browser = client(language, "ann", n);

        Map<String, Object> first = taken(desktop, "cal");
        assertThat(first.get("user")).isEqualTo("ann");
        assertThat(first.get("sharedWithSessions")).isEqualTo(0L);
        Map<String, Object> second = taken(browser, "cal");
        assertThat(second.get("seatId")).as("the second session joins the seat").isEqualTo(first.get("seatId"));
        assertThat(second.get("sharedWithSessions")).isEqualTo(1L);
        assertThat(taken(desktop, "cal").get("seatId")).as("a repeated checkout keeps it").isEqualTo(first.get("seatId"));
        assertThat(n.admin().seats()).hasSize(1);

        browser.checkin("cal");
        assertThat(n.admin().seats()).as("the desktop still holds it").hasSize(1);
        desktop.checkin("cal");
        assertThat(n.admin().seats()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "python"})
    void aFullPoolIsRefusedWithItsNumbers(String language) {
        ServerProcess.Node n = licensed(1);
        taken(client(language, "ann", n), "cal");
        Map<String, Object> r = client(language, "bob", n).checkout("cal");
        assertThat(r.get("ok")).isEqualTo(false);
        assertThat(r.get("type")).isEqualTo("no-seats-available");
        assertThat(r.get("status")).isEqualTo(409L);
        assertThat(r.get("capacity")).isEqualTo(1L);
        assertThat(r.get("inUse")).isEqualTo(1L);
        assertThat((String) r.get("message")).startsWith("All 1 seats of demo cal are in use");
        Map<String, Object> unknown = client(language, "cid", n).checkout("nope");
        assertThat(unknown.get("type")).isEqualTo("unknown-pool");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "python"})
    void heartbeatsKeepTheSeatForLongerThanTheLease(String language) throws InterruptedException {
        ServerProcess.Node n = licensed(1);
        ClientDriver c = client(language, "ann", n);
        String seatId = (String) taken(c, "cal").get("seatId");
        // The server's time moves with real time for three leases; the sweeper runs after every step.
        for (int i = 0; i < 24; i++) {
            Thread.sleep(500);
            servers.advance(0.5);
            servers.sweep(n);
        }
        assertThat(valid(c)).isTrue();
        assertThat(c.events()).isEmpty();
        assertThat(n.admin().seats()).hasSize(1);
        assertThat(n.admin().seats().get(0).get("seatId")).isEqualTo(seatId);
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "python"})
    void aForceReleaseReachesTheAppWithTheReasonAndNoNewSeatIsTaken(String language) throws InterruptedException {
        ServerProcess.Node n = licensed(1);
        ClientDriver c = client(language, "ann", n);
        String seatId = (String) taken(c, "cal").get("seatId");
        n.admin().forceRelease(seatId, "Needed for the audit team");

        await("the app hears it", () -> !lost(c).isEmpty());
        assertThat(lost(c)).containsExactly("lost released-by-administrator|An administrator released this seat:"
                + " Needed for the audit team. Ask them before taking a seat again.");
        assertThat(valid(c)).isFalse();
        // Three more heartbeat intervals: the client did not quietly take a new seat.
        Thread.sleep(3500);
        assertThat(n.admin().seats()).isEmpty();
        assertThat(c.events()).doesNotContain("restored");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "python"})
    void anAppThatAsksForItTakesASeatAgainAfterAForceRelease(String language) throws InterruptedException {
        ServerProcess.Node n = licensed(1);
        ClientDriver c = client(language, "ann", List.of(n), Duration.ofMinutes(10), true);
        String seatId = (String) taken(c, "cal").get("seatId");
        n.admin().forceRelease(seatId, "test");
        assertTakenAgain(c, n);
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "python"})
    void disablingThePersonEndsTheSeatWithTheReason(String language) throws InterruptedException {
        ServerProcess.Node n = licensed(1);
        ClientDriver c = client(language, "ann", n);
        taken(c, "cal");
        n.admin().disable("ann", "Left the company");
        await("the app hears it", () -> !lost(c).isEmpty());
        assertThat(lost(c)).hasSize(1);
        assertThat(lost(c).get(0)).startsWith("lost person-disabled|An administrator disabled this account: Left the company.");
        assertThat(valid(c)).isFalse();
        assertThat(n.admin().seats()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "python"})
    void aLapsedLeaseIsTakenAgainWithTheSameSession(String language) throws InterruptedException {
        ServerProcess.Node n = licensed(1);
        ClientDriver c = client(language, "ann", n);
        taken(c, "cal");
        // The lease lapses (as after a network outage longer than it) and the sweeper ends the session.
        servers.advance(5);
        servers.sweep(n);
        assertTakenAgain(c, n);
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "python"})
    void aServerRestartWithinTheGracePeriodKeepsTheSeat(String language) throws InterruptedException {
        ServerProcess.Node n = licensed(1);
        ClientDriver c = client(language, "ann", n);
        String seatId = (String) taken(c, "cal").get("seatId");
        servers.stop(n);
        await("the client notices", () -> c.events().stream().anyMatch(e -> e.startsWith("unreachable")));
        assertThat(valid(c)).as("within the grace period").isTrue();

        servers.advance(1);
        servers.resume(n);
        // The restored session's lease ends at (restart + TTL); the next answered heartbeat moves it past that.
        Instant restored = n.now.plusSeconds(1 + 4);
        await("a heartbeat reaches the restarted server", () -> {
            Object at = c.seat("cal").get("leaseExpiresAt");
            return at != null && Instant.parse((String) at).isAfter(restored.minusMillis(1));
        });
        assertThat(lost(c)).isEmpty();
        assertThat(c.events()).doesNotContain("restored");
        assertThat(valid(c)).isTrue();
        assertThat(n.admin().seats().get(0).get("seatId")).isEqualTo(seatId);
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "python"})
    void noServerForLongerThanTheGracePeriodLosesTheSeat(String language) throws InterruptedException {
        ServerProcess.Node n = licensed(1);
        ClientDriver c = client(language, "ann", List.of(n), Duration.ofSeconds(3), false);
        taken(c, "cal");
        servers.stop(n);
        await("the grace period ends", () -> !lost(c).isEmpty());
        assertThat(lost(c).get(0)).startsWith("lost no-server-answered|No license server has answered since");
        assertThat(valid(c)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "python"})
    void failsOverToTheSecondNodeAndKeepsTheSameSeat(String language) throws InterruptedException {
        ServerProcess.Node a = licensed(1, "ttl=4", "db=postgresql");
        ServerProcess.Node b = track(servers.join(unique("n"), a.name));
        ClientDriver c = client(language, "ann", List.of(a, b), Duration.ofMinutes(10), false);
        String seatId = (String) taken(c, "cal").get("seatId");
        assertThat(c.currentServer()).isEqualTo(a.url);

        servers.stop(a);
        await("heartbeats go to the second node", () -> c.currentServer().equals(b.url));
        Thread.sleep(2500); // two more heartbeats there
        assertThat(lost(c)).isEmpty();
        assertThat(c.events()).doesNotContain("restored");
        assertThat(valid(c)).isTrue();
        assertThat(b.admin().seats()).hasSize(1);
        assertThat(b.admin().seats().get(0).get("seatId")).isEqualTo(seatId);
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "python"})
    void aBorrowTokenVerifiesOfflineUntilItsDateAndNotOnceChanged(String language) {
        ServerProcess.Node n = licensed(2);
        ClientDriver c = client(language, "ann", n);
        // Six days: the pool lends for seven at most, counted from the server's time.
        Map<String, Object> lent = c.borrow("cal", Duration.ofDays(6));
        assertThat(lent.get("ok")).as("%s", lent).isEqualTo(true);
        assertThat(lent.get("user")).isEqualTo("ann");
        String token = (String) lent.get("token");
        Instant until = Instant.parse((String) lent.get("until"));
        assertThat(until).isBetween(n.now.plus(Duration.ofDays(6)), n.now.plus(Duration.ofDays(6)).plusSeconds(60));
        String key = n.admin().borrowPublicKey();

        Map<String, Object> ok = c.verify(token, key, until.minusSeconds(1));
        assertThat(ok.get("ok")).as("%s", ok).isEqualTo(true);
        assertThat(ok.get("user")).isEqualTo("ann");
        assertThat(ok.get("feature")).isEqualTo("cal");

        Map<String, Object> ended = c.verify(token, key, until);
        assertThat(ended.get("type")).isEqualTo("invalid-borrow-token");
        assertThat((String) ended.get("message")).contains("ended at");

        int dot = token.indexOf('.');
        String changed = token.substring(0, dot - 2) + (token.charAt(dot - 2) == 'A' ? 'B' : 'A') + token.substring(dot - 1);
        Map<String, Object> tampered = c.verify(changed, key, until.minusSeconds(1));
        assertThat(tampered.get("type")).isEqualTo("invalid-borrow-token");
        assertThat(c.verify("garbage", key, until.minusSeconds(1)).get("type")).isEqualTo("invalid-borrow-token");
    }
}
