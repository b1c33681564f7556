package dev.usher.server.install;


import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Optional;
import java.util.jar.Manifest;

/**
 * What the build wrote into the server jar's manifest: when it was built ({@code Build-Time}).
 * Run from classes (an IDE, a test) there is no jar and so no build time.
 */
public final class BuildInfo {

    private static final String BUILD_TIME = read("Build-Time");

    private BuildInfo() {
    }

    /** The build time as ISO-8601 UTC, e.g. {@code 2026-11-28T18:04:05Z}, when running from the jar. */
    public static Optional<String> buildTime() {
        return Optional.ofNullable(BUILD_TIME);
    }

    private static String read(String attribute) {
        URL self = BuildInfo.class.getResource(BuildInfo.class.getSimpleName() + ".class");
        if (self == null || !"jar".equals(self.getProtocol())) {
            return null;
        }
        String url = self.toString();
        try (InputStream in = java.net.URI.create(url.substring(0, url.indexOf("!/") + 2) + "META-INF/MANIFEST.MF").toURL().openStream()) {
            String value = new Manifest(in).getMainAttributes().getValue(attribute);
            return value == null || value.isBlank() ? null : value.strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
