package dev.usher.cli.identity;

import dev.usher.cli.common.CliException;
import dev.usher.server.auth.BearerTokens;
import dev.usher.server.auth.PasswordHasher;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Renderings and input shared by the identity commands. */
final class Text {

    private Text() {
    }

    /** A JSON value for a table cell: {@code -} when absent. */
    static String of(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "-";
        }
        String s = n.asString();
        return s.isEmpty() ? "-" : s;
    }

    /** An instant as {@code 2026-06-01 12:00:00Z}, or {@code -}. */
    static String time(JsonNode n) {
        String s = of(n);
        if (s.length() >= 19 && s.charAt(10) == 'T') {
            return s.substring(0, 10) + " " + s.substring(11, 19) + "Z";
        }
        return s;
    }

    static String list(JsonNode array) {
        if (array == null || array.isNull() || array.isEmpty()) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        array.forEach(a -> parts.add(a.asString()));
        return String.join(", ", parts);
    }

    /** Prints rows under a header, each column as wide as its widest cell. */
    static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> r : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < width.length; i++) {
                String cell = r.get(i);
                line.append(cell);
                if (i < width.length - 1) {
                    line.append(" ".repeat(width[i] - cell.length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** The first line of standard input, for {@code --password-stdin}; checked for length here, before any call. */
    static String passwordFromStdin() {
        String line;
        try {
            line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            throw new CliException("cannot read the password from standard input: " + e.getMessage());
        }
        if (line == null || line.isEmpty()) {
            throw new CliException("--password-stdin: standard input is empty; pipe the password in, e.g. printf '%s' \"$PW\" | usher ...");
        }
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        try {
            PasswordHasher.requireAcceptable(line);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        return line;
    }

    /** A new random password of 20 characters (120 bits), to be shown once. */
    static String generatedPassword() {
        return BearerTokens.newToken().substring(0, 20);
    }
}
