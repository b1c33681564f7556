package dev.usher.core.json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one JSON document (RFC 8259) strictly: a member name twice, anything after the value, a
 * number JSON does not allow, a lone surrogate escape, nesting deeper than {@link #MAX_DEPTH} are
 * all refused with the line and column. Nothing is coerced.
 */
public final class JsonReader {

    public static final int MAX_DEPTH = 32;

    /** Malformed JSON: where, and what was expected. */
    public static final class MalformedJson extends IllegalArgumentException {
        public MalformedJson(String message) {
            super(message);
        }
    }

    private final String text;
    private int pos;

    private JsonReader(String text) {
        this.text = text;
    }

    public static Json read(String text) {
        JsonReader r = new JsonReader(text);
        r.space();
        Json value = r.value(0);
        r.space();
        if (r.pos < text.length()) {
            throw r.fail("unexpected " + r.describeNext() + " after the value");
        }
        return value;
    }

    private Json value(int depth) {
        if (depth > MAX_DEPTH) {
            throw fail("nested deeper than " + MAX_DEPTH + " levels");
        }
        if (pos >= text.length()) {
            throw fail("the text ends where a value was expected");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> new Json.Str(string());
            case 't' -> literal("true", new Json.Bool(true));
            case 'f' -> literal("false", new Json.Bool(false));
            case 'n' -> literal("null", Json.NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw fail("unexpected " + describeNext() + " where a value was expected");
            }
        };
    }

    private Json object(int depth) {
        pos++;
        Map<String, Json> members = new LinkedHashMap<>();
        space();
        if (peek('}')) {
            pos++;
            return new Json.Obj(members);
        }
        while (true) {
            space();
            if (!peek('"')) {
                throw fail("unexpected " + describeNext() + " where a member name was expected");
            }
            int at = pos;
            String name = string();
            if (members.containsKey(name)) {
                pos = at;
                throw fail("member " + Json.quote(name) + " appears twice");
            }
            space();
            expect(':');
            space();
            members.put(name, value(depth + 1));
            space();
            if (peek(',')) {
                pos++;
                continue;
            }
            expect('}');
            return new Json.Obj(members);
        }
    }

    private Json array(int depth) {
        pos++;
        List<Json> items = new ArrayList<>();
        space();
        if (peek(']')) {
            pos++;
            return new Json.Arr(items);
        }
        while (true) {
            space();
            items.add(value(depth + 1));
            space();
            if (peek(',')) {
                pos++;
                continue;
            }
            expect(']');
            return new Json.Arr(items);
        }
    }

    private String string() {
        pos++; // the opening quote
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw fail("a string is not closed");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                pos--;
                throw fail("a control character inside a string (escape it)");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw fail("a string ends inside an escape");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"' -> out.append('"');
                case '\\' -> out.append('\\');
                case '/' -> out.append('/');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    char u = hex4();
                    if (Character.isHighSurrogate(u)) {
                        if (text.startsWith("\\u", pos)) {
                            pos += 2;
                            char low = hex4();
                            if (!Character.isLowSurrogate(low)) {
                                throw fail("a \\u escape of a high surrogate is not followed by a low one");
                            }
                            out.append(u).append(low);
                        } else {
                            throw fail("a lone surrogate \\u escape");
                        }
                    } else if (Character.isLowSurrogate(u)) {
                        throw fail("a lone surrogate \\u escape");
                    } else {
                        out.append(u);
                    }
                }
                default -> {
                    pos--;
                    throw fail("an unknown escape \\" + e);
                }
            }
        }
    }

    private char hex4() {
        if (pos + 4 > text.length()) {
            throw fail("a \\u escape needs four hex digits");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos + i), 16);
            if (d < 0) {
                throw fail("a \\u escape needs four hex digits");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private Json number() {
        int start = pos;
        if (peek('-')) {
            pos++;
        }
        if (peek('0')) {
            pos++;
        } else if (pos < text.length() && text.charAt(pos) >= '1' && text.charAt(pos) <= '9') {
            digits();
        } else {
            throw fail("a number needs digits");
        }
        if (peek('.')) {
            pos++;
            if (digits() == 0) {
                throw fail("a number needs digits after its decimal point");
            }
        }
        if (peek('e') || peek('E')) {
            pos++;
            if (peek('+') || peek('-')) {
                pos++;
            }
            if (digits() == 0) {
                throw fail("a number needs digits in its exponent");
            }
        }
        String literal = text.substring(start, pos);
        if (literal.length() > 100) {
            throw fail("a number of more than 100 characters");
        }
        return new Json.Num(new BigDecimal(literal));
    }

    private int digits() {
        int n = 0;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
            n++;
        }
        return n;
    }

    private Json literal(String word, Json value) {
        if (!text.startsWith(word, pos)) {
            throw fail("unexpected " + describeNext() + " where a value was expected");
        }
        pos += word.length();
        return value;
    }

    private void space() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw fail("expected '" + c + "' but found " + describeNext());
        }
        pos++;
    }

    private String describeNext() {
        if (pos >= text.length()) {
            return "the end of the text";
        }
        char c = text.charAt(pos);
        return c < 0x20 || c > 0x7e ? String.format("character U+%04X", (int) c) : "'" + c + "'";
    }

    private MalformedJson fail(String what) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new MalformedJson("line " + line + ", column " + column + ": " + what);
    }
}
