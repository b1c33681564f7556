package dev.usher.cli.common;

import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code USHER_*} environment variables that mirror flags. A flag given on the command line
 * wins over the variable; the variable wins over the default.
 */
public final class Environment {

    private final Map<String, String> env;

    public Environment(Map<String, String> env) {
        this.env = env;
    }

    public static Environment system() {
        return new Environment(System.getenv());
    }

    public String get(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    public Path dataDir(Path flag) {
        if (flag != null) {
            return flag;
        }
        String v = get("USHER_DATA");
        return Path.of(v != null ? v : "data");
    }

    public int port(Integer flag, int fallback) {
        if (flag != null) {
            return flag;
        }
        String v = get("USHER_PORT");
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new CliException("USHER_PORT must be a port number (got '" + v + "')");
        }
    }
}
