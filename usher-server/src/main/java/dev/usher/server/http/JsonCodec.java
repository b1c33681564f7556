package dev.usher.server.http;

import io.javalin.http.Context;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.module.SimpleModule;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import java.util.Locale;

/**
 * The one JSON configuration of the HTTP API, and how request bodies are read: strictly. A body is
 * {@code application/json}; a member has the type the API says ({@code "false"} and {@code 0} are not
 * {@code false}, {@code 12345} is not a name); a member given twice is refused rather than the last one
 * winning; and a member the endpoint does not know is refused with the closest one it does know, except
 * in the bodies of the client protocol (checkout, borrow), which are annotated to ignore them so that an
 * older server still serves a newer client. Every refusal is a 400 that names the member in the API's
 * words, never a Java type.
 */
public final class JsonCodec {

    /** Deeper than any body of this API; a limit so that a crafted body cannot exhaust the stack. */
    static final int MAX_NESTING = 32;

    private static final JsonMapper MAPPER = build();

    private JsonCodec() {
    }

    /** The API's mapper: for responses, and (through {@link #read}) for request bodies. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    private static JsonMapper build() {
        JsonFactory factory = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
                .build();
        return JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfigDefaults(c -> {
                    c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
                    c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
                    c.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
                })
                // A date-time is a string like 2026-06-01T12:00:00Z, not a count of seconds.
                .addModule(new SimpleModule("usher-instants").addDeserializer(Instant.class, new InstantFromText()))
                .build();
    }

    /** An ISO-8601 string ({@code 2026-06-01T12:00:00Z}, an offset allowed); a number is refused, not read as seconds. */
    private static final class InstantFromText extends ValueDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) {
            if (!p.hasToken(JsonToken.VALUE_STRING)) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            String text = p.getString().strip();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, text, "not an ISO-8601 date-time");
            }
        }
    }

    /** The request's JSON body as {@code type}, or a 400/415 that says what is wrong with it. */
    public static <T> T read(Context ctx, Class<T> type) {
        return read(ctx, MAPPER.readerFor(type));
    }

    /** As {@link #read(Context, Class)} with a reader configured for one body (e.g. nulls for primitives allowed). */
    public static <T> T read(Context ctx, ObjectReader reader) {
        MediaTypes.requireJson(ctx);
        return readBody(ctx.bodyAsBytes(), reader);
    }

    /** Reads a body already known to be JSON. */
    static <T> T readBody(byte[] body, ObjectReader reader) {
        if (body.length == 0) {
            throw ApiProblem.validation("the request body is empty; send a JSON object");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (StreamConstraintsException e) {
            throw ApiProblem.validation("the JSON is refused: " + constraint(e));
        } catch (JacksonException e) {
            throw ApiProblem.validation(syntax(e));
        }
        if (tree == null || tree.isMissingNode()) {
            throw ApiProblem.validation("the request body is empty; send a JSON object");
        }
        if (!tree.isObject()) {
            throw ApiProblem.validation("the request body must be a JSON object, not " + JsonWords.sent(tree));
        }
        try {
            return reader.readValue(tree);
        } catch (UnrecognizedPropertyException e) {
            String at = JsonWords.where(e.getPath().subList(0, e.getPath().size() - 1));
            throw ApiProblem.validation("'" + e.getPropertyName() + "' is not a member " + (at.isEmpty() ? "of this request" : "of " + at)
                    + JsonWords.didYouMean(e.getPropertyName(), e.getKnownPropertyIds()));
        } catch (MismatchedInputException e) {
            throw ApiProblem.validation(JsonWords.mismatch(tree, e.getPath(), e.getTargetType()));
        } catch (DatabindException e) {
            throw ApiProblem.validation(JsonWords.mismatch(tree, e.getPath(), null));
        } catch (JacksonException e) {
            // A number out of its type's range: there is no member path at this level, only the value.
            throw ApiProblem.validation("a number in the body is out of range: " + JsonWords.firstLine(e.getOriginalMessage()
                    .replaceAll("`[^`]*`", "its type")));
        }
    }

    private static String syntax(JacksonException e) {
        var loc = e.getLocation();
        String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        String message = e.getOriginalMessage();
        if (message != null && message.startsWith("Duplicate Object property")) {
            return "member " + message.substring("Duplicate Object property ".length()) + where
                    + " is given twice: send each member once";
        }
        return "malformed JSON" + where + ": " + JsonWords.firstLine(message == null ? "unreadable" : message
                .replaceAll(" \\(code \\d+\\)", "").replaceAll("\\(for [^)]*\\)", "").strip());
    }

    private static String constraint(StreamConstraintsException e) {
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().toLowerCase(Locale.ROOT);
        if (m.contains("nesting depth")) {
            return "it nests objects and arrays deeper than " + MAX_NESTING + " levels";
        }
        if (m.contains("string value length")) {
            return "a string in it is longer than the limit";
        }
        if (m.contains("number value length")) {
            return "a number in it has more digits than the limit";
        }
        return "it is larger or deeper than this server reads";
    }
}
