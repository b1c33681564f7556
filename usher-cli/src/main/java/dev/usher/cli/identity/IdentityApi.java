package dev.usher.cli.identity;

import dev.usher.cli.common.CliException;
import dev.usher.cli.admin.AdminConnection;
import dev.usher.cli.admin.AdminOptions;
import dev.usher.core.identity.UserNames;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The identity part of the admin API as the commands use it: people are named by any spelling
 * (name or alias) on the command line and resolved here to the ids the API wants.
 */
final class IdentityApi implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** How many users one search page brings back (the API's maximum). */
    private static final int PAGE = 1000;
    /**
     * Only for turning a spelling into the comparison key the server also uses by default, to tell
     * an exact match from a search hit that merely contains the name.
     */
    private static final UserNames NAMES = new UserNames(true);

    private final AdminConnection api;

    private IdentityApi(AdminConnection api) {
        this.api = api;
    }

    static IdentityApi open(AdminOptions options) {
        return new IdentityApi(AdminConnection.open(options));
    }

    JsonNode get(String path) {
        return api.get(path).body();
    }

    JsonNode post(String path, Object body) {
        return api.postJson(path, body).body();
    }

    JsonNode delete(String path) {
        return api.delete(path).body();
    }

    JsonNode put(String path, Object body) {
        return api.putJson(path, body == null ? Map.of() : body).body();
    }

    JsonNode patch(String path, Object body) {
        return api.patchJson(path, body == null ? Map.of() : body).body();
    }

    // ---- people ------------------------------------------------------------------------------

    /** The user a spelling names: exactly one user whose name or alias it is, else a one-line error. */
    JsonNode user(String spelling) {
        String key;
        try {
            key = NAMES.key(spelling);
        } catch (UserNames.InvalidNameException e) {
            throw new CliException(e.getMessage());
        }
        String exact = spelling.strip();
        List<JsonNode> byKey = new ArrayList<>();
        List<JsonNode> bySpelling = new ArrayList<>();
        for (JsonNode u : search(searchTerm(key))) {
            List<String> names = new ArrayList<>();
            names.add(u.get("name").asString());
            u.get("aliases").forEach(a -> names.add(a.asString()));
            if (names.stream().anyMatch(n -> n.equalsIgnoreCase(exact))) {
                bySpelling.add(u);
            }
            if (names.stream().anyMatch(n -> key.equals(keyOrNull(n)))) {
                byKey.add(u);
            }
        }
        List<JsonNode> found = bySpelling.size() == 1 ? bySpelling : byKey;
        if (found.isEmpty()) {
            throw new CliException("no user '" + exact + "' (by name or alias): see usher user list", 3);
        }
        if (found.size() > 1) {
            throw new CliException("'" + exact + "' could mean several users: "
                    + String.join(", ", found.stream().map(u -> u.get("name").asString()).toList()) + "; give the exact name");
        }
        return found.getFirst();
    }

    long userId(String spelling) {
        return user(spelling).get("id").asLong();
    }

    /** Every user the API's search finds for a term, all pages. */
    List<JsonNode> search(String term) {
        List<JsonNode> out = new ArrayList<>();
        for (int offset = 0; ; offset += PAGE) {
            JsonNode page = get("/api/v1/users?limit=" + PAGE + "&offset=" + offset
                    + (term == null || term.isBlank() ? "" : "&search=" + encode(term)));
            page.get("items").forEach(out::add);
            if (page.get("items").size() < PAGE || out.size() >= page.get("total").asInt()) {
                return out;
            }
        }
    }

    /**
     * The API's search drops {@code _} and {@code %} from the term (so they are not LIKE wildcards),
     * so {@code alice_ws2} would not find itself: search for the longest part without them instead
     * and match exactly here.
     */
    static String searchTerm(String key) {
        return java.util.Arrays.stream(key.split("[_%]+")).max(Comparator.comparingInt(String::length)).orElse(key);
    }

    private static String keyOrNull(String name) {
        try {
            return NAMES.key(name);
        } catch (UserNames.InvalidNameException e) {
            return null;
        }
    }

    // ---- roles -------------------------------------------------------------------------------

    /** The role of that name (case does not matter), else a one-line error. */
    JsonNode role(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        for (JsonNode r : get("/api/v1/roles")) {
            if (r.get("name").asString().toLowerCase(Locale.ROOT).equals(wanted)) {
                return r;
            }
        }
        throw new CliException("no role '" + name.strip() + "': see usher role list", 3);
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        api.close();
    }
}
