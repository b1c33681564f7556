package dev.usher.core.license;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The license payload's JSON, format 1, or format 2 when it supersedes earlier licenses:
 *
 * <pre>{@code
 * {"format":1,"id":"<uuid>","issued":"2026-01-01T00:00:00Z","customer":"ACME",
 *  "entitlements":[{"product":"cad","feature":"cal","kind":"seats","seats":25,
 *                   "starts":"2026-01-01T00:00:00Z","expires":null,"installationId":"..."}]}
 * }</pre>
 *
 * Format 2 adds {@code "supersedes":["<uuid>", ...]} after {@code entitlements}. It is written only when a
 * license supersedes others, so every other license stays readable by older Usher versions, and an older
 * Usher refuses a renewal ("format 2 is not supported: update Usher") instead of stacking it on the file it
 * renews.
 *
 * <p>Written compactly with the fields in that order; {@code installationId} is omitted when not bound and
 * {@code expires: null} means never. Reading is strict even though the bytes are signed: a vendor tool
 * that writes a misspelt field should hear about it at once instead of issuing licenses that silently
 * mean something else. The tree model is used instead of data binding so every message can name the
 * exact field ({@code entitlements[1].seats}).
 */
final class PayloadJson {

    static final int FORMAT = 1;
    static final int FORMAT_WITH_SUPERSEDES = 2;

    private static final Set<String> PAYLOAD_FIELDS = Set.of("format", "id", "issued", "customer", "entitlements");
    private static final Set<String> PAYLOAD_FIELDS_2 = Set.of("format", "id", "issued", "customer", "entitlements", "supersedes");
    private static final Set<String> ENTITLEMENT_FIELDS =
            Set.of("product", "feature", "kind", "seats", "starts", "expires", "installationId");

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private PayloadJson() {
    }

    static byte[] write(LicensePayload payload) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", payload.supersedes().isEmpty() ? FORMAT : FORMAT_WITH_SUPERSEDES);
        root.put("id", payload.id().toString());
        root.put("issued", payload.issued().toString());
        root.put("customer", payload.customer());
        ArrayNode list = root.putArray("entitlements");
        for (Entitlement e : payload.entitlements()) {
            ObjectNode node = list.addObject();
            node.put("product", e.product());
            node.put("feature", e.feature());
            node.put("kind", e.kind().json());
            node.put("seats", e.seats());
            node.put("starts", e.starts().toString());
            if (e.expires() == null) {
                node.putNull("expires");
            } else {
                node.put("expires", e.expires().toString());
            }
            if (e.installationId() != null) {
                node.put("installationId", e.installationId());
            }
        }
        if (!payload.supersedes().isEmpty()) {
            ArrayNode ids = root.putArray("supersedes");
            payload.supersedes().forEach(id -> ids.add(id.toString()));
        }
        return MAPPER.writeValueAsBytes(root);
    }

    static LicensePayload read(byte[] json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw malformed("the payload is not valid JSON" + where(e.getLocation()) + ": " + firstLine(e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            throw malformed("the payload is not a JSON object");
        }
        // Checked before unknown fields: a newer format may add fields, and "update Usher" is the useful answer.
        JsonNode format = root.get("format");
        if (format == null) {
            throw malformed("payload field 'format' is missing");
        }
        if (!format.isInt() || format.intValue() != FORMAT && format.intValue() != FORMAT_WITH_SUPERSEDES) {
            throw malformed("payload format " + format + " is not supported: this version of Usher reads formats "
                    + FORMAT + " and " + FORMAT_WITH_SUPERSEDES + "; update Usher or ask the vendor for a format "
                    + FORMAT + " license");
        }
        boolean withSupersedes = format.intValue() == FORMAT_WITH_SUPERSEDES;
        requireKnownFields(root, withSupersedes ? PAYLOAD_FIELDS_2 : PAYLOAD_FIELDS, "payload");
        UUID id = uuid(root, "id");
        Instant issued = instant(root, "issued", "issued", false);
        String customer = string(root, "customer", "customer");
        JsonNode list = required(root, "entitlements", "entitlements");
        if (!list.isArray()) {
            throw malformed("payload field 'entitlements' must be an array");
        }
        if (list.isEmpty()) {
            throw malformed("payload field 'entitlements' is empty: a license grants at least one entitlement");
        }
        List<Entitlement> entitlements = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            entitlements.add(entitlement(list.get(i), "entitlements[" + i + "]"));
        }
        List<UUID> supersedes = withSupersedes ? supersedes(root) : List.of();
        try {
            return new LicensePayload(id, issued, customer, entitlements, supersedes);
        } catch (IllegalArgumentException e) {
            throw malformed("payload: " + e.getMessage());
        }
    }

    private static Entitlement entitlement(JsonNode node, String path) {
        if (!node.isObject()) {
            throw malformed("payload field '" + path + "' must be an object");
        }
        requireKnownFields(node, ENTITLEMENT_FIELDS, path);
        String product = string(node, "product", path + ".product");
        String feature = string(node, "feature", path + ".feature");
        String kindText = string(node, "kind", path + ".kind");
        EntitlementKind kind = EntitlementKind.fromJson(kindText);
        if (kind == null) {
            throw malformed("payload field '" + path + ".kind' must be \"server\" or \"seats\", not " + Entitlement.quote(kindText));
        }
        JsonNode seats = required(node, "seats", path + ".seats");
        if (!seats.isInt()) {
            throw malformed("payload field '" + path + ".seats' must be an integer, not " + abbreviate(seats.toString()));
        }
        Instant starts = instant(node, "starts", path + ".starts", false);
        Instant expires = instant(node, "expires", path + ".expires", true);
        JsonNode installation = node.get("installationId");
        String installationId = null;
        if (installation != null && !installation.isNull()) {
            installationId = string(node, "installationId", path + ".installationId");
        }
        try {
            return new Entitlement(product, feature, kind, seats.intValue(), starts, expires, installationId);
        } catch (IllegalArgumentException e) {
            throw malformed("payload field '" + path + "': " + e.getMessage());
        }
    }

    private static List<UUID> supersedes(JsonNode root) {
        JsonNode list = required(root, "supersedes", "supersedes");
        if (!list.isArray() || list.isEmpty()) {
            throw malformed("payload field 'supersedes' must be a non-empty array of license ids");
        }
        List<UUID> ids = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String path = "supersedes[" + i + "]";
            if (!item.isString()) {
                throw malformed("payload field '" + path + "' must be a string, not " + abbreviate(item.toString()));
            }
            ids.add(canonicalUuid(item.stringValue(), path));
        }
        return ids;
    }

    private static void requireKnownFields(JsonNode node, Set<String> known, String path) {
        for (String name : node.propertyNames()) {
            if (!known.contains(name)) {
                throw malformed("payload field '" + ("payload".equals(path) ? "" : path + ".") + abbreviate(name)
                        + "' is unknown (expected " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static JsonNode required(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw malformed("payload field '" + path + "' is missing");
        }
        return value;
    }

    private static String string(JsonNode node, String field, String path) {
        JsonNode value = required(node, field, path);
        if (!value.isString()) {
            throw malformed("payload field '" + path + "' must be a string, not " + abbreviate(value.toString()));
        }
        return value.stringValue();
    }

    private static UUID uuid(JsonNode node, String field) {
        return canonicalUuid(string(node, field, field), field);
    }

    private static UUID canonicalUuid(String text, String field) {
        try {
            UUID id = UUID.fromString(text);
            // UUID.fromString accepts "1-2-3-4-5"; only the canonical spelling can be compared as text.
            if (id.toString().equals(text)) {
                return id;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw malformed("payload field '" + field + "' must be a lowercase UUID like 123e4567-e89b-12d3-a456-426614174000, not "
                + Entitlement.quote(text));
    }

    private static Instant instant(JsonNode node, String field, String path, boolean nullable) {
        JsonNode value = required(node, field, path);
        if (nullable && value.isNull()) {
            return null;
        }
        String text = string(node, field, path);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw malformed("payload field '" + path + "' must be a UTC instant like 2027-01-01T00:00:00Z"
                    + (nullable ? " or null" : "") + ", not " + Entitlement.quote(text));
        }
    }

    private static String where(TokenStreamLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at JSON line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unexpected input";
        }
        int newline = message.indexOf('\n');
        return abbreviate(newline < 0 ? message : message.substring(0, newline));
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    private static LicenseRejection malformed(String message) {
        return new LicenseRejection(RejectionReason.MALFORMED, message);
    }
}
