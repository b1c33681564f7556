package dev.usher.cli.config;

import dev.usher.cli.common.Environment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings {@code usher serve} runs with, each taken from the strongest place that sets it:
 * a flag, else its {@code USHER_*} variable, else the configuration file, else the default.
 *
 * <p>The file is {@code --config FILE} (or {@code USHER_CONFIG}); without one,
 * {@code DATA/usher.properties} when it exists. Every problem names where the value came from
 * ({@code --port}, {@code USHER_PORT}, {@code usher.properties line 7: port}).
 */
public final class Configuration {

    public static final String FILE_NAME = "usher.properties";
    public static final String CONFIG_ENV = "USHER_CONFIG";

    public enum Source { DEFAULT, FILE, ENVIRONMENT, FLAG }

    /** A setting's value (null: not set) and where it came from. */
    public record Value(Setting setting, Object value, Source source, String origin) {}

    private final Map<Setting, Value> values;
    private final ConfigFile file;
    private final List<String> problems;

    private Configuration(Map<Setting, Value> values, ConfigFile file, List<String> problems) {
        this.values = values;
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    /**
     * Resolves every setting. Problems are collected, not thrown: {@code usher serve} stops at the
     * first, {@code usher config check} lists them all.
     *
     * @param flags      the flags given, as text (absent flags are not in the map)
     * @param configFile {@code --config}, or null
     */
    public static Configuration resolve(Map<Setting, String> flags, Path configFile, Environment env) {
        List<String> problems = new ArrayList<>();
        Path explicit = configFile != null ? configFile : Optional.ofNullable(env.get(CONFIG_ENV)).map(Path::of).orElse(null);
        ConfigFile file = null;
        if (explicit != null) {
            file = readOrNote(explicit, problems);
        }
        Map<Setting, Value> values = new EnumMap<>(Setting.class);
        Map<String, ConfigFile.Entry> entries = entries(file, problems);
        // The data directory decides where the implicit file is, so it cannot come from that file.
        Value data = pick(Setting.DATA, flags, env, file, entries, problems);
        values.put(Setting.DATA, data);
        if (explicit == null) {
            Path implicit = ((Path) data.value()).resolve(FILE_NAME);
            if (Files.exists(implicit)) {
                file = readOrNote(implicit, problems);
                entries = entries(file, problems);
                ConfigFile.Entry misplaced = entries.get(Setting.DATA.key());
                if (misplaced != null) {
                    problems.add(file.where(misplaced) + ": data: cannot be set in the data directory's own " + FILE_NAME
                            + " (use --data, USHER_DATA, or a file given with --config)");
                }
            }
        }
        for (Setting s : Setting.values()) {
            if (s != Setting.DATA) {
                values.put(s, pick(s, flags, env, file, entries, problems));
            }
        }
        if (file != null) {
            for (ConfigFile.Entry e : file.entries()) {
                if (Setting.byKey(e.key()).isEmpty()) {
                    problems.add(file.where(e) + ": " + e.key() + ": unknown key"
                            + Setting.closest(e.key()).map(k -> " (did you mean " + k + "?)").orElse("")
                            + "; the keys are listed in docs/CONFIGURATION.md");
                }
            }
        }
        checkCombinations(values, problems);
        return new Configuration(values, file, problems);
    }

    private static ConfigFile readOrNote(Path path, List<String> problems) {
        try {
            return ConfigFile.read(path);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    /** The file's entries by key; a key written twice is a problem (which one wins would be a guess). */
    private static Map<String, ConfigFile.Entry> entries(ConfigFile file, List<String> problems) {
        Map<String, ConfigFile.Entry> byKey = new HashMap<>();
        if (file != null) {
            for (ConfigFile.Entry e : file.entries()) {
                ConfigFile.Entry earlier = byKey.putIfAbsent(e.key(), e);
                if (earlier != null) {
                    problems.add(file.where(e) + ": " + e.key() + ": set twice (first on line " + earlier.line() + ")");
                }
            }
        }
        return byKey;
    }

    private static Value pick(Setting s, Map<Setting, String> flags, Environment env, ConfigFile file,
                              Map<String, ConfigFile.Entry> entries, List<String> problems) {
        String text;
        Source source;
        String origin;
        ConfigFile.Entry entry = entries.get(s.key());
        if (flags.containsKey(s)) {
            text = flags.get(s);
            source = Source.FLAG;
            origin = s.flag().orElseThrow();
        } else if (env.get(s.env()) != null) {
            text = env.get(s.env());
            source = Source.ENVIRONMENT;
            origin = s.env();
        } else if (entry != null) {
            text = entry.value();
            source = Source.FILE;
            origin = file.where(entry) + ": " + s.key();
        } else {
            text = s.defaultValue();
            source = Source.DEFAULT;
            origin = "default";
        }
        if (text == null || text.isBlank()) {
            return new Value(s, null, source, origin);
        }
        try {
            Object v = s.type().parse(text);
            if (source == Source.FILE) {
                v = relativeToFile(v, file);
            }
            return new Value(s, v, source, origin);
        } catch (IllegalArgumentException e) {
            problems.add(origin + ": " + e.getMessage());
            return new Value(s, null, source, origin);
        }
    }

    /** Paths in a file are relative to the file, so the file means the same wherever the server is started. */
    private static Object relativeToFile(Object v, ConfigFile file) {
        Path dir = file.path().toAbsolutePath().getParent();
        if (v instanceof Path p) {
            return dir.resolve(p);
        }
        if (v instanceof List<?> list && !list.isEmpty() && list.getFirst() instanceof Path) {
            return list.stream().map(p -> dir.resolve((Path) p)).toList();
        }
        return v;
    }

    private static void checkCombinations(Map<Setting, Value> values, List<String> problems) {
        Value cert = values.get(Setting.TLS_CERT);
        Value key = values.get(Setting.TLS_KEY);
        if ((cert.value() == null) != (key.value() == null)) {
            Value set = cert.value() != null ? cert : key;
            Value missing = cert.value() != null ? key : cert;
            problems.add(set.origin() + " is set but " + missing.setting().key() + " is not: HTTPS needs both the certificate and its key");
        }
        // A redirect to an HTTPS that is not there would cut every client off; a lone https.port is harmless.
        Value redirect = values.get(Setting.HTTP_REDIRECT);
        if (cert.value() == null && key.value() == null && Boolean.TRUE.equals(redirect.value())) {
            problems.add(redirect.origin() + ": needs HTTPS, which is off: set tls.cert and tls.key");
        }
        checkOidc(values, problems);
    }

    /** The identity provider's settings (oidc.*), by the field names the server's checks use. */
    private static final Map<String, Setting> OIDC_FIELDS = Map.of("issuer", Setting.OIDC_ISSUER, "clientId", Setting.OIDC_CLIENT_ID,
            "clientSecret", Setting.OIDC_CLIENT_SECRET, "name", Setting.OIDC_NAME, "scopes", Setting.OIDC_SCOPES,
            "usernameClaim", Setting.OIDC_USERNAME_CLAIM, "groupsClaim", Setting.OIDC_GROUPS_CLAIM,
            "adminGroup", Setting.OIDC_ADMIN_GROUP, "redirectUri", Setting.OIDC_REDIRECT_URI);

    /** oidc.* go together: checked as the server will check them, each problem naming where its value came from. */
    private static void checkOidc(Map<Setting, Value> values, List<String> problems) {
        // A value written out at its default (the shipped template, uncommented) sets nothing.
        Optional<Value> given = OIDC_FIELDS.values().stream().map(values::get)
                .filter(v -> v.value() != null && !v.value().toString().equals(v.setting().defaultValue())).findFirst();
        if (given.isEmpty()) {
            return;
        }
        if (values.get(Setting.OIDC_ISSUER).value() == null) {
            problems.add(given.get().origin() + " is set but oidc.issuer is not: the identity provider needs its issuer URL");
            return;
        }
        for (String p : oidc(values).problems()) {
            // "oidc.clientId must ..." -> "usher.properties line 4: oidc.client.id must ..." (or USHER_OIDC_CLIENT_ID must ...)
            int space = p.indexOf(' ');
            Setting s = OIDC_FIELDS.get(p.substring("oidc.".length(), space));
            Value v = values.get(s);
            problems.add((v.source() == Source.DEFAULT ? s.key() : v.origin()) + p.substring(space));
        }
    }

    private static dev.usher.server.auth.oidc.OidcSettings oidc(Map<Setting, Value> values) {
        java.util.function.Function<Setting, String> text = s -> (String) values.get(s).value();
        return new dev.usher.server.auth.oidc.OidcSettings(text.apply(Setting.OIDC_NAME), text.apply(Setting.OIDC_ISSUER),
                text.apply(Setting.OIDC_CLIENT_ID), text.apply(Setting.OIDC_CLIENT_SECRET), text.apply(Setting.OIDC_SCOPES),
                text.apply(Setting.OIDC_USERNAME_CLAIM), text.apply(Setting.OIDC_GROUPS_CLAIM), text.apply(Setting.OIDC_ADMIN_GROUP),
                text.apply(Setting.OIDC_REDIRECT_URI));
    }

    /** The identity provider set in the file, the environment or flags; null when oidc.issuer is not set (keep the stored one). */
    public dev.usher.server.auth.oidc.OidcSettings oidc() {
        return values.get(Setting.OIDC_ISSUER).value() == null ? null : oidc(values);
    }

    public List<String> problems() {
        return problems;
    }

    /** The configuration file that was read, if any. */
    public Optional<ConfigFile> file() {
        return Optional.ofNullable(file);
    }

    public Value value(Setting s) {
        return values.get(s);
    }

    public List<Value> all() {
        return List.copyOf(values.values());
    }

    public Path path(Setting s) {
        return (Path) values.get(s).value();
    }

    public String text(Setting s) {
        return (String) values.get(s).value();
    }

    public Long number(Setting s) {
        return (Long) values.get(s).value();
    }

    public boolean flag(Setting s) {
        return Boolean.TRUE.equals(values.get(s).value());
    }

    @SuppressWarnings("unchecked")
    public List<Path> paths(Setting s) {
        Object v = values.get(s).value();
        return v == null ? List.of() : (List<Path>) v;
    }
}
