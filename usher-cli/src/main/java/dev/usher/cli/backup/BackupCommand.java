package dev.usher.cli.backup;

import dev.usher.cli.common.CliException;
import dev.usher.cli.admin.AdminConnection;
import dev.usher.cli.admin.AdminOptions;
import dev.usher.store.StoreException;
import dev.usher.store.sqlite.SqliteFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code usher backup FILE}: a consistent copy of the database while the server runs. It goes
 * through the admin API ({@code POST /api/v1/backup}) like every admin command, so it works the
 * same against the local server, a remote one ({@code --server}) and none (one is started for it).
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Write a consistent copy of the database to FILE (online: the server keeps serving). PostgreSQL: use pg_dump.")
public final class BackupCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions options;

    @Parameters(paramLabel = "FILE", description = "Where to write the backup (an SQLite file).")
    Path file;

    @Option(names = "--force", description = "Replace FILE if it exists.")
    boolean force;

    @Override
    public Integer call() {
        if (Files.exists(file) && !force) {
            throw new CliException(file + " already exists: choose another name or pass --force");
        }
        if (Files.isDirectory(file)) {
            throw new CliException(file + " is a directory: give a file name");
        }
        long size;
        try (AdminConnection usher = AdminConnection.open(options)) {
            size = usher.postForFile("/api/v1/backup", file);
        }
        SqliteFile info;
        try {
            info = SqliteFile.inspect(file);
        } catch (StoreException e) {
            throw new CliException("the backup written to " + file + " does not check out: " + e.getMessage());
        }
        spec.commandLine().getOut().println("backup written to " + file + " (" + size + " bytes, schema version "
                + info.schemaVersion() + ", installation " + info.installationId() + ")");
        return 0;
    }
}
