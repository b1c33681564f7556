package dev.usher.server.http;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * JSON refusals in the API's words: which member ({@code rules[0].seats}), what it must be ("a whole
 * number"), what was sent ("the string '5'"), and the member that was probably meant. Never a Java
 * class name: the people reading these write curl commands and scripts, not Java.
 */
final class JsonWords {

    private JsonWords() {
    }

    /** {@code rules[0].seats}; empty for the body itself. */
    static String where(List<JacksonException.Reference> path) {
        StringBuilder b = new StringBuilder();
        for (JacksonException.Reference r : path) {
            if (r.getPropertyName() != null) {
                b.append(b.isEmpty() ? "" : ".").append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** A member of the wrong type: "member 'enabled' must be true or false, not the number 0". */
    static String mismatch(JsonNode tree, List<JacksonException.Reference> path, Class<?> target) {
        String member = where(path);
        JsonNode value = at(tree, path);
        String expected = target == null ? "of another type" : expected(target);
        if (member.isEmpty()) {
            return "the request body must be " + expected;
        }
        if (value == null || value.isNull()) {
            return "member '" + member + "' must be " + expected + ", not null";
        }
        return "member '" + member + "' must be " + expected + ", not " + sent(value);
    }

    /** What a type is called in the API description. */
    static String expected(Class<?> type) {
        if (type == String.class || type == Character.class || type == char.class || type == java.util.UUID.class) {
            return type == java.util.UUID.class ? "a UUID string" : "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class
                || type == Short.class || type == short.class || type == java.math.BigInteger.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "a date-time string such as 2026-06-01T12:00:00Z";
        }
        if (type.isEnum()) {
            return "one of " + String.join(", ", java.util.Arrays.stream(type.getEnumConstants()).map(Object::toString).toList());
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return Map.class.isAssignableFrom(type) || type.isRecord() || !type.isPrimitive() ? "an object" : "a value";
    }

    /** What was sent: "the number 0", "the string 'false'", "an array". */
    static String sent(JsonNode n) {
        if (n.isString()) {
            String s = n.asString();
            return s.length() <= 40 ? "the string '" + s + "'" : "a string";
        }
        if (n.isNumber() || n.isBoolean()) {
            return (n.isNumber() ? "the number " : "") + n;
        }
        if (n.isArray()) {
            return "an array";
        }
        if (n.isObject()) {
            return "an object";
        }
        return n.isNull() ? "null" : "a value";
    }

    /** "; did you mean 'seats'? The members are: kind, role, seats, user". */
    static String didYouMean(String given, Collection<Object> known) {
        List<String> names = known.stream().map(String::valueOf).sorted().toList();
        String closest = names.stream().min(Comparator.comparingInt(k -> distance(given.toLowerCase(java.util.Locale.ROOT),
                k.toLowerCase(java.util.Locale.ROOT)))).orElse(null);
        boolean close = closest != null && distance(given.toLowerCase(java.util.Locale.ROOT), closest.toLowerCase(java.util.Locale.ROOT))
                <= Math.max(2, given.length() / 3);
        return (close ? "; did you mean '" + closest + "'?" : ";") + " The members are: " + String.join(", ", names);
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static JsonNode at(JsonNode tree, List<JacksonException.Reference> path) {
        JsonNode n = tree;
        for (JacksonException.Reference r : path) {
            if (n == null) {
                return null;
            }
            n = r.getPropertyName() != null ? n.get(r.getPropertyName()) : r.getIndex() >= 0 ? n.get(r.getIndex()) : n;
        }
        return n;
    }

    private static int distance(String a, String b) {
        return dev.usher.core.text.EditDistance.levenshtein(a, b);
    }
}
