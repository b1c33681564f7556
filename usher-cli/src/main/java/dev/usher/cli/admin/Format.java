package dev.usher.cli.admin;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Text renderings of API JSON shared by the admin commands. */
final class Format {

    private Format() {
    }

    static String text(JsonNode n) {
        return n == null || n.isNull() ? "-" : n.asString();
    }

    /** {@code server demo (until 2027-11-28), demo/cal x25 (until 2027-11-28)}. */
    static String entitlements(JsonNode list) {
        List<String> parts = new ArrayList<>();
        for (JsonNode e : list) {
            String until = e.get("expires").isNull() ? "no expiry" : "until " + e.get("expires").asString().substring(0, 10);
            if ("server".equals(e.get("kind").asString())) {
                parts.add("server " + e.get("product").asString() + " (" + until + ")");
            } else {
                parts.add(e.get("product").asString() + "/" + e.get("feature").asString() + " x" + e.get("seats").asInt() + " (" + until + ")");
            }
        }
        return String.join(", ", parts);
    }
}
