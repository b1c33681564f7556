package dev.usher.server.console;

import java.util.HashMap;
import java.util.Map;

/** What a form was filled with and what is wrong with each field, to show it again next to the field. */
public final class FormState {

    private final Map<String, String> values = new HashMap<>();
    private final Map<String, String> errors = new HashMap<>();

    public static FormState empty() {
        return new FormState();
    }

    public FormState with(String field, String value) {
        if (value != null) {
            values.put(field, value);
        }
        return this;
    }

    public FormState error(String field, String message) {
        errors.put(field, message);
        return this;
    }

    public String value(String field) {
        return values.getOrDefault(field, "");
    }

    public String error(String field) {
        return errors.get(field);
    }

    public boolean hasError(String field) {
        return errors.containsKey(field);
    }

    /** "true" for aria-invalid when the field has an error; null leaves the attribute out. */
    public String invalid(String field) {
        return errors.containsKey(field) ? "true" : null;
    }

    /** For checkboxes and radio buttons: whether the stored value is this one. */
    public boolean is(String field, String value) {
        return value.equals(values.get(field));
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** The id of the element describing this field's error, for aria-describedby. */
    public String errorId(String field) {
        return errors.containsKey(field) ? field.replaceAll("[^A-Za-z0-9_-]", "-") + "-error" : null;
    }
}
