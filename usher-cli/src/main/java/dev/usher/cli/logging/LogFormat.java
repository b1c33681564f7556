package dev.usher.cli.logging;

import java.util.Locale;

/** How log lines look: for people reading a terminal, or one JSON object per line for log shippers. */
public enum LogFormat {
    HUMAN, JSON;

    public static LogFormat fromCode(String code) {
        for (LogFormat f : values()) {
            if (f.name().toLowerCase(Locale.ROOT).equals(code == null ? "" : code.strip().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("log format must be human or json (got '" + code + "')");
    }
}
