package dev.usher.cli.report;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A URL query string from name/value pairs, skipping nulls. */
final class Query {

    private Query() {
    }

    static String of(String... pairs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                b.append(b.isEmpty() ? '?' : '&').append(pairs[i]).append('=')
                        .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
            }
        }
        return b.toString();
    }
}
