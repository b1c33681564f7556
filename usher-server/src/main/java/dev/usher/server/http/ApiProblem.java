package dev.usher.server.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem to answer with: HTTP status, a stable type suffix (e.g. {@code no-seats-available})
 * that programs switch on, a title, and a detail sentence a person understands. Extra members carry
 * the numbers (capacity, inUse, ...).
 */
public final class ApiProblem extends RuntimeException {

    public static final String TYPE_PREFIX = "urn:usher:problem:";

    private final int status;
    private final String type;
    private final String title;
    private final Map<String, Object> extensions = new LinkedHashMap<>();

    public ApiProblem(int status, String type, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    public static ApiProblem validation(String detail) {
        return new ApiProblem(400, "validation-failed", "The request is not valid", detail);
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "not-found", "Not found", detail);
    }

    public ApiProblem with(String key, Object value) {
        extensions.put(key, value);
        return this;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** The body: type, title, status, detail, then the extension members. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_PREFIX + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", getMessage());
        body.putAll(extensions);
        return body;
    }
}
