package dev.usher.server.console;

import dev.usher.core.identity.AuthMode;
import dev.usher.core.identity.UserSource;
import dev.usher.core.seat.SeatEvent;
import dev.usher.server.seat.AdminReason;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The console over HTTP, on the rendered HTML: sign-in, every page, escaping, CSRF, and the changes each page makes. */
class ConsolePageTest {

    private static final List<String> PAGES = List.of("/", "/dashboard/live", "/licenses", "/seats", "/users", "/roles", "/doctor",
            "/assignments", "/settings", "/settings/notifications", "/reports", "/audit", "/audit/verify");

    @TempDir
    Path dir;

    private TestServer server;
    private ConsoleClient browser;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        browser = new ConsoleClient(server.server().localUrl());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static Map<String, String> form(String... kv) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private void signIn() {
        ConsoleClient.Page r = browser.signIn("admin", TestServer.ADMIN_PASSWORD);
        assertThat(r.status()).isEqualTo(303);
        assertThat(r.location()).isEqualTo("/");
        browser.get("/");
    }

    @Test
    void everyPageWithoutSignInGoesToTheSignInPage() {
        for (String page : PAGES) {
            ConsoleClient.Page r = browser.get(page);
            assertThat(r.status()).as(page).isEqualTo(302);
            assertThat(r.location()).as(page).startsWith("/login");
        }
        assertThat(browser.get("/licenses").location()).isEqualTo("/login?next=%2Flicenses");
        // htmx polling after the session ended: told to load the sign-in page rather than swapping it into the dashboard
        ConsoleClient.Page live = browser.get("/dashboard/live", Map.of("HX-Request", "true"));
        assertThat(live.status()).isEqualTo(401);
        assertThat(live.headers().firstValue("HX-Redirect")).contains("/login");
        ConsoleClient.Page login = browser.get("/login");
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.html()).contains("<label for=\"user\">User name</label>", "<label for=\"password\">Password</label>");
        // a bearer token is not a console session, nor a made-up cookie
        browser.cookie(TestServer.ADMIN_TOKEN + "x");
        assertThat(browser.get("/").status()).isEqualTo(302);
    }

    @Test
    void signInSetsAStrictHttpOnlyCookieAndSignOutEndsIt() {
        ConsoleClient.Page r = browser.signIn("admin", TestServer.ADMIN_PASSWORD);
        assertThat(r.status()).isEqualTo(303);
        String setCookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("usher_console=")).findFirst().orElseThrow();
        assertThat(setCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict").containsIgnoringCase("Path=/")
                .doesNotContainIgnoringCase("Secure"); // plain HTTP here; Secure is set when the request came over HTTPS
        String session = browser.cookie();
        for (String page : PAGES) {
            ConsoleClient.Page p = browser.get(page);
            assertThat(p.status()).as(page).isEqualTo(200);
            assertThat(p.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(p.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'self'");
        }
        assertThat(browser.get("/").html()).contains("<span class=\"who\">admin</span>", "No pools yet");

        ConsoleClient.Page out = browser.post("/logout", Map.of(), true);
        assertThat(out.status()).isEqualTo(303);
        assertThat(out.location()).isEqualTo("/login");
        assertThat(browser.cookie()).isNull();
        browser.cookie(session); // the old cookie is dead too
        assertThat(browser.get("/").status()).isEqualTo(302);
    }

    @Test
    void wrongPasswordsNonAdministratorsAndThrottlingAreRefusedWithAReason() {
        ConsoleClient.Page wrong = browser.signIn("admin", "not-the-password");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.html()).contains("The user name or password is wrong");
        assertThat(browser.cookie()).isNull();
        ConsoleClient.Page throttled = browser.signIn("admin", TestServer.ADMIN_PASSWORD);
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.html()).contains("Too many failed sign-ins: wait");

        server.clock().advance(Duration.ofMinutes(1));
        server.server().identity().createUser("bob", null, null, "bobs-password-123", UserSource.LOCAL, "test");
        ConsoleClient.Page notAdmin = browser.signIn("bob", "bobs-password-123");
        assertThat(notAdmin.status()).isEqualTo(403);
        assertThat(notAdmin.html()).contains("bob is not an administrator");
        assertThat(browser.cookie()).isNull();

        ConsoleClient.Page empty = browser.signIn("admin", "");
        assertThat(empty.status()).isEqualTo(422);
        assertThat(empty.html()).contains("id=\"password-error\">Enter your password.");
    }

    @Test
    void aSessionEndsAfterTheIdleTimeout() {
        signIn();
        assertThat(browser.get("/seats").status()).isEqualTo(200);
        Duration idle = server.server().identity().authSettings().sessionIdle();
        server.clock().advance(idle.minusMinutes(5));
        assertThat(browser.get("/seats").status()).isEqualTo(200); // used: the idle time starts again
        server.clock().advance(idle.plusMinutes(2));
        assertThat(browser.get("/seats").status()).isEqualTo(302);
    }

    @Test
    void everyChangeWithoutThisSessionsCsrfTokenIsRefusedAndChangesNothing() {
        String licenseId = server.license("cad", "cal", 5);
        server.client().checkout("s1", "cad", "cal", "alice", "ws1");
        signIn();
        ConsoleClient other = new ConsoleClient(server.server().localUrl());
        other.signIn("admin", TestServer.ADMIN_PASSWORD);
        other.get("/");
        List<String> posts = server.server().routes().stream().filter(r -> r.startsWith("POST /") && !r.startsWith("POST /api/"))
                .map(r -> r.substring(5)).filter(p -> !p.equals("/login")).toList();
        assertThat(posts).contains("/licenses", "/logout", "/seats/{seatId}/release", "/settings/auth", "/users", "/doctor/fix-all");
        String seatId = server.server().seats().seatsHeld().getFirst().seatId();
        for (String route : posts) {
            String path = route.replace("{id}", route.startsWith("/licenses") ? licenseId : "1").replace("{seatId}", seatId)
                    .replace("{product}", "cad").replace("{feature}", "cal").replace("{roleId}", "1").replace("{index}", "0")
                    .replace("{keyId}", server.vendor().keyId());
            Map<String, String> form = Map.of("mode", "token", "name", "eve", "password", "eves-password-123", "text", "x");
            assertThat(browser.post(path, form, null, Map.of()).status()).as("no token: " + path).isEqualTo(403);
            assertThat(browser.post(path, form, other.csrf(), Map.of()).status()).as("another session's token: " + path).isEqualTo(403);
            assertThat(browser.post(path, form, browser.csrf(), Map.of("Origin", "http://evil.example")).status())
                    .as("cross-site: " + path).isEqualTo(403);
        }
        assertThat(server.server().licenses().list()).hasSize(1);
        assertThat(server.server().seats().seatsHeld()).hasSize(1);
        assertThat(server.server().identity().authSettings().mode()).isEqualTo(AuthMode.OPEN);
        assertThat(server.server().identity().users().count("eve")).isZero();
        assertThat(browser.get("/").status()).isEqualTo(200); // still signed in
        // the htmx header carries the token as well as the form field does
        assertThat(browser.post("/settings/auth", Map.of("mode", "session", "lifetime", "720", "idle", "120"), null,
                Map.of("X-CSRF-Token", browser.csrf())).status()).isEqualTo(303);
        assertThat(server.server().identity().authSettings().mode()).isEqualTo(AuthMode.SESSION);
    }

    @Test
    void namesFromClientsAndLicensesAreShownAsTextNeverAsMarkup() {
        String evilCustomer = "<b onmouseover=alert(1)>Evil</b> & Co";
        String text = server.vendor().license(server.now().minus(Duration.ofDays(1))).customer(evilCustomer)
                .server("cad", server.installationId(), server.now().minus(Duration.ofDays(1)), server.now().plus(Duration.ofDays(90)))
                .seats("cad", "cal", 5, server.now().minus(Duration.ofDays(1)), server.now().plus(Duration.ofDays(90))).text();
        assertThat(server.admin().post("/api/v1/licenses", text).status()).isEqualTo(201);
        String user = "<script>alert('pwned')</script>";
        assertThat(server.client().checkout("s1", "cad", "cal", user, "<img src=x onerror=alert(2)>").status()).isEqualTo(201);
        signIn();
        String seats = browser.get("/seats").html();
        assertThat(seats).doesNotContain("<script>alert", "<img src=x").contains("&lt;script&gt;alert(");
        String users = browser.get("/users?q=script").html();
        assertThat(users).doesNotContain("<script>alert").contains("&lt;script&gt;");
        String licenses = browser.get("/licenses").html();
        assertThat(licenses).doesNotContain("<b onmouseover").contains("&lt;b onmouseover=alert(1)&gt;Evil&lt;/b&gt; &amp; Co");
        // search terms come back escaped too
        assertThat(browser.get("/seats?q=%22%3E%3Cscript%3Ex").html()).doesNotContain("\"><script>x").contains("value=\"&#34;>&lt;script>x\"");
    }

    @Test
    void addingALicenseByUploadOrPasteChangesCapacityAndRefusalsSayWhyNextToTheField() {
        signIn();
        browser.get("/licenses");
        String text = server.vendor().serverAndSeats(server.installationId(), "cad", "cal", 10, server.now().minus(Duration.ofDays(1)),
                server.now().plus(Duration.ofDays(365)));
        ConsoleClient.Page added = browser.upload("/licenses", "file", "cad.lic", text);
        assertThat(added.status()).isEqualTo(303);
        ConsoleClient.Page list = browser.get("/licenses");
        assertThat(list.html()).contains("Added the license for Test customer: server cad, 10 cad/cal seats.", "data-testid=\"license-status\">valid<");
        assertThat(browser.get("/").html()).contains("data-testid=\"capacity\">10<");

        String unknownVendor = new dev.usher.server.testing.TestVendor().serverAndSeats(server.installationId(), "cad", "cal", 10,
                server.now().minus(Duration.ofDays(1)), server.now().plus(Duration.ofDays(365)));
        ConsoleClient.Page refused = browser.post("/licenses", Map.of("text", unknownVendor), true);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.html()).contains("id=\"text-error\">Refused (unknown-key): ");
        assertThat(refused.html()).contains("aria-invalid=\"true\"");
        ConsoleClient.Page empty = browser.post("/licenses", Map.of("text", " "), true);
        assertThat(empty.html()).contains("id=\"file-error\">Choose a .lic file, or paste its text below.");

        String second = server.vendor().license(server.now()).seats("cad", "cal", 5, server.now().minus(Duration.ofDays(1)),
                server.now().plus(Duration.ofDays(20))).text();
        assertThat(browser.post("/licenses", Map.of("text", second), true).status()).isEqualTo(303);
        assertThat(browser.get("/").html()).contains("data-testid=\"capacity\">15<");
        assertThat(server.server().licenses().list()).hasSize(2);
    }

    @Test
    void removingALicenseConfirmsFirstThenWarnsAboutOverCapacityOnTheDashboard() {
        server.license("cad", "cal", 2);
        String extra = server.vendor().license(server.now()).seats("cad", "cal", 3, server.now().minus(Duration.ofDays(1)),
                server.now().plus(Duration.ofDays(20))).text();
        String extraId = server.admin().post("/api/v1/licenses", extra).json().get("id").asString();
        for (int i = 0; i < 4; i++) {
            assertThat(server.client().checkout("s" + i, "cad", "cal", "user" + i, "ws" + i).status()).isEqualTo(201);
        }
        signIn();
        ConsoleClient.Page confirm = browser.get("/licenses/" + extraId + "/remove");
        assertThat(confirm.html()).contains("Remove this license?", "cad/cal: capacity goes from 5 to 2; 4 seats are held",
                "Seats held now stay held");
        assertThat(server.server().licenses().list()).hasSize(2); // asking changed nothing
        assertThat(browser.post("/licenses/" + extraId + "/remove", Map.of(), true).status()).isEqualTo(303);
        assertThat(server.server().licenses().list()).hasSize(1);
        String dashboard = browser.get("/").html();
        assertThat(dashboard).contains("cad/cal is over capacity: 4 seats are held but only 2 are licensed now");
        assertThat(server.server().seats().seatsHeld()).hasSize(4);
    }

    @Test
    void dashboardShowsPeakAndDenialsTodayAndMissingOrExpiringServerEntitlements() {
        server.license("cad", "cal", 2);
        server.client().checkout("a1", "cad", "cal", "ann", "h1");
        server.client().checkout("b1", "cad", "cal", "ben", "h2");
        assertThat(server.client().checkout("c1", "cad", "cal", "cat", "h3").status()).isEqualTo(409);
        assertThat(server.client().checkout("c2", "cad", "cal", "cat", "h3").status()).isEqualTo(409);
        server.client().delete("/api/v1/sessions/a1");
        server.client().delete("/api/v1/sessions/b1");
        // seats of a product without a server entitlement, and one whose server entitlement ends soon
        String seatsOnly = server.vendor().license(server.now()).seats("cam", "cal", 3, server.now().minus(Duration.ofDays(1)),
                server.now().plus(Duration.ofDays(100))).text();
        server.admin().post("/api/v1/licenses", seatsOnly);
        server.admin().post("/api/v1/licenses", server.vendor().serverAndSeats(server.installationId(), "eda", "cal", 4,
                server.now().minus(Duration.ofDays(1)), server.now().plus(Duration.ofDays(10))));
        signIn();
        String live = browser.get("/dashboard/live").html();
        assertThat(live).startsWith("<div id=\"live\" hx-get=\"/dashboard/live\" hx-trigger=\"every 5s\"");
        assertThat(live).contains("<dt>Peak today</dt><dd>2</dd>", "<dt>Denied today</dt><dd>2</dd>");
        assertThat(live).contains("Product cam has no valid server entitlement", "<strong>Attention:</strong> License 'Test customer':"
                + " the server entitlement of eda (after that no pool of eda grants seats); 4 seats of eda/cal end on 2026-06-11 (in 10 days).");
        // Not only the server's: a 5-seat file of a served product ending in 44 hours is a banner too, marked as needing action.
        server.admin().post("/api/v1/licenses", server.vendor().license(server.now()).customer("Design team")
                .seats("cad", "viewer", 5, server.now().minus(Duration.ofDays(1)), server.now().plus(Duration.ofHours(44))).text());
        live = browser.get("/dashboard/live").html();
        assertThat(live).contains("<p class=\"banner danger\"><strong>Needs action:</strong> License 'Design team': 5 seats of cad/viewer"
                + " end on 2026-06-03 (in 44 h). Add the renewal before then.");
        assertThat(live).as("the 1-year license of cad/cal is not mentioned").doesNotContain("2 seats of cad/cal");
        // later events are read incrementally: one more grant and denial
        server.client().checkout("d1", "cad", "cal", "dan", "h4");
        server.client().checkout("d2", "cad", "cal", "eve", "h5");
        server.client().checkout("d3", "cad", "cal", "fay", "h6");
        live = browser.get("/dashboard/live").html();
        assertThat(live).contains("<dt>Peak today</dt><dd>2</dd>", "<dt>Denied today</dt><dd>3</dd>");
    }

    @Test
    void forceReleaseAsksForAReasonAndRecordsIt() {
        server.license("cad", "cal", 5);
        server.client().checkout("s1", "cad", "cal", "alice", "ws1");
        server.client().checkout("s2", "cad", "cal", "alice", "laptop");
        server.client().checkout("s3", "cad", "cal", "bob", "ws2");
        signIn();
        String seats = browser.get("/seats").html();
        assertThat(seats).contains("2 of 2 seats held", ">alice<", ">ws1<", ">laptop<", ">bob<");
        assertThat(browser.get("/seats?q=lapt").html()).contains("1 of 2 seats held", ">alice<").doesNotContain(">bob<");
        assertThat(browser.get("/seats?pool=cad/cal&q=nobody").html()).contains("No seat matches.");
        String seatId = server.server().seats().seatsHeld().stream().filter(s -> s.user().equals("alice")).findFirst().orElseThrow().seatId();
        ConsoleClient.Page confirm = browser.get("/seats/" + seatId + "/release");
        assertThat(confirm.html()).contains("Force release this seat?", "away from alice now and ends its 2 sessions", "<label for=\"reason\">");
        assertThat(browser.post("/seats/" + seatId + "/release", Map.of("reason", "left the company"), true).status()).isEqualTo(303);
        assertThat(browser.get("/seats").html()).contains("Released the cad/cal seat of alice (2 session(s) ended).", "1 of 1 seats held");
        SeatEvent event = server.server().views().events(10).stream().filter(e -> e.type() == SeatEvent.Type.FORCE_RELEASE && e.sessionId() == null)
                .findFirst().orElseThrow();
        assertThat(event.reason()).isEqualTo("left the company (console, admin)");
        // Recorded as done by the signed-in administrator from the browser's address, not by the server itself.
        server.server().auditRecorder().tick();
        var recorded = server.admin().get("/api/v1/audit?type=seat-force-released").json().get(0);
        assertThat(recorded.get("actor").asString()).isEqualTo("admin");
        assertThat(recorded.get("source").asString()).isEqualTo("127.0.0.1");
        assertThat(browser.post("/seats/" + seatId + "/release", Map.of(), true).location()).isEqualTo("/seats");
        assertThat(browser.get("/seats").html()).contains("That seat was no longer held; nothing changed.");

        // A reason of the full length is taken: the console's own note comes on top of it.
        String bobs = server.server().seats().seatsHeld().getFirst().seatId();
        String longest = "r".repeat(AdminReason.MAX_LENGTH);
        assertThat(browser.post("/seats/" + bobs + "/release", Map.of("reason", longest), true).status()).isEqualTo(303);
        assertThat(server.server().views().events(10).stream().filter(e -> e.type() == SeatEvent.Type.FORCE_RELEASE && e.sessionId() == null)
                .findFirst().orElseThrow().reason()).isEqualTo(longest + " (console, admin)");
        // One character more is refused next to the field, and the seat stays.
        server.client().checkout("s4", "cad", "cal", "bob", "ws2");
        String again = server.server().seats().seatsHeld().getFirst().seatId();
        ConsoleClient.Page tooLong = browser.post("/seats/" + again + "/release", Map.of("reason", longest + "r"), true);
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(tooLong.html()).contains("At most " + AdminReason.MAX_LENGTH + " characters, without line breaks.");
        assertThat(server.server().seats().seatsHeld()).hasSize(1);
    }

    /** Issue 18 §4: disabling a person from the console releases their seats, and their application hears why. */
    @Test
    void disablingAPersonReleasesTheirSeatsAndTheReasonReachesTheirApplication() {
        server.license("demo", "cal", 2);
        assertThat(server.client().checkout("dora-1", "demo", "cal", "dora", "ws4").status()).isEqualTo(201);
        long dora = server.server().identity().users().resolve("dora").orElseThrow().id();
        signIn();
        assertThat(browser.get("/users/" + dora + "/disable").html()).contains("Disable dora?", "go back to their pools now",
                "<label for=\"reason\">");
        ConsoleClient.Page done = browser.post("/users/" + dora + "/disable", Map.of("reason", "Moved to another team"), true);
        assertThat(done.status()).isEqualTo(303);
        assertThat(browser.get(done.location()).html()).contains("Disabled dora; released 1 seat(s) and ended 1 session(s).");
        assertThat(server.admin().get("/api/v1/seats").json().size()).isZero();
        var heartbeat = server.client().heartbeat("dora-1");
        assertThat(heartbeat.status()).isEqualTo(410);
        assertThat(heartbeat.json().get("endedBecause").asString()).isEqualTo("person-disabled");
        assertThat(heartbeat.json().get("reason").asString()).isEqualTo("Moved to another team (console, admin)");
    }

    @Test
    void usersCanBeCreatedSearchedDisabledAliasedMergedAndPutInRoles() {
        signIn();
        browser.get("/users");
        ConsoleClient.Page bad = browser.post("/users", Map.of("name", "", "email", "nope", "password", "x"), true);
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.html()).contains("id=\"name-error\">Enter the user name they sign in with.",
                "id=\"email-error\">Enter an e-mail address like");
        ConsoleClient.Page shortPassword = browser.post("/users", Map.of("name", "carol", "password", "short"), true);
        assertThat(shortPassword.html()).contains("id=\"password-error\">").contains("value=\"carol\"");
        ConsoleClient.Page created = browser.post("/users", Map.of("name", "carol", "displayName", "Carol C", "password", "carols-password-1"), true);
        assertThat(created.status()).isEqualTo(303);
        String carol = created.location();
        assertThat(browser.get(carol).html()).contains("Created user carol.", "Carol C");
        assertThat(browser.get("/users?q=car").html()).contains(">carol</a>");

        assertThat(browser.post(carol + "/aliases", Map.of("alias", "CORP\\ccarol"), true).status()).isEqualTo(303);
        assertThat(browser.get(carol).html()).contains("CORP\\ccarol");
        long admins = server.server().identity().users().roles().stream().filter(r -> "administrators".equals(r.builtIn())).findFirst().orElseThrow().id();
        assertThat(browser.post(carol + "/roles", Map.of("roleId", String.valueOf(admins)), true).status()).isEqualTo(303);
        assertThat(browser.get(carol).html()).contains("carol is now in Administrators.");

        assertThat(browser.get(carol + "/disable").html()).contains("Disable carol?", "will not be able to sign in");
        assertThat(browser.post(carol + "/disable", Map.of(), true).status()).isEqualTo(303);
        assertThat(new ConsoleClient(server.server().localUrl()).signIn("carol", "carols-password-1").status()).isEqualTo(401);

        server.client().checkout("m1", "x", "y", "c.carol", "ws9"); // refused (no such pool), but the user is created
        assertThat(server.server().identity().users().count("c.carol")).isEqualTo(1);
        ConsoleClient.Page preview = browser.get(carol + "/merge?from=c.carol");
        assertThat(preview.html()).contains("Merge c.carol into carol?", "Names that will mean carol: c.carol");
        assertThat(server.server().identity().users().count("c.carol")).isEqualTo(1);
        String fromId = preview.html().replaceAll("(?s).*name=\"from\" value=\"(\\d+)\".*", "$1");
        assertThat(browser.post(carol + "/merge", Map.of("from", fromId), true).status()).isEqualTo(303);
        assertThat(browser.get(carol).html()).contains("Merged into carol");
        assertThat(server.server().identity().users().resolve("c.carol").orElseThrow().name()).isEqualTo("carol");
        assertThat(browser.get(carol + "/merge?from=nobody-here").html()).contains("No user is named nobody-here.");

        // an administrator cannot lock themselves out
        long adminId = server.server().identity().users().resolve("admin").orElseThrow().id();
        ConsoleClient.Page self = browser.post("/users/" + adminId + "/disable", Map.of(), true);
        assertThat(self.status()).isEqualTo(400);
        assertThat(self.html()).contains("You cannot disable yourself");
    }

    @Test
    void rolesAssignmentsAndExplain() {
        server.license("cad", "cal", 10);
        server.client().checkout("s1", "cad", "cal", "alice", "ws1");
        signIn();
        browser.get("/roles");
        assertThat(browser.post("/roles", Map.of("name", "Engineers"), true).status()).isEqualTo(303);
        assertThat(browser.get("/roles").html()).contains("Created role Engineers.", ">Engineers<");

        // a structured editor: a rule's roles are picked from the roles there are, users typed with suggestions;
        // no free text with a placeholder that looks like a real value
        String editor = browser.get("/assignments").html();
        assertThat(editor).contains("<select id=\"roles-cad-cal-0\" name=\"roles0\" multiple", "<option value=\"Engineers\">Engineers</option>",
                "<datalist id=\"known-users\">", "<option value=\"alice\"></option>", "list=\"known-users\"")
                .doesNotContain("placeholder=\"role:", "name=\"target0\"");
        ConsoleClient.Page bad = browser.post("/assignments/cad/cal", form("version", "0", "rows", "4",
                "kind0", "reserve", "roles0", "Nobody", "seats0", "3",
                "kind1", "limit", "roles1", "Engineers", "seats1", "",
                "kind2", "deny", "users2", "", "seats2", "",
                "kind3", "", "users3", "", "seats3", ""), true);
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.html()).contains("No role named 'Nobody'.", "A limit rule needs a number of seats.",
                "Pick the role the rule is for, or type a user's name.", "Nothing was saved: fix the rules marked below.");
        assertThat(server.server().seats().rules("cad", "cal").json().rules()).isEmpty();
        ConsoleClient.Page tooMany = browser.post("/assignments/cad/cal", Map.of("version", "0", "rows", "1",
                "kind0", "reserve", "roles0", "Engineers", "seats0", "11"), true);
        assertThat(tooMany.html()).contains("The reserves add up to 11 seats but the pool has 10.");
        ConsoleClient.Page ok = browser.post("/assignments/cad/cal", Map.of("version", "0", "rows", "3",
                "kind0", "reserve", "roles0", "Engineers", "seats0", "3", "kind1", "deny", "users1", "alice",
                "kind2", "allow-only", "roles2", "All Users", "users2", "alice, admin"), true);
        assertThat(ok.status()).as(ok.html().replaceAll("(?s).*<main", "")).isEqualTo(303);
        assertThat(server.server().seats().rules("cad", "cal").json().rules().get(2).users()).containsExactly("alice", "admin");
        assertThat(browser.get("/assignments").html()).contains("Saved the rules of cad/cal (3 rule(s)).", "3 of 10 seats reserved; 7 shared.",
                "<option value=\"Engineers\" selected>Engineers</option>", "name=\"users1\" value=\"alice\"",
                "name=\"users2\" value=\"alice, admin\"");
        // saving over someone else's change is refused, and says so
        ConsoleClient.Page stale = browser.post("/assignments/cad/cal", Map.of("version", "0", "rows", "0"), true);
        assertThat(stale.html()).contains("Someone saved these rules after you opened this page.");
        assertThat(server.server().seats().rules("cad", "cal").json().rules()).hasSize(3);

        String explain = browser.get("/assignments/explain?user=alice&pool=cad/cal", Map.of("HX-Request", "true")).html();
        assertThat(explain).startsWith("<div id=\"explain-result\"").contains("alice holds a seat");
        server.client().delete("/api/v1/sessions/s1");
        assertThat(browser.get("/assignments/explain?user=alice&pool=cad/cal", Map.of("HX-Request", "true")).html())
                .contains("alice would be refused");
        assertThat(browser.get("/assignments/explain?user=ghost&pool=cad/cal").html()).contains("No user is named ghost", "<h1>Assignments</h1>");
    }

    @Test
    void settingsChangeAuthModePoliciesAndValidateLdapFieldsInPlace() {
        server.license("cad", "cal", 10);
        signIn();
        browser.get("/settings");
        ConsoleClient.Page bad = browser.post("/settings/auth", Map.of("mode", "session", "lifetime", "abc", "idle", "5000"), true);
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.html()).contains("id=\"lifetime-error\">Enter a number of minutes.");
        assertThat(browser.post("/settings/auth", Map.of("mode", "token", "lifetime", "600", "idle", "30"), true).status()).isEqualTo(303);
        assertThat(browser.get("/settings").html()).contains("Authentication mode is now token (was open).");
        assertThat(server.server().identity().authSettings().mode()).isEqualTo(AuthMode.TOKEN);
        assertThat(server.server().identity().authSettings().sessionIdle()).isEqualTo(Duration.ofMinutes(30));
        assertThat(server.server().identity().authSettings().autoCreateUsers()).isFalse(); // unticked checkbox

        assertThat(browser.post("/settings/pools/cad/cal", Map.of("policy", "user+host", "linger", "60"), true).status()).isEqualTo(303);
        assertThat(server.server().seats().settings("cad", "cal").policy().code()).isEqualTo("user+host");
        assertThat(browser.post("/settings/pools/cad/cal", Map.of("policy", "user", "linger", "999999"), true).html())
                .contains("Linger is 0 to 86400 seconds.");

        ConsoleClient.Page ldap = browser.post("/settings/ldap", Map.of("url", "http://dc1", "userSearchBase", "not a dn"), true);
        assertThat(ldap.status()).isEqualTo(422);
        assertThat(ldap.html()).contains("id=\"ldap-url-error\">Url must start with ldap:// or ldaps://",
                "id=\"ldap-userSearchBase-error\">UserSearchBase is not a valid DN");
        ConsoleClient.Page test = browser.post("/settings/ldap/test", Map.of("url", "ldap://127.0.0.1:1", "userSearchBase", "dc=x",
                "upnPattern", "{0}@x", "connectTimeoutMillis", "500"), null, Map.of("X-CSRF-Token", browser.csrf(), "HX-Request", "true"));
        assertThat(test.status()).isEqualTo(200);
        assertThat(test.html()).startsWith("<div id=\"ldap-test-result\"").contains("Connection failed:");
        assertThat(server.server().identity().users().count(null)).isPositive();
    }

    @Test
    void settingsNotificationsSavesChecksEveryFieldNeverShowsSecretsAndSendsATest() {
        try (var hook = dev.usher.server.testing.WebhookReceiver.start("console-secret-0123456789")) {
            signIn();
            ConsoleClient.Page page = browser.get("/settings/notifications");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.html()).contains("<a href=\"/settings/notifications\" aria-current=\"page\">Notifications</a>",
                    "<h2 id=\"email-heading\">E-mail</h2>", ">Send a test</button>", "Nothing sent yet.",
                    "value=\"30, 7, 1\"", "name=\"event-seats-refused\" value=\"on\" checked");

            Map<String, String> bad = new java.util.HashMap<>(Map.of("host", "smtp.corp.example", "port", "99999", "from", "usher@corp.example",
                    "to", "it@corp.example", "security", "starttls", "url0", hook.url(), "secret0", "short", "busyPercent", "0"));
            bad.put("expiryDays", "30, soon");
            ConsoleClient.Page refused = browser.post("/settings/notifications", bad, true);
            assertThat(refused.status()).isEqualTo(422);
            assertThat(refused.html()).contains("id=\"port-error\">Port must be 1-65535 (got 99999).",
                    "id=\"webhooks-error\" role=\"alert\">Webhooks: the secret of " + hook.url() + " must be 16 to 256 characters",
                    "id=\"expiryDays-error\">Give whole numbers of days, e.g. 30, 7, 1.", "value=\"smtp.corp.example\"");
            assertThat(server.server().notifications().settings().anyChannel()).as("nothing saved").isFalse();

            Map<String, String> good = Map.of("url0", hook.url(), "secret0", "console-secret-0123456789", "event-license-expiring", "on",
                    "event-seats-refused", "on", "expiryDays", "14, 2", "busyPercent", "85", "busyMinutes", "10", "quietMinutes", "30");
            ConsoleClient.Page saved = browser.post("/settings/notifications", good, true);
            assertThat(saved.status()).isEqualTo(303);
            NotificationSettingsView.check(server.server().notifications().settings(), hook.url());
            String shown = browser.get("/settings/notifications").html();
            assertThat(shown).contains("Saved the notification settings. Send a test to check that messages arrive.",
                    "value=\"" + hook.url() + "\"", "(stored; leave empty to keep it)", "value=\"14, 2\"")
                    .doesNotContain("console-secret-0123456789");
            assertThat(shown).doesNotContain("name=\"event-pool-busy\" value=\"on\" checked");

            // "Send a test" of what the form holds (the stored secret kept), answered as a fragment for htmx.
            ConsoleClient.Page test = browser.post("/settings/notifications/test", Map.of("url0", hook.url(), "event-license-expiring", "on"),
                    null, Map.of("X-CSRF-Token", browser.csrf(), "HX-Request", "true"));
            assertThat(test.status()).isEqualTo(200);
            assertThat(test.html()).startsWith("<div id=\"notification-test-result\"")
                    .contains("<strong>Webhook to " + hook.url() + ":</strong> sent.");
            assertThat(hook.requests()).singleElement().satisfies(r -> {
                assertThat(r.signatureValid()).isTrue();
                assertThat(r.event()).isEqualTo("test");
            });
            assertThat(browser.get("/settings/notifications").html()).contains("data-testid=\"deliveries\"", "Test message from Usher",
                    "<span class=\"tag ok\">sent</span>");
            server.server().auditRecorder().tick();
            assertThat(server.admin().get("/api/v1/audit?type=notification-settings").json().get(0).get("actor").asString()).isEqualTo("admin");
        }
    }

    /** What the console saved, read back from the server. */
    private static final class NotificationSettingsView {
        static void check(dev.usher.server.notify.NotificationSettings s, String url) {
            assertThat(s.email()).isNull();
            assertThat(s.webhooks()).singleElement().satisfies(w -> {
                assertThat(w.url()).isEqualTo(url);
                assertThat(w.secret()).isEqualTo("console-secret-0123456789");
            });
            assertThat(s.events()).containsExactly("license-expiring", "seats-refused");
            assertThat(s.expiryDays()).containsExactly(14, 2);
            assertThat(List.of(s.busyPercent(), s.busyMinutes(), s.quietMinutes())).containsExactly(85, 10, 30);
        }
    }

    @Test
    void doctorFindingsShowOnTheDashboardAndAreFixedWithOneClick() throws InterruptedException {
        server.license("cad", "cal", 10);
        server.client().checkout("a1", "cad", "cal", "alice", "ws1");
        server.client().checkout("a2", "cad", "cal", "alice-ws2", "ws2");
        signIn();
        // the dashboard never waits for the doctor: its finding shows once the background check is done
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String live = browser.get("/dashboard/live").html();
        while (!live.contains("1 finding of the doctor") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            live = browser.get("/dashboard/live").html();
        }
        assertThat(live).contains("1 finding of the doctor", "href=\"/doctor\"");
        String doctor = browser.get("/doctor").html();
        assertThat(doctor).contains("duplicate user", "usher user merge alice alice-ws2", ">Merge</button>");
        assertThat(browser.post("/doctor/fix/0", Map.of("problem", "something else"), true).location()).isEqualTo("/doctor");
        assertThat(browser.get("/doctor").html()).contains("The findings changed meanwhile; nothing was done.");
        String problem = new dev.usher.server.auth.Doctor(server.server().identity().users(), server.server().identity().names(),
                server.server().seats(), server.clock()).examine().getFirst().problem();
        assertThat(browser.post("/doctor/fix/0", Map.of("problem", problem), true).status()).isEqualTo(303);
        assertThat(browser.get("/doctor").html()).contains("Done: merged alice-ws2 into alice (1 duplicate seat(s) released).",
                "Nothing to fix");
        assertThat(server.server().seats().seatsHeld()).hasSize(1);
    }

    @Test
    void aMachineNameFromHistoryIsMergedAfterAPreviewAndStrayPeopleArePurgedAfterAList() {
        server.license("cad", "cal", 10);
        server.admin().put("/api/v1/settings", "{\"refuseMachineNames\": false}"); // plays an installation from before the machine-name rule (user-is-a-machine)
        for (int i = 0; i < 4; i++) {
            server.client().checkout("b" + i, "cad", "cal", "bob", "DESKTOP-7F3K2");
            server.client().delete("/api/v1/sessions/b" + i);
        }
        server.client().checkout("m", "cad", "cal", "DESKTOP-7F3K2", "DESKTOP-7F3K2");
        server.client().delete("/api/v1/sessions/m");
        signIn();
        String doctor = browser.get("/doctor?again=1").html();
        assertThat(doctor).contains("merge DESKTOP-7F3K2 into bob (seen on that host 4 times)");
        String preview = doctor.replaceAll("(?s).*<a class=\"button primary\" href=\"([^\"]+)\">Preview the merge…</a>.*", "$1")
                .replace("&amp;", "&");
        assertThat(preview).matches("/users/\\d+/merge\\?from=DESKTOP-7F3K2");
        String merge = browser.get(preview).html();
        assertThat(merge).contains("Merge DESKTOP-7F3K2 into bob?", "Names that will mean bob: DESKTOP-7F3K2");
        String from = merge.replaceAll("(?s).*name=\"from\" value=\"(\\d+)\".*", "$1");
        assertThat(browser.post(preview.substring(0, preview.indexOf('?')), Map.of("from", from), true).status()).isEqualTo(303);
        assertThat(server.server().identity().users().resolve("desktop-7f3k2").orElseThrow().name()).isEqualTo("bob");

        // stray people: a list first, then exactly those are purged, and the trail says so
        server.client().checkout("c", "cad", "cal", "carol", "ws-c");
        server.client().delete("/api/v1/sessions/c");
        server.client().checkout("h", "cad", "cal", "holder", "ws-h");
        server.clock().advance(Duration.ofDays(40));
        signIn();
        String stray = browser.get("/users/stray?days=30").html();
        assertThat(stray).contains("data-testid=\"stray-count\">2 people not seen for 30 days", ">bob<", ">carol<")
                .doesNotContain(">holder</a>", ">admin</a>");
        assertThat(browser.get("/users/stray?days=x").status()).isEqualTo(422);
        String ids = stray.replaceAll("(?s).*name=\"ids\" value=\"([0-9,]+)\".*", "$1");
        ConsoleClient.Page purged = browser.post("/users/stray/purge", Map.of("days", "30", "ids", ids), true);
        assertThat(purged.status()).isEqualTo(303);
        assertThat(browser.get("/users").html()).contains("Purged 2 people not seen for 30 days (bob, carol).");
        assertThat(server.server().identity().users().resolve("carol")).isEmpty();
        assertThat(server.admin().get("/api/v1/audit?type=user-purged").json()).hasSize(2);
    }

    @Test
    void peopleTickedOnTheUsersPageAreDisabledOrAddedToARoleAfterAConfirmation() {
        server.license("cad", "cal", 10);
        for (String who : List.of("ann", "ben", "cid")) {
            server.client().checkout(who, "cad", "cal", who, "ws-" + who);
        }
        signIn();
        long ann = server.server().identity().users().resolve("ann").orElseThrow().id();
        long ben = server.server().identity().users().resolve("ben").orElseThrow().id();
        long admin = server.server().identity().users().resolve("admin").orElseThrow().id();
        String users = browser.get("/users").html();
        assertThat(users).contains("<input type=\"checkbox\" name=\"id\" value=\"" + ann + "\" aria-label=\"Select ann\">",
                "<option value=\"add-to-role\">");
        // the confirmation names everyone, and changes nothing yet
        ConsoleClient.Page confirm = browser.post("/users/bulk", form("action", "disable", "id", ann + "", "roleId", ""), true);
        assertThat(confirm.status()).isEqualTo(200);
        assertThat(confirm.html()).contains("Disable: 1 person?", "<li>ann</li>", "name=\"ids\" value=\"" + ann + "\"");
        assertThat(server.server().identity().users().find(ann).orElseThrow().enabled()).isTrue();
        ConsoleClient.Page done = browser.post("/users/bulk/apply", Map.of("action", "disable", "ids", ann + "," + ben + "," + admin,
                "roleId", ""), true);
        assertThat(done.status()).isEqualTo(303);
        assertThat(browser.get("/users").html()).contains("Disabled 2 people (ann, ben). Left out: admin (yourself: you would lose the console).");
        assertThat(server.server().identity().users().find(ben).orElseThrow().enabled()).isFalse();

        assertThat(browser.post("/roles", Map.of("name", "Engineers"), true).status()).isEqualTo(303);
        long engineers = server.server().identity().users().roles().stream().filter(r -> r.name().equals("Engineers")).findFirst()
                .orElseThrow().id();
        assertThat(browser.post("/users/bulk", form("action", "add-to-role", "id", ann + "", "roleId", engineers + ""), true).html())
                .contains("Add to Engineers: 1 person?");
        browser.post("/users/bulk/apply", Map.of("action", "add-to-role", "ids", ann + "," + ben, "roleId", engineers + ""), true);
        assertThat(server.server().identity().users().find(ben).orElseThrow().roles()).contains("Engineers");
        assertThat(server.admin().get("/api/v1/audit?type=user-disabled").json()).hasSize(2);
        assertThat(browser.post("/users/bulk", form("action", "disable", "roleId", ""), true).html())
                .contains("Tick the people to change first.");
    }

    @Test
    void borrowingIsSetPerPoolAndStaticFilesAreNamedByContentAndKeptAYear() {
        server.license("cad", "cal", 10);
        signIn();
        String settings = browser.get("/settings").html();
        assertThat(settings).contains("<legend>Borrowing (offline use)</legend>", "name=\"borrowMaxDays\" inputmode=\"numeric\" size=\"4\" value=\"7\"");
        ConsoleClient.Page bad = browser.post("/settings/pools/cad/cal", Map.of("policy", "user", "linger", "0", "borrowAllowed", "on",
                "borrowMaxDays", "400", "borrowFloor", "0"), true);
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.html()).contains("A loan lasts 1 to 365 days at most.", "value=\"400\"");
        ConsoleClient.Page ok = browser.post("/settings/pools/cad/cal", Map.of("policy", "user", "linger", "30",
                "borrowMaxDays", "14", "borrowFloor", "2"), true);
        assertThat(ok.status()).isEqualTo(303);
        var saved = server.server().seats().settings("cad", "cal");
        assertThat(saved.borrow()).isEqualTo(new dev.usher.core.seat.BorrowPolicy(false, 14, 2));
        assertThat(saved.linger()).isEqualTo(Duration.ofSeconds(30));
        assertThat(browser.get("/settings").html()).contains("borrowing is off.");
        assertThat(server.client().checkout("s", "cad", "cal", "alice", "ws").status()).isEqualTo(201);
        assertThat(server.client().post("/api/v1/sessions/s/checkouts/cad/cal/borrow", "{\"until\":\"2026-06-03T00:00:00Z\"}")
                .problemType()).isEqualTo("borrow-not-allowed");

        String page = browser.get("/").html();
        String css = page.replaceAll("(?s).*<link rel=\"stylesheet\" href=\"(/static/console\\.[0-9a-f]{12}\\.css)\">.*", "$1");
        assertThat(css).startsWith("/static/console.").endsWith(".css");
        ConsoleClient.Page file = browser.get(css);
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.headers().firstValue("Cache-Control")).contains("public, max-age=31536000, immutable");
        assertThat(css).contains(StaticAssets.hash(file.html().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(browser.get("/static/console.css").status()).isEqualTo(404);
        assertThat(page).contains("<link rel=\"icon\" href=\"/static/favicon.");
        ConsoleClient.Page icon = browser.get("/favicon.ico");
        assertThat(icon.status()).isEqualTo(200);
        assertThat(icon.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");
    }

    // ---- reports, audit, borrowed seats and the waiting line ---------------------------------------

    @Test
    void reportsHaveDataInTheFirstMinutesWhateverThePeriodAndRefusalsShowTheirCount() {
        server.license("cad", "cal", 2);
        server.client().checkout("s1", "cad", "cal", "ann", "h1");
        server.clock().advance(Duration.ofMinutes(1));
        server.client().checkout("s2", "cad", "cal", "ben", "h2");
        server.client().checkout("s3", "cad", "cal", "cat", "h3");
        server.client().checkout("s4", "cad", "cal", "dan", "h4");
        server.client().checkout("s5", "cad", "cal", "eve", "h5");
        server.clock().advance(Duration.ofMinutes(2).plusSeconds(5));
        server.server().usageRecorder().tick();
        signIn();
        for (String period : List.of("1h", "24h", "7d", "30d")) {
            String html = browser.get("/reports?pool=cad/cal&period=" + period).html();
            // Three minutes of history: drawn minute by minute from where it begins, whatever the period.
            assertThat(html).as(period).contains("<summary>The numbers (3 rows, one per minute)</summary>", "class=\"in-use\"",
                    "at most 2 seats in use, 3 refusals");
            assertThat(html).as(period).contains("<text class=\"denial-count\"", "text-anchor=\"middle\">3</text>",
                    "<title>3 refusals from ");
        }
        assertThat(browser.get("/reports?pool=cad/cal").html()).as("the default: the last 24 hours")
                .contains("<option value=\"24h\" selected>Last 24 hours</option>", "one per minute");
        assertThat(browser.get("/reports?pool=cad/cal&period=1h").html()).contains("<option value=\"1h\" selected>Last hour</option>");

        // Later, a week of history: the 7 days are drawn by the hour, the hour still running from its minutes so far.
        server.clock().advance(Duration.ofDays(6).plusMinutes(40));
        server.client().heartbeat("s1");
        server.server().usageRecorder().tick();
        signIn(); // the console session ended while the clock moved a week
        String week = browser.get("/reports?pool=cad/cal&period=7d").html();
        assertThat(week).contains("one per hour");
        assertThat(week).as("the last row is the hour running now").contains("<tr><td>" + console(server.now().truncatedTo(
                java.time.temporal.ChronoUnit.HOURS)) + "</td>");
    }

    private static String console(java.time.Instant t) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(java.time.ZoneId.systemDefault()).format(t);
    }

    @Test
    void reportsDrawUsageAsAnAccessibleChartWithTopUsersRefusalsTheEstimateAndCsv() {
        server.license("cad", "cal", 2);
        String evil = "<script>alert('r')</script>";
        assertThat(server.client().checkout("s1", "cad", "cal", evil, "<img src=x>").status()).isEqualTo(201);
        assertThat(server.client().checkout("s2", "cad", "cal", "bob", "ws2").status()).isEqualTo(201);
        server.clock().advance(Duration.ofMinutes(30));
        assertThat(server.client().checkout("s3", "cad", "cal", "<b>carol</b>", "ws3").status()).isEqualTo(409);
        server.clock().advance(Duration.ofMinutes(90));
        server.server().usageRecorder().tick();
        signIn();

        ConsoleClient.Page page = browser.get("/reports?pool=cad/cal&period=24h");
        assertThat(page.status()).isEqualTo(200);
        String html = page.html();
        assertThat(html).contains("<svg class=\"chart\"", "<title id=\"chart-title\">Seats in use in cad/cal</title>",
                "at most 2 seats in use, 1 refusals", "class=\"in-use\"", "class=\"capacity\"", "class=\"denial\"");
        // the same numbers as a table: capacity 2, two in use in the hour of the refusal
        assertThat(html).contains("data-testid=\"usage-table\"", "<td>2</td><td>2</td>");
        assertThat(html).contains("Right-sizing <span class=\"tag warn\">estimate</span>", "Estimate: you own 2;",
                "3 would have served everyone");
        assertThat(html).contains("data-testid=\"top-users\"", "data-testid=\"denials\"", "&lt;b&gt;carol&lt;/b&gt;", "no-seats-available");
        assertThat(html).doesNotContain("<script>alert", "<b>carol").contains("&lt;script&gt;alert(");
        assertThat(html).contains("href=\"/reports/usage.csv?pool=cad%2Fcal&amp;period=24h\"");

        ConsoleClient.Page csv = browser.get("/reports/usage.csv?pool=cad%2Fcal&period=24h");
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.html()).startsWith("product,feature,start,end,peak_in_use").contains("cad,cal,");
        assertThat(browser.get("/reports/denials.csv?pool=cad%2Fcal&period=7d").html()).contains("<b>carol</b>,ws3");
        assertThat(browser.get("/reports/users.csv?pool=cad%2Fcal&period=30d").html()).contains("bob,cad,cal");

        ConsoleClient.Page bad = browser.get("/reports?pool=cad/cal&period=custom&from=yesterday");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.html()).contains("The from day must be a date like 2026-06-01.");
        assertThat(browser.get("/reports?pool=cad/cal&period=custom&from=2026-05-01&to=2026-06-01").html())
                .contains("value=\"2026-05-01\"", "per day");
        assertThat(browser.get("/reports?pool=%3Cx%3E/y").html()).doesNotContain("<x>");
        assertThat(browser.get("/reports/usage.csv").status()).isEqualTo(200);
        assertThat(new ConsoleClient(server.server().localUrl()).get("/reports/usage.csv").status()).isEqualTo(302);
    }

    @Test
    void auditPageFiltersVerifiesTheChainAndExports() {
        server.license("cad", "cal", 2);
        String evil = "<script>alert('a')</script>";
        server.client().checkout("s1", "cad", "cal", evil, "h1");
        server.client().checkout("s2", "cad", "cal", "bob", "h2");
        signIn();
        String all = browser.get("/audit").html();
        assertThat(all).contains("data-testid=\"audit-table\"", "<td>license-added <span", "<td>grant <span").doesNotContain("<script>alert")
                .contains("&lt;script&gt;alert(");
        String bobs = browser.get("/audit?user=bob&type=grant").html();
        assertThat(bobs).contains(">bob<").doesNotContain("&lt;script&gt;alert(", "<td>license-added <span");
        assertThat(browser.get("/audit?pool=cad/cal&actor=nobody").html()).contains("No record matches.");
        // administrators' actions apart from seat events
        String admin = browser.get("/audit?kind=admin").html();
        assertThat(admin).contains("<td>license-added <span", "<option value=\"admin\" selected>").doesNotContain("<td>grant <span");
        String seat = browser.get("/audit?kind=seat").html();
        assertThat(seat).contains("<td>grant <span").doesNotContain("<td>license-added <span");
        assertThat(browser.get("/audit/export.csv?kind=seat").html()).contains(",seat,grant,").doesNotContain(",admin,");
        assertThat(server.admin().get("/api/v1/audit?kind=admin").json()).allSatisfy(r -> assertThat(r.get("kind").asString()).isEqualTo("admin"));
        assertThat(server.admin().get("/api/v1/audit?kind=people").status()).isEqualTo(400);
        assertThat(browser.get("/audit?kind=people").html()).contains("kind must be admin");
        ConsoleClient.Page bad = browser.get("/audit?from=tomorrow");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.html()).contains("From must be a day like 2026-06-01.");

        assertThat(browser.get("/audit/verify").html()).contains("The chain is intact:");
        String csv = browser.get("/audit/export.csv?user=bob").html();
        assertThat(csv).startsWith("seq,at,kind,type,actor").contains(",bob,").doesNotContain("alert");
        String lines = browser.get("/audit/export.jsonl").html();
        assertThat(lines.lines().count()).isGreaterThanOrEqualTo(3);
        assertThat(lines.lines().findFirst().orElse("")).startsWith("{\"seq\":1,");

        // newest first, 50 a page, "Older" walks back
        for (int i = 0; i < 60; i++) {
            server.client().put("/api/v1/sessions/x" + i + "/checkouts/cad/cal", "{\"user\":\"u" + i + "\",\"host\":\"h\"}");
        }
        String first = browser.get("/audit?type=deny").html();
        assertThat(first).contains("rel=\"next\"", ">u59<").doesNotContain(">u5<");
        String older = first.replaceAll("(?s).*href=\"(/audit\\?[^\"]*before=\\d+)\" rel=\"next\".*", "$1").replace("&amp;", "&");
        assertThat(browser.get(older).html()).contains(">u5<", "← Newest").doesNotContain(">u59<");
    }

    @Test
    void borrowedSeatsCanBeTakenBackAndTheWaitingLineShows() throws Exception {
        server.license("cad", "cal", 1);
        String evil = "<i>lender</i>";
        assertThat(server.client().checkout("s1", "cad", "cal", evil, "laptop").status()).isEqualTo(201);
        assertThat(server.client().post("/api/v1/sessions/s1/checkouts/cad/cal/borrow",
                "{\"until\":\"" + server.now().plus(Duration.ofDays(3)) + "\"}").status()).isEqualTo(200);
        String seatId = server.server().seats().seatsHeld().getFirst().seatId();
        java.util.concurrent.CompletableFuture<Integer> waiter = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                server.client().put("/api/v1/sessions/w1/checkouts/cad/cal?wait=10", "{\"user\":\"<u>waiter</u>\",\"host\":\"h\"}").status());
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (server.server().seats().queue().isEmpty()) {
                assertThat(System.nanoTime()).as("the waiter joins the line").isLessThan(deadline);
                Thread.sleep(5);
            }
            signIn();
            String seats = browser.get("/seats").html();
            assertThat(seats).contains("Borrowed seats", "&lt;i&gt;lender&lt;/i&gt;", "Take back…", "Waiting for a seat", "&lt;u&gt;waiter&lt;/u&gt;")
                    .doesNotContain("<i>lender", "<u>waiter");
            String live = browser.get("/dashboard/live").html();
            assertThat(live).contains("data-testid=\"borrowed\">1<", "data-testid=\"waiting\">1<");

            ConsoleClient.Page confirm = browser.get("/seats/" + seatId + "/take-back");
            assertThat(confirm.html()).contains("Take back this borrowed seat?", "This ends &lt;i&gt;lender&lt;/i&gt;",
                    "a token cannot be recalled", "<label for=\"reason\">");
            assertThat(server.server().seats().loan(seatId)).isPresent(); // asking changed nothing
            assertThat(browser.post("/seats/" + seatId + "/take-back", Map.of("reason", "needed back"), null, Map.of()).status()).isEqualTo(403);
            assertThat(server.server().seats().loan(seatId)).isPresent();
            assertThat(browser.post("/seats/" + seatId + "/take-back", Map.of("reason", "needed back"), true).status()).isEqualTo(303);
            assertThat(server.server().seats().loan(seatId)).isEmpty();
            assertThat(browser.get("/seats").html()).contains("Took back the cad/cal seat lent to &lt;i&gt;lender&lt;/i&gt;.");
            assertThat(browser.post("/seats/" + seatId + "/take-back", Map.of(), true).status()).isEqualTo(303);
            assertThat(browser.get("/seats").html()).contains("That seat was not on loan any more; nothing changed.");
        } finally {
            waiter.get(15, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
