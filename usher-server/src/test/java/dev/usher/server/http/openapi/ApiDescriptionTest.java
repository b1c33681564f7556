package dev.usher.server.http.openapi;

import dev.usher.server.UsherServer;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** The OpenAPI description and the server's routes agree, both ways; it is served as JSON. */
class ApiDescriptionTest {

    @TempDir
    Path dir;

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void everyApiRouteIsDescribedAndEveryDescribedOperationExists() {
        Set<String> registered = new TreeSet<>(server.server().routes().stream().filter(r -> r.contains(" /api/v1/")).toList());
        Set<String> described = ApiDescription.load(UsherServer.VERSION).operations();
        assertThat(registered).hasSizeGreaterThan(40);

        Set<String> undescribed = new TreeSet<>(registered);
        undescribed.removeAll(described);
        Set<String> unregistered = new TreeSet<>(described);
        unregistered.removeAll(registered);
        if (!undescribed.isEmpty() || !unregistered.isEmpty()) {
            fail("the API description (usher-server/src/main/resources" + ApiDescription.RESOURCE + ") and the routes disagree:\n"
                    + (undescribed.isEmpty() ? "" : "  registered but not described (add them under paths):\n    "
                    + String.join("\n    ", undescribed) + "\n")
                    + (unregistered.isEmpty() ? "" : "  described but not registered (remove them, or fix the path):\n    "
                    + String.join("\n    ", unregistered) + "\n"));
        }
    }

    @Test
    void everyOperationHasAnIdASummaryAndResponsesAndEveryPathParameterIsDeclared() {
        JsonNode paths = ApiDescription.load(UsherServer.VERSION).document().get("paths");
        Set<String> ids = new TreeSet<>();
        for (var path : paths.properties()) {
            List<String> templated = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path.getKey()).results()
                    .map(m -> m.group(1)).toList();
            for (var op : path.getValue().properties()) {
                if (op.getKey().equals("parameters")) {
                    continue;
                }
                String where = op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey();
                assertThat(op.getValue().path("summary").asString("")).as(where + " summary").isNotBlank();
                assertThat(ids.add(op.getValue().path("operationId").asString(""))).as(where + " has a unique operationId").isTrue();
                assertThat(op.getValue().path("responses").size()).as(where + " responses").isPositive();
                Set<String> declared = new TreeSet<>();
                for (JsonNode p : path.getValue().path("parameters")) {
                    declared.add(parameterName(p));
                }
                for (JsonNode p : op.getValue().path("parameters")) {
                    declared.add(parameterName(p));
                }
                assertThat(declared).as(where + " declares its path parameters").containsAll(templated);
            }
        }
    }

    private JsonNode root() {
        return ApiDescription.load(UsherServer.VERSION).document();
    }

    /** A parameter inline or by reference ({@code #/components/parameters/x}). */
    private String parameterName(JsonNode p) {
        if (p.has("$ref")) {
            String ref = p.get("$ref").asString();
            return root().at(ref.substring(1)).get("name").asString();
        }
        return p.get("name").asString();
    }

    /**
     * Real answers against their described schemas, both ways: every required member is there, and
     * every member the server sends is described (a field added to a record shows up here).
     */
    @Test
    void realResponsesHaveExactlyTheDescribedMembers() {
        server.license("demo", "cal", 1);
        Http admin = server.admin();
        JsonNode doc = root();
        check(doc, "put", "/api/v1/sessions/{sessionId}/checkouts/{product}/{feature}", "201",
                server.client().checkout("s1", "demo", "cal", "alice", "ws1"));
        Http.Response refused = server.client().checkout("s2", "demo", "cal", "bob", "ws2");
        check(doc, "put", "/api/v1/sessions/{sessionId}/checkouts/{product}/{feature}", "409", refused);
        check(doc, "post", "/api/v1/sessions/{sessionId}/checkouts/{product}/{feature}/borrow", "200",
                server.client().post("/api/v1/sessions/s1/checkouts/demo/cal/borrow",
                        "{\"until\": \"" + server.now().plus(java.time.Duration.ofDays(1)) + "\"}"));
        check(doc, "post", "/api/v1/sessions/{sessionId}/heartbeat", "200", server.client().heartbeat("s1"));
        for (String path : List.of("/api/v1/installation", "/api/v1/licenses", "/api/v1/pools", "/api/v1/seats", "/api/v1/borrows",
                "/api/v1/sessions", "/api/v1/events", "/api/v1/queue", "/api/v1/audit", "/api/v1/audit/verify",
                "/api/v1/audit/recording", "/api/v1/denials", "/api/v1/usage", "/api/v1/usage/users", "/api/v1/settings",
                "/api/v1/cluster")) {
            check(doc, "get", path, "200", admin.get(path));
        }
        check(doc, "get", "/api/v1/pools/{product}/{feature}/policy", "200", admin.get("/api/v1/pools/demo/cal/policy"));
        check(doc, "get", "/api/v1/usage/right-sizing", "200", admin.get("/api/v1/usage/right-sizing?product=demo&feature=cal"));
        String seatId = admin.get("/api/v1/borrows").json().get(0).get("seatId").asString();
        check(doc, "delete", "/api/v1/borrows/{seatId}", "200", admin.delete("/api/v1/borrows/" + seatId));
    }

    private void check(JsonNode doc, String method, String path, String status, Http.Response r) {
        String where = method.toUpperCase(java.util.Locale.ROOT) + " " + path + " " + status;
        assertThat(r.status()).as(where + ": " + r.text()).isEqualTo(Integer.parseInt(status));
        JsonNode response = resolve(doc, doc.get("paths").get(path).get(method).get("responses").get(status));
        JsonNode content = response.get("content");
        JsonNode schema = content.has("application/json") ? content.get("application/json").get("schema")
                : content.get("application/problem+json").get("schema");
        conforms(doc, schema, r.json(), where);
    }

    private static JsonNode resolve(JsonNode doc, JsonNode node) {
        while (node.has("$ref")) {
            node = doc.at(node.get("$ref").asString().substring(1));
        }
        return node;
    }

    /** Members of objects (through $ref, allOf, nullable and oneOf alternatives, arrays) against required and properties. */
    private static void conforms(JsonNode doc, JsonNode schema, JsonNode value, String where) {
        schema = resolve(doc, schema);
        if (value.isNull()) {
            return;
        }
        if (schema.has("oneOf")) {
            for (JsonNode alt : schema.get("oneOf")) {
                JsonNode a = resolve(doc, alt);
                if (!"null".equals(a.path("type").asString(""))) {
                    conforms(doc, a, value, where);
                }
            }
            return;
        }
        if (value.isArray()) {
            for (JsonNode item : value) {
                conforms(doc, schema.get("items"), item, where + "[]");
            }
            return;
        }
        if (!value.isObject()) {
            return;
        }
        Set<String> required = new TreeSet<>();
        java.util.Map<String, JsonNode> properties = new java.util.TreeMap<>();
        boolean open = schema.path("additionalProperties").asBoolean(false);
        List<JsonNode> parts = new java.util.ArrayList<>(List.of(schema));
        schema.path("allOf").forEach(p -> parts.add(resolve(doc, p)));
        for (JsonNode part : parts) {
            part.path("required").forEach(n -> required.add(n.asString()));
            part.path("properties").properties().forEach(e -> properties.put(e.getKey(), e.getValue()));
            open |= part.path("additionalProperties").asBoolean(false) || part.path("additionalProperties").isObject();
        }
        Set<String> present = new TreeSet<>(value.propertyNames());
        assertThat(present).as(where + " has its required members").containsAll(required);
        if (!open) {
            assertThat(properties.keySet()).as(where + " describes every member sent").containsAll(present);
        }
        for (String name : present) {
            if (properties.containsKey(name)) {
                conforms(doc, properties.get(name), value.get(name), where + "." + name);
            }
        }
    }

    @Test
    void isServedAsJsonWithoutCredentials() {
        Http.Response r = server.client().get("/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode doc = r.json();
        assertThat(doc.get("openapi").asString()).isEqualTo("3.1.0");
        assertThat(doc.get("info").get("x-usher-server-version").asString()).isEqualTo(UsherServer.VERSION);
        assertThat(doc.get("paths").has("/api/v1/sessions/{sessionId}/checkouts/{product}/{feature}")).isTrue();
    }
}
