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
