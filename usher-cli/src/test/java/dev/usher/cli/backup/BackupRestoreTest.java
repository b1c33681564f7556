package dev.usher.cli.backup;

import dev.usher.cli.UsherCommand;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** usher backup while clients take and return seats, and usher restore of what it wrote. */
class BackupRestoreTest {

    private static final int CAPACITY = 15;

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run usher(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = UsherCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aBackupTakenUnderLoadRestoresToAStateThatKeepsEveryInvariant() throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("usher-backup.db");
        int seatsBefore;
        try (TestServer server = TestServer.start(data)) {
            server.license("cad", "cal", CAPACITY);
            Http client = server.client();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger done = new AtomicInteger();
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                int worker = w;
                workers.add(Thread.ofVirtual().start(() -> {
                    Random rnd = new Random(worker);
                    for (int i = 0; i < 5_000 && !stop.get(); i++) {
                        String session = "w" + worker + "-" + rnd.nextInt(8);
                        if (rnd.nextInt(4) > 0) {
                            client.checkout(session, "cad", "cal", "user" + rnd.nextInt(25), "host" + worker);
                        } else {
                            client.delete("/api/v1/sessions/" + session);
                        }
                        done.incrementAndGet();
                    }
                }));
            }
            while (done.get() < 200) {
                Thread.sleep(5);
            }
            int before = done.get();
            Run r = usher("backup", backup.toString(), "--data", data.toString());
            int during = done.get() - before;
            stop.set(true);
            for (Thread t : workers) {
                t.join();
            }
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("backup written to " + backup).contains("installation " + server.installationId());
            assertThat(during).as("requests served while the backup ran").isPositive();
            assertThat(Files.getPosixFilePermissions(backup).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
            seatsBefore = server.admin().get("/api/v1/seats").json().size();
            // Something to lose: a license and a seat added after the backup, which the restore takes away again.
            server.license("cam", "cal", 2);
            assertThat(client.checkout("after-backup", "cam", "cal", "latecomer", "ws9").status()).isEqualTo(201);
            assertThat(seatsBefore).isPositive();
        }

        Run restored = usher("restore", backup.toString(), "--data", data.toString());
        assertThat(restored.code()).as(restored.err()).isZero();
        assertThat(restored.out()).contains("restored " + backup + " into " + data.resolve("usher.db"))
                .contains("the previous database is kept as " + data.resolve("usher.db."));
        try (var bak = Files.list(data)) {
            assertThat(bak.map(p -> p.getFileName().toString()).filter(n -> n.matches("usher\\.db\\.\\d{8}-\\d{6}\\.bak"))).hasSize(1);
        }

        try (TestServer server = TestServer.start(data)) {
            Http admin = server.admin();
            Instant now = server.now();
            JsonNode seats = admin.get("/api/v1/seats").json();
            Map<String, Integer> seatsPerPerson = new HashMap<>();
            for (JsonNode seat : seats) {
                seatsPerPerson.merge(seat.get("product").asString() + "/" + seat.get("feature").asString() + "/"
                        + seat.get("user").asString(), 1, Integer::sum);
                boolean live = false;
                for (JsonNode s : seat.get("sessions")) {
                    live |= Instant.parse(s.get("leaseExpiresAt").asString()).isAfter(now);
                }
                boolean lingering = !seat.get("lingerUntil").isNull();
                assertThat(live || lingering).as("seat %s has a live session or lingers", seat.get("seatId")).isTrue();
            }
            assertThat(seatsPerPerson.values()).as("one seat per person").allMatch(n -> n == 1);
            assertThat(seatsPerPerson).doesNotContainKey("cam/cal/latecomer");
            assertThat(admin.get("/api/v1/pools").json().size()).as("only the pool that existed at the backup").isEqualTo(1);
            JsonNode pool = admin.get("/api/v1/pools").json().get(0);
            assertThat(pool.get("capacity").asInt()).isEqualTo(CAPACITY);
            assertThat(pool.get("inUse").asInt()).isEqualTo(seats.size()).isLessThanOrEqualTo(CAPACITY);
            // The restored server serves.
            assertThat(server.client().heartbeat("none-such").status()).isIn(404, 410);
        }
    }

    /**
     * The README's steps, as written, after losing the whole data directory: back up online and copy
     * DATA/trusted-keys/ alongside; restore into the same directory; start; put the key files back while the server
     * runs. The same installation serves again, and the keys count within a second, without a restart.
     */
    @Test
    void theReadmesRestoreStepsBringBackTheSameInstallationAndTheKeysCountWhenCopiedBack() throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("usher-2026-11-28.db");
        Path keysBackup = dir.resolve("trusted-keys-backup");
        String installationId;
        dev.usher.server.testing.MutableClock clock;
        try (TestServer server = TestServer.start(data)) {
            clock = server.clock();
            installationId = server.installationId();
            server.license("cad", "cal", 3);
            assertThat(server.client().checkout("s1", "cad", "cal", "alice", "ws1").status()).isEqualTo(201);
            assertThat(usher("backup", backup.toString(), "--data", data.toString()).code()).isZero();
            copyDirectory(data.resolve("trusted-keys"), keysBackup);
        }
        deleteTree(data); // the disk is gone

        Run restored = usher("restore", backup.toString(), "--data", data.toString());
        assertThat(restored.code()).as(restored.err()).isZero();
        try (dev.usher.server.UsherServer server = dev.usher.server.UsherServer.start(dev.usher.server.ServerConfig.defaults(data)
                .withHost("127.0.0.1").withPort(0).withClock(clock).withAdminToken(TestServer.ADMIN_TOKEN))) {
            Http admin = new Http(server.localUrl(), TestServer.ADMIN_TOKEN);
            assertThat(server.installationId()).isEqualTo(installationId);
            assertThat(admin.get("/api/v1/licenses").json().get(0).get("status").asString()).isEqualTo("unknown-key");

            copyDirectory(keysBackup, data.resolve("trusted-keys")); // no restart, no command

            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            while (new Http(server.localUrl(), null).heartbeat("s1").status() != 200 || admin.get("/api/v1/pools").json().isEmpty()) {
                assertThat(System.nanoTime()).as("the copied keys count within a second or so").isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(admin.get("/api/v1/licenses").json().get(0).get("status").asString()).isEqualTo("valid");
            assertThat(admin.get("/api/v1/pools").json().get(0).get("inUse").asInt()).isEqualTo(1);
            assertThat(new Http(server.localUrl(), null).checkout("s2", "cad", "cal", "bob", "ws2").status()).isEqualTo(201);
        }
    }

    private static void copyDirectory(Path from, Path to) throws java.io.IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (var files = Files.walk(root)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    @Test
    void restoreRefusesWhileTheServerRunsAndFilesThatAreNotUsherDatabases() throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("b.db");
        try (TestServer server = TestServer.start(data)) {
            server.license("cad", "cal", 3);
            assertThat(usher("backup", backup.toString(), "--data", data.toString()).code()).isZero();
            Run second = usher("backup", backup.toString(), "--data", data.toString());
            assertThat(second.code()).isEqualTo(1);
            assertThat(second.err()).isEqualTo("usher: " + backup + " already exists: choose another name or pass --force\n");

            Run running = usher("restore", backup.toString(), "--data", data.toString());
            assertThat(running.code()).isEqualTo(1);
            assertThat(running.err()).startsWith("usher: not restored: data directory " + data + " is in use by another Usher process")
                    .endsWith("stop the server first (restore replaces the whole database)\n");
        }
        byte[] before = Files.readAllBytes(data.resolve("usher.db"));

        Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
        assertThat(usher("restore", text.toString(), "--data", data.toString()).err())
                .isEqualTo("usher: not restored: " + text + " is not an SQLite database (an Usher backup is one)\n");

        Path other = dir.resolve("other.db");
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + other)) {
            c.createStatement().execute("CREATE TABLE t (x)");
        }
        assertThat(usher("restore", other.toString(), "--data", data.toString()).err())
                .isEqualTo("usher: not restored: " + other + " is an SQLite database but not Usher's (no Usher schema in it)\n");

        Path newer = dir.resolve("newer.db");
        Files.copy(backup, newer);
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + newer)) {
            c.createStatement().execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                    + " installed_by, installed_on, execution_time, success) VALUES (999, '999', 'future', 'SQL', 'V999__future.sql', 0, 'x',"
                    + " CURRENT_TIMESTAMP, 0, 1)");
        }
        assertThat(usher("restore", newer.toString(), "--data", data.toString()).err())
                .startsWith("usher: not restored: " + newer + " was made by a newer Usher (schema version 999; this Usher knows up to ");

        Path damaged = dir.resolve("damaged.db");
        byte[] bytes = Files.readAllBytes(backup);
        for (int i = 4096; i < bytes.length; i += 7) {
            bytes[i] = (byte) 0xAB;
        }
        Files.write(damaged, bytes);
        assertThat(usher("restore", damaged.toString(), "--data", data.toString()).err()).startsWith("usher: not restored: ");

        // None of the refusals touched the database.
        assertThat(Files.readAllBytes(data.resolve("usher.db"))).isEqualTo(before);
        try (var files = Files.list(data)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".bak") || n.endsWith(".restoring"));
        }
    }

    @Test
    void backupIsForAdministratorsOnly() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("data"))) {
            Http.Response anonymous = server.client().post("/api/v1/backup", "");
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.contentType()).startsWith("application/problem+json");
            Http.Response admin = server.admin().post("/api/v1/backup", "");
            assertThat(admin.status()).isEqualTo(200);
            assertThat(admin.contentType()).isEqualTo("application/vnd.sqlite3");
            assertThat(admin.text()).startsWith("SQLite format 3");
        }
    }
}
