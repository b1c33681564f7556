package dev.usher.client;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void readsTheServersObjects() {
        Map<String, Object> m = Json.object("""
                {"seatId":"s-1","user":"CORP\\\\alice","heartbeatSeconds":40,"ratio":1.5e0,"ok":true,"none":null,
                 "list":[1,"two",{"x":[]}],"nested":{"a":"\\u00e9\\n"}}""");
        assertThat(m.get("seatId")).isEqualTo("s-1");
        assertThat(m.get("user")).isEqualTo("CORP\\alice");
        assertThat(Json.number(m, "heartbeatSeconds", 0)).isEqualTo(40);
        assertThat(m.get("ratio")).isEqualTo(1.5);
        assertThat(m.get("ok")).isEqualTo(true);
        assertThat(m).containsEntry("none", null);
        assertThat((List<?>) m.get("list")).hasSize(3);
        assertThat(((Map<?, ?>) m.get("nested")).get("a")).isEqualTo("é\n");
    }

    @Test
    void malformedTextIsRefusedOrEmpty() {
        assertThatThrownBy(() -> Json.parse("{\"a\":")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("{} x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Json.object("not json")).isEmpty();
        assertThat(Json.object("")).isEmpty();
        assertThat(Json.object("[1]")).isEmpty();
    }

    @Test
    void writesAndReadsBack() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("user", "CORP\\alice \"A\"\t\u0001");
        f.put("host", "ws1");
        f.put("skip", null);
        String text = Json.write(f);
        assertThat(text).doesNotContain("skip");
        assertThat(Json.object(text)).containsEntry("user", "CORP\\alice \"A\"\t\u0001").containsEntry("host", "ws1");
    }

    @Test
    void sessionIdsAreValid() {
        assertThat(UsherClient.newSessionId("ws 1/ä.corp")).matches("[A-Za-z0-9._:-]{1,128}").startsWith("ws_1__.corp-");
        assertThat(UsherClient.newSessionId("x".repeat(300))).hasSizeLessThanOrEqualTo(128);
        assertThat(UsherClient.newSessionId("h")).isNotEqualTo(UsherClient.newSessionId("h"));
    }
}
