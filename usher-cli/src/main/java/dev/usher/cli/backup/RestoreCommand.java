package dev.usher.cli.backup;

import dev.usher.cli.common.CliException;
import dev.usher.cli.common.Environment;
import dev.usher.server.install.DataDirectory;
import dev.usher.store.StoreException;
import dev.usher.store.sqlite.SqliteFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

/**
 * {@code usher restore FILE}: replaces the data directory's database with a backup. Only while no
 * server runs on it (it holds the data directory's lock throughout, so none can start meanwhile),
 * only a file that is an intact Usher database this version can open, and the database it replaces
 * is kept beside it as {@code usher.db.TIMESTAMP.bak}.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Replace the database in the data directory with a backup (the server must be stopped; the old database is kept as .bak).")
public final class RestoreCommand implements Callable<Integer> {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A backup written by `usher backup`.")
    Path file;

    @Option(names = "--data", description = "Data directory to restore into (default ./data; env USHER_DATA).")
    Path data;

    Environment env = Environment.system();

    @Override
    public Integer call() {
        SqliteFile backup;
        try {
            backup = SqliteFile.inspect(file);
        } catch (StoreException e) {
            throw new CliException("not restored: " + e.getMessage());
        }
        Path dataDir = env.dataDir(data);
        DataDirectory dir;
        try {
            dir = DataDirectory.open(dataDir);
        } catch (DataDirectory.DataDirectoryInUseException e) {
            throw new CliException("not restored: " + e.getMessage().replace("; stop it first or choose another directory with --data",
                    ": stop the server first (restore replaces the whole database)"));
        } catch (IllegalStateException | UncheckedIOException e) {
            throw new CliException("not restored: " + e.getMessage());
        }
        try (dir) {
            Path db = dir.database();
            Path staging = dataDir.resolve("usher.db.restoring");
            copyPrivately(file, staging);
            try {
                SqliteFile.inspect(staging); // the copy, not just the original, is what goes live
            } catch (StoreException e) {
                deleteQuietly(staging);
                throw new CliException("not restored: the copy in " + dataDir + " does not check out: " + e.getMessage());
            }
            String previousInstallation = null;
            Path kept = null;
            if (Files.exists(db)) {
                try {
                    previousInstallation = SqliteFile.inspect(db).installationId();
                } catch (StoreException e) {
                    // a damaged database is exactly what one restores over: keep it, say nothing more
                }
                kept = dataDir.resolve("usher.db." + STAMP.format(Instant.now()) + ".bak");
                // The write-ahead log holds committed data not yet in usher.db: it moves along under
                // the name SQLite looks for (<db>-wal), so the .bak opens with everything in it.
                move(db, kept);
                moveIfExists(dataDir.resolve("usher.db-wal"), kept.resolveSibling(kept.getFileName() + "-wal"));
                deleteQuietly(dataDir.resolve("usher.db-shm"));
            }
            move(staging, db);
            var out = spec.commandLine().getOut();
            out.println("restored " + file + " into " + db + " (schema version " + backup.schemaVersion() + ", installation "
                    + backup.installationId() + ")");
            if (kept != null) {
                out.println("the previous database is kept as " + kept);
            }
            if (previousInstallation != null && !previousInstallation.equals(backup.installationId())) {
                out.println("note: the backup is of installation " + backup.installationId() + "; this data directory had "
                        + previousInstallation + " (server licenses are bound to an installation id)");
            }
            out.println("start the server: usher serve --data " + dataDir);
        }
        return 0;
    }

    private static void copyPrivately(Path from, Path to) {
        try {
            Files.deleteIfExists(to);
            Files.createFile(to, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (var in = Files.newInputStream(from); var out = Files.newOutputStream(to)) {
                in.transferTo(out);
            }
        } catch (IOException e) {
            throw new CliException("not restored: cannot copy " + from + " to " + to + ": " + e.getMessage());
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException("cannot move " + from + " to " + to + ": " + e.getMessage());
        }
    }

    private static void moveIfExists(Path from, Path to) {
        if (Files.exists(from)) {
            move(from, to);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // leftover only; SQLite recreates or ignores it
        }
    }
}
