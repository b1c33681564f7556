package dev.usher.server.http.openapi;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The OpenAPI 3.1 description of the HTTP API, kept by hand in {@value #RESOURCE} (YAML, reviewed
 * with the code) and served as JSON at {@code GET /openapi.json}. A test holds it to the routes the
 * server really registers, in both directions.
 */
public final class ApiDescription {

    public static final String RESOURCE = "/openapi/usher-api.yaml";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    private final JsonNode document;
    private final String json;

    private ApiDescription(JsonNode document, String version) {
        this.document = document;
        if (document.get("info") instanceof tools.jackson.databind.node.ObjectNode info && version != null) {
            // The API's own version stays in the file; which server build served it goes next to it.
            info.put("x-usher-server-version", version);
        }
        this.json = JsonMapper.builder().build().writeValueAsString(document);
    }

    /** Reads the description from the class path; fails at start if it is missing or not YAML. */
    public static ApiDescription load(String serverVersion) {
        try (InputStream in = ApiDescription.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the API description " + RESOURCE + " is missing from the build");
            }
            return new ApiDescription(YAMLMapper.builder().build().readTree(in), serverVersion);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The document as JSON text (built once). */
    public String json() {
        return json;
    }

    public JsonNode document() {
        return document;
    }

    /** Every described operation as "METHOD /path/{param}", the form {@code UsherServer.routes()} uses. */
    public Set<String> operations() {
        Set<String> out = new TreeSet<>();
        JsonNode paths = document.get("paths");
        if (paths == null) {
            return out;
        }
        for (Map.Entry<String, JsonNode> path : paths.properties()) {
            Iterator<String> names = path.getValue().propertyNames().iterator();
            while (names.hasNext()) {
                String method = names.next();
                if (METHODS.contains(method)) {
                    out.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        return out;
    }
}
