package dev.usher.server.http;

import dev.usher.store.Database;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * {@code POST /api/v1/backup} (administrators): a consistent copy of the live database, streamed
 * as an SQLite file. The copy is made into a private temporary directory and removed after.
 */
final class BackupRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(BackupRoutes.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Database db;
    private final RequestAuth auth;

    BackupRoutes(Database db, RequestAuth auth) {
        this.db = db;
        this.auth = auth;
    }

    void register(RoutesConfig r) {
        r.post("/api/v1/backup", auth.admin(this::backup));
    }

    private void backup(Context ctx) throws IOException {
        // createTempDirectory makes it owner-only (0700): the copy holds password hashes and token hashes.
        Path dir = Files.createTempDirectory("usher-backup-");
        Path file = dir.resolve("usher.db");
        try {
            long started = System.nanoTime();
            try {
                db.backupTo(file);
            } catch (UnsupportedOperationException e) {
                throw new ApiProblem(501, "backup-not-supported", "Backup is not supported by this store", e.getMessage());
            }
            long size = Files.size(file);
            LOG.info("backup: {} bytes in {} ms", size, (System.nanoTime() - started) / 1_000_000);
            ctx.status(200);
            ctx.contentType("application/vnd.sqlite3");
            ctx.header("Content-Disposition", "attachment; filename=\"usher-" + STAMP.format(Instant.now()) + ".db\"");
            ctx.header("Content-Length", String.valueOf(size));
            try (InputStream in = Files.newInputStream(file); OutputStream out = ctx.res().getOutputStream()) {
                in.transferTo(out);
            }
        } finally {
            try {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the temporary backup " + file, e);
            }
        }
    }
}
