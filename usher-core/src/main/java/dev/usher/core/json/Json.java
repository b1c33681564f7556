package dev.usher.core.json;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON value, read strictly ({@link JsonReader}) or written compactly ({@link #write}). Core reads
 * the few JSON documents it owns (a license payload, a vendor key) with this instead of a JSON
 * library: they are signed or trusted, small, and must be refused with a message that names the
 * field, never coerced or half-read.
 */
public sealed interface Json {

    record Obj(Map<String, Json> members) implements Json {
        public Obj {
            members = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }

        public Json get(String name) {
            return members.get(name);
        }
    }

    record Arr(List<Json> items) implements Json {
        public Arr {
            items = List.copyOf(items);
        }
    }

    record Str(String value) implements Json {}

    /** A number as written (so that 1.0 and 1 stay apart, and no precision is lost). */
    record Num(BigDecimal value) implements Json {
        /** The value when it is an integer that fits an int, else null. */
        public Integer intValue() {
            try {
                return value.scale() <= 0 || value.stripTrailingZeros().scale() <= 0 ? value.intValueExact() : null;
            } catch (ArithmeticException e) {
                return null;
            }
        }
    }

    record Bool(boolean value) implements Json {}

    record Null() implements Json {}

    Null NULL = new Null();

    /** What kind of value this is, as a message names it: "a string", "an object", "the number 12". */
    default String describe() {
        return switch (this) {
            case Obj o -> "an object";
            case Arr a -> "an array";
            case Str s -> "the string " + quote(s.value());
            case Num n -> "the number " + n.value().toPlainString();
            case Bool b -> b.value() ? "true" : "false";
            case Null n -> "null";
        };
    }

    /** Compact JSON text, members in their order. */
    default String write() {
        StringBuilder out = new StringBuilder();
        write(this, out);
        return out.toString();
    }

    private static void write(Json v, StringBuilder out) {
        switch (v) {
            case Obj o -> {
                out.append('{');
                boolean first = true;
                for (var e : o.members().entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    out.append(quote(e.getKey())).append(':');
                    write(e.getValue(), out);
                }
                out.append('}');
            }
            case Arr a -> {
                out.append('[');
                for (int i = 0; i < a.items().size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(a.items().get(i), out);
                }
                out.append(']');
            }
            case Str s -> out.append(quote(s.value()));
            case Num n -> out.append(n.value().toPlainString());
            case Bool b -> out.append(b.value());
            case Null n -> out.append("null");
        }
    }

    /** A JSON string literal. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
