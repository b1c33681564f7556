package dev.usher.cli.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a setting's text becomes a value. {@link #parse} throws {@link IllegalArgumentException}
 * with the part of the message after "key: ", e.g. {@code 'abc' is not a number (0-65535)}.
 */
public sealed interface ValueType {

    Object parse(String text);

    /** What the documentation says a value looks like. */
    String describe();

    record Number(long min, long max, String unit) implements ValueType {
        @Override
        public Object parse(String text) {
            long v;
            try {
                v = Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a number " + range());
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException(v + " is out of range " + range());
            }
            return v;
        }

        private String range() {
            return "(" + min + "-" + max + (unit.isEmpty() ? "" : " " + unit) + ")";
        }

        @Override
        public String describe() {
            return (unit.isEmpty() ? "number " : unit + " ") + min + "-" + max;
        }
    }

    /** A number in a range, or one word that means "no limit" (e.g. {@code forever}). */
    record NumberOr(Number number, String word) implements ValueType {
        @Override
        public Object parse(String text) {
            if (text.strip().equalsIgnoreCase(word)) {
                return word;
            }
            try {
                return number.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " or " + word);
            }
        }

        @Override
        public String describe() {
            return number.describe() + " \\| " + word;
        }
    }

    record Flag() implements ValueType {
        @Override
        public Object parse(String text) {
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
            };
        }

        @Override
        public String describe() {
            return "true or false";
        }
    }

    record Choice(List<String> values) implements ValueType {
        @Override
        public Object parse(String text) {
            String v = text.strip().toLowerCase(Locale.ROOT);
            if (!values.contains(v)) {
                throw new IllegalArgumentException("'" + text + "' is not one of " + String.join(", ", values.subList(0, values.size() - 1))
                        + " or " + values.getLast());
            }
            return v;
        }

        @Override
        public String describe() {
            return String.join(" \\| ", values);
        }
    }

    /** A file or directory; relative paths in a configuration file are relative to that file's directory. */
    record FilePath() implements ValueType {
        @Override
        public Object parse(String text) {
            String v = text.strip();
            if (v.isEmpty()) {
                throw new IllegalArgumentException("the path is empty");
            }
            return java.nio.file.Path.of(v);
        }

        @Override
        public String describe() {
            return "path";
        }
    }

    /** Comma-separated paths. */
    record PathList() implements ValueType {
        @Override
        public Object parse(String text) {
            List<java.nio.file.Path> paths = new ArrayList<>();
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    paths.add(java.nio.file.Path.of(part.strip()));
                }
            }
            return List.copyOf(paths);
        }

        @Override
        public String describe() {
            return "paths, comma-separated";
        }
    }

    /** Comma-separated words (e-mail addresses, event names). */
    record TextList() implements ValueType {
        @Override
        public Object parse(String text) {
            List<String> out = new ArrayList<>();
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
            return List.copyOf(out);
        }

        @Override
        public String describe() {
            return "text, comma-separated";
        }
    }

    /** Comma-separated numbers, each in a range. */
    record NumberList(long min, long max, String unit) implements ValueType {
        @Override
        public Object parse(String text) {
            List<Long> out = new ArrayList<>();
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    out.add((Long) new Number(min, max, unit).parse(part));
                }
            }
            return List.copyOf(out);
        }

        @Override
        public String describe() {
            return unit + " " + min + "-" + max + ", comma-separated";
        }
    }

    /** A PostgreSQL URL, checked the way the store will read it (the message never repeats the password). */
    record DatabaseUrl() implements ValueType {
        @Override
        public Object parse(String text) {
            String v = text.strip();
            dev.usher.store.postgresql.PostgresUrl.parse(v);
            return v;
        }

        @Override
        public String describe() {
            return "postgresql://HOST:PORT/DB?user=U&password=P";
        }
    }

    record Text(int minLength) implements ValueType {
        @Override
        public Object parse(String text) {
            String v = text.strip();
            if (v.length() < minLength) {
                throw new IllegalArgumentException("must be at least " + minLength + " characters");
            }
            return v;
        }

        @Override
        public String describe() {
            return minLength > 1 ? "text, " + minLength + "+ characters" : "text";
        }
    }
}
