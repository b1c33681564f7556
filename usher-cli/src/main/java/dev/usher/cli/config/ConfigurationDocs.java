package dev.usher.cli.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference table of docs/CONFIGURATION.md and the commented default {@code usher.properties}
 * shipped in the archive, both written from {@link Setting} so they cannot drift from the code.
 */
public final class ConfigurationDocs {

    private ConfigurationDocs() {
    }

    /** The Markdown table of every setting. */
    public static String table() {
        StringBuilder b = new StringBuilder();
        b.append("| key (`usher.properties`) | flag | environment | default | values | meaning |\n");
        b.append("| --- | --- | --- | --- | --- | --- |\n");
        for (Setting s : Setting.values()) {
            b.append("| `").append(s.key()).append("` | ")
                    .append(s.flag().map(f -> "`" + f + "`").orElse(s.secret() ? "(none: a secret)" : "(none)")).append(" | `")
                    .append(s.env()).append("` | ")
                    .append(s.defaultValue().isEmpty() ? "(not set)" : "`" + s.defaultValue() + "`").append(" | ")
                    .append(s.type().describe()).append(" | ")
                    .append(s.description().replace("|", "\\|").replace("DOMAIN\\user", "`DOMAIN\\user`")).append(" |\n");
        }
        return b.toString();
    }

    /** A {@code usher.properties} with every key commented out at its default, ready to edit. */
    public static String template() {
        StringBuilder b = new StringBuilder();
        b.append("# Usher configuration: read by `usher serve --config FILE` (or USHER_CONFIG=FILE), or from\n");
        b.append("# DATA/usher.properties. USHER_* environment variables override it; flags override both.\n");
        b.append("# Check it with: usher config check FILE\n");
        b.append("# Relative paths are relative to this file's directory. Every key is shown at its default.\n");
        for (Setting s : Setting.values()) {
            b.append('\n');
            for (String line : wrap(s.description() + " (" + s.type().describe() + "; flag "
                    + s.flag().orElse("none") + ", environment " + s.env() + ")", 96)) {
                b.append("# ").append(line).append('\n');
            }
            b.append("#").append(s.key()).append(" = ").append(s.defaultValue().replace("\\", "\\\\")).append('\n');
        }
        return b.toString();
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(word);
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }
}
