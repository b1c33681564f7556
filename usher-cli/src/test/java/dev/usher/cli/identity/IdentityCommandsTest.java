package dev.usher.cli.identity;

import dev.usher.cli.UsherCommand;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code usher user|role|token|doctor|auth|admin} and {@code release --seat} against a real server
 * (found through DATA/server.json), each checked through the HTTP API and not only by what it prints.
 */
class IdentityCommandsTest {

    private static final Pattern SHOWN_ONCE = Pattern.compile("password \\(shown once, store it now\\): (\\S+)");

    @TempDir
    Path tmp;

    record Result(int exitCode, String out, String err) {}

    private Result run(String... args) {
        return runWithStdin(null, args);
    }

    /** Runs {@code usher ARGS --data DIR} (unless ARGS name one), with {@code stdin} as standard input when given. */
    private Result runWithStdin(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--data")) {
            all.add("--data");
            all.add(data().toString());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        InputStream before = System.in;
        if (stdin != null) {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            int code = UsherCommand.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
            return new Result(code, out.toString(), err.toString());
        } finally {
            System.setIn(before);
        }
    }

    private static Result ok(Result r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private Path data() {
        return tmp.resolve("data");
    }

    /** One line on stderr, starting with "usher:", no stack trace; a non-zero exit code. */
    private static void assertOneLineError(Result r, String... contains) {
        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("usher: ").doesNotContain("\tat ").doesNotContain("Exception");
        for (String c : contains) {
            assertThat(r.err()).contains(c);
        }
    }

    private static String shownOnce(Result r) {
        Matcher m = SHOWN_ONCE.matcher(r.out());
        assertThat(m.find()).as("a generated password is printed: " + r).isTrue();
        return m.group(1);
    }

    private static JsonNode userNamed(TestServer server, String name) {
        for (JsonNode u : server.admin().get("/api/v1/users?limit=1000").json().get("items")) {
            if (u.get("name").asString().equals(name)) {
                return u;
            }
        }
        return null;
    }

    private static List<String> userNames(TestServer server) {
        List<String> names = new ArrayList<>();
        server.admin().get("/api/v1/users?limit=1000").json().get("items").forEach(u -> names.add(u.get("name").asString()));
        return names;
    }

    private static Map<String, Integer> seatsPerUser(TestServer server) {
        Map<String, Integer> out = new HashMap<>();
        for (JsonNode s : server.admin().get("/api/v1/seats").json()) {
            out.merge(s.get("user").asString(), 1, Integer::sum);
        }
        return out;
    }

    /** Sign-in status; a failed attempt makes the address wait, so the clock moves on past that. */
    private static int signIn(TestServer server, String user, String password) {
        Http.Response r = server.client().post("/api/v1/auth/sign-in",
                Http.JSON.writeValueAsString(Map.of("user", user, "password", password)));
        if (r.status() != 200) {
            server.clock().advance(Duration.ofMinutes(10));
        }
        return r.status();
    }

    @Test
    void usersAreAddedShownAliasedDisabledAndGivenPasswords() {
        try (TestServer server = TestServer.start(data())) {
            server.license("demo", "cal", 5);

            // A local user with a generated password, shown once, that works for sign-in.
            Result added = ok(run("user", "add", "alice", "--display-name", "Alice Liddell", "--email", "alice@corp.example"));
            assertThat(added.out()).contains("added local user alice");
            String generated = shownOnce(added);
            assertThat(signIn(server, "alice", generated)).isEqualTo(200);
            assertThat(userNamed(server, "alice").get("email").asString()).isEqualTo("alice@corp.example");

            // A password from standard input is not echoed.
            Result bob = ok(runWithStdin("bob-password-1\n", "user", "add", "bob", "--password-stdin"));
            assertThat(bob.out()).doesNotContain("bob-password-1").doesNotContain("shown once");
            assertThat(signIn(server, "bob", "bob-password-1")).isEqualTo(200);
            assertOneLineError(runWithStdin("short\n", "user", "add", "carol", "--password-stdin"), "at least 10 characters");
            assertThat(userNamed(server, "carol")).isNull();

            // A directory user has no local password.
            ok(run("user", "add", "dave", "--ldap"));
            assertThat(userNamed(server, "dave").get("source").asString()).isEqualTo("ldap");

            // The same person twice: refused by name and by another spelling of it.
            assertOneLineError(run("user", "add", "alice"), "'alice' already means user 'alice'");
            assertOneLineError(run("user", "add", "CORP\\Bob"), "already means user 'bob'");

            Result list = ok(run("user", "list"));
            assertThat(list.out().lines().findFirst().orElseThrow()).startsWith("NAME").contains("SOURCE").contains("ROLES");
            assertThat(list.out()).contains("admin").contains("alice").contains("Alice Liddell").contains("bob").contains("dave");
            Result searched = ok(run("user", "list", "--search", "ALI"));
            assertThat(searched.out()).contains("alice").doesNotContain("bob").doesNotContain("dave");
            assertThat(ok(run("user", "list", "--limit", "1")).out()).contains("(1 of 4 users");
            assertThat(ok(run("user", "list", "--search", "nobody-like-this")).out()).contains("no user matches");

            // Aliases: another spelling takes this user's seat.
            Result alias = ok(run("user", "alias", "alice", "CORP\\a.liddell"));
            assertThat(alias.out()).contains("'CORP\\a.liddell' now means alice");
            assertThat(userNamed(server, "alice").get("aliases").toString()).contains("a.liddell");
            assertThat(server.client().checkout("s1", "demo", "cal", "a.liddell@corp.example", "ws1").json().get("user").asString())
                    .isEqualTo("alice");
            Result shown = ok(run("user", "show", "a.liddell"));
            assertThat(shown.out()).contains("name:          alice").contains("Alice Liddell").contains("CORP\\a.liddell")
                    .contains("demo/cal (seat ");
            assertOneLineError(run("user", "alias", "bob", "a.liddell"), "already means user 'alice'");
            ok(run("user", "unalias", "alice", "a.liddell"));
            assertThat(userNamed(server, "alice").get("aliases")).isEmpty();
            assertOneLineError(run("user", "unalias", "alice", "a.liddell"), "not an alias of alice");
            assertOneLineError(run("user", "unalias", "alice", "alice"), "own name");

            // Unknown people: one clear line, whatever the command.
            for (String[] cmd : List.of(new String[] {"user", "show", "zoe"}, new String[] {"user", "disable", "zoe"},
                    new String[] {"user", "alias", "zoe", "z"}, new String[] {"user", "password", "zoe"})) {
                assertOneLineError(run(cmd), "no user 'zoe'");
            }

            // Disabled: no sign-in, no new seat, the seat held is released and its application told why; enabled again: both work.
            assertThat(server.client().checkout("s-bob", "demo", "cal", "bob", "ws2").status()).isEqualTo(201);
            assertThat(ok(run("user", "disable", "bob", "--reason", "Left the team")).out()).contains("disabled bob");
            Http.Response ended = server.client().heartbeat("s-bob");
            assertThat(ended.status()).isEqualTo(410);
            assertThat(ended.json().get("endedBecause").asString()).isEqualTo("person-disabled");
            assertThat(ended.json().get("reason").asString()).isEqualTo("Left the team");
            assertThat(userNamed(server, "bob").get("enabled").asBoolean()).isFalse();
            assertThat(signIn(server, "bob", "bob-password-1")).isEqualTo(401);
            assertThat(server.client().checkout("s2", "demo", "cal", "bob", "ws2").status()).isEqualTo(403);
            assertThat(ok(run("user", "list")).out()).containsPattern("(?m)^bob .*\\sNO\\s");
            assertThat(ok(run("user", "enable", "bob")).out()).contains("enabled bob");
            assertThat(userNamed(server, "bob").get("enabled").asBoolean()).isTrue();
            assertThat(server.client().checkout("s2", "demo", "cal", "bob", "ws2").status()).isEqualTo(201);

            // New passwords: from standard input, or generated; the old one stops working.
            ok(runWithStdin("bob-password-2\n", "user", "password", "CORP\\bob", "--password-stdin"));
            assertThat(signIn(server, "bob", "bob-password-1")).isEqualTo(401);
            assertThat(signIn(server, "bob", "bob-password-2")).isEqualTo(200);
            String regenerated = shownOnce(ok(run("user", "password", "bob")));
            assertThat(signIn(server, "bob", regenerated)).isEqualTo(200);
            assertOneLineError(run("user", "password", "dave"), "directory");
            assertThat(server.client().checkout("s3", "demo", "cal", "eve", "ws3").status()).isEqualTo(201);
            assertOneLineError(run("user", "password", "eve"), "created automatically", "cannot sign in with a password");
        }
    }

    @Test
    void mergeShowsWhatWouldHappenAndMergesOnlyWithYes() {
        try (TestServer server = TestServer.start(data())) {
            server.license("demo", "cal", 5);
            assertThat(server.client().checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
            assertThat(server.client().checkout("s2", "demo", "cal", "asmith", "ws2").status()).isEqualTo(201);
            ok(run("role", "add", "Designers"));
            ok(run("role", "grant", "Designers", "asmith"));

            Result preview = ok(run("user", "merge", "alice", "asmith"));
            assertThat(preview.out()).contains("merge asmith into alice").contains("names that will mean alice: asmith")
                    .contains("roles that move: Designers").contains("seats held by asmith: 1")
                    .contains("run again with --yes to merge");
            assertThat(userNames(server)).contains("alice", "asmith");
            assertThat(seatsPerUser(server)).containsOnly(Map.entry("alice", 1), Map.entry("asmith", 1));

            Result merged = ok(run("user", "merge", "alice", "asmith", "--yes"));
            assertThat(merged.out()).contains("merged asmith into alice").contains("1 duplicate seat(s) released")
                    .contains("alice is now also: asmith");
            assertThat(userNames(server)).contains("alice").doesNotContain("asmith");
            assertThat(seatsPerUser(server)).containsOnly(Map.entry("alice", 1));
            assertThat(userNamed(server, "alice").get("roles").toString()).contains("Designers");
            // Both sessions go on working on the one seat; the old name now means alice.
            assertThat(server.client().heartbeat("s1").status()).isEqualTo(200);
            assertThat(server.client().heartbeat("s2").status()).isEqualTo(200);
            assertThat(ok(run("user", "show", "asmith")).out()).contains("name:          alice");

            assertOneLineError(run("user", "merge", "alice", "asmith", "--yes"), "already one user");
            assertOneLineError(run("user", "merge", "alice", "nobody", "--yes"), "no user 'nobody'");
        }
    }

    @Test
    void rolesAreAddedGrantedRevokedAndRemoved() {
        try (TestServer server = TestServer.start(data())) {
            ok(run("user", "add", "alice", "--ldap"));

            Result list = ok(run("role", "list"));
            assertThat(list.out()).contains("All Users").contains("Administrators").contains("built in");

            assertThat(ok(run("role", "add", "Developers", "--ldap-group", "cn=devs,ou=groups")).out())
                    .contains("added role Developers").contains("cn=devs,ou=groups");
            assertOneLineError(run("role", "add", "developers"), "exists already");
            assertThat(ok(run("role", "members", "Developers")).out()).contains("has no members");

            assertThat(ok(run("role", "grant", "developers", "alice")).out()).contains("alice is now in Developers");
            assertThat(ok(run("role", "grant", "Developers", "alice")).out()).contains("already");
            assertThat(userNamed(server, "alice").get("roles").toString()).contains("Developers");
            assertThat(ok(run("role", "members", "Developers")).out()).contains("NAME").contains("alice");
            assertThat(ok(run("role", "list")).out()).containsPattern("Developers\\s+1\\s+cn=devs,ou=groups");
            assertThat(ok(run("role", "members", "Administrators")).out()).contains("admin");

            assertThat(ok(run("role", "revoke", "Developers", "alice")).out()).contains("alice is no longer in Developers");
            assertThat(userNamed(server, "alice").get("roles").toString()).doesNotContain("Developers");
            assertThat(ok(run("role", "revoke", "Developers", "alice")).out()).contains("nothing changed");

            assertOneLineError(run("role", "revoke", "Administrators", "admin"), "last administrator");
            assertOneLineError(run("role", "remove", "Administrators"), "built-in");
            assertOneLineError(run("role", "grant", "Nobodies", "alice"), "no role 'Nobodies'");
            assertOneLineError(run("role", "grant", "Developers", "zoe"), "no user 'zoe'");

            assertThat(ok(run("role", "remove", "Developers")).out()).contains("removed role Developers");
            assertThat(server.admin().get("/api/v1/roles").json().toString()).doesNotContain("Developers");
            assertOneLineError(run("role", "remove", "Developers"), "no role 'Developers'");
        }
    }

    @Test
    void aCreatedTokenTakesASeatInTokenModeUntilItIsRevoked() {
        try (TestServer server = TestServer.start(data())) {
            server.license("demo", "cal", 5);
            ok(runWithStdin("bob-password-1\n", "user", "add", "bob", "--password-stdin"));

            Result created = ok(run("token", "create", "--user", "bob", "--name", "ci-build-07"));
            String token = created.out().strip();
            assertThat(token).hasSizeGreaterThanOrEqualTo(40).doesNotContain(" ");
            assertThat(created.err()).contains("shown once").contains("usher token revoke ");
            Result tokens = ok(run("token", "list", "--user", "bob"));
            assertThat(tokens.out()).contains("ci-build-07").doesNotContain(token);
            String tokenId = created.err().substring(created.err().indexOf("usher token revoke ") + 19).strip();
            assertThat(tokens.out()).contains(tokenId);

            assertThat(ok(run("auth", "mode")).out()).contains("authentication mode: open");
            assertThat(ok(run("auth", "mode", "token")).out()).contains("authentication mode: token").contains("was open");
            assertThat(server.admin().get("/api/v1/settings").json().get("authMode").asString()).isEqualTo("token");
            assertOneLineError(run("auth", "mode", "telepathy"), "auth mode must be open, session or token");
            assertThat(server.admin().get("/api/v1/settings").json().get("authMode").asString()).isEqualTo("token");

            Http.Response anonymous = server.client().checkout("s0", "demo", "cal", "bob", "ci-07");
            assertThat(anonymous.status()).isEqualTo(401);
            Http.Response seat = server.client().withToken(token).checkout("s1", "demo", "cal", "somebody-else", "ci-07");
            assertThat(seat.status()).as(seat.text()).isEqualTo(201);
            assertThat(seat.json().get("user").asString()).isEqualTo("bob");
            assertThat(seatsPerUser(server)).containsOnly(Map.entry("bob", 1));

            assertThat(ok(run("token", "revoke", tokenId)).out()).contains("revoked token " + tokenId);
            assertThat(server.client().withToken(token).checkout("s2", "demo", "cal", "bob", "ci-07").status()).isEqualTo(401);
            assertThat(ok(run("token", "list", "--user", "bob")).out()).contains("no API tokens");
            assertOneLineError(run("token", "revoke", tokenId), "no token with id");
            assertOneLineError(run("token", "create", "--user", "zoe", "--name", "x"), "no user 'zoe'");
            // Switching modes never dropped the seat.
            assertThat(ok(run("auth", "mode", "open")).out()).contains("was token");
            assertThat(seatsPerUser(server)).containsOnly(Map.entry("bob", 1));

            // Open mode without auto-create: unknown names are refused, known ones still served.
            assertThat(ok(run("auth", "auto-create", "off")).out()).contains("auto-create users: off");
            assertThat(server.admin().get("/api/v1/settings").json().get("autoCreateUsers").asBoolean()).isFalse();
            Http.Response unknown = server.client().checkout("s3", "demo", "cal", "mallory", "ws9");
            assertThat(unknown.status()).isEqualTo(403);
            assertThat(unknown.problemType()).isEqualTo("unknown-user");
            assertThat(server.client().checkout("s4", "demo", "cal", "bob", "ws4").status()).isEqualTo(200);
            assertThat(ok(run("auth", "mode")).out()).contains("refused (auto-create off)");
            assertOneLineError(run("auth", "auto-create", "maybe"), "on or off");
            ok(run("auth", "auto-create", "on"));
            assertThat(server.client().checkout("s3", "demo", "cal", "mallory", "ws9").status()).isEqualTo(201);

            // A machine name as the user: refused while the setting is on (a new installation's default).
            assertThat(ok(run("auth", "mode")).out()).contains("machine names as users are refused");
            assertThat(server.client().checkout("s5", "demo", "cal", "ws4", "laptop-1").problemType()).isEqualTo("user-is-a-machine");
            assertThat(ok(run("auth", "machine-names", "off")).out()).contains("refuse machine names as users: off");
            assertThat(server.client().checkout("s5", "demo", "cal", "ws4", "laptop-1").status()).isEqualTo(201);
            assertOneLineError(run("auth", "machine-names", "maybe"), "machine-names takes on or off");
        }
    }

    @Test
    void doctorFindsOnePersonUnderMachineNamesAndFixLeavesOneUserWithOneSeat() {
        try (TestServer server = TestServer.start(data())) {
            server.license("demo", "cal", 10);
            server.admin().put("/api/v1/settings", "{\"refuseMachineNames\": false}"); // plays an installation from before the machine-name rule (user-is-a-machine)
            Http anon = server.client();
            // One person, alice, as four clients in a no-authentication mode reported her.
            assertThat(anon.checkout("s0", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
            assertThat(anon.checkout("s1", "demo", "cal", "alice-ws1", "ws1").status()).isEqualTo(201);
            assertThat(anon.checkout("s2", "demo", "cal", "alice_ws2", "ws2").status()).isEqualTo(201);
            assertThat(anon.checkout("s3", "demo", "cal", "ws3", "ws3").status()).isEqualTo(201);
            assertThat(seatsPerUser(server)).hasSize(4);
            // Names with an underscore are found although the API's search ignores underscores.
            assertThat(ok(run("user", "show", "alice_ws2")).out()).contains("name:          alice_ws2");

            Result found = run("doctor");
            assertThat(found.exitCode()).as(found.toString()).isEqualTo(1);
            assertThat(found.out()).contains("[duplicate-user]").contains("'alice-ws1' is 'alice' with a host name mixed in")
                    .contains("usher user merge alice alice-ws1").contains("usher user merge alice alice_ws2")
                    .contains("[host-named-user]").contains("usher user disable ws3")
                    .contains("2 problem(s) found");
            assertThat(seatsPerUser(server)).as("the doctor without --fix changes nothing").hasSize(4);

            Result fixed = run("doctor", "--fix");
            assertThat(fixed.exitCode()).as("a host-named user needs a person's decision: " + fixed).isEqualTo(1);
            assertThat(fixed.out()).contains("merged 'alice-ws1' into 'alice'").contains("merged 'alice_ws2' into 'alice'")
                    .contains("1 problem(s) need your decision").contains("usher user disable ws3")
                    .doesNotContain("[duplicate-user]");
            assertThat(seatsPerUser(server)).containsOnly(Map.entry("alice", 1), Map.entry("ws3", 1));
            assertThat(server.admin().get("/api/v1/users?search=alice").json().get("total").asInt()).isEqualTo(1);

            // The administrator knows ws3 is alice's machine: the merge the doctor could not decide.
            ok(run("user", "merge", "alice", "ws3", "--yes"));
            Result clean = run("doctor", "--fix");
            assertThat(clean.exitCode()).as(clean.toString()).isZero();
            assertThat(clean.out()).contains("no problems found");
            assertThat(ok(run("doctor")).out()).contains("no problems found");

            JsonNode seats = server.admin().get("/api/v1/seats").json();
            assertThat(seats).hasSize(1);
            assertThat(seats.get(0).get("user").asString()).isEqualTo("alice");
            assertThat(seats.get(0).get("sessions")).hasSize(4);
            assertThat(userNames(server)).containsExactlyInAnyOrder("admin", "alice");
            assertThat(userNamed(server, "alice").get("aliases").toString()).contains("alice-ws1", "alice_ws2", "ws3");
            for (String s : List.of("s0", "s1", "s2", "s3")) {
                assertThat(anon.heartbeat(s).status()).as(s).isEqualTo(200);
            }
        }
    }

    @Test
    void theDoctorAlsoReleasesExtraSeatsAndReleaseTakesASeatId() {
        try (TestServer server = TestServer.start(data())) {
            server.license("demo", "cal", 10);
            // A pool that counted per user+host, switched to per person: bob holds two seats of it.
            assertThat(server.admin().put("/api/v1/pools/demo/cal/policy", "{\"seatKeyPolicy\":\"user+host\"}").status()).isEqualTo(200);
            assertThat(server.client().checkout("s1", "demo", "cal", "bob", "ws1").status()).isEqualTo(201);
            server.clock().advance(Duration.ofSeconds(1));
            assertThat(server.client().checkout("s2", "demo", "cal", "bob", "ws2").status()).isEqualTo(201);
            assertThat(server.admin().put("/api/v1/pools/demo/cal/policy", "{\"seatKeyPolicy\":\"user\"}").status()).isEqualTo(200);
            assertThat(seatsPerUser(server)).containsOnly(Map.entry("bob", 2));

            Result found = run("doctor");
            assertThat(found.exitCode()).isEqualTo(1);
            assertThat(found.out()).contains("[several-seats]").contains("usher release --seat ");
            Matcher m = Pattern.compile("usher release --seat (\\S+)").matcher(found.out());
            assertThat(m.find()).isTrue();
            String extra = m.group(1);

            // The proposed command works as printed.
            assertThat(ok(run("release", "--seat", extra, "--reason", "one seat per person")).out()).contains("released seat " + extra);
            assertThat(seatsPerUser(server)).containsOnly(Map.entry("bob", 1));
            assertThat(server.admin().get("/api/v1/seats").json().get(0).get("seatId").asString()).isNotEqualTo(extra);
            assertThat(ok(run("doctor")).out()).contains("no problems found");

            assertOneLineError(run("release", "--seat", extra), "no seat with id " + extra);
            assertOneLineError(run("release"), "--user", "--seat");
            assertOneLineError(run("release", "--user", "bob", "--seat", extra), "one of them");
            assertOneLineError(run("release", "--seat", extra, "--product", "demo", "--feature", "cal"), "--product");
            assertThat(seatsPerUser(server)).containsOnly(Map.entry("bob", 1));
        }
    }

    @Test
    void resetPasswordWorksOfflineOnlyAndTheNewPasswordSignsIn() {
        try (TestServer server = TestServer.start(data())) {
            Result refused = runWithStdin("new-admin-password-1\n", "admin", "reset-password", "--password-stdin");
            assertOneLineError(refused, "stop the server first");
            assertThat(signIn(server, "admin", TestServer.ADMIN_PASSWORD)).as("nothing changed").isEqualTo(200);
        }

        Result reset = ok(runWithStdin("new-admin-password-1\n", "admin", "reset-password", "--password-stdin"));
        assertThat(reset.out()).contains("password of admin reset").doesNotContain("new-admin-password-1");
        assertOneLineError(run("admin", "reset-password", "--user", "zoe"), "no user 'zoe'");
        assertOneLineError(runWithStdin("short\n", "admin", "reset-password", "--password-stdin"), "at least 10 characters");
        assertOneLineError(run("admin", "reset-password", "--data", tmp.resolve("nowhere").toString()), "no Usher data directory");

        try (TestServer server = TestServer.start(data())) {
            assertThat(signIn(server, "admin", TestServer.ADMIN_PASSWORD)).isEqualTo(401);
            Http.Response in = server.client().post("/api/v1/auth/sign-in", "{\"user\":\"admin\",\"password\":\"new-admin-password-1\"}");
            assertThat(in.status()).as(in.text()).isEqualTo(200);
            assertThat(in.json().get("admin").asBoolean()).isTrue();
        }

        String generated = shownOnce(ok(run("admin", "reset-password")));
        try (TestServer server = TestServer.start(data())) {
            assertThat(signIn(server, "admin", "new-admin-password-1")).isEqualTo(401);
            assertThat(signIn(server, "admin", generated)).isEqualTo(200);
        }
    }
}
