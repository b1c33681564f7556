package dev.usher.server.report;

import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.core.usage.UsageRow;
import dev.usher.core.usage.UserDay;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A simulated month on a real server with a moved clock, checked against numbers worked out by hand.
 *
 * <p>Every day of June 2 .. July 1 in pool cad/cal (3 seats): alice and bob take a seat at 09:00 and
 * give it back at 16:59:30; carol holds one 10:00 .. 10:59:30; on even days (June 2, 4, ...) dave and
 * erin are refused at 10:30. Per day, then: 60 minutes at 2 (09:00-09:59), 60 at 3 (10:00-10:59; the
 * 10:30 minute of an even day is 3 in use + 2 refused = 5), 360 at 2 (11:00-16:59), 960 at 0. Over the
 * 43,200 minutes of the month, sorted: 28,800 zeros, 12,600 twos (to rank 41,400), 1,785 threes (to
 * 43,185), 15 fives. Nearest rank: 95% is rank 41,040 = 2 seats; 99% is rank 42,768 = 3; all = 5.
 * The server is restarted in the middle of day 15 while seats are held.
 */
class UsageHistoryTest {

    static final Instant JUNE_2 = Instant.parse("2026-06-02T00:00:00Z");
    static final int DAYS = 30;

    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void at(Instant day, String time) {
        server.clock().set(Instant.parse(day.toString().substring(0, 10) + "T" + time + "Z"));
    }

    private CheckoutOutcome take(String session, String user) {
        return server.server().seats().checkout(session, "cad", "cal", user, "ws-" + user, "test");
    }

    private void give(String session) {
        assertThat(server.server().seats().checkin(session, "cad", "cal")).isTrue();
    }

    private void tick() {
        server.server().usageRecorder().tick();
    }

    private void simulateMonth() {
        server.license("cad", "cal", 3);
        for (int d = 0; d < DAYS; d++) {
            Instant day = JUNE_2.plus(Duration.ofDays(d));
            at(day, "09:00:00");
            assertThat(take("a-" + d, "alice")).isInstanceOf(CheckoutOutcome.Held.class);
            assertThat(take("b-" + d, "bob")).isInstanceOf(CheckoutOutcome.Held.class);
            at(day, "10:00:00");
            assertThat(take("c-" + d, "carol")).isInstanceOf(CheckoutOutcome.Held.class);
            if (d % 2 == 0) {
                at(day, "10:30:00");
                assertThat(take("d-" + d, "dave")).isInstanceOf(CheckoutOutcome.Denied.class);
                assertThat(take("e-" + d, "erin")).isInstanceOf(CheckoutOutcome.Denied.class);
            }
            if (d == 15) {
                at(day, "10:45:00");
                tick(); // covers up to 10:44, then the server stops mid-hour with three seats held
                server.restart();
            }
            at(day, "10:59:30");
            give("c-" + d);
            at(day, "16:59:30");
            give("a-" + d);
            give("b-" + d);
            if (d % 7 == 3) {
                at(day, "18:00:00");
                tick(); // some days are covered in two steps, which must change nothing
            }
            server.clock().set(day.plus(Duration.ofDays(1)).plusSeconds(5));
            tick();
        }
    }

    @Test
    void a_simulated_month_gives_the_hand_computed_peaks_averages_users_and_right_sizing() {
        server = TestServer.start(dir);
        simulateMonth();
        var report = server.server().usageReport();
        long from = JUNE_2.toEpochMilli();
        long to = JUNE_2.plus(Duration.ofDays(DAYS)).toEpochMilli();
        var store = server.server().usageRecorder().store();

        List<UsageRow> minutes = store.rows(UsageRow.Step.MINUTE, "cad", "cal", from, to);
        assertThat(minutes).hasSize(DAYS * 1440);

        List<UsageRow> days = store.rows(UsageRow.Step.DAY, "cad", "cal", from, to);
        assertThat(days).hasSize(DAYS);
        for (int d = 0; d < DAYS; d++) {
            UsageRow r = days.get(d);
            assertThat(r.start()).isEqualTo(JUNE_2.plus(Duration.ofDays(d)).toEpochMilli());
            assertThat(r.peak()).as("day %d", d).isEqualTo(3);
            assertThat(r.capacity()).isEqualTo(3);
            assertThat(r.grants()).as("day %d", d).isEqualTo(3);
            assertThat(r.deniedNoSeats()).as("day %d", d).isEqualTo(d % 2 == 0 ? 2 : 0);
            assertThat(r.demandPeak()).as("day %d", d).isEqualTo(d % 2 == 0 ? 5 : 3);
            assertThat(r.distinctUsers()).as("day %d", d).isEqualTo(3);
            // alice and bob 7 h 59 m 30 s each, carol 59 m 30 s
            assertThat(r.seatMs()).as("day %d", d).isEqualTo(2 * 28_770_000L + 3_570_000L);
        }

        List<UsageRow> hours = store.rows(UsageRow.Step.HOUR, "cad", "cal", from, to);
        assertThat(hours).hasSize(DAYS * 24);
        UsageRow h10 = hours.get(10); // June 2, 10:00 (an even day)
        assertThat(h10.start()).isEqualTo(Instant.parse("2026-06-02T10:00:00Z").toEpochMilli());
        assertThat(h10.peak()).isEqualTo(3);
        assertThat(h10.demandPeak()).isEqualTo(5);
        assertThat(h10.refusedUsers()).isEqualTo(2);
        assertThat(h10.grants()).isEqualTo(1);
        assertThat(h10.deniedNoSeats()).isEqualTo(2);
        assertThat(h10.distinctUsers()).isEqualTo(3);
        assertThat(h10.seatMs()).isEqualTo(3 * 3_570_000L + 2 * 30_000L);
        assertThat(hours.get(9).distinctUsers()).isEqualTo(2);
        assertThat(hours.get(17).distinctUsers()).isZero();
        assertThat(hours.get(17).peak()).isZero();
        // Day 15 (restarted at 10:45) has exactly the hours of every other odd day.
        for (int h = 0; h < 24; h++) {
            UsageRow a = hours.get(15 * 24 + h);
            UsageRow b = hours.get(13 * 24 + h);
            assertThat(List.of(a.peak(), a.seatMs(), a.grants(), a.distinctUsers(), a.demandPeak()))
                    .as("hour %d of day 15", h).isEqualTo(List.of(b.peak(), b.seatMs(), b.grants(), b.distinctUsers(), b.demandPeak()));
        }

        List<UserDay> people = store.userDays("cad", "cal", null, from, to);
        assertThat(people).hasSize(DAYS * 3);
        UserDay alice = people.stream().filter(p -> p.user().equals("alice")).findFirst().orElseThrow();
        assertThat(alice.sessions()).isEqualTo(1);
        assertThat(alice.hosts()).containsExactly("ws-alice");
        assertThat(alice.seatMs()).isEqualTo(28_770_000L);
        assertThat(alice.hoursMask()).isEqualTo(0b1_1111_1110_0000_0000); // hours 9..16

        var rs = report.rightSizing(new ReportQuery("cad", "cal", null, JUNE_2, JUNE_2.plus(Duration.ofDays(DAYS)), UsageRow.Step.MINUTE));
        assertThat(rs.periods()).isEqualTo(43_200);
        assertThat(rs.owned()).isEqualTo(3);
        assertThat(rs.servesAll()).isEqualTo(5);
        assertThat(rs.serves99()).isEqualTo(3);
        assertThat(rs.serves95()).isEqualTo(2);
        assertThat(rs.estimate()).isEqualTo("Estimate: you own 3; the busiest minute (2026-06-02 10:30 UTC) used 3 and refused 2;"
                + " 5 would have served everyone; 3 would have served 99% of minutes; 2 would have served 95% of minutes (43200 minutes). "
                + dev.usher.core.usage.RightSizing.DEMAND);

        // The same through the API, JSON and CSV.
        Http admin = server.admin();
        Http.Response r = admin.get("/api/v1/usage/right-sizing?product=cad&feature=cal&from=2026-06-02&to=2026-07-02");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("estimate").asBoolean()).isTrue();
        assertThat(r.json().get("servesEveryone").asInt()).isEqualTo(5);
        assertThat(r.json().get("sentence").asString()).startsWith("Estimate: you own 3;");
        JsonNode day = admin.get("/api/v1/usage?product=cad&feature=cal&from=2026-06-02&to=2026-06-03&step=day").json();
        assertThat(day.size()).isEqualTo(1);
        assertThat(day.get(0).get("peakInUse").asInt()).isEqualTo(3);
        assertThat(day.get(0).get("denials").get("no-seats-available").asInt()).isEqualTo(2);
        assertThat(day.get(0).get("averageInUse").asDouble()).isEqualTo(Math.round(61_110_000 / 86_400_000.0 * 1000) / 1000.0);
        Http.Response csv = admin.withHeader("Accept", "text/csv").get("/api/v1/usage?product=cad&feature=cal&from=2026-06-02T10:00:00Z&to=2026-06-02T12:00:00Z&step=hour");
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.text().split("\r\n")).hasSize(3);
        assertThat(csv.text().split("\r\n")[1]).startsWith("cad,cal,2026-06-02T10:00:00Z,2026-06-02T11:00:00Z,3,2.992,3,1,2,0,0,3,2,5");
        JsonNode users = admin.get("/api/v1/usage/users?product=cad&feature=cal&user=alice&from=2026-06-02&to=2026-06-04").json();
        assertThat(users.size()).isEqualTo(2);
        assertThat(users.get(0).get("seatHours").asDouble()).isEqualTo(7.992);
        assertThat(users.get(0).get("hosts").get(0).asString()).isEqualTo("ws-alice");
        JsonNode denials = admin.get("/api/v1/denials?product=cad&feature=cal&from=2026-06-02&to=2026-06-03").json();
        assertThat(denials.size()).isEqualTo(2);
        assertThat(denials.get(0).get("user").asString()).isEqualTo("dave");
        assertThat(denials.get(0).get("reason").asString()).isEqualTo("no-seats-available");
    }
}
