package dev.usher.store.sqlite;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Where sqlite-jdbc loads its native library from. Left alone, the driver copies the library (1 MB) out of its jar
 * into the temporary directory at every start, reads the copy back to compare it with the jar's, and deletes it at
 * exit (and leaves it behind when the process is killed). The launchers name a directory of their own in the system
 * property {@value #DIRECTORY}; the library is copied there once, under a name that carries the driver's version and
 * platform (so an upgraded driver never loads an older library), readable by every account (the archive's copy is
 * made by its owner, usually root, and loaded by the service's account), and every later start loads it in place.
 * Without the property, where the directory cannot be written and holds no readable copy (a read-only install), or
 * when the driver cannot load the copy, the driver falls back to its own way.
 */
final class NativeLibrary {

    /** The system property the launchers set: a directory this process may write. */
    static final String DIRECTORY = "usher.native-dir";

    private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);
    private static boolean prepared;

    private NativeLibrary() {
    }

    /** Before the driver's first connection: points it at the kept copy when the launcher named a directory. */
    static synchronized void prepare() {
        if (prepared) {
            return;
        }
        prepared = true;
        String dir = System.getProperty(DIRECTORY);
        if (dir == null || dir.isBlank() || System.getProperty("org.sqlite.lib.path") != null) {
            return; // not asked, or someone chose the library already
        }
        keptCopy(Path.of(dir)).ifPresent(lib -> {
            System.setProperty("org.sqlite.lib.path", lib.getParent().toString());
            System.setProperty("org.sqlite.lib.name", lib.getFileName().toString());
        });
    }

    /**
     * The library for this platform in {@code dir}, copied out of the driver's jar if it is not there yet (or not whole);
     * empty when the jar has none for this platform or the copy cannot be made.
     */
    static Optional<Path> keptCopy(Path dir) {
        String folder = LibraryLoaderUtil.getNativeLibResourcePath(); // e.g. /org/sqlite/native/Linux/x86_64
        String name = LibraryLoaderUtil.getNativeLibName();
        URL resource = SQLiteJDBCLoader.class.getResource(folder + "/" + name);
        if (resource == null) {
            return Optional.empty();
        }
        Path lib = dir.resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion() + folder.replace("/org/sqlite/native", "")).resolve(name);
        try {
            long size = resource.openConnection().getContentLengthLong();
            if (Files.isRegularFile(lib) && Files.isReadable(lib) && Files.size(lib) == size) {
                return Optional.of(lib);
            }
            Files.createDirectories(lib.getParent());
            // Written under another name and renamed: a process starting at the same time never loads half a library.
            Path part = Files.createTempFile(lib.getParent(), name, ".part");
            try (InputStream in = resource.openStream()) {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                if (Files.getFileStore(part).supportsFileAttributeView("posix")) {
                    // Whatever the umask of the account that copies it (root under sudo, often 027 or 077): the service reads it.
                    Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-r--r--"));
                }
                Files.move(part, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(part);
            }
            return Optional.of(lib);
        } catch (IOException | RuntimeException e) {
            LOG.debug("SQLite's native library not kept in {} ({}); the driver extracts it itself", dir, e.toString());
            return Optional.empty();
        }
    }
}
