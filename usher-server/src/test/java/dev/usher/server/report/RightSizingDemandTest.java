package dev.usher.server.report;

import dev.usher.core.usage.RightSizing;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Right-sizing counts as demand only people refused for want of a seat: a limit rule that turns people
 * away while seats are free is the rule working, and more seats would not serve them (the issue's
 * "11 for a 6-seat pool").
 */
class RightSizingDemandTest {

    @TempDir
    Path dir;

    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void a_limit_rules_refusals_are_not_demand_and_the_sentence_says_so() {
        Http admin = server.admin();
        server.license("cad", "modeler", 6);
        assertThat(admin.withHeader("If-Match", "\"0\"").put("/api/v1/pools/cad/modeler/rules",
                "{\"rules\":[{\"kind\":\"limit\",\"role\":\"All Users\",\"seats\":2}]}").status()).isEqualTo(200);
        Http client = server.client();
        assertThat(client.checkout("s1", "cad", "modeler", "u1", "h1").status()).isEqualTo(201);
        assertThat(client.checkout("s2", "cad", "modeler", "u2", "h2").status()).isEqualTo(201);
        for (int i = 3; i <= 11; i++) {
            assertThat(client.checkout("s" + i, "cad", "modeler", "u" + i, "h" + i).status()).isEqualTo(409); // the limit, 4 seats free
        }
        server.clock().advance(Duration.ofMinutes(2));
        server.server().usageRecorder().tick();

        JsonNode rs = admin.get("/api/v1/usage/right-sizing?product=cad&feature=modeler&from=2026-06-01T11:00:00Z").json();
        assertThat(rs.get("servesEveryone").asInt()).as("not 2 + 9 = 11").isEqualTo(2);
        assertThat(rs.get("busiest").get("refused").asInt()).isZero();
        assertThat(rs.get("sentence").asString()).endsWith(RightSizing.DEMAND);
        assertThat(RightSizing.DEMAND).isEqualTo("Only people refused while every seat was in use count as demand;"
                + " refusals by a limit rule while seats were free do not.");
        // The refusals are still counted as refusals.
        JsonNode minute = admin.get("/api/v1/usage?product=cad&feature=modeler&step=minute&from=2026-06-01T12:00:00Z&to=2026-06-01T12:01:00Z")
                .json().get(0);
        assertThat(minute.get("denials").get("no-seats-available").asInt()).isEqualTo(9);
        assertThat(minute.get("refusedUsers").asInt()).isZero();
        assertThat(minute.get("demandPeak").asInt()).isEqualTo(2);
    }
}
