package dev.usher.server.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The data directory, held exclusively by one server process.
 *
 * <p>SQLite would let a second process open the same file and both would then decide seats from
 * their own memory; the lock turns that into a clear error at start-up instead.
 */
public final class DataDirectory implements AutoCloseable {

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDirectory(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Creates the directory if needed and locks it; fails with a one-line message when another process has it. */
    public static DataDirectory open(Path root) {
        try {
            Files.createDirectories(root);
            Files.createDirectories(root.resolve("trusted-keys"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create data directory " + root + ": " + e.getMessage(), e);
        }
        Path lockFile = root.resolve("usher.lock");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new DataDirectoryInUseException(root, readOwner(lockFile));
            }
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
            return new DataDirectory(root, channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new DataDirectoryInUseException(root, String.valueOf(ProcessHandle.current().pid()));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
    }

    private static String readOwner(Path lockFile) {
        try {
            return Files.readString(lockFile).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // already failing; the original error is what matters
            }
        }
    }

    public Path root() {
        return root;
    }

    public Path database() {
        return root.resolve("usher.db");
    }

    public Path trustedKeys() {
        return root.resolve("trusted-keys");
    }

    public Path demoVendorKey() {
        return root.resolve("demo-vendor.key");
    }

    /** Where a running server tells local CLI commands its address and a per-run admin token. */
    public Path serverInfo() {
        return root.resolve("server.json");
    }

    /** Writes a file only the owner can read (created with those permissions, never readable by others). */
    public static void writePrivateFile(Path file, String content) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(serverInfo());
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Another process holds the data directory. */
    public static final class DataDirectoryInUseException extends IllegalStateException {
        public DataDirectoryInUseException(Path root, String pid) {
            super("data directory " + root + " is in use by another Usher process (pid " + pid
                    + "); stop it first or choose another directory with --data");
        }
    }
}
