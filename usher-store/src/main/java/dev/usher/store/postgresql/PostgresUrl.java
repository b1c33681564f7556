package dev.usher.store.postgresql;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A PostgreSQL location as administrators write it ({@code postgresql://host:port/db?user=u&password=p},
 * {@code postgresql://u:p@host/db}, or the driver's own {@code jdbc:postgresql://...}), turned into
 * the JDBC URL the driver takes. {@link #toString()} never shows the password.
 */
public record PostgresUrl(String jdbcUrl, String redacted) {

    /** True when {@code url} names PostgreSQL (whatever else is wrong with it). */
    public static boolean isPostgres(String url) {
        return url != null && (url.startsWith("postgresql://") || url.startsWith("postgres://") || url.startsWith("jdbc:postgresql://"));
    }

    public static PostgresUrl parse(String url) {
        if (!isPostgres(url)) {
            throw new IllegalArgumentException("the database URL must start with postgresql:// (e.g. postgresql://db.example:5432/usher?user=usher&password=...)");
        }
        String plain = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
        URI uri;
        try {
            uri = new URI(plain.replaceFirst("^postgres(ql)?://", "postgresql://"));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the database URL is not a valid URL: " + e.getReason());
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("the database URL names no host (postgresql://HOST:PORT/DATABASE)");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.length() < 2) {
            throw new IllegalArgumentException("the database URL names no database (postgresql://HOST:PORT/DATABASE)");
        }
        StringBuilder query = new StringBuilder(uri.getRawQuery() == null ? "" : uri.getRawQuery());
        if (uri.getRawUserInfo() != null) {
            // The driver does not read user:password@; pass them as parameters instead.
            String[] parts = uri.getRawUserInfo().split(":", 2);
            append(query, "user", URLDecoder.decode(parts[0], StandardCharsets.UTF_8));
            if (parts.length > 1) {
                append(query, "password", URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
            }
        }
        String host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        String jdbc = "jdbc:postgresql://" + host + path + (query.isEmpty() ? "" : "?" + query);
        String redacted = "postgresql://" + host + path + (query.isEmpty() ? "" : "?" + query.toString().replaceAll("(?i)(password=)[^&]*", "$1***"));
        return new PostgresUrl(jdbc, redacted);
    }

    private static void append(StringBuilder query, String key, String value) {
        if (!query.isEmpty()) {
            query.append('&');
        }
        query.append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return redacted;
    }
}
