package dev.usher.server.install;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What survives a restart: the inventory, the installation id, the admin token (kept only as a hash). */
class RestartTest {

    @TempDir
    Path dir;

    @Test
    void restartKeepsTheInventoryTheInstallationIdAndTheAdminToken() {
        try (TestServer server = TestServer.start(dir)) {
            String installationId = server.installationId();
            assertThat(installationId).matches("[0-9a-f-]{36}");
            assertThat(server.client().get("/api/v1/installation").json().get("installationId").asString()).isEqualTo(installationId);
            server.license("demo", "cal", 10);
            String expiring = server.vendor().license(server.now())
                    .seats("demo", "cal", 5, server.now().minus(Duration.ofDays(1)), server.now().plus(Duration.ofDays(30))).text();
            assertThat(server.admin().post("/api/v1/licenses", expiring).status()).isEqualTo(201);
            String licenses = server.admin().get("/api/v1/licenses").text();
            String pools = server.admin().get("/api/v1/pools").text();
            String localToken = server.server().localAdminToken();

            server.restart();

            assertThat(server.installationId()).isEqualTo(installationId);
            assertThat(server.client().get("/api/v1/installation").json().get("installationId").asString()).isEqualTo(installationId);
            Http admin = server.admin();
            assertThat(admin.get("/api/v1/licenses").text()).isEqualTo(licenses);
            assertThat(admin.get("/api/v1/pools").text()).isEqualTo(pools);
            assertThat(admin.get("/api/v1/pools").json().get(0).get("capacity").asInt()).isEqualTo(15);
            // The per-run local token of the CLI does not outlive its run.
            assertThat(admin.withToken(localToken).get("/api/v1/licenses").status()).isEqualTo(401);
            assertThat(admin.withToken(server.server().localAdminToken()).get("/api/v1/licenses").status()).isEqualTo(200);
            assertThat(server.server().generatedAdminToken()).isEmpty();

            // Restarted licenses still follow time, and still serve.
            server.clock().advance(Duration.ofDays(30));
            assertThat(admin.get("/api/v1/pools").json().get(0).get("capacity").asInt()).isEqualTo(10);
            assertThat(server.client().checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
        }
    }

    @Test
    void aGeneratedTokenIsShownOnceWorksAcrossRestartsAndIsStoredOnlyAsItsHash() throws Exception {
        String token;
        try (TestServer server = TestServer.start(dir, c -> c.withAdminToken(null))) {
            token = server.server().generatedAdminToken().orElseThrow();
            assertThat(token).hasSizeGreaterThanOrEqualTo(43); // 256 bits, base64url
            List<String> described = new java.util.ArrayList<>();
            server.server().describe(described::add);
            assertThat(String.join("\n", described)).contains(token);
            Http admin = server.admin().withToken(token);
            assertThat(admin.get("/api/v1/licenses").status()).isEqualTo(200);
            assertThat(server.admin().get("/api/v1/licenses").status()).as("the test's fixed token was never set").isEqualTo(401);

            server.restart();

            assertThat(server.server().generatedAdminToken()).isEmpty();
            List<String> again = new java.util.ArrayList<>();
            server.server().describe(again::add);
            assertThat(String.join("\n", again)).doesNotContain(token);
            assertThat(server.admin().withToken(token).get("/api/v1/licenses").status()).isEqualTo(200);
        }
        assertStoredOnlyAsHash(token);
    }

    @Test
    void aTokenGivenAtFirstStartIsStoredOnlyAsItsHash() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            assertThat(server.server().generatedAdminToken()).isEmpty();
            assertThat(server.admin().get("/api/v1/licenses").status()).isEqualTo(200);
        }
        assertStoredOnlyAsHash(TestServer.ADMIN_TOKEN);
    }

    private void assertStoredOnlyAsHash(String token) throws Exception {
        Map<String, String> settings = dev.usher.store.testing.TestDatabases.postgresql()
                ? readPostgresSettings(dev.usher.store.testing.TestDatabases.urlFor(dir)) : readSettings(dir.resolve("usher.db"));
        assertThat(settings).containsEntry("admin.token.sha256", sha256Hex(token));
        settings.forEach((k, v) -> assertThat(v).as("setting " + k).doesNotContain(token));
        // Nowhere on disk either: not in the database, its WAL, or any other file of the data directory.
        byte[] needle = token.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(indexOf(Files.readAllBytes(f), needle)).as("token found in " + f).isEqualTo(-1);
            }
        }
    }

    private static Map<String, String> readPostgresSettings(String url) {
        try (dev.usher.store.Database db = dev.usher.store.postgresql.PostgresDatabase.open(url, 2)) {
            return db.read(h -> {
                Map<String, String> out = new LinkedHashMap<>();
                h.createQuery("SELECT key, value FROM settings ORDER BY key").map((rs, ctx) -> out.put(rs.getString(1), rs.getString(2))).list();
                return out;
            });
        }
    }

    private static Map<String, String> readSettings(Path db) throws SQLException, IOException {
        assertThat(db).exists();
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = config.createConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT key, value FROM settings ORDER BY key")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private static String sha256Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * A start-up that takes long (a big database, a slow disk) does not eat into the grace of a lease
     * that lapsed while the server was down: it runs one TTL from when the server answers again. Here
     * the clock moves 10 s each time anything reads it, so every step of the start is "long".
     */
    @Test
    void theGraceOfALapsedLeaseCountsFromWhenTheServerAnswers() {
        try (TestServer server = TestServer.start(dir)) {
            server.license("demo", "cal", 10);
            assertThat(server.client().checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
        }
        java.time.Instant back = java.time.Instant.parse("2026-06-01T15:00:00Z"); // three hours later: the lease lapsed
        java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        java.time.Clock slowStart = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return back.plusSeconds(10 * reads.getAndIncrement());
            }
        };
        try (TestServer server = TestServer.start(dir, c -> c.withClock(slowStart))) {
            java.time.Instant answering = back.plusSeconds(10 * reads.get());
            var sessions = server.admin().get("/api/v1/sessions").json();
            assertThat(sessions).hasSize(1);
            java.time.Instant lease = java.time.Instant.parse(sessions.get(0).get("leaseExpiresAt").asString());
            // One TTL (120 s) from when it answered, give or take the few reads after the grace was given.
            assertThat(lease).isAfter(answering.plusSeconds(120 - 30));
            assertThat(server.client().heartbeat("s1").status()).isEqualTo(200);
        }
    }
}
