package dev.usher.core.license;

import dev.usher.core.json.Json;
import dev.usher.core.json.JsonReader;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

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
 * exact field ({@code entitlements[1].seats}). Core's own strict reader ({@link JsonReader}) refuses a member
 * written twice (different JSON readers could otherwise see different customers in the same signed bytes).
 */
final class PayloadJson {

    static final int FORMAT = 1;
    static final int FORMAT_WITH_SUPERSEDES = 2;

    private static final Set<String> PAYLOAD_FIELDS = Set.of("format", "id", "issued", "customer", "entitlements");
    private static final Set<String> PAYLOAD_FIELDS_2 = Set.of("format", "id", "issued", "customer", "entitlements", "supersedes");
    private static final Set<String> ENTITLEMENT_FIELDS =
            Set.of("product", "feature", "kind", "seats", "starts", "expires", "installationId");

    private PayloadJson() {
    }

    static byte[] write(LicensePayload payload) {
        Map<String, Json> root = new LinkedHashMap<>();
        root.put("format", number(payload.supersedes().isEmpty() ? FORMAT : FORMAT_WITH_SUPERSEDES));
        root.put("id", new Json.Str(payload.id().toString()));
        root.put("issued", new Json.Str(payload.issued().toString()));
        root.put("customer", new Json.Str(payload.customer()));
        List<Json> list = new ArrayList<>();
        for (Entitlement e : payload.entitlements()) {
            Map<String, Json> node = new LinkedHashMap<>();
            node.put("product", new Json.Str(e.product()));
            node.put("feature", new Json.Str(e.feature()));
            node.put("kind", new Json.Str(e.kind().json()));
            node.put("seats", number(e.seats()));
            node.put("starts", new Json.Str(e.starts().toString()));
            node.put("expires", e.expires() == null ? Json.NULL : new Json.Str(e.expires().toString()));
            if (e.installationId() != null) {
                node.put("installationId", new Json.Str(e.installationId()));
            }
            list.add(new Json.Obj(node));
        }
        root.put("entitlements", new Json.Arr(list));
        if (!payload.supersedes().isEmpty()) {
            root.put("supersedes", new Json.Arr(payload.supersedes().stream().<Json>map(id -> new Json.Str(id.toString())).toList()));
        }
        return new Json.Obj(root).write().getBytes(StandardCharsets.UTF_8);
    }

    private static Json number(int n) {
        return new Json.Num(BigDecimal.valueOf(n));
    }

    static LicensePayload read(byte[] json) {
        Json parsed;
        try {
            parsed = JsonReader.read(utf8(json));
        } catch (JsonReader.MalformedJson e) {
            throw malformed("the payload is not valid JSON at JSON " + abbreviate(e.getMessage()));
        }
        if (!(parsed instanceof Json.Obj root)) {
            throw malformed("the payload is not a JSON object");
        }
        // Checked before unknown fields: a newer format may add fields, and "update Usher" is the useful answer.
        Json format = root.get("format");
        if (format == null) {
            throw malformed("payload field 'format' is missing");
        }
        Integer formatNumber = integer(format);
        if (formatNumber == null || formatNumber != FORMAT && formatNumber != FORMAT_WITH_SUPERSEDES) {
            throw malformed("payload format " + format.write() + " is not supported: this version of Usher reads formats "
                    + FORMAT + " and " + FORMAT_WITH_SUPERSEDES + "; update Usher or ask the vendor for a format "
                    + FORMAT + " license");
        }
        boolean withSupersedes = formatNumber == FORMAT_WITH_SUPERSEDES;
        requireKnownFields(root, withSupersedes ? PAYLOAD_FIELDS_2 : PAYLOAD_FIELDS, "payload");
        UUID id = uuid(root, "id");
        Instant issued = instant(root, "issued", "issued", false);
        String customer = string(root, "customer", "customer");
        if (!(required(root, "entitlements", "entitlements") instanceof Json.Arr arr)) {
            throw malformed("payload field 'entitlements' must be an array");
        }
        List<Json> list = arr.items();
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

    private static Entitlement entitlement(Json value, String path) {
        if (!(value instanceof Json.Obj node)) {
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
        Json seatsValue = required(node, "seats", path + ".seats");
        Integer seats = integer(seatsValue);
        if (seats == null) {
            throw malformed("payload field '" + path + ".seats' must be an integer, not " + abbreviate(seatsValue.write()));
        }
        Instant starts = instant(node, "starts", path + ".starts", false);
        Instant expires = instant(node, "expires", path + ".expires", true);
        Json installation = node.get("installationId");
        String installationId = null;
        if (installation != null && !(installation instanceof Json.Null)) {
            installationId = string(node, "installationId", path + ".installationId");
        }
        try {
            return new Entitlement(product, feature, kind, seats, starts, expires, installationId);
        } catch (IllegalArgumentException e) {
            throw malformed("payload field '" + path + "': " + e.getMessage());
        }
    }

    private static List<UUID> supersedes(Json.Obj root) {
        if (!(required(root, "supersedes", "supersedes") instanceof Json.Arr arr) || arr.items().isEmpty()) {
            throw malformed("payload field 'supersedes' must be a non-empty array of license ids");
        }
        List<Json> list = arr.items();
        List<UUID> ids = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String path = "supersedes[" + i + "]";
            if (!(list.get(i) instanceof Json.Str item)) {
                throw malformed("payload field '" + path + "' must be a string, not " + abbreviate(list.get(i).write()));
            }
            ids.add(canonicalUuid(item.value(), path));
        }
        return ids;
    }

    private static void requireKnownFields(Json.Obj node, Set<String> known, String path) {
        for (String name : node.members().keySet()) {
            if (!known.contains(name)) {
                throw malformed("payload field '" + ("payload".equals(path) ? "" : path + ".") + abbreviate(name)
                        + "' is unknown (expected " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static Json required(Json.Obj node, String field, String path) {
        Json value = node.get(field);
        if (value == null) {
            throw malformed("payload field '" + path + "' is missing");
        }
        return value;
    }

    private static String string(Json.Obj node, String field, String path) {
        Json value = required(node, field, path);
        if (!(value instanceof Json.Str str)) {
            throw malformed("payload field '" + path + "' must be a string, not " + abbreviate(value.write()));
        }
        return str.value();
    }

    private static UUID uuid(Json.Obj node, String field) {
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

    private static Instant instant(Json.Obj node, String field, String path, boolean nullable) {
        Json value = required(node, field, path);
        if (nullable && value instanceof Json.Null) {
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

    /** An integer written as one (25, not 25.0: a vendor tool writing decimals should hear of it), else null. */
    private static Integer integer(Json value) {
        return value instanceof Json.Num n && n.value().scale() <= 0 ? n.intValue() : null;
    }

    /** The payload's bytes as text; bytes that are not UTF-8 are refused, not replaced. */
    private static String utf8(byte[] json) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(json)).toString();
        } catch (CharacterCodingException e) {
            throw malformed("the payload is not UTF-8 text");
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    private static LicenseRejection malformed(String message) {
        return new LicenseRejection(RejectionReason.MALFORMED, message);
    }
}
