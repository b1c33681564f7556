package dev.usher.cli.bench;

import dev.usher.cli.common.CliException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server under test and the checks every bench argument goes through. The bench only ever
 * loads a server on this machine: a load generator pointed at someone else's server by a typo is
 * a denial of service, so the URL must name a loopback address.
 */
record Target(URI url, InetSocketAddress address) {

    static final int DEFAULT_PORT = 9780;

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    /** Parses and checks {@code --url}: plain {@code http}, a loopback host, no path. */
    static Target parse(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new CliException("--url is not a URL: " + url);
        }
        if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase("http")) {
            throw new CliException("--url must be a plain http:// URL (the bench client does not speak TLS): " + url);
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new CliException("--url has no host: " + url);
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new CliException("--url must be the server's root, like http://127.0.0.1:9780 (got " + url + ")");
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw new CliException("--url: unknown host " + host);
        }
        if (!ip.isLoopbackAddress()) {
            throw new CliException("--url must point at this machine (127.0.0.1, ::1 or localhost): the bench puts a server"
                    + " under heavy load and refuses to aim it at " + host);
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        String base = "http://" + (ip.getHostAddress().contains(":") ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress()) + ":" + port;
        return new Target(URI.create(base), new InetSocketAddress(ip, port));
    }

    /** {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}, a bare number of seconds, or ISO-8601 ({@code PT10S}). */
    static Duration parseDuration(String option, String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        }
        try {
            return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new CliException(option + " must be a duration like 10s, 500ms or 2m (got '" + text + "')");
        }
    }

    static Duration requireBetween(String option, Duration d, Duration min, Duration max) {
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new CliException(option + " must be between " + human(min) + " and " + human(max) + " (got " + human(d) + ")");
        }
        return d;
    }

    static int requireBetween(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new CliException(option + " must be between " + min + " and " + max + " (got " + value + ")");
        }
        return value;
    }

    /** A product or feature as one URL path segment. */
    static String segment(String option, String value) {
        if (value == null || value.isBlank() || value.length() > 128) {
            throw new CliException(option + " must be 1-128 characters");
        }
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms >= 60_000) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
