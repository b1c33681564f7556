package dev.usher.server.auth;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Settings kept as one JSON document in the settings table (the LDAP directory, the identity
 * provider): written as they are, read leniently, and the small text rules their fields share.
 */
public final class StoredJson {

    private static final JsonMapper JSON = JsonMapper.builder()
            // Settings written by a newer version may carry members this one does not know yet.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private StoredJson() {
    }

    public static String write(Object settings) {
        return JSON.writeValueAsString(settings);
    }

    /** @throws IllegalArgumentException when the text is not a JSON object of these settings ({@code what}: "LDAP", "OIDC") */
    public static <T> T read(String json, Class<T> type, String what) {
        try {
            T settings = JSON.readValue(json, type);
            if (settings == null) {
                throw new IllegalArgumentException(what + " settings JSON is null");
            }
            return settings;
        } catch (JacksonException e) {
            throw new IllegalArgumentException(what + " settings are not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Stripped, and null when nothing is left. */
    public static String trimToNull(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        return t.isEmpty() ? null : t;
    }

    public static String orDefault(String s, String fallback) {
        String t = trimToNull(s);
        return t == null ? fallback : t;
    }
}
