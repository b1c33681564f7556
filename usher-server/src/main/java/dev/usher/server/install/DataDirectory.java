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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data directory, held exclusively by one server process.
 *
 * <p>SQLite would let a second process open the same file and both would then decide seats from
 * their own memory; the lock turns that into a clear error at start-up instead.
 *
 * <p>The lock is a POSIX record lock, which belongs to the process, and closing <em>any</em> channel
 * of this process on the lock file drops it. So a second open in the same process must not even
 * open the file: the directories this process holds are also kept in {@link #HELD_HERE}.
 */
public final class DataDirectory implements AutoCloseable {

    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();
    private static final Set<FileChannel> UNCLOSABLE = ConcurrentHashMap.newKeySet();

    private final Path root;
    private final Path heldKey;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDirectory(Path root, Path heldKey, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.heldKey = heldKey;
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
        Path heldKey;
        try {
            heldKey = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve data directory " + root + ": " + e.getMessage(), e);
        }
        if (!HELD_HERE.add(heldKey)) {
            throw new DataDirectoryInUseException(root, String.valueOf(ProcessHandle.current().pid()));
        }
        FileChannel channel = null;
        boolean locked = false;
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
            locked = true;
            return new DataDirectory(root, heldKey, channel, lock);
        } catch (OverlappingFileLockException e) {
            // Not expected with HELD_HERE (the same file under another path?). Closing this channel, now
            // or when it is garbage collected, would drop the lock the other holder has: keep it open.
            UNCLOSABLE.add(channel);
            throw new DataDirectoryInUseException(root, String.valueOf(ProcessHandle.current().pid()));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        } finally {
            if (!locked) {
                HELD_HERE.remove(heldKey);
            }
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

    /**
     * Tells admin commands on this machine where this server answers ({@link #serverInfo()}): its URL, its pid, a
     * token for this run, and with HTTPS its URL and exactly the certificate it serves (DER, base64, so no file has
     * to be readable).
     *
     * @param httpsUrl    null when HTTPS is off
     * @param certificate null when HTTPS is off
     */
    public void writeServerInfo(String url, String token, String httpsUrl, String certificate) {
        String httpsInfo = httpsUrl == null ? "" : ",\"httpsUrl\":\"" + httpsUrl + "\",\"certificate\":\"" + certificate + "\"";
        writePrivateFile(serverInfo(), "{\"url\":\"" + url + "\",\"pid\":" + ProcessHandle.current().pid()
                + ",\"token\":\"" + token + "\"" + httpsInfo + "}\n");
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
        } finally {
            HELD_HERE.remove(heldKey);
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
