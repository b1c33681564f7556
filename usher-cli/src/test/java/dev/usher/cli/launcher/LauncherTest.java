package dev.usher.cli.launcher;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository's launcher scripts ({@code ./usher}, {@code ./mvnw}) on a machine whose default
 * java is older than 25 and where JAVA_HOME is not set.
 */
class LauncherTest {

    private static final Path ROOT = findRoot();

    private static Path findRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve(".mvn/find-jdk.sh"))) {
            p = p.getParent();
        }
        return p;
    }

    private record Run(int exit, String out) {}

    private static Run sh(String script, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void findsAJdk25EvenWhenTheDefaultJavaIsOlder() throws Exception {
        Run r = sh(". ./.mvn/find-jdk.sh && \"$JAVA_HOME/bin/java\" -version", Map.of());
        assertThat(r.exit()).isZero();
        int major = Integer.parseInt(r.out().replaceAll("(?s).*version \"(\\d+).*", "$1"));
        assertThat(major).isGreaterThanOrEqualTo(25);
    }

    @Test
    void withoutAJdk25ItFailsWithOneLineSayingWhatToInstall() throws Exception {
        Path empty = Files.createTempDirectory("no-jdks");
        Run r = sh("./usher --version", Map.of("USHER_JDK_DIRS", empty + "/*"));
        assertThat(r.exit()).isNotZero();
        // The default java on these machines is 17; if a 25 were on PATH the launcher would rightly use it.
        assertThat(r.out().strip().lines()).hasSize(1);
        assertThat(r.out()).startsWith("usher: needs a JDK 25 or newer").contains("install");
    }
}
