package dev.usher.server.http.openapi;

import dev.usher.server.UsherServer;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import dev.usher.server.testing.TestVendor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The constraints the API description states are the ones the server enforces. For every operation
 * with a JSON body, a valid body is generated from its schema (values the schema cannot know, such as
 * a real license or an existing role, come from the fixtures below) and must not be refused; then each
 * member is made invalid in turn, by the description's own rules (wrong type, too long or short,
 * below the minimum or above the maximum, not in the enum, missing when required, an unknown member
 * where {@code additionalProperties: false}, a member given twice), and must be refused with 400.
 */
class GeneratedRequestsTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @TempDir
    Path dir;

    private TestServer server;
    private Http admin;
    private JsonNode api;
    private final Map<String, String> pathValues = new LinkedHashMap<>();
    private final Map<String, ObjectNode> overrides = new LinkedHashMap<>();

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        server.license("demo", "cal", 10);
        admin = server.admin();
        api = ApiDescription.load(UsherServer.VERSION).document();
        assertThat(server.client().checkout("gen-s0", "demo", "cal", "gen-user", "gen-host").status()).isEqualTo(201);
        long user = admin.get("/api/v1/users?search=gen-user").json().get("items").get(0).get("id").asLong();
        long role = admin.post("/api/v1/roles", "{\"name\":\"gen-role\"}").json().get("id").asLong();
        assertThat(server.client().checkout("gen-s1", "demo", "cal", "gen-throwaway", "gen-host").status()).isEqualTo(201);
        long throwaway = admin.get("/api/v1/users?search=gen-throwaway").json().get("items").get(0).get("id").asLong();
        pathValues.putAll(Map.of("sessionId", "gen-s", "product", "demo", "feature", "cal", "users/{id}", String.valueOf(user),
                "roles/{id}", String.valueOf(role)));
        String license = server.vendor().serverAndSeats(server.installationId(), "genp", "cal", 1, server.now().minusSeconds(60), null);
        ObjectNode ldap = object("url", "ldap://127.0.0.1:1", "userSearchBase", "dc=example", "upnPattern", "{0}@example",
                "bindDn", null, "bindPassword", null, "userFilter", null, "syncMinutes", 0, "connectTimeoutMillis", 5000);
        overrides.put("addLicense", object("text", license));
        overrides.put("createUser", object("name", "gen-created"));
        overrides.put("updateUser", object("name", null));
        overrides.put("addAlias", object("alias", "gen-alias"));
        overrides.put("merge", object("from", throwaway));
        overrides.put("updateRole", object("name", null));
        overrides.put("saveLdapSettings", ldap);
        overrides.put("testLdapSettings", ldap);
        ObjectNode rule = object("kind", "limit", "role", "gen-role", "seats", 1);
        ObjectNode rules = object();
        rules.set("rules", NODES.arrayNode().add(rule));
        overrides.put("setRules", rules);
        overrides.put("borrow", object("until", server.now().plus(Duration.ofDays(1)).toString()));
        overrides.put("addTrustedKey", object("text", new TestVendor().keyFile("Gen vendor", "genk")));
        // A provider that refuses at once (nothing listens on port 1): the test endpoint answers with what failed.
        ObjectNode oidc = object("issuer", "https://127.0.0.1:1/realms/gen", "scopes", null, "redirectUri", null);
        overrides.put("saveOidcSettings", oidc);
        overrides.put("testOidcSettings", oidc);
        ObjectNode webhookOnly = object("email", null);
        webhookOnly.set("webhooks", NODES.arrayNode().add(object("url", "http://127.0.0.1:1/hook", "secret", "gen-secret-0123456789")));
        overrides.put("saveNotificationSettings", webhookOnly);
        overrides.put("testNotifications", webhookOnly);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void validRequestsAreTakenAndInvalidOnesRefused() {
        List<String> wrong = new ArrayList<>();
        int operations = 0;
        int invalidSent = 0;
        for (var path : api.get("paths").properties()) {
            for (var op : path.getValue().properties()) {
                JsonNode schema = op.getValue().path("requestBody").path("content").path("application/json").path("schema");
                if (schema.isMissingNode()) {
                    continue;
                }
                operations++;
                String method = op.getKey().toUpperCase(java.util.Locale.ROOT);
                String id = op.getValue().get("operationId").asString();
                String url = concrete(path.getKey());
                JsonNode resolved = resolve(schema);
                ObjectNode valid = (ObjectNode) generate(resolved);
                ObjectNode override = overrides.get(id);
                if (override != null) {
                    override.properties().forEach(e -> {
                        if (e.getValue().isNull()) {
                            valid.remove(e.getKey());
                        } else {
                            valid.set(e.getKey(), e.getValue());
                        }
                    });
                }
                // Invalid first: each must be refused and change nothing, so the valid one still applies after.
                for (Map.Entry<String, String> bad : invalid(resolved, valid, "").entrySet()) {
                    invalidSent++;
                    Http.Response r = admin.method(method, url, bad.getValue());
                    if (r.status() != 400) {
                        wrong.add(method + " " + url + " accepted an invalid body (" + bad.getKey() + "): " + r.status() + " " + r.text());
                    }
                }
                Http.Response r = admin.method(method, url, valid.toString());
                if (r.status() == 400 || r.status() == 415 || r.status() == 422) {
                    wrong.add(method + " " + url + " refused the valid body " + valid + ": " + r.status() + " " + r.text());
                }
            }
        }
        assertThat(operations).isGreaterThanOrEqualTo(18);
        assertThat(invalidSent).isGreaterThan(100);
        assertThat(wrong).isEmpty();
    }

    private String concrete(String template) {
        String url = template;
        for (String prefix : List.of("users/{id}", "roles/{id}")) {
            url = url.replace(prefix, prefix.replace("{id}", pathValues.get(prefix)));
        }
        for (var e : pathValues.entrySet()) {
            url = url.replace("{" + e.getKey() + "}", e.getValue());
        }
        return url;
    }

    private JsonNode resolve(JsonNode schema) {
        if (schema.has("$ref")) {
            String name = schema.get("$ref").asString().substring("#/components/schemas/".length());
            return resolve(api.get("components").get("schemas").get(name));
        }
        return schema;
    }

    private static String type(JsonNode schema) {
        JsonNode t = schema.path("type");
        if (t.isArray()) {
            for (JsonNode x : t) {
                if (!x.asString().equals("null")) {
                    return x.asString();
                }
            }
        }
        return t.asString(schema.has("enum") ? "string" : "object");
    }

    /** A value the schema allows: every member of an object, the first enum value, the smallest allowed number. */
    private JsonNode generate(JsonNode s) {
        JsonNode schema = resolve(s);
        if (schema.has("enum")) {
            return schema.get("enum").get(0);
        }
        return switch (type(schema)) {
            case "object" -> {
                ObjectNode o = NODES.objectNode();
                schema.path("properties").properties().forEach(p -> {
                    if (!p.getValue().path("readOnly").asBoolean(false)) {
                        o.set(p.getKey(), generate(p.getValue()));
                    }
                });
                yield o;
            }
            case "array" -> NODES.arrayNode();
            case "integer" -> NODES.numberNode(schema.has("minimum") ? schema.get("minimum").asLong() : 1);
            case "boolean" -> NODES.booleanNode(true);
            default -> {
                if ("date-time".equals(schema.path("format").asString(""))) {
                    yield NODES.stringNode(server.now().plus(Duration.ofDays(1)).toString());
                }
                String v = "gen" + "g".repeat(Math.max(0, schema.path("minLength").asInt(0) - 3));
                yield NODES.stringNode(v.substring(0, Math.min(v.length(), schema.path("maxLength").asInt(v.length()))));
            }
        };
    }

    /** Bodies that break one rule of the schema each, by what they break. */
    private Map<String, String> invalid(JsonNode schema, ObjectNode valid, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        if (schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").asBoolean()) {
            out.put(where + "an unknown member", with(valid, "zzUnknownMember", NODES.numberNode(1)).toString());
        }
        for (JsonNode required : schema.path("required")) {
            ObjectNode without = valid.deepCopy();
            without.remove(required.asString());
            out.put(where + required.asString() + " missing", without.toString());
        }
        // Only at the top: a nested body is carried as a tree below, which cannot hold a member twice.
        var first = where.isEmpty() ? valid.properties().stream().findFirst() : java.util.Optional.<Map.Entry<String, JsonNode>>empty();
        first.ifPresent(e -> {
            String text = valid.toString();
            String member = "\"" + e.getKey() + "\":" + e.getValue();
            out.put(where + e.getKey() + " given twice", text.replaceFirst(java.util.regex.Pattern.quote(member),
                    java.util.regex.Matcher.quoteReplacement(member + "," + member)));
        });
        for (var p : schema.path("properties").properties()) {
            String name = p.getKey();
            JsonNode ps = resolve(p.getValue());
            if (ps.path("readOnly").asBoolean(false)) {
                continue;
            }
            String at = where + name;
            for (var bad : badValues(ps).entrySet()) {
                out.put(at + ": " + bad.getKey(), with(valid, name, bad.getValue()).toString());
            }
            JsonNode current = valid.get(name);
            if (current instanceof ObjectNode nested) {
                invalid(ps, nested, at + ".").forEach((k, v) -> out.put(k, with(valid, name, tools.jackson.databind.json.JsonMapper
                        .builder().build().readTree(v)).toString()));
            } else if (current instanceof ArrayNode array && !array.isEmpty() && array.get(0) instanceof ObjectNode item) {
                JsonNode itemSchema = resolve(ps.get("items"));
                invalid(itemSchema, item, at + "[0].").forEach((k, v) -> {
                    ArrayNode changed = array.deepCopy();
                    changed.set(0, Http.JSON.readTree(v));
                    out.put(k, with(valid, name, changed).toString());
                });
            }
        }
        return out;
    }

    private static Map<String, JsonNode> badValues(JsonNode s) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        String type = type(s);
        out.put("wrong type", switch (type) {
            case "string" -> NODES.numberNode(12345);
            case "integer" -> NODES.stringNode("1");
            case "boolean" -> NODES.stringNode("true");
            case "array" -> NODES.stringNode("x");
            default -> NODES.stringNode("x");
        });
        if (type.equals("integer")) {
            out.put("a fraction", NODES.numberNode(1.5));
        }
        if (s.has("maxLength")) {
            out.put("longer than " + s.get("maxLength").asInt(), NODES.stringNode("x".repeat(s.get("maxLength").asInt() + 1)));
        }
        if (s.path("minLength").asInt(0) > 0) {
            out.put("shorter than " + s.get("minLength").asInt(), NODES.stringNode("x".repeat(s.get("minLength").asInt() - 1)));
        }
        if (s.has("minimum")) {
            out.put("below " + s.get("minimum").asLong(), NODES.numberNode(s.get("minimum").asLong() - 1));
        }
        if (s.has("maximum")) {
            out.put("above " + s.get("maximum").asLong(), NODES.numberNode(s.get("maximum").asLong() + 1));
        }
        if (s.has("enum")) {
            out.put("not in the enum", NODES.stringNode("not-" + s.get("enum").get(0).asString()));
        }
        if (s.has("maxItems")) {
            ArrayNode many = NODES.arrayNode();
            for (int i = 0; i <= s.get("maxItems").asInt(); i++) {
                many.add(NODES.objectNode().put("kind", "deny").put("user", "gen-user"));
            }
            out.put("more than " + s.get("maxItems").asInt() + " items", many);
        }
        return out;
    }

    private static ObjectNode with(ObjectNode o, String name, JsonNode value) {
        ObjectNode copy = o.deepCopy();
        copy.set(name, value);
        return copy;
    }

    private static ObjectNode object(Object... pairs) {
        ObjectNode o = NODES.objectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            Object v = pairs[i + 1];
            o.set((String) pairs[i], v == null ? NODES.nullNode() : v instanceof Long l ? NODES.numberNode(l)
                    : v instanceof Integer n ? NODES.numberNode(n) : NODES.stringNode(v.toString()));
        }
        return o;
    }
}
