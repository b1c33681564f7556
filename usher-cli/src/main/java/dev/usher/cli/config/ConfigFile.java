package dev.usher.cli.config;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A {@code usher.properties} file, read with the JDK's own {@code .properties} rules (comments with
 * {@code #} or {@code !}, {@code key=value}, {@code key: value}, backslash continuation and escapes)
 * but one logical line at a time, so every entry knows the line it is on for error messages.
 */
public record ConfigFile(Path path, List<Entry> entries) {

    /** One {@code key = value}, with the (first) line it was written on. */
    public record Entry(String key, String value, int line) {}

    public ConfigFile {
        entries = List.copyOf(entries);
    }

    public static ConfigFile read(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("the configuration file " + path + " does not exist");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException("the configuration file " + path + " is not UTF-8 text");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
        return parse(path, text);
    }

    static ConfigFile parse(Path path, String text) {
        List<Entry> entries = new ArrayList<>();
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int first = i;
            StringBuilder logical = new StringBuilder(lines[i]);
            String trimmed = lines[i].stripLeading();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
                continue;
            }
            while (endsWithContinuation(lines[i]) && i + 1 < lines.length) {
                i++;
                logical.append('\n').append(lines[i]);
            }
            Properties p = new Properties();
            try {
                p.load(new StringReader(logical.toString()));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(path.getFileName() + " line " + (first + 1) + ": cannot be read: " + e.getMessage());
            }
            for (String key : p.stringPropertyNames()) {
                entries.add(new Entry(key, p.getProperty(key), first + 1));
            }
        }
        return new ConfigFile(path, entries);
    }

    /** An odd number of trailing backslashes continues the line (an even number is escaped backslashes). */
    private static boolean endsWithContinuation(String line) {
        int n = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            n++;
        }
        return n % 2 == 1;
    }

    /** How messages name a place in this file: {@code usher.properties line 7}. */
    public String where(Entry e) {
        return path.getFileName() + " line " + e.line();
    }
}
