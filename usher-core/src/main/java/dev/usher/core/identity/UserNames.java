package dev.usher.core.identity;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns the many spellings of one person into one key.
 *
 * <p>Clients report names however their platform spells them: {@code CORP\alice},
 * {@code alice@corp.example}, {@code Alice}, with stray spaces or full-width letters pasted from a
 * document. Servers that compare these literally hand one person several seats. The key is the
 * Unicode NFKC form, trimmed, case-folded, and (by default) without the Windows domain prefix or
 * the e-mail/UPN domain suffix. The canonical spelling shown to people is kept separately: the first
 * spelling seen.
 */
public final class UserNames {

    public static final int MAX_LENGTH = 256;

    private final boolean stripDomain;

    public UserNames(boolean stripDomain) {
        this.stripDomain = stripDomain;
    }

    /** The comparison key for a user name the client sent; rejects what cannot be a name. */
    public String key(String raw) {
        String name = clean(raw, "user");
        if (stripDomain) {
            int backslash = name.lastIndexOf('\\');
            if (backslash >= 0) {
                name = name.substring(backslash + 1);
            }
            int at = name.indexOf('@');
            if (at >= 0) {
                name = name.substring(0, at);
            }
            if (name.isBlank()) {
                throw new InvalidNameException("user name '" + raw.strip() + "' has a domain but no user part");
            }
        }
        // Locale.ROOT: "I".toLowerCase() in a Turkish locale is a dotless ı, which would split one person in two.
        return name.strip().toLowerCase(Locale.ROOT);
    }

    /** The spelling to keep for display: trimmed and NFKC-normalized, case and domain preserved. */
    public String display(String raw) {
        return clean(raw, "user");
    }

    /** A host name as reported, validated, for display. */
    public static String host(String raw) {
        return clean(raw, "host");
    }

    /**
     * The key for a host name: case-insensitive, and a fully qualified name counts as its first label
     * ({@code WS1.corp.example} and {@code ws1} are one machine), except for IP address literals.
     */
    public static String hostKey(String raw) {
        String host = clean(raw, "host").toLowerCase(Locale.ROOT);
        boolean ipLiteral = host.contains(":") || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        if (!ipLiteral) {
            int dot = host.indexOf('.');
            if (dot > 0) {
                host = host.substring(0, dot);
            }
        }
        return host;
    }

    private static String clean(String raw, String what) {
        Objects.requireNonNull(what);
        if (raw == null) {
            throw new InvalidNameException(what + " is missing");
        }
        String name = Normalizer.normalize(raw, Normalizer.Form.NFKC).strip();
        if (name.isEmpty()) {
            throw new InvalidNameException(what + " is empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidNameException(what + " is longer than " + MAX_LENGTH + " characters");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidNameException(what + " contains control characters");
        }
        return name;
    }

    /** A name that cannot identify anybody; the message says which and why. */
    public static final class InvalidNameException extends IllegalArgumentException {
        public InvalidNameException(String message) {
            super(message);
        }
    }
}
