package dev.usher.store.sqlite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The native library kept in the launcher's directory instead of copied to /tmp at every start (issue 19, start-up). */
class NativeLibraryTest {

    @TempDir
    Path dir;

    private static byte[] jarCopy() throws Exception {
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(LibraryLoaderUtil.getNativeLibResourcePath() + "/"
                + LibraryLoaderUtil.getNativeLibName())) {
            return in.readAllBytes();
        }
    }

    @Test
    void copiedOnceUnderTheDriversVersionAndThenLoadedInPlace() throws Exception {
        Path lib = NativeLibrary.keptCopy(dir).orElseThrow();
        assertThat(lib).startsWith(dir.resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion()));
        assertThat(lib.getFileName().toString()).isEqualTo(LibraryLoaderUtil.getNativeLibName());
        assertThat(Files.readAllBytes(lib)).isEqualTo(jarCopy());
        // Made by the install's owner, loaded by the service's account (set explicitly, so a strict umask does not change it).
        assertThat(Files.getPosixFilePermissions(lib)).contains(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        try (var files = Files.list(lib.getParent())) {
            assertThat(files.toList()).as("no partial copy left behind").containsExactly(lib);
        }

        FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(lib, old);
        assertThat(NativeLibrary.keptCopy(dir)).contains(lib);
        assertThat(Files.getLastModifiedTime(lib)).as("a whole copy is not written again").isEqualTo(old);
    }

    @Test
    void aCopyThatIsNotWholeIsReplaced() throws Exception {
        Path lib = NativeLibrary.keptCopy(dir).orElseThrow();
        Files.write(lib, new byte[] {1, 2, 3});
        assertThat(NativeLibrary.keptCopy(dir)).contains(lib);
        assertThat(Files.readAllBytes(lib)).isEqualTo(jarCopy());
    }

    @Test
    void aDirectoryThatCannotBeWrittenLeavesItToTheDriver() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        assertThat(NativeLibrary.keptCopy(notADirectory.resolve("native"))).isEqualTo(Optional.empty());
    }
}
