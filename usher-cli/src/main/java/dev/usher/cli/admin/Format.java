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

    /**
     * {@code server demo (through 2027-11-28), demo/cal x25 (through 2027-11-28)}: the last valid day, as the vendor
     * wrote it with {@code --expires 2027-11-28} (the API's {@code validThrough}); an unbound server entitlement says so.
     */
    static String entitlements(JsonNode list) {
        List<String> parts = new ArrayList<>();
        for (JsonNode e : list) {
            JsonNode through = e.get("validThrough");
            String until = through == null || through.isNull() ? "no expiry"
                    : (through.asString().length() == 10 ? "through " : "until ") + through.asString();
            if ("server".equals(e.get("kind").asString())) {
                JsonNode installation = e.get("installationId");
                parts.add("server " + e.get("product").asString() + " (" + until
                        + (installation == null || installation.isNull() ? "; ANY installation" : "") + ")");
            } else {
                parts.add(e.get("product").asString() + "/" + e.get("feature").asString() + " x" + e.get("seats").asInt() + " (" + until + ")");
            }
        }
        return String.join(", ", parts);
    }
}
