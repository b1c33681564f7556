package dev.usher.server.http;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The one JSON configuration of the HTTP API: ISO-8601 instants, unknown members ignored. */
public final class JsonCodec {

    private JsonCodec() {
    }

    public static JsonMapper mapper() {
        return JsonMapper.builder()
                // Clients of a newer API version may send members this server does not know yet.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /** Parses a request body, answering 400 with where the JSON broke. */
    public static <T> T read(JsonMapper mapper, byte[] body, Class<T> type) {
        if (body.length == 0) {
            throw ApiProblem.validation("the request body is empty; send a JSON object");
        }
        try {
            T value = mapper.readValue(body, type);
            if (value == null) {
                throw ApiProblem.validation("the request body is null; send a JSON object");
            }
            return value;
        } catch (JacksonException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw ApiProblem.validation("malformed JSON" + where + ": " + e.getOriginalMessage());
        }
    }
}
